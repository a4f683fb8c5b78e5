"""Helpers: sealed PDFs of the four ECVET documents, built the way the ECVET tests build approved documents.

m_b_to_a (tests/mobility/conftest.py): B sends learner_b's mobility (Lina Bakker) to A; mentor_a mentors.
approve_la(), memorandum_in_force(), approved_transcript() and approved_europass() approve through
`approvals.decide()`: the last approval requests the PDF (a queued row). Only inside
`django_capture_on_commit_callbacks(execute=True)` does the eager Celery task then render and seal it;
`make_ready()` instead gives a row a canned sealed file (fast, for the tests about access and pages).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from documents.models import RenderedDocument
from documents.services import current_row, request_pdf
from ecvet.models import Approval, LearningAgreement, LearningAgreementUnit, LearningAgreementVersion, Memorandum
from ecvet.services import agreements, approvals
from ecvet.services import europass as europass_service
from ecvet.services import grants as grant_service
from ecvet.services import memoranda as memorandum_service
from ecvet.services import transcripts as transcript_service
from mobility.models import AssessmentResult, Mobility
from tests.conftest import skip_or_fail
from tests.ecvet.support_memoranda import approve as approve_memorandum
from tests.ecvet.support_memoranda import beauty_qualification, make_memorandum
from tests.ecvet.test_transcripts import make_approved_agreement, make_assessment
from tests.factories_ecvet import UnitFactory

S = RenderedDocument.Status
R = AssessmentResult.Result
LA_OUTCOMES = "Analyses the skin of the client\nPerforms a facial treatment"
SECTION_5A = {"job_related": "Facial treatments", "linguistic": "English B1", "soft_skills": "Punctual"}


def pdf_layout(data: bytes) -> str:
    """The text of a PDF as laid out on its pages (poppler's pdftotext -layout): a table's row on one line."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        skip_or_fail("pdftotext (poppler-utils) is not installed")
    done = subprocess.run([pdftotext, "-layout", "-", "-"], input=data, capture_output=True, check=True)  # noqa: S603
    return done.stdout.decode("utf-8")


def pdf_text(data: bytes) -> str:
    """The text of a PDF (poppler's pdftotext), whitespace collapsed."""
    return " ".join(pdf_layout(data).split())


def decide_all(document, signers):
    """Approve `document` for each (user, party key); returns the document fresh from the database."""
    model = type(document)
    for user, party in signers:
        approvals.decide(
            model.objects.get(pk=document.pk),
            party_key=party,
            by=user,
            expected_sha256=approvals.current_sha256(model.objects.get(pk=document.pk)),
            decision=Approval.Decision.APPROVED,
        )
    return model.objects.get(pk=document.pk)


# --- building final documents (no rendering unless the caller runs the on-commit callbacks) ---------------


def send_la(world, mob):
    """Version 1 of the LA of m_b_to_a, sent for approval."""
    mobility = mob.m_b_to_a
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.PLANNED)
    unit = UnitFactory(qualification__organisation=world.org_b, reference="FAC", title="Facial treatments")
    agreement, draft = agreements.start_agreement(mobility, by=world.partner_b, qualification=unit.qualification)
    LearningAgreementUnit.objects.create(
        version=draft, unit=unit, ecvet_points=Decimal("5"), learning_outcomes=LA_OUTCOMES
    )
    agreements.send_for_approval(draft, by=world.partner_b)
    return LearningAgreementVersion.objects.get(pk=draft.pk)


def la_signers(world):
    return [(world.learner_b, "learner"), (world.partner_b, "sending"), (world.pc_a, "receiving")]


def approve_la(world, mob):
    return decide_all(send_la(world, mob), la_signers(world))


def approve_change(world, version, reason_text="The salon closes in week 2."):
    """An approved change proposal: version becomes superseded; returns the new version."""
    proposal = agreements.propose_change(
        version.agreement, by=world.partner_b, reason_code="timetable-conflict", reason_text=reason_text
    )
    agreements.send_for_approval(proposal, by=world.partner_b)
    return decide_all(LearningAgreementVersion.objects.get(pk=proposal.pk), la_signers(world))


def memorandum_in_force(world, title="Beauty MoU"):
    qa = beauty_qualification(world.org_a)
    qb = beauty_qualification(world.org_b, title_original="Schoonheidsspecialist")
    memorandum = make_memorandum(
        partnership=world.p1,
        organisations=[world.org_a, world.org_b],
        qualifications=[qa, qb],
        units=list(qa.units.all()),
        title=title,
    )
    memorandum = memorandum_service.send_for_approval(memorandum, by=world.pc_a)
    approve_memorandum(memorandum, world.pc_a, world.org_a)
    approve_memorandum(memorandum, world.partner_b, world.org_b)
    return Memorandum.objects.get(pk=memorandum.pk)


def amend_memorandum(world, memorandum):
    amendment = memorandum_service.start_amendment(memorandum, by=world.pc_a, reason="Add the make-up unit")
    amendment = memorandum_service.send_for_approval(amendment, by=world.pc_a)
    approve_memorandum(amendment, world.pc_a, world.org_a)
    approve_memorandum(amendment, world.partner_b, world.org_b)
    return Memorandum.objects.get(pk=amendment.pk)


def approved_transcript(world, mob):
    """The transcript of m_b_to_a (completed; assessment of FAC and MAN), approved by the host A."""
    return decide_all(sent_transcript(world, mob), [(world.pc_a, "receiving")])


def sent_transcript(world, mob):
    """The transcript of m_b_to_a (completed; assessment of FAC and MAN), sent to the host A for approval."""
    mobility = mob.m_b_to_a
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.COMPLETED)
    if not LearningAgreement.objects.filter(mobility=mobility).exists():
        make_approved_agreement(mobility, beauty_qualification(world.org_b))  # approved directly: no PDF row
    make_assessment(mobility, mob.mentor_a, [("FAC", R.ACHIEVED), ("FAC", R.ACHIEVED), ("MAN", R.NOT_ACHIEVED)])
    transcript = transcript_service.build_transcript(Mobility.objects.get(pk=mobility.pk), by=world.pc_a)
    return transcript_service.send_for_approval(transcript, by=world.pc_a)


def sent_europass(world, mob, mobility=None, *, sender=None, host=None):
    """The Europass Mobility of m_b_to_a (B sends: partner_b; A hosts: pc_a), or of `mobility` with its
    sending and host signers, sent for approval."""
    mobility = mobility or mob.m_b_to_a
    sender, host = sender or world.partner_b, host or world.pc_a
    Mobility.objects.filter(pk=mobility.pk).update(
        status=Mobility.Status.COMPLETED, planned_activities="Work in a beauty salon"
    )
    europass = europass_service.start_europass(Mobility.objects.get(pk=mobility.pk), by=sender)
    europass_service.update_host(europass, SECTION_5A, by=host)
    return europass_service.send_for_approval(europass, by=sender)


def approved_europass(world, mob, mobility=None, *, sender=None, host=None):
    europass = sent_europass(world, mob, mobility, sender=sender, host=host)
    return decide_all(europass, [(sender or world.partner_b, "sending"), (host or world.pc_a, "receiving")])


def approved_grant(world, mob):
    """The participant grant agreement of m_b_to_a (A in Kaunas, B in Haarlem: the grant can be computed), sent
    by B and approved by the learner and B."""
    for organisation, latitude, longitude in (
        (world.org_a, "54.898500", "23.903600"),
        (world.org_b, "52.387400", "4.646200"),
    ):
        organisation.latitude, organisation.longitude = Decimal(latitude), Decimal(longitude)
        organisation.save(update_fields=["latitude", "longitude"])
    agreement = grant_service.start_grant_agreement(mob.m_b_to_a, by=world.partner_b)
    agreement = grant_service.send_for_approval(agreement, by=world.partner_b)
    return decide_all(agreement, [(world.learner_b, "learner"), (world.partner_b, "sending")])


def forced_memorandum(partnership, organisations, title="Forced MoU") -> Memorandum:
    """A memorandum put in force directly (content frozen, no approvals): final, and no PDF row yet."""
    memorandum = make_memorandum(
        partnership=partnership, organisations=organisations, title=title, status=Memorandum.Status.IN_FORCE
    )
    approvals.freeze(memorandum)
    memorandum.save(update_fields=["frozen_content"])
    return memorandum


# --- PDF rows without rendering ----------------------------------------------------------------------------


def make_ready(document, data: bytes) -> RenderedDocument:
    """The document's PDF row (requested if need be, never sent to the worker) marked ready with `data`."""
    row = current_row(document) or request_pdf(document)
    row.file.save(f"{row.code}.pdf", ContentFile(data), save=False)
    # Arranged, not moved: the worker's "finish" move is what tests/documents/test_pipeline.py checks.
    RenderedDocument.objects.filter(pk=row.pk).update(
        file=row.file.name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
        pages=2,
        status=S.READY,
        finished_at=timezone.now(),
        signer="VISION test seal",
    )
    row.refresh_from_db()
    return row
