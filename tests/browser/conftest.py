import os
import shutil

import pytest

from tests.conftest import skip_or_fail

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def browser():
    # Package scope: Playwright's sync API keeps an asyncio loop marked as running in this thread while it
    # is started; stopping it after the browser tests lets later tests (pyHanko's sync API calls
    # asyncio.run) run in the same process.
    if not shutil.which(CHROMIUM):
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (make setup installs it with apt)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements-dev.txt
        skip_or_fail("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page of every browser test runs under the enforced Content Security Policy (vision.settings.test), and a
# violation fails the test: the page's own `securitypolicyviolation` events (reported to Python as they happen,
# whatever page the test has moved on to since) and Chromium's console messages about the policy.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__visionCspViolation(
    `${event.disposition} ${event.effectiveDirective}: ${event.blockedURI || "(inline)"} on ${document.URL}`
    + ` (${event.sourceFile || "?"}:${event.lineNumber}) ${event.sample}`
  );
}, true);
"""


@pytest.fixture
def csp_violations():
    """What the pages of this test broke of the Content Security Policy; the page fixture fails the test on any."""
    return []


@pytest.fixture
def page(browser, csp_violations):
    context = browser.new_context(locale="en-GB")
    context.expose_function("__visionCspViolation", lambda text: csp_violations.append(text))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            csp_violations.append(f"console: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    page.set_default_timeout(10_000)
    yield page
    context.close()
    if csp_violations:
        pytest.fail("Content Security Policy violations:\n" + "\n".join(csp_violations), pytrace=False)


@pytest.fixture
def demo_data(transactional_db, live_demo_snapshot, settings, monkeypatch):
    """The demo, committed for the live server: copied from the one this process seeded (tests/demo_data.py);
    the flush after the test empties it again."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import transaction

    # The database cache's table is no model's, so the flush after each test leaves it: without this, allauth's
    # login counters of the tests before (30 sign-ins a minute from 127.0.0.1) refuse this test's sign-ins.
    cache.clear()
    # The demo's sealed PDFs (≈ 50 certificates and documents) stay queued: rendering them in-process would
    # add ~40 s to every browser test, none of which opens a PDF.
    monkeypatch.setattr("documents.services.enqueue", lambda pk: False)
    if live_demo_snapshot is None:
        settings.DEBUG = True  # seed_demo refuses to run otherwise
        call_command("seed_demo", verbosity=0)
        settings.DEBUG = False
    else:
        with transaction.atomic():
            live_demo_snapshot.restore()
