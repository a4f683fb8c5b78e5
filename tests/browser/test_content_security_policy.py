"""The Content Security Policy (issue 17, point 3) in a real browser: the pages that are not walked by the other
browser tests — public ones, charts and bars, printable documents, the API documentation, the admin site — keep to
the enforced policy. The `page` fixture (conftest.py) fails a test on any violation Chromium reports."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .test_dashboards import sign_in

pytestmark = pytest.mark.browser

ADMIN = "admin@vision.example"


def open_page(page, url: str):
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy, (url, policy)
    assert "frame-ancestors 'none'" in policy, (url, policy)
    page.wait_for_load_state("load")
    return response


def test_a_violation_fails_the_browser_test(page, live_server, csp_violations):
    # The net itself: an inline style and an inline script added to a page are blocked, and both are recorded.
    open_page(page, f"{live_server.url}{reverse('account_login')}")
    page.evaluate(
        """() => new Promise((resolve) => {
            let seen = 0;
            document.addEventListener("securitypolicyviolation", () => { if (++seen === 2) resolve(); });
            document.body.setAttribute("style", "background: red");
            const script = document.createElement("script");
            script.textContent = "window.ranInline = true";
            document.head.append(script);
        })"""
    )
    assert page.evaluate("window.ranInline") is None
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    page.evaluate("1")  # one more round trip: the reports sent before it have reached Python
    assert any("style-src-attr" in v for v in csp_violations), csp_violations
    assert any("script-src-elem" in v for v in csp_violations), csp_violations
    csp_violations.clear()  # expected here: the fixture must not fail this test


def test_public_pages_keep_to_the_policy(page, live_server, demo_data):
    from documents import services
    from documents.models import RenderedDocument

    row = RenderedDocument.objects.order_by("pk").first()
    services.produce(row.pk)  # the demo's PDFs stay queued in the browser tests: seal one to verify it
    row.refresh_from_db()
    for url in [
        reverse("account_login"),
        reverse("account_reset_password"),
        reverse("dissemination:public_page", kwargs={"slug": "vision"}),
        reverse("documents:verify", kwargs={"token": row.verify_token}),
    ]:
        open_page(page, live_server.url + url)
    # The verification page's QR-less summary and the public page are styled by the static stylesheets.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"


def test_charts_bars_and_printable_documents_keep_to_the_policy(page, live_server, demo_data):
    from ecvet.models import EuropassMobility, GrantAgreement, LearningAgreementVersion, Memorandum, Transcript
    from partners.models import Partnership
    from training_events.models import TrainingEvent

    slug = "vision"
    event = TrainingEvent.objects.filter(responses__isnull=False).distinct().order_by("pk").first()
    urls = [
        reverse("reporting:dashboard", kwargs={"slug": slug}),
        reverse("reporting:budget", kwargs={"slug": slug}),
        reverse("partners:partnership_strategies", kwargs={"slug": slug}),
        reverse("training_events:evaluation_results", kwargs={"code": event.code}),
        reverse("ecvet:agreement_print", kwargs={"code": LearningAgreementVersion.objects.order_by("pk")[0].code}),
        reverse("ecvet:memorandum_print", kwargs={"code": Memorandum.objects.order_by("pk")[0].code}),
        reverse("ecvet:grant_print", kwargs={"code": GrantAgreement.objects.order_by("pk")[0].code}),
        reverse("ecvet:transcript_print", kwargs={"code": Transcript.objects.order_by("pk")[0].code}),
        reverse("ecvet:europass_print", kwargs={"code": EuropassMobility.objects.order_by("pk")[0].code}),
    ]
    assert Partnership.objects.filter(slug=slug).exists()
    sign_in(page, live_server.url, ADMIN)
    page.wait_for_url(f"{live_server.url}/")
    for url in urls:
        open_page(page, live_server.url + url)
        if "/print/" in url:
            # The print stylesheet replaced the inline <style>: it is applied.
            assert page.evaluate("getComputedStyle(document.body).fontSize") in ("14.6667px", "16px"), url
    # A budget bar takes its share from a class of static/css/bars.css, not from a style attribute.
    open_page(page, live_server.url + reverse("reporting:budget", kwargs={"slug": slug}))
    bar = page.locator(".progress-stacked > .progress[class*='bar-w-']").first
    expect(bar).to_be_attached()
    share = int(next(c for c in bar.get_attribute("class").split() if c.startswith("bar-w-")).removeprefix("bar-w-"))
    stack = page.locator(".progress-stacked").first
    assert abs(bar.bounding_box()["width"] - stack.bounding_box()["width"] * share / 100) <= 1.5


def test_api_documentation_and_admin_keep_to_the_policy(page, live_server, demo_data):
    from partners.models import Organisation

    sign_in(page, live_server.url, ADMIN)
    page.wait_for_url(f"{live_server.url}/")
    open_page(page, live_server.url + reverse("api:docs"))
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()  # Swagger UI ran and drew the operations
    response = open_page(page, live_server.url + reverse("api:redoc"))
    assert "worker-src 'self' blob:" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", name="VISION portal API").first).to_be_visible()  # ReDoc ran
    expect(page.locator("style[data-styled]").first).to_be_attached()  # its styles were let in by the nonce
    # The API itself answers JSON to a browser too (DRF's browsable pages are off: inline styles).
    response = open_page(page, live_server.url + reverse("api:organisation-list"))
    assert response.headers["content-type"] == "application/json"
    organisation = Organisation.objects.order_by("pk").first()
    for url in [
        reverse("admin:index"),
        reverse("admin:partners_organisation_changelist"),
        reverse("admin:partners_organisation_change", args=[organisation.pk]),
        reverse("admin:partners_user_changelist"),
    ]:
        open_page(page, live_server.url + url)
