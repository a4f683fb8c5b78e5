"""The checklist follows the ECVET chain (issue 13, point 3): each step, taken through ecvet's own services,
ticks the checklist item tied to it with a link to its document (mobility.services.checklists.record_chain_event).

m_b_to_a (tests/mobility/conftest.py): B sends learner_b's mobility to A; mentor_a mentors at A; partner_b signs
for B, pc_a for A.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ecvet.models import Approval, LearningAgreementUnit, LearningAgreementVersion
from ecvet.services import agreements, approvals, europass, transcripts
from mobility.dashboard import overdue_items
from mobility.models import ChecklistItem, Mobility
from mobility.models.checklists import ChainEvent
from mobility.services import assessments
from partners.models import AuditEntry
from tests.ecvet.support_memoranda import beauty_qualification

pytestmark = pytest.mark.django_db

AFTER_THE_STAY = datetime(2021, 7, 1, 10, 0, tzinfo=timezone.get_default_timezone())
after = time_machine.travel(AFTER_THE_STAY, tick=False)


def approve(document, user, party):
    approvals.decide(
        document,
        party_key=party,
        by=user,
        expected_sha256=approvals.current_sha256(document),
        decision=Approval.Decision.APPROVED,
    )


def item(mobility, event) -> ChecklistItem:
    return ChecklistItem.objects.get(mobility=mobility, chain_event=event)


def set_status(mobility, status):
    Mobility.objects.filter(pk=mobility.pk).update(status=status)
    mobility.refresh_from_db()


def approved_agreement(world, mobility, *, change_of=None):
    """Version 1 (or a change of `change_of`) approved by the learner, B and A."""
    if change_of is None:
        qualification = beauty_qualification(world.org_b)
        _agreement, draft = agreements.start_agreement(mobility, by=world.partner_b, qualification=qualification)
        for order, unit in enumerate(qualification.units.order_by("reference")):
            LearningAgreementUnit.objects.create(
                version=draft, unit=unit, ecvet_points=unit.ecvet_points, learning_outcomes="Performs it", order=order
            )
    else:
        draft = agreements.propose_change(
            change_of.agreement, by=world.partner_b, reason_code="extending-mobility", reason_text="Two more weeks"
        )
    version = agreements.send_for_approval(draft, by=world.partner_b)
    approve(version, world.learner_b, "learner")
    approve(version, world.partner_b, "sending")
    approve(version, world.pc_a, "receiving")
    version.refresh_from_db()
    assert version.status == LearningAgreementVersion.Status.APPROVED
    return version


def submitted_assessment(mob, mobility):
    items = list(mobility.assessment_items.all())
    data = assessments.AssessmentInput(
        results={
            i.pk: assessments.ResultInput(result="achieved", method="Observation", assessed_on=date(2021, 5, 7))
            for i in items
        },
        ratings={skill: assessments.RatingInput(rating=3) for skill in assessments.SoftSkill},
    )
    return assessments.submit_assessment(mobility, by=mob.mentor_a, data=data)


@pytest.fixture
def planned(mob):
    set_status(mob.m_b_to_a, Mobility.Status.PLANNED)
    return mob.m_b_to_a


@after
def test_the_learning_agreement_in_force_ticks_its_item_with_the_version_as_evidence(world, mob, planned):
    version = approved_agreement(world, planned)
    signed = item(planned, ChainEvent.LA_SIGNED)
    assert signed.is_done and signed.done_automatically
    assert signed.evidence_url == reverse("ecvet:agreement_version", kwargs={"code": version.code})
    assert signed.note.startswith("Done automatically: Learning Agreement of ")
    assert signed.done_by == world.pc_a  # whose approval put it in force
    assert AuditEntry.objects.filter(object_code=str(signed.code), details__chain_event="la_signed").count() == 1


@after
def test_an_approved_change_becomes_the_evidence_and_the_tick_stays(world, mob, planned):
    first = approved_agreement(world, planned)
    second = approved_agreement(world, planned, change_of=first)
    signed = item(planned, ChainEvent.LA_SIGNED)
    assert signed.is_done
    assert signed.evidence_url == reverse("ecvet:agreement_version", kwargs={"code": second.code})
    assert "version 2" in signed.note


@after
def test_the_chain_ticks_transcript_recognition_and_europass_in_turn(world, mob, planned):
    mobility = planned
    approved_agreement(world, mobility)
    submitted_assessment(mob, mobility)
    set_status(mobility, Mobility.Status.COMPLETED)

    transcript = transcripts.send_for_approval(transcripts.build_transcript(mobility, by=world.pc_a), by=world.pc_a)
    assert not item(mobility, ChainEvent.TRANSCRIPT_APPROVED).is_done
    approve(transcript, world.pc_a, "receiving")
    approved = item(mobility, ChainEvent.TRANSCRIPT_APPROVED)
    assert approved.is_done and approved.evidence_url == transcript.get_absolute_url()
    assert approved.note.startswith("Done automatically: Personal Transcript of ")

    transcript.refresh_from_db()
    transcripts.record_recognition(
        transcript,
        by=world.partner_b,
        decision="recognised",
        decided_on=date(2021, 6, 30),
        how_it_counts="Unit FAC counts as done",
        points_recognised=Decimal("10"),
    )
    recognised = item(mobility, ChainEvent.RECOGNITION_RECORDED)
    assert recognised.title == "Learning outcomes recognised"
    assert recognised.is_done and recognised.evidence_url == transcript.get_absolute_url()
    assert recognised.done_by == world.partner_b and "Recognised in full" in recognised.note

    document = europass.start_europass(mobility, by=world.partner_b)
    europass.update_host(document, {"job_related": "Facial treatments"}, by=world.pc_a)
    document = europass.send_for_approval(document, by=world.partner_b)
    assert not item(mobility, ChainEvent.EUROPASS_ISSUED).is_done
    approve(document, world.partner_b, "sending")
    approve(document, world.pc_a, "receiving")
    issued = item(mobility, ChainEvent.EUROPASS_ISSUED)
    assert issued.title == "Europass Mobility issued"
    assert issued.is_done and issued.evidence_url == document.get_absolute_url()

    # Every chain item of the mobility is done, by the chain itself.
    chain_items = ChecklistItem.objects.filter(mobility=mobility).exclude(chain_event="")
    assert {i.chain_event for i in chain_items if i.is_done} == {
        ChainEvent.LA_SIGNED,
        ChainEvent.ASSESSMENT_SUBMITTED,
        ChainEvent.TRANSCRIPT_APPROVED,
        ChainEvent.RECOGNITION_RECORDED,
        ChainEvent.EUROPASS_ISSUED,
    }
    # Recognised: nothing of it counts as overdue any more, the learner's report included.
    mobility.refresh_from_db()
    assert mobility.status == Mobility.Status.RECOGNISED
    assert not overdue_items(ChecklistItem.objects.filter(mobility=mobility)).exists()
