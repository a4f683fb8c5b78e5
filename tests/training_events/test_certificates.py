"""Certificates of attendance: the host issues them (only to participants who attended), each participant and
their organisation's staff read and download them, and the sealed PDF renders and verifies.

Cast: tests/training_events/conftest.py (`te`): ev_a hosted by A (pc_a is the host's staff) with sessions s1
(3 h), s2 (3 h), s3 (2 h); staff_b (a user at B) registered by partner_b.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from documents import signing
from documents.models import RenderedDocument
from documents.registry import renderable_for
from documents.services import current_row
from partners.models.people import Role
from tests.conftest import skip_or_fail
from tests.factories import MembershipFactory
from training_events import services
from training_events.models import Certificate, Participant, TrainingEvent

S = RenderedDocument.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def event_url(name, event):
    return reverse(f"training_events:{name}", kwargs={"code": event.code})


def add_participant(event, organisation, *, first_name, last_name):
    user = MembershipFactory(organisation=organisation, role=Role.MENTOR).user
    return Participant.objects.create(
        event=event, organisation=organisation, user=user, first_name=first_name, last_name=last_name, email=user.email
    )


def attend(te, by, *pairs):
    services.mark_attendance(te.ev_a, {(p.pk, s.pk): True for p, s in pairs}, by=by)


def make_ready(certificate, data: bytes = b"%PDF-1.7 test certificate") -> RenderedDocument:
    """The certificate's PDF row marked ready with `data`, without rendering (the worker is not run)."""
    row = current_row(certificate)
    row.file.save(f"{row.code}.pdf", ContentFile(data), save=False)
    # Arranged, not moved: the worker's "finish" move is what tests/documents/test_pipeline.py checks.
    RenderedDocument.objects.filter(pk=row.pk).update(
        file=row.file.name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
        pages=1,
        status=S.READY,
        finished_at=timezone.now(),
    )
    row.refresh_from_db()
    return row


def translated(language: str, msgid: str) -> str:
    with override(language):
        text = gettext(msgid)
    assert text != msgid, (language, msgid)  # the catalogue has it
    return text


def pdf_text(data: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        skip_or_fail("pdftotext (poppler-utils) is not installed")
    done = subprocess.run([pdftotext, "-layout", "-", "-"], input=data, capture_output=True, check=True)  # noqa: S603
    return " ".join(done.stdout.decode("utf-8").split())


@pytest.fixture
def cast(te, world):
    """staff_b attended s1 and s3 (5 h); colleague_b (also at B) attended s2 (3 h); host_a (at A) attended
    everything (8 h); absent_b registered but attended nothing."""
    colleague_b = add_participant(te.ev_a, world.org_b, first_name="Joost", last_name="Vermeulenberg")
    host_a = add_participant(te.ev_a, world.org_a, first_name="Ona", last_name="Petrauskaite")
    absent_b = add_participant(te.ev_a, world.org_b, first_name="Absent", last_name="Nooitgezien")
    attend(
        te,
        world.pc_a,
        (te.p_staff_b, te.s1),
        (te.p_staff_b, te.s3),
        (colleague_b, te.s2),
        (host_a, te.s1),
        (host_a, te.s2),
        (host_a, te.s3),
    )
    return {"colleague_b": colleague_b, "host_a": host_a, "absent_b": absent_b}


def issue(te, world):
    services.issue_certificates(te.ev_a, by=world.pc_a)
    return {c.participant_id: c for c in Certificate.objects.select_related("participant")}


# --- the host's list and issuing ----------------------------------------------------------------------------


def test_the_host_sees_everyone_with_hours_and_issues_certificates(te, world, cast, client_for):
    client = client_for(world.pc_a)
    page = client.get(event_url("certificate_list", te.ev_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1 and "Issue certificates" in html
    lines = {line["participant"].pk: line for line in page.context["lines"]}
    assert set(lines) == {te.p_staff_b.pk, cast["colleague_b"].pk, cast["host_a"].pk, cast["absent_b"].pk}
    assert lines[te.p_staff_b.pk]["hours"] == Decimal("5.00") and lines[te.p_staff_b.pk]["sessions"] == 2
    assert lines[cast["host_a"].pk]["hours"] == Decimal("8.00")
    assert lines[cast["absent_b"].pk]["hours"] == 0

    response = client.post(event_url("certificate_list", te.ev_a), follow=True)
    assert response.status_code == 200
    assert "3 certificates were issued." in response.content.decode()
    certificates = {c.participant_id: c for c in Certificate.objects.all()}
    # Only those who attended at least one session.
    assert set(certificates) == {te.p_staff_b.pk, cast["colleague_b"].pk, cast["host_a"].pk}
    assert certificates[te.p_staff_b.pk].hours == Decimal("5.00")
    assert certificates[te.p_staff_b.pk].issued_by == world.pc_a
    # Each has its sealed PDF requested (queued: the worker runs on commit).
    assert RenderedDocument.objects.filter(status=S.QUEUED).count() == 3

    again = client.post(event_url("certificate_list", te.ev_a), follow=True)
    assert "No certificate was issued" in again.content.decode()
    assert Certificate.objects.count() == 3


def test_certificates_are_not_issued_before_the_event(te, world, cast, client_for):
    today = timezone.localdate()
    TrainingEvent.objects.filter(pk=te.ev_a.pk).update(
        start_date=today + timedelta(days=3), end_date=today + timedelta(days=4)
    )
    response = client_for(world.pc_a).post(event_url("certificate_list", te.ev_a), follow=True)
    assert response.status_code == 200
    assert "from the event&#x27;s last day" in response.content.decode()
    assert not Certificate.objects.exists()


def test_a_partner_sees_their_own_organisations_participants_only_and_may_not_issue(te, world, cast, client_for):
    issue(te, world)
    client = client_for(world.partner_b)
    page = client.get(event_url("certificate_list", te.ev_a))
    assert page.status_code == 200
    names = {line["participant"].pk for line in page.context["lines"]}
    assert names == {te.p_staff_b.pk, cast["colleague_b"].pk, cast["absent_b"].pk}
    html = page.content.decode()
    assert "Petrauskaite" not in html and "Issue certificates" not in html
    assert all(line["can_open"] for line in page.context["lines"] if line["certificate"])
    assert client.post(event_url("certificate_list", te.ev_a)).status_code == 403


def test_the_hosts_list_links_every_certificate_it_issued(te, world, cast, client_for):
    issued = issue(te, world)
    page = client_for(world.pc_a).get(event_url("certificate_list", te.ev_a))
    html = page.content.decode()
    # The host issued them all: it opens every one (the partners only their own organisation's).
    assert issued[cast["host_a"].pk].get_absolute_url() in html
    assert issued[te.p_staff_b.pk].get_absolute_url() in html
    partner_html = client_for(world.partner_b).get(event_url("certificate_list", te.ev_a)).content.decode()
    assert issued[te.p_staff_b.pk].get_absolute_url() in partner_html
    assert issued[cast["host_a"].pk].get_absolute_url() not in partner_html


# --- a certificate's page and its PDF -----------------------------------------------------------------------


def test_the_participant_reads_their_certificate(te, world, cast, client_for):
    certificate = issue(te, world)[te.p_staff_b.pk]
    row = make_ready(certificate)
    client = client_for(te.staff_b)
    page = client.get(certificate.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    for text in (
        te.p_staff_b.full_name,
        world.org_b.legal_name,
        te.ev_a.title,
        "2025-03-10",
        "2025-03-12",
        "Opening",
        "Wrap-up",
        "Plans a quality-assured mobility",
        "Uses the quality checklist",
        'data-testid="sealed-pdf"',
        reverse("documents:download", kwargs={"code": row.code}),
    ):
        assert text in html, text
    assert "Checklists" not in html  # a session they did not attend
    assert 'data-testid="certificate-hours">5</dd>' in html
    download = client.get(reverse("documents:download", kwargs={"code": row.code}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.7 test certificate"


def test_another_participant_of_the_same_event_gets_404(te, world, cast, client_for):
    certificates = issue(te, world)
    certificate = certificates[te.p_staff_b.pk]
    row = make_ready(certificate)
    client = client_for(cast["colleague_b"].user)
    assert client.get(certificate.get_absolute_url()).status_code == 404
    assert client.get(reverse("documents:download", kwargs={"code": row.code})).status_code == 404
    # Their own works.
    own = certificates[cast["colleague_b"].pk]
    assert client.get(own.get_absolute_url()).status_code == 200


def test_a_partner_coordinator_sees_their_organisations_certificates_only(te, world, cast, client_for):
    certificates = issue(te, world)
    client = client_for(world.partner_b)
    assert client.get(certificates[te.p_staff_b.pk].get_absolute_url()).status_code == 200
    assert client.get(certificates[cast["colleague_b"].pk].get_absolute_url()).status_code == 200
    assert client.get(certificates[cast["host_a"].pk].get_absolute_url()).status_code == 404
    row = make_ready(certificates[cast["host_a"].pk])
    assert client.get(reverse("documents:download", kwargs={"code": row.code})).status_code == 404
    assert set(Certificate.objects.visible_to(world.partner_b)) == {
        certificates[te.p_staff_b.pk],
        certificates[cast["colleague_b"].pk],
    }


def test_my_certificates_lists_only_my_own(te, world, cast, client_for):
    certificates = issue(te, world)
    page = client_for(te.staff_b).get(reverse("training_events:my_certificates"))
    assert page.status_code == 200
    assert list(page.context["page"].object_list) == [certificates[te.p_staff_b.pk]]
    html = page.content.decode()
    assert certificates[te.p_staff_b.pk].get_absolute_url() in html
    assert certificates[cast["colleague_b"].pk].get_absolute_url() not in html
    empty = client_for(world.partner_b).get(reverse("training_events:my_certificates"))
    assert list(empty.context["page"].object_list) == []
    assert "no certificate" in empty.content.decode()


def test_the_list_runs_a_bounded_number_of_queries(te, world, cast, client_for, django_assert_max_num_queries):
    issue(te, world)
    for n in range(6):
        add_participant(te.ev_a, world.org_a, first_name=f"Extra{n}", last_name="Person")
    client = client_for(world.pc_a)
    client.get(event_url("certificate_list", te.ev_a))  # warm the caches (content types, sessions)
    with django_assert_max_num_queries(12):
        assert client.get(event_url("certificate_list", te.ev_a)).status_code == 200


# --- the sealed PDF -----------------------------------------------------------------------------------------


def test_the_certificate_pdf_renders_seals_and_verifies(te, world, cast, django_capture_on_commit_callbacks):
    Participant.objects.exclude(pk=te.p_staff_b.pk).update(status=Participant.Status.CANCELLED)  # one PDF
    with django_capture_on_commit_callbacks(execute=True):
        (certificate,) = services.issue_certificates(te.ev_a, by=world.pc_a)
    row = RenderedDocument.objects.get()
    assert row.document == certificate
    assert row.status == S.READY, row.error
    assert row.partnership == world.p1
    with row.file.open("rb") as handle:
        data = handle.read()
    assert row.file_sha256 == hashlib.sha256(data).hexdigest()
    # In English and the host's language (documents.languages), a usual certificate and its verification box fit
    # on one page.
    assert row.pages == 1
    check = signing.verify(data)
    assert check.ok, check
    text = pdf_text(data)
    for expected in (
        "Certificate of attendance",
        te.p_staff_b.full_name,
        world.org_b.legal_name,
        te.ev_a.title,
        "attended 5 hours",
        "Opening",
        "Wrap-up",
        "Plans a quality-assured mobility",
        f"Issued by {world.org_a.legal_name} on {timezone.localtime(certificate.created_at):%Y-%m-%d}",
        # The host (A) is Lithuanian: the labels are in English and Lithuanian, and in no third language.
        "Participant / " + translated("lt", "Participant"),
        "Certificate of attendance / " + translated("lt", "Certificate of attendance"),
    ):
        assert expected in text, expected
    for language in ("nl", "it", "fi"):
        assert translated(language, "Sessions attended") not in text, language
    # No approvals table on a certificate; the fingerprint and the verification link stay.
    assert "Approvals" not in text and "No decision has been recorded" not in text
    assert row.content_sha256 in text.replace(" ", "")
    assert row.verify_token in text.replace(" ", "")


def test_the_certificate_of_the_hosts_own_staff_names_their_organisation_once(
    te, world, cast, django_capture_on_commit_callbacks
):
    host_a = cast["host_a"]  # at A, which hosts the event
    Participant.objects.exclude(pk=host_a.pk).update(status=Participant.Status.CANCELLED)  # one PDF
    with django_capture_on_commit_callbacks(execute=True):
        (certificate,) = services.issue_certificates(te.ev_a, by=world.pc_a)
    row = RenderedDocument.objects.get()
    assert row.status == S.READY, row.error
    with row.file.open("rb") as handle:
        text = pdf_text(handle.read())
    header = text.split("This is to certify")[0]  # the header's list of organisations comes before
    assert header.count(world.org_a.legal_name) == 1
    assert world.org_b.legal_name not in header
    # The public verification page lists the organisations of the summary: A once there too.
    assert renderable_for(certificate).summary(certificate)["organisations"] == [world.org_a.legal_name]
