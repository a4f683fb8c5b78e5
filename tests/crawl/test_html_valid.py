"""Valid HTML, as the Nu HTML Checker judges it (standing rule 11; issue 16 found 309 errors on the audit pages).

One account of each demo role walks the portal from its dashboard (links and GET forms, one URL per view, no
POST: the language test's crawl), and every HTML page it read goes to the Nu checker (vnu.jar, which `make setup`
installs with npm into var/npm and runs on the machine's Java) in one run. No error is allowed; warnings are not
counted. The checker reads files, not the network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import skip_or_fail

from .test_languages import ROLES, LanguageCrawl

VNU = Path(
    os.environ.get("VNU_JAR", Path(__file__).resolve().parents[2] / "var/npm/node_modules/vnu-jar/build/dist/vnu.jar")
)


def nu_errors(folder: Path) -> list[dict]:
    java = shutil.which("java")
    if java is None or not VNU.exists():
        skip_or_fail(f"the Nu HTML checker needs Java and {VNU} (make setup installs both)")
    done = subprocess.run(  # noqa: S603
        [java, "-Xss8m", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always", str(folder)],
        capture_output=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stderr or b'{"messages": []}')["messages"]


def test_every_page_of_every_role_is_valid_html(demo_world, db, tmp_path):
    urls = {}
    for role, email in ROLES.items():
        crawl = LanguageCrawl(demo_world.user(email), is_admin=role == "administrator")
        crawl.pages_read = {}
        crawl.run()
        for index, (url, (_view, html)) in enumerate(sorted(crawl.pages_read.items())):
            name = f"{role.replace(' ', '-')}-{index:03}.html"
            (tmp_path / name).write_text(html, encoding="utf-8")
            urls[name] = url
    assert len(urls) >= 150, len(urls)

    errors = nu_errors(tmp_path)
    found = sorted(
        {f"{urls[Path(e['url']).name]}: {e.get('message', '')[:160]}" for e in errors if e.get("type") == "error"}
    )
    assert found == [], "\n".join(found[:60])


def test_the_checker_reports_an_error_it_is_shown(tmp_path):
    # The check above is only as good as this: a <time> with a six-digit fraction, as the audit page wrote it.
    page = '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><time datetime="{}">x</time></body>'
    (tmp_path / "bad.html").write_text(page.format("2026-12-06T20:37:31.386123+00:00"), encoding="utf-8")
    (tmp_path / "good.html").write_text(page.format("2026-12-06T20:37:31Z"), encoding="utf-8")
    errors = [e for e in nu_errors(tmp_path) if e.get("type") == "error"]
    assert [Path(e["url"]).name for e in errors] == ["bad.html"]
