"""Issue 4 journeys in a real browser: the three parties approve a Learning Agreement (each re-authenticates
first) and the mobility becomes "Agreed"; a host refuses a change proposal with a reason and the sender
sees it."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from ecvet.models import Approval, LearningAgreement, LearningAgreementVersion
from ecvet.services import agreements
from mobility.models import Learner, Mobility
from mobility.services.lifecycle import transition
from mobility.services.mobilities import create_mobility
from partners.models import Organisation, Partnership, User

from .test_dashboards import DEMO_PASSWORD, sign_in

pytestmark = pytest.mark.browser


def reauthenticate_if_asked(page):
    """allauth asks for the password again before an approval (within five minutes of the last time)."""
    if "/reauthenticate/" in page.url:
        page.locator("input[type=password]").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Confirm").click()


def open_decision(page, base, email, agreement, version_number):
    page.context.clear_cookies()
    sign_in(page, base, email)
    # The agreement waits for this person: the dashboard lists it.
    panel = page.get_by_test_id("dashboard-documents-waiting")
    panel.locator(f"a[href='/ecvet/agreements/{agreement.code}/']").click()
    expect(page).to_have_url(f"{base}/ecvet/agreements/{agreement.code}/")
    page.get_by_role("link", name=f"Approve or refuse version {version_number}").click()
    reauthenticate_if_asked(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"approve or refuse version {version_number}")


@pytest.fixture
def planned_la(demo_data):
    """A planned mobility of Eglė (learner@kmpmc.example) to Savo, with its Learning Agreement sent."""
    coordinator = User.objects.get(email="coordinator@kmpmc.example")
    learner = Learner.objects.get(user__email="learner@kmpmc.example")
    partnership = Partnership.objects.get(slug="vision-mobility")
    savo = Organisation.objects.get(slug="savo")
    mobility = create_mobility(
        mobility=Mobility(
            learner=learner,
            partnership=partnership,
            receiving_organisation=savo,
            start_date=date(2027, 4, 5),
            end_date=date(2027, 4, 30),
            host_company="Kauneushoitola Kuulas",
            planned_activities="Facials and manicures under the mentor's supervision.",
            mentor=User.objects.get(email="mentor@savo.example"),
        ),
        by=coordinator,
    )
    transition(mobility, Mobility.Status.PLANNED, by=coordinator)
    memorandum = agreements.memoranda_for(mobility, coordinator).first()
    unit = memorandum.units.filter(qualification__organisation=mobility.sending_organisation).first()
    _agreement, draft = agreements.start_agreement(
        mobility, by=coordinator, memorandum=memorandum, qualification=unit.qualification
    )
    agreements.update_draft(
        draft,
        data={},
        units=[{"unit": unit, "ecvet_points": min(unit.ecvet_points, 3), "assessment_method": "Observation"}],
        by=coordinator,
    )
    return agreements.send_for_approval(draft, by=coordinator)


def test_the_learner_and_both_organisations_approve_and_the_mobility_is_agreed(page, live_server, planned_la):
    base = live_server.url
    agreement = planned_la.agreement
    for email in ("coordinator@kmpmc.example", "learner@kmpmc.example", "coordinator@savo.example"):
        open_decision(page, base, email, agreement, 1)
        page.get_by_role("button", name="Approve").click()
        expect(page.get_by_role("alert").first).to_contain_text(re.compile("version 1", re.I))

    expect(page.get_by_test_id("la-summary")).to_contain_text("approved by all parties and in force")
    page.get_by_role("link", name=str(agreement.mobility.learner)).first.click()
    expect(page.get_by_text("Agreed").first).to_be_visible()
    planned_la.refresh_from_db()
    agreement.mobility.refresh_from_db()
    assert planned_la.status == LearningAgreementVersion.Status.APPROVED
    assert agreement.mobility.status == Mobility.Status.AGREED
    assert Approval.objects.filter(object_id=planned_la.pk, decision="approved").count() == 3


def test_a_host_refuses_a_change_proposal_with_a_reason_and_the_sender_sees_it(page, live_server, demo_data):
    base = live_server.url
    agreement = LearningAgreement.objects.get(mobility__learner__user__email="learner@kmpmc.example")
    proposal = agreement.versions.get(status=LearningAgreementVersion.Status.AWAITING)
    assert proposal.is_change_proposal

    open_decision(page, base, "coordinator@nova.example", agreement, proposal.number)
    page.get_by_role("button", name="Refuse with the reason given").click()
    expect(page.get_by_text("Give a reason for refusing.").first).to_be_visible()  # a reason is required
    page.get_by_label("Reason for refusing, or comment").fill("Our salon is closed for renovation that week.")
    page.get_by_role("button", name="Refuse with the reason given").click()
    expect(page.get_by_role("alert").first).to_contain_text("You refused")

    page.context.clear_cookies()
    sign_in(page, base, "coordinator@kmpmc.example")
    page.goto(f"{base}/ecvet/agreements/{agreement.code}/")
    expect(page.get_by_test_id("la-last-refusal")).to_contain_text("Our salon is closed for renovation that week.")
    expect(page.get_by_role("link", name="Propose a change")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.status == LearningAgreementVersion.Status.REFUSED
    assert agreement.versions.get(number=1).status == LearningAgreementVersion.Status.APPROVED
