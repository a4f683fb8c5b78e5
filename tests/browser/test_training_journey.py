"""Issue 6 journey in a real browser, on the demo data: a partner coordinator registers a member of staff for
a training event, the host marks their attendance and issues the certificates, the participant's coordinator
downloads the sealed certificate and the public verification page says the file is authentic."""

import re

import pytest
from playwright.sync_api import expect

from documents.models import RenderedDocument
from documents.services import produce
from training_events.models import Certificate, TrainingEvent

from .test_dashboards import sign_in

pytestmark = pytest.mark.browser

EVENT = "Quality assurance in geographical mobility"


def open_event(page, base):
    page.goto(f"{base}/training/")
    page.get_by_role("link", name=EVENT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT)


def test_register_mark_attendance_issue_download_and_verify_a_certificate(page, live_server, demo_data, tmp_path):
    base = live_server.url
    event = TrainingEvent.objects.get(title=EVENT)

    # Nova's coordinator registers a colleague (Nova has places left).
    sign_in(page, base, "coordinator@nova.example")
    open_event(page, base)
    page.get_by_role("link", name="Participants").first.click()
    page.get_by_label("First name").fill("Femke")
    page.get_by_label("Last name").fill("Dekker")
    page.get_by_label("Email").fill("femke.dekker@nova.example")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Femke Dekker").first).to_be_visible()

    # The host (KMPMC) marks her present at the first session and issues the certificates.
    page.context.clear_cookies()
    sign_in(page, base, "coordinator@kmpmc.example")
    open_event(page, base)
    page.get_by_role("link", name="Attendance").first.click()
    first_session = event.sessions.order_by("day", "start_time").first()
    page.get_by_label(re.compile(rf"^Present: Femke Dekker, {re.escape(first_session.title)}")).check()
    page.get_by_role("button", name="Save attendance").click()
    open_event(page, base)
    page.get_by_role("link", name="Certificates").first.click()
    page.get_by_role("button", name="Issue certificates").click()
    certificate = Certificate.objects.get(participant__email="femke.dekker@nova.example")
    assert certificate.hours > 0

    # The worker seals it (the demo fixture keeps the queue in the test: run the job as the worker would).
    row = RenderedDocument.objects.get(object_id=certificate.pk, content_type__model="certificate")
    assert produce(row.pk) == "ready"

    # Nova's coordinator downloads it and checks it on the public verification page.
    page.context.clear_cookies()
    sign_in(page, base, "coordinator@nova.example")
    page.goto(f"{base}{certificate.get_absolute_url()}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the sealed PDF").click()
    pdf = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    verify_href = page.get_by_role("link", name="Verification page").get_attribute("href")

    page.context.clear_cookies()  # anyone may verify, without signing in
    page.goto(f"{base}{verify_href}")
    expect(page.get_by_text("Valid.")).to_be_visible()
    assert "Dekker" not in page.content()  # the public page shows the holder's initials only
    page.get_by_label("PDF file to check").set_input_files(str(pdf))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("verify-result")).to_have_attribute("data-result", "authentic")
