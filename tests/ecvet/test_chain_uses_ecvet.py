"""Issue 13, point 1: the chain's checks and figures follow the "uses ECVET" flag and the recorded reason
why a stay has no assessment."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ecvet import chain
from mobility.dashboard import overdue_items
from mobility.models import ChecklistItem, Mobility
from mobility.models.checklists import Category, ChainEvent, Responsible
from reporting.services.indicators import mobility_indicators
from tests.factories_mobility import MobilityFactory

from .test_check_chain import agreement_in_force, mobility_in, submitted_assessment, transcript

pytestmark = pytest.mark.django_db
S = Mobility.Status


def findings_for(mobility) -> list[str]:
    return [f.missing for f in chain.findings(Mobility.objects.filter(pk=mobility.pk))]


def reported(mobility) -> str:
    return chain.with_reported_status(Mobility.objects.filter(pk=mobility.pk)).get().reported_status


def test_a_completed_stay_with_a_recorded_reason_needs_no_assessment():
    mobility = mobility_in(S.COMPLETED)
    agreement_in_force(mobility)
    assert "no submitted mentor assessment and no reason recorded why" in findings_for(mobility)
    assert reported(mobility) == S.IN_MOBILITY  # the figures do not count it as completed
    Mobility.objects.filter(pk=mobility.pk).update(no_assessment_reason="Left the placement after a week.")
    assert findings_for(mobility) == []
    assert reported(mobility) == S.COMPLETED


def test_a_completed_stay_with_its_assessment_counts_as_completed():
    mobility = mobility_in(S.COMPLETED)
    agreement_in_force(mobility)
    submitted_assessment(mobility)
    assert reported(mobility) == S.COMPLETED


def test_a_mobility_without_ecvet_needs_no_agreement_nor_assessment_but_is_never_recognised():
    mobility = mobility_in(S.COMPLETED, uses_ecvet=False)
    assert findings_for(mobility) == []
    assert reported(mobility) == S.COMPLETED
    Mobility.objects.filter(pk=mobility.pk).update(status=S.RECOGNISED)
    assert findings_for(mobility) == ["recognised, but the mobility does not use ECVET"]
    assert reported(mobility) == S.COMPLETED
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_chain", stdout=out)
    assert f"mobility {mobility.code} [recognised]: recognised, but the mobility does not use ECVET" in out.getvalue()


def test_the_recognition_rate_counts_only_stays_that_use_ecvet(world):
    recognised = MobilityFactory(partnership=world.p1, learner__home_organisation=world.org_a)
    Mobility.objects.filter(pk=recognised.pk).update(status=S.RECOGNISED)
    agreement_in_force(recognised)
    transcript(recognised, decision="recognised")
    staff = MobilityFactory(partnership=world.p1, learner__home_organisation=world.org_a, uses_ecvet=False)
    Mobility.objects.filter(pk=staff.pk).update(status=S.COMPLETED)
    figures = mobility_indicators(world.pc_a, world.p1, [world.org_a, world.org_b])
    assert figures["completed"] == 1 and figures["recognised"] == 1
    assert figures["recognition_rate"] == 100


def test_ecvet_steps_of_the_checklist_are_never_overdue_without_ecvet(world):
    mobility = MobilityFactory(partnership=world.p1, learner__home_organisation=world.org_a, uses_ecvet=False)
    past = timezone.localdate().replace(year=2021)
    common = {"mobility": mobility, "category": Category.PREPARATION, "responsible": Responsible.SENDING}
    la_item = ChecklistItem.objects.create(
        title="Learning Agreement signed", due_date=past, chain_event=ChainEvent.LA_SIGNED, **common
    )
    insurance = ChecklistItem.objects.create(title="Insurance", due_date=past, **common)
    assert not la_item.is_overdue and la_item.stage_passed
    assert insurance.is_overdue
    overdue = list(overdue_items(ChecklistItem.objects.filter(mobility=mobility)))
    assert overdue == [insurance]
    Mobility.objects.filter(pk=mobility.pk).update(uses_ecvet=True)
    la_item.refresh_from_db()
    assert la_item.is_overdue


def test_a_transcript_awarding_no_points_can_only_be_not_recognised(world):
    from datetime import date

    from django.core.exceptions import ValidationError

    from ecvet.models import Transcript
    from ecvet.services.transcripts import record_recognition

    mobility = MobilityFactory(partnership=world.p1, learner__home_organisation=world.org_a)
    Mobility.objects.filter(pk=mobility.pk).update(status=S.COMPLETED)
    agreement_in_force(mobility)
    t = transcript(mobility, points="0")
    for decision in (Transcript.Decision.RECOGNISED, Transcript.Decision.PARTLY):
        with pytest.raises(ValidationError) as refused:
            record_recognition(
                t, by=world.pc_a, decision=decision, decided_on=date(2021, 6, 1), how_it_counts="Counts as unit 3"
            )
        assert "decision" in refused.value.message_dict
        assert Transcript.objects.get(pk=t.pk).decision == ""
    record_recognition(
        t,
        by=world.pc_a,
        decision=Transcript.Decision.NOT_RECOGNISED,
        decided_on=date(2021, 6, 1),
        how_it_counts="Not counted",
    )
    assert Mobility.objects.get(pk=mobility.pk).status == S.RECOGNISED
    assert findings_for(mobility) == []
