"""Issue 3 journeys in a real browser: plan a blended mobility with a mentor, the mentor assesses,
the learner files the report."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mobility.models import LearnerReport, MentorAssessment, Mobility
from tests.demo_support import complete_lottes_stay

from .test_dashboards import sign_in

pytestmark = pytest.mark.browser


def choose_option_containing(select, text):
    """Select the first option of a <select> whose label contains `text`."""
    value = select.evaluate("(el, text) => [...el.options].find(o => o.textContent.includes(text))?.value", text)
    assert value, f"no option containing {text!r}"
    select.select_option(value)


def test_partner_coordinator_plans_a_blended_mobility_and_assigns_a_mentor(page, live_server, demo_data):
    base = live_server.url
    sign_in(page, base, "coordinator@nova.example")
    page.get_by_role("link", name="Outgoing").first.click()
    page.get_by_role("link", name="New mobility").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("mobility")

    choose_option_containing(page.get_by_label("Learner"), "Lotte Jansen")
    choose_option_containing(page.get_by_label("Partnership"), "VISION Mobility")
    choose_option_containing(page.get_by_label("Receiving organisation"), "KMPMC")
    page.get_by_label("Start of the physical period").fill("2027-03-01")
    page.get_by_label("End of the physical period").fill("2027-03-26")
    page.get_by_label("Start of the virtual component").fill("2027-02-01")
    page.get_by_label("End of the virtual component").fill("2027-02-19")
    page.get_by_label("Platform").fill("Moodle")
    page.get_by_label("Virtual hours").fill("20")
    page.get_by_label("Virtual activities").fill("Online induction to salon hygiene rules")
    page.get_by_label("Host company", exact=True).fill("Grožio studija Aura")
    choose_option_containing(page.get_by_label("Mentor (host side)"), "Petrauskas")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Tomas Petrauskas").first).to_be_visible()
    page.get_by_role("button", name="Mark as planned").click()
    expect(page.get_by_text(re.compile("now “Planned”"))).to_be_visible()

    mobility = Mobility.objects.get(learner__last_name="Jansen", start_date=date(2027, 3, 1))
    assert mobility.status == Mobility.Status.PLANNED
    assert mobility.is_blended and mobility.virtual_hours == 20
    assert mobility.mentor.email == "mentor@kmpmc.example"
    assert mobility.checklist.exists()

    # The mentor now finds the learner on their dashboard.
    page.context.clear_cookies()
    sign_in(page, base, "mentor@kmpmc.example")
    expect(page.get_by_test_id("dashboard-mentor").get_by_text("Lotte Jansen").first).to_be_visible()


def test_mentor_submits_an_assessment(page, live_server, demo_data):
    mobility = Mobility.objects.get(learner__user__email="learner@nova.example")
    assert mobility.mentor.email == "mentor@kmpmc.example"
    sign_in(page, live_server.url, "mentor@kmpmc.example")
    page.goto(f"{live_server.url}/mobilities/{mobility.code}/assessment/")
    form = page.get_by_test_id("assessment-form")
    today = timezone.localdate().isoformat()
    for select in form.locator("select[name$='_result']").all():
        select.select_option("achieved")
    for field in form.locator("input[name$='_assessed_on']").all():
        field.fill(today)
    for field in form.locator("input[name$='_method']").all():
        field.fill("Observation at work")
    for group in form.locator("input[type=radio][value='3']").all():
        group.check()
    form.get_by_label("Overall comment").fill("Reliable and friendly with clients.")
    page.get_by_role("button", name="Submit the assessment").click()

    expect(page.get_by_text(re.compile("submitted", re.I)).first).to_be_visible()
    assessment = MentorAssessment.objects.get(mobility=mobility, status=MentorAssessment.Status.SUBMITTED)
    assert assessment.results.filter(result="achieved").count() == mobility.assessment_items.count() > 0
    assert assessment.soft_skills.filter(rating=3).count() == assessment.soft_skills.count() > 0


def test_learner_files_their_report(page, live_server, demo_data):
    mobility = complete_lottes_stay()
    assert mobility.status == Mobility.Status.COMPLETED
    sign_in(page, live_server.url, "learner@nova.example")
    page.get_by_role("link", name="My mobility").first.click()
    page.goto(f"{live_server.url}/mobilities/{mobility.code}/report/")
    for radio in page.locator("input[type=radio][value='4']").all():
        radio.check()
    for area in page.locator("textarea").all():
        area.fill("The salon team explained every treatment step.")
    page.get_by_role("button", name="Submit my report").click()

    expect(page.get_by_text(re.compile("thank", re.I)).first).to_be_visible()
    report = LearnerReport.objects.get(mobility=mobility)
    assert report.submitted_at is not None
    assert report.answers.filter(scale_value=4).exists()
