"""The selection pages as a browser reads them: valid HTML by the Nu checker (as tests/crawl does for the demo),
every form field with a label, no inline style or script (the CSP forbids them)."""

from pathlib import Path

import pytest
from django.urls import reverse

from selection import links
from tests.crawl.pages import parse
from tests.crawl.test_html_valid import nu_errors

pytestmark = pytest.mark.django_db


def pages(world, sel):
    staff = [
        reverse("selection:call_list"),
        reverse("selection:call_create") + "?partnership=p1",
        sel.call_a.get_absolute_url(),
        reverse("selection:call_edit", kwargs={"code": sel.call_a.code}),
        reverse("selection:call_criteria", kwargs={"code": sel.draft_a.code}),
        reverse("selection:call_criteria", kwargs={"code": sel.call_a.code}),
        sel.draft_a.get_absolute_url(),
        reverse("selection:application_create", kwargs={"code": sel.call_a.code}),
        sel.app_a.get_absolute_url(),
    ]
    public = [
        reverse("selection:open_calls"),
        reverse("selection:privacy"),
        sel.call_a.get_public_url(),
        reverse("selection:apply", kwargs={"code": sel.call_a.code}),
        reverse("selection:applied", kwargs={"code": sel.call_a.code}),
        links.status_path(sel.app_a),
    ]
    return staff, public


def test_every_selection_page_is_valid_html_with_labelled_fields(world, sel, client, tmp_path):
    staff, public = pages(world, sel)
    read = {}
    for url in public:
        read[url] = client.get(url)
    client.force_login(world.pc_a)
    for url in staff:
        read[url] = client.get(url)
    names = {}
    for index, (url, response) in enumerate(read.items()):
        assert response.status_code == 200, url
        html = response.content.decode()
        assert " style=" not in html and "<script>" not in html and " onclick=" not in html, url
        page = parse(html)
        for form in page.forms:
            for field in form.fields:
                if field.type in ("hidden", "submit") or field.name == "csrfmiddlewaretoken":
                    continue
                assert field.id and field.id in page.labels, f"{url}: {field.name} has no label"
        name = f"page-{index:02}.html"
        (tmp_path / name).write_text(html, encoding="utf-8")
        names[name] = url
    errors = [e for e in nu_errors(tmp_path) if e.get("type") == "error"]
    found = sorted({f"{names[Path(e['url']).name]}: {e.get('message', '')[:160]}" for e in errors})
    assert found == [], "\n".join(found)
