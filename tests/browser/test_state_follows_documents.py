"""Issue 13 in a real browser: a coordinator who wants to record a recognition too early finds no button for
it, and the mobility page sends them to the document it waits for."""

import re

import pytest
from playwright.sync_api import expect

from mobility.models import Mobility

from .test_dashboards import sign_in

pytestmark = pytest.mark.browser


def test_coordinator_tries_to_recognise_early_and_is_sent_to_the_missing_document(page, live_server, demo_data):
    base = live_server.url
    # Julia Mulder's stay is completed; no Personal Transcript exists yet.
    mobility = Mobility.objects.get(learner__first_name="Julia", learner__last_name="Mulder")
    assert mobility.status == Mobility.Status.COMPLETED
    sign_in(page, base, "coordinator@nova.example")
    page.goto(base + mobility.get_absolute_url())

    status = page.get_by_role("region", name="Status")
    expect(status.get_by_role("button", name=re.compile("recogni", re.I))).to_have_count(0)
    steps = page.get_by_role("list", name="Next steps and what they wait for")
    expect(steps).to_contain_text("Recognition")
    expect(steps).to_contain_text("There is no Personal Transcript yet.")

    steps.get_by_role("link", name="Open the Personal Transcript").click()
    expect(page).to_have_url(re.compile(rf"/mobilities/{mobility.code}/transcript/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Personal Transcript")
    mobility.refresh_from_db()
    assert mobility.status == Mobility.Status.COMPLETED


def test_coordinator_cannot_complete_before_the_assessment_and_is_sent_to_it(page, live_server, demo_data):
    base = live_server.url
    # Lotte Jansen's stay is over, but her mentor's assessment is still a draft.
    mobility = Mobility.objects.get(learner__user__email="learner@nova.example")
    assert mobility.status == Mobility.Status.IN_MOBILITY
    sign_in(page, base, "coordinator@nova.example")
    page.goto(base + mobility.get_absolute_url())

    status = page.get_by_role("region", name="Status")
    expect(status.get_by_role("button", name="Mark as completed")).to_have_count(0)
    steps = page.get_by_role("list", name="Next steps and what they wait for")
    expect(steps).to_contain_text("The mentor's assessment is not submitted")
    steps.get_by_role("link", name="Open the assessment").click()
    expect(page).to_have_url(re.compile(rf"/mobilities/{mobility.code}/assessment/"))
    mobility.refresh_from_db()
    assert mobility.status == Mobility.Status.IN_MOBILITY
