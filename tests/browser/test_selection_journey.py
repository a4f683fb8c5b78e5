"""Issue 18 journey in a real browser, on the demo data: a learner applies to KMPMC's open call through the public
form (no account) and confirms her address from the e-mail; KMPMC's coordinator closes the call and names a panel
of two; both declare no conflict of interest and score; the coordinator records the decision and offers the
selected learner a placement, which creates her draft mobility with the placement's dates and mentor."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from mobility.models import Mobility
from partners.models import Organisation
from selection import demo
from selection.models import Application, Call
from tests.factories_selection import CallFactory

from .test_dashboards import sign_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def open_call() -> Call:
    """A published call of KMPMC for the current project, offering the demo's placements at the partner schools."""
    decided = Call.objects.get(title=demo.TITLE)
    call = CallFactory(
        organisation=Organisation.objects.get(slug="kmpmc"),
        partnership=decided.partnership,
        title="Hospitality placements abroad, autumn 2027",
        places=1,
        requires_motivation_letter=False,
        requires_cv=True,
        opens_at=timezone.now() - timedelta(days=3),
        deadline=timezone.now() + timedelta(days=20),
        status=Call.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=3),
    )
    call.placements.set(decided.placements.all())
    return call


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def score(page, base, email, application):
    page.context.clear_cookies()
    sign_in(page, base, email)
    page.goto(f"{base}/calls/panel/{application.call.code}/")
    page.get_by_label("I confirm this declaration.").check()
    page.get_by_role("button", name="Declare no conflict of interest").click()
    page.get_by_role("link", name=str(application.code)[:8]).click()
    page.get_by_label("Motivation: points (0–10)").fill("8")
    page.get_by_label("Professional skills: points (0–10)").fill("7")
    page.get_by_role("button", name="Save my scores").click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_apply_confirm_select_and_place_a_learner(page, live_server, demo_data, tmp_path):
    base = live_server.url
    call = open_call()
    cv = tmp_path / "europass-cv.pdf"
    cv.write_bytes(PDF)
    mail.outbox.clear()

    # The learner finds the call among the open calls and applies, without signing in.
    page.goto(f"{base}/calls/")
    page.get_by_role("link", name=call.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(call.title)
    page.get_by_role("link", name="Apply").click()
    page.get_by_label("First name").fill("Miglė")
    page.get_by_label("Last name").fill("Rimkutė")
    page.get_by_role("textbox", name="Email*", exact=True).fill("migle.rimkute@example.lt")
    page.get_by_label("Date of birth").fill("2005-04-18")
    page.get_by_label("EQF level").select_option("4")
    page.get_by_label("Year of study").fill("2")
    page.get_by_label("CV (a Europass CV as PDF is welcome)").set_input_files(str(cv))
    page.get_by_label(re.compile("I have read the privacy notice")).check()
    page.wait_for_timeout(3200)  # a person takes more than the form's three seconds
    page.get_by_role("button", name="Send my application").click()
    application = Application.objects.get(call=call, email="migle.rimkute@example.lt")
    assert application.status == Application.Status.UNVERIFIED
    assert application.documents.count() == 1

    # She confirms her address from the e-mail: the application is submitted and found eligible.
    (message,) = [m for m in mail.outbox if "migle.rimkute@example.lt" in m.to]
    link = re.search(r"https?://\S+/calls/confirm/\S+/", message.body).group(0)
    page.goto(base + path_of(link))
    page.get_by_role("button", name="Confirm and submit").click()
    application.refresh_from_db()
    assert application.status == Application.Status.ELIGIBLE, application.status
    expect(page.get_by_role("main")).to_contain_text("Eligible")

    # The coordinator closes the call and names the panel: herself and KMPMC's mentor.
    sign_in(page, base, demo.COORDINATOR)
    page.goto(f"{base}/calls/manage/{call.code}/")
    page.get_by_role("button", name="Close").click()
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED
    page.goto(f"{base}/calls/panel/{call.code}/")
    page.get_by_role("link", name="Name the panel").click()
    page.get_by_label(re.compile(re.escape(f"({demo.COORDINATOR})"))).check()
    page.get_by_label(re.compile(re.escape(f"({demo.MENTOR})"))).check()
    page.get_by_role("button", name="Save the panel").click()
    assert set(call.panel.values_list("user__email", flat=True)) == {demo.COORDINATOR, demo.MENTOR}

    # Each member declares no conflict of interest and scores the application.
    score(page, base, demo.MENTOR, application)
    score(page, base, demo.COORDINATOR, application)

    # The coordinator records the decision: one place, so the one eligible applicant is selected.
    page.goto(f"{base}/calls/panel/{call.code}/")
    page.get_by_role("link", name="Record the decision").click()
    page.get_by_role("button", name="Record the decision").click()
    application.refresh_from_db()
    call.refresh_from_db()
    assert application.status == Application.Status.SELECTED and call.status == Call.Status.DECIDED
    assert application.learner is not None and application.learner.last_name == "Rimkutė"
    assert any("migle.rimkute@example.lt" in m.to for m in mail.outbox if m is not message)

    # She is offered a placement: her draft mobility has its dates, host organisation and mentor.
    page.goto(f"{base}/calls/panel/applications/{application.code}/")
    page.get_by_role("link", name="Offer a placement").click()
    page.get_by_role("button", name="Offer the placement").click()
    application.refresh_from_db()
    mobility = application.mobility
    assert mobility is not None and mobility.status == Mobility.Status.DRAFT
    placement = mobility.placement
    assert placement in call.placements.all()
    assert (mobility.start_date, mobility.end_date) == (placement.start_date, placement.end_date)
    assert mobility.mentor == placement.mentor and mobility.receiving_organisation == placement.host.organisation
    assert mobility.learner == application.learner
    # The coordinator lands on the new mobility's page; the application links to it.
    expect(page.locator(".alert-success")).to_contain_text("a draft mobility was made")
    assert page.url.endswith(mobility.get_absolute_url())
    page.goto(f"{base}/calls/panel/applications/{application.code}/")
    expect(page.get_by_role("link", name="draft mobility")).to_have_attribute("href", mobility.get_absolute_url())
