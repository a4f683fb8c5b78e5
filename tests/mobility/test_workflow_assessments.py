"""The mentor's assessment moves through its one declared workflow (issue 13, point 2):

draft → submitted   `submit`, by who may assess the mobility (its mentor, the host's staff), once every
                    learning outcome has a result and a date and every soft skill a rating;
submitted → superseded   `supersede`, with a reason, only as part of a correction (the next version).

Each move writes a history row and one audit entry; nothing else changes the status (not a direct
assignment, not the Django admin)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mobility.models import MentorAssessment, SoftSkill
from mobility.models.checklists import ChainEvent
from mobility.services import assessments as service
from mobility.services.checklists import generate_checklist
from partners import workflow
from partners.models import AuditEntry, StatusChange
from tests.factories_mobility import AssessmentItemFactory
from tests.workflow_support import change_url, post_move

pytestmark = pytest.mark.django_db

Status = MentorAssessment.Status


@pytest.fixture
def items(mob):
    return [
        AssessmentItemFactory(mobility=mob.m_b_to_a, text="Prepares the treatment room hygienically", order=1),
        AssessmentItemFactory(mobility=mob.m_b_to_a, text="Performs a basic facial treatment", order=2),
    ]


def complete(items) -> service.AssessmentInput:
    return service.AssessmentInput(
        results={
            i.pk: service.ResultInput(result="achieved", method="Observation", assessed_on=date(2021, 5, 7))
            for i in items
        },
        ratings={skill.value: service.RatingInput(rating=3) for skill in SoftSkill},
        overall_comment="A motivated learner.",
    )


@pytest.fixture
def draft(mob, items) -> MentorAssessment:
    """A complete draft of m_b_to_a (A hosts; mentor_a), not submitted."""
    return service.save_draft(mob.m_b_to_a, by=mob.mentor_a, data=complete(items))


def in_state(assessment, status) -> MentorAssessment:
    MentorAssessment.objects.filter(pk=assessment.pk).update(status=status)
    return MentorAssessment.objects.get(pk=assessment.pk)


def moves_of(assessment):
    return AuditEntry.objects.filter(object_code=str(assessment.code), verb=AuditEntry.Verb.STATE_CHANGED)


# --- the map ------------------------------------------------------------------------------------------------

MOVES = {"submit": ([Status.DRAFT], Status.SUBMITTED), "supersede": ([Status.SUBMITTED], Status.SUPERSEDED)}


@pytest.mark.parametrize(
    ("name", "status"), [(name, status) for name in MOVES for status in Status.values], ids=lambda v: str(v)
)
def test_each_move_is_made_from_its_sources_and_refused_from_the_others(mob, draft, name, status):
    sources, target = MOVES[name]
    assessment = in_state(draft, status)
    if status in sources:
        workflow.move(assessment, name, by=mob.mentor_a, reason="Wrong date")
        assert MentorAssessment.objects.get(pk=draft.pk).status == target
        [row] = assessment.state_history()
        assert (row.transition, row.from_state, row.to_state, row.by) == (name, status, target, mob.mentor_a)
        assert moves_of(assessment).count() == 1
    else:
        with pytest.raises(workflow.Refused):
            workflow.move(assessment, name, by=mob.mentor_a, reason="Wrong date")
        assert MentorAssessment.objects.get(pk=draft.pk).status == status
        assert not StatusChange.objects.exists() and not moves_of(assessment).exists()


def test_the_status_cannot_be_assigned(draft):
    with pytest.raises(AttributeError):
        draft.status = Status.SUBMITTED


# --- submit ---------------------------------------------------------------------------------------------------


def test_submitting_writes_one_history_row_and_one_audit_entry_and_locks_the_version(mob, items, draft):
    submitted = service.submit_assessment(mob.m_b_to_a, by=mob.mentor_a, data=complete(items))
    assert submitted.pk == draft.pk
    stored = MentorAssessment.objects.get(pk=draft.pk)
    assert stored.status == Status.SUBMITTED and stored.submitted_at is not None and stored.is_locked
    [row] = stored.state_history()
    assert (row.transition, row.from_state, row.to_state, row.by) == ("submit", "draft", "submitted", mob.mentor_a)
    assert (row.partnership, row.organisation) == (mob.m_b_to_a.partnership, mob.m_b_to_a.sending_organisation)
    [entry] = moves_of(stored)
    assert entry.actor == mob.mentor_a and entry.details["version"] == 1
    assert (entry.details["from"], entry.details["to"]) == ("draft", "submitted")


@pytest.mark.parametrize("who", ["mentor_a", "pc_a"])
def test_the_mentor_and_the_hosts_staff_may_submit(world, mob, draft, who):
    user = getattr(mob, who, None) or getattr(world, who)
    workflow.move(draft, "submit", by=user, assessor=user)
    stored = MentorAssessment.objects.get(pk=draft.pk)
    assert stored.status == Status.SUBMITTED and stored.assessor == user


@pytest.mark.parametrize("who", ["partner_b", "learner_b", "outsider", "mentor_b", None])
def test_nobody_else_may_submit(world, draft, who):
    with pytest.raises(PermissionDenied):
        workflow.move(draft, "submit", by=who and getattr(world, who))
    assert MentorAssessment.objects.get(pk=draft.pk).status == Status.DRAFT
    assert not StatusChange.objects.exists()


def test_a_draft_without_learning_outcomes_cannot_be_submitted(mob):
    draft = MentorAssessment.objects.create(mobility=mob.m_b_to_a, assessor=mob.mentor_a)
    [missing] = workflow.missing_facts(draft, "submit")
    assert "no learning outcomes" in missing.message
    assert missing.url == reverse("mobility:assessment", kwargs={"code": mob.m_b_to_a.code})
    with pytest.raises(workflow.Refused):
        workflow.move(draft, "submit", by=mob.mentor_a)
    assert MentorAssessment.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_learning_outcome_without_result_or_date_stops_the_submission(mob, items, draft):
    draft.results.filter(item=items[1]).update(assessed_on=None)
    with pytest.raises(workflow.Refused) as refused:
        workflow.move(draft, "submit", by=mob.mentor_a)
    assert [m.message for m in refused.value.missing] == ["a result and a date for every learning outcome"]
    draft.results.filter(item=items[1]).update(assessed_on=date(2021, 5, 7), result="")
    assert [m.message for m in workflow.missing_facts(draft, "submit")] == [
        "a result and a date for every learning outcome"
    ]
    assert MentorAssessment.objects.get(pk=draft.pk).status == Status.DRAFT


def test_an_unrated_soft_skill_stops_the_submission(mob, draft):
    draft.soft_skills.filter(skill=SoftSkill.TEAMWORK).update(rating=None)
    with pytest.raises(workflow.Refused) as refused:
        workflow.move(draft, "submit", by=mob.mentor_a)
    assert [m.message for m in refused.value.missing] == ["a rating of every soft skill"]
    assert not StatusChange.objects.exists()


# --- supersede (a correction) --------------------------------------------------------------------------------


def test_a_correction_supersedes_the_submitted_version_with_its_reason(mob, items, draft):
    submitted = service.submit_assessment(mob.m_b_to_a, by=mob.mentor_a, data=complete(items))
    new = service.start_correction(mob.m_b_to_a, by=mob.mentor_a, reason="Wrong date of the assessment")
    old = MentorAssessment.objects.get(pk=submitted.pk)
    assert old.status == Status.SUPERSEDED and new.status == Status.DRAFT and new.version == 2
    rows = list(old.state_history())
    assert [(r.transition, r.to_state, r.reason) for r in rows] == [
        ("submit", "submitted", ""),
        ("supersede", "superseded", "Wrong date of the assessment"),
    ]
    assert moves_of(old).count() == 2  # one per move
    assert moves_of(new).count() == 0
    assert AuditEntry.objects.filter(object_code=str(new.code), verb=AuditEntry.Verb.CREATED).count() == 1


def test_superseding_needs_a_reason(mob, draft):
    submitted = in_state(draft, Status.SUBMITTED)
    with pytest.raises(workflow.Refused, match="Give a reason"):
        workflow.move(submitted, "supersede", by=mob.mentor_a, reason="  ")
    assert MentorAssessment.objects.get(pk=draft.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["partner_b", "learner_b", "outsider"])
def test_nobody_but_an_assessor_may_supersede(world, draft, who):
    submitted = in_state(draft, Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        workflow.move(submitted, "supersede", by=getattr(world, who), reason="Wrong")
    assert MentorAssessment.objects.get(pk=draft.pk).status == Status.SUBMITTED


# --- Django admin -------------------------------------------------------------------------------------------


def test_the_admin_page_offers_submit_for_a_complete_draft_and_never_supersede(world, mob, draft, client_for):
    client = client_for(world.admin)
    page = client.get(change_url(draft)).content.decode()
    assert 'name="_fsm_transition_to"' in page and 'value="submit"' in page
    submitted = in_state(draft, Status.SUBMITTED)
    page = client.get(change_url(submitted)).content.decode()
    assert 'value="submit"' not in page and 'value="supersede"' not in page


def test_submitting_through_the_admin_is_the_same_move_and_ticks_the_checklist(world, mob, draft, client_for):
    generate_checklist(mob.m_b_to_a)
    response = post_move(client_for(world.admin), draft, "submit")
    assert response.status_code == 200
    stored = MentorAssessment.objects.get(pk=draft.pk)
    assert stored.status == Status.SUBMITTED and stored.submitted_at is not None
    [row] = stored.state_history()
    assert (row.transition, row.by) == ("submit", world.admin)
    assert moves_of(stored).count() == 1
    assert mob.m_b_to_a.checklist.get(chain_event=ChainEvent.ASSESSMENT_SUBMITTED).is_done


def test_an_illegal_move_through_the_admin_changes_nothing_and_says_why(world, draft, client_for):
    submitted = in_state(draft, Status.SUBMITTED)
    response = post_move(client_for(world.admin), submitted, "submit")
    assert "is not possible while the mentor assessment is “Submitted”" in response.content.decode()
    assert MentorAssessment.objects.get(pk=draft.pk).status == Status.SUBMITTED
    assert not StatusChange.objects.exists() and not moves_of(draft).exists()


def test_superseding_through_the_admin_is_refused_it_takes_a_correction(world, draft, client_for):
    submitted = in_state(draft, Status.SUBMITTED)
    client = client_for(world.admin)
    asked = post_move(client, submitted, "supersede")  # a move with a reason: its form first
    transition_url = reverse("admin:mobility_mentorassessment_transition", args=[submitted.pk, "supersede"])
    assert asked.redirect_chain[-1][0] == transition_url
    response = client.post(transition_url, {"reason": "Wrong date"}, follow=True)
    assert "Start a correction on the assessment page" in response.content.decode()
    assert MentorAssessment.objects.get(pk=draft.pk).status == Status.SUBMITTED
    assert not StatusChange.objects.exists()
