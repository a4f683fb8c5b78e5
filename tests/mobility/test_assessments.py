"""Mentor assessment: drafts, submission and lock, corrections as new versions, learning outcomes."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mobility.models import AssessmentItem, AssessmentResult, MentorAssessment, SoftSkill
from mobility.services import assessments as service
from partners.models import AuditEntry
from tests.factories_mobility import AssessmentItemFactory

pytestmark = pytest.mark.django_db

Status = MentorAssessment.Status
# m_b_to_a (B sends, A hosts, mentor_a, learner_b) runs 2021-04-12 – 2021-05-09.
AFTER_THE_STAY = datetime(2021, 5, 10, 9, 0, tzinfo=timezone.get_default_timezone())
freeze = time_machine.travel(AFTER_THE_STAY, tick=False)


@pytest.fixture
def outcomes(mob):
    return [
        AssessmentItemFactory(mobility=mob.m_b_to_a, text="Prepares the treatment room hygienically", order=1),
        AssessmentItemFactory(mobility=mob.m_b_to_a, text="Performs a basic facial treatment", order=2),
    ]


def assessment_url(mobility):
    return reverse("mobility:assessment", kwargs={"code": mobility.code})


def complete_data(items, action="submit", **overrides):
    data = {"action": action, "overall_comment": "A motivated learner."}
    for item in items:
        data.update(
            {
                f"item_{item.pk}_result": "achieved",
                f"item_{item.pk}_method": "Observation at work",
                f"item_{item.pk}_evidence": "Observed on three clients",
                f"item_{item.pk}_assessed_on": "2021-05-07",
            }
        )
    for skill in SoftSkill:
        data[f"skill_{skill.value}_rating"] = "3"
    data.update(overrides)
    return data


def submit(client, mobility, items, **overrides):
    return client.post(assessment_url(mobility), complete_data(items, **overrides))


# --- Draft and submission ------------------------------------------------------------------------------


@freeze
def test_the_mentor_saves_a_draft_with_gaps(world, mob, outcomes, client_for):
    first = outcomes[0]
    data = {"action": "save", f"item_{first.pk}_result": "partly", f"skill_{SoftSkill.TEAMWORK.value}_rating": "2"}
    response = client_for(mob.mentor_a).post(assessment_url(mob.m_b_to_a), data)
    assert response.status_code == 302
    draft = MentorAssessment.objects.get(mobility=mob.m_b_to_a)
    assert draft.status == Status.DRAFT and draft.version == 1 and draft.assessor == mob.mentor_a
    assert draft.results.get(item=first).result == "partly"
    assert draft.results.get(item=outcomes[1]).result == ""
    assert draft.soft_skills.get(skill=SoftSkill.TEAMWORK).rating == 2
    assert AuditEntry.objects.filter(object_code=str(draft.code), verb=AuditEntry.Verb.CREATED).exists()


@freeze
def test_submitting_an_incomplete_assessment_gives_field_errors_and_submits_nothing(world, mob, outcomes, client_for):
    first, second = outcomes
    response = submit(
        client_for(mob.mentor_a),
        mob.m_b_to_a,
        outcomes,
        **{f"item_{second.pk}_result": "", f"item_{first.pk}_assessed_on": "", "skill_teamwork_rating": ""},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[f"item_{second.pk}_result"] == ["Give a result for this learning outcome."]
    assert errors[f"item_{first.pk}_assessed_on"] == ["Give the date of the assessment."]
    assert errors["skill_teamwork_rating"] == ["Rate this soft skill."]
    assert not MentorAssessment.objects.filter(mobility=mob.m_b_to_a).exists()


@freeze
def test_a_rating_outside_the_scale_is_a_field_error(world, mob, outcomes, client_for):
    response = submit(client_for(mob.mentor_a), mob.m_b_to_a, outcomes, skill_teamwork_rating="7")
    assert response.status_code == 200
    assert "skill_teamwork_rating" in response.context["form"].errors
    assert not MentorAssessment.objects.exists()


@freeze
@pytest.mark.parametrize(
    ("day", "message"),
    [("2021-05-11", "cannot be in the future"), ("2021-04-01", "cannot be before the mobility started")],
)
def test_an_assessment_date_outside_the_possible_window_is_refused(world, mob, outcomes, client_for, day, message):
    first = outcomes[0]
    response = submit(client_for(mob.mentor_a), mob.m_b_to_a, outcomes, **{f"item_{first.pk}_assessed_on": day})
    assert message in response.context["form"].errors[f"item_{first.pk}_assessed_on"][0]
    assert not MentorAssessment.objects.exists()


@freeze
def test_the_mentor_submits_a_complete_assessment_which_is_then_locked(world, mob, outcomes, client_for):
    client = client_for(mob.mentor_a)
    client.post(assessment_url(mob.m_b_to_a), complete_data(outcomes, action="save"))
    response = submit(client, mob.m_b_to_a, outcomes)
    assert response.status_code == 302
    assessment = MentorAssessment.objects.get(mobility=mob.m_b_to_a)
    assert assessment.status == Status.SUBMITTED and assessment.is_locked
    assert assessment.submitted_at == timezone.now()
    assert assessment.results.filter(result="achieved").count() == 2
    entry = AuditEntry.objects.get(object_code=str(assessment.code), verb=AuditEntry.Verb.STATE_CHANGED)
    assert entry.details["from"] == "draft" and entry.details["to"] == "submitted"

    again = submit(client, mob.m_b_to_a, outcomes, **{f"item_{outcomes[0].pk}_result": "not_achieved"})
    assert again.status_code == 403
    assert "locked" in again.content.decode()
    assert not AssessmentResult.objects.filter(result="not_achieved").exists()


@freeze
def test_receiving_staff_may_assess_in_place_of_the_mentor(world, mob, outcomes, client_for):
    assert submit(client_for(world.pc_a), mob.m_b_to_a, outcomes).status_code == 302  # A hosts m_b_to_a
    assert MentorAssessment.objects.get(mobility=mob.m_b_to_a).assessor == world.pc_a


@freeze
def test_sending_staff_read_a_submitted_assessment_but_cannot_change_it(world, mob, outcomes, client_for):
    submit(client_for(mob.mentor_a), mob.m_b_to_a, outcomes)
    client = client_for(world.partner_b)  # B sends m_b_to_a
    html = client.get(assessment_url(mob.m_b_to_a)).content.decode()
    assert "Performs a basic facial treatment" in html and "Observed on three clients" in html
    assert 'data-testid="assessment-form"' not in html
    assert submit(client, mob.m_b_to_a, outcomes).status_code == 403


@freeze
def test_the_learner_sees_the_assessment_only_after_submission(world, mob, outcomes, client_for):
    mentor = client_for(mob.mentor_a)
    mentor.post(assessment_url(mob.m_b_to_a), complete_data(outcomes, action="save"))
    draft = MentorAssessment.objects.get(mobility=mob.m_b_to_a)
    learner = client_for(world.learner_b)
    html = learner.get(assessment_url(mob.m_b_to_a)).content.decode()
    assert "The mentor has not submitted the assessment yet." in html
    assert "Observed on three clients" not in html
    assert learner.get(reverse("mobility:assessment_version", kwargs={"code": draft.code})).status_code == 404

    submit(client_for(mob.mentor_a), mob.m_b_to_a, outcomes)
    html = client_for(world.learner_b).get(assessment_url(mob.m_b_to_a)).content.decode()
    assert "Observed on three clients" in html
    assert "Submitted" in html


def test_the_service_refuses_a_draft_over_a_submitted_version(world, mob, outcomes):
    MentorAssessment.objects.create(mobility=mob.m_b_to_a, status=Status.SUBMITTED, submitted_at=timezone.now())
    with pytest.raises(service.AssessmentLocked):
        service.save_draft(mob.m_b_to_a, by=mob.mentor_a, data=service.AssessmentInput(overall_comment="sneaky"))
    assert not MentorAssessment.objects.filter(overall_comment="sneaky").exists()


# --- Corrections ---------------------------------------------------------------------------------------


def correct_url(mobility):
    return reverse("mobility:assessment_correct", kwargs={"code": mobility.code})


@freeze
def test_a_correction_needs_a_reason(world, mob, outcomes, client_for):
    client = client_for(mob.mentor_a)
    submit(client, mob.m_b_to_a, outcomes)
    response = client.post(correct_url(mob.m_b_to_a), {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert MentorAssessment.objects.filter(mobility=mob.m_b_to_a).count() == 1


@freeze
def test_a_correction_is_a_new_version_and_the_submitted_one_stays_readable(world, mob, outcomes, client_for):
    client = client_for(mob.mentor_a)
    submit(client, mob.m_b_to_a, outcomes)
    first = MentorAssessment.objects.get(mobility=mob.m_b_to_a)
    response = client.post(correct_url(mob.m_b_to_a), {"reason": "Wrong result for the facial treatment"})
    assert response.status_code == 302

    first.refresh_from_db()
    second = MentorAssessment.objects.get(mobility=mob.m_b_to_a, version=2)
    assert first.status == Status.SUPERSEDED
    assert second.status == Status.DRAFT and second.correction_reason == "Wrong result for the facial treatment"
    assert second.results.filter(result="achieved").count() == 2  # copied
    assert second.soft_skills.filter(rating=3).count() == len(SoftSkill)

    response = submit(client, mob.m_b_to_a, outcomes, **{f"item_{outcomes[1].pk}_result": "partly"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Status.SUBMITTED
    assert second.results.get(item=outcomes[1]).result == "partly"
    assert first.results.get(item=outcomes[1]).result == "achieved"  # the old version is kept as it was

    html = client_for(world.learner_b).get(assessment_url(mob.m_b_to_a)).content.decode()
    assert "Version history" in html and "Version 1" in html and "Version 2" in html
    old_page = client_for(world.learner_b).get(reverse("mobility:assessment_version", kwargs={"code": first.code}))
    assert old_page.status_code == 200
    assert "replaced by a correction" in old_page.content.decode()
    assert AuditEntry.objects.filter(object_code=str(first.code), details__to="superseded").exists()


@freeze
def test_only_a_submitted_assessment_can_be_corrected(world, mob, outcomes, client_for):
    response = client_for(mob.mentor_a).post(correct_url(mob.m_b_to_a), {"reason": "Because"})
    assert response.status_code == 302
    assert not MentorAssessment.objects.exists()


# --- Learning outcomes ---------------------------------------------------------------------------------


def items_url(mobility):
    return reverse("mobility:assessment_items", kwargs={"code": mobility.code})


def items_post_data(existing, new_texts=(), delete=()):
    data = {
        "items-TOTAL_FORMS": str(len(existing) + len(new_texts)),
        "items-INITIAL_FORMS": str(len(existing)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(existing):
        data.update(
            {
                f"items-{i}-id": item.pk,
                f"items-{i}-text": item.text,
                f"items-{i}-unit_code": item.unit_code,
                f"items-{i}-order": item.order,
            }
        )
        if item in delete:
            data[f"items-{i}-DELETE"] = "on"
    for j, text in enumerate(new_texts, start=len(existing)):
        data.update({f"items-{j}-text": text, f"items-{j}-unit_code": "U1", f"items-{j}-order": "5"})
    return data


@pytest.mark.parametrize("actor", ["partner_b", "mentor_a"])
def test_sending_staff_and_the_mentor_add_free_text_outcomes(world, mob, outcomes, client_for, actor):
    user = getattr(world, actor, None) or getattr(mob, actor)
    response = client_for(user).post(items_url(mob.m_b_to_a), items_post_data(outcomes, ["Advises the client"]))
    assert response.status_code == 302
    added = AssessmentItem.objects.get(mobility=mob.m_b_to_a, text="Advises the client")
    assert added.source == AssessmentItem.Source.MANUAL and added.unit_code == "U1"


def test_an_empty_outcome_text_is_a_field_error(world, mob, outcomes, client_for):
    data = items_post_data(outcomes)
    data["items-0-text"] = ""
    response = client_for(world.partner_b).post(items_url(mob.m_b_to_a), data)
    assert response.status_code == 200
    assert AssessmentItem.objects.get(pk=outcomes[0].pk).text == outcomes[0].text


@freeze
def test_removing_an_outcome_also_removes_its_draft_result(world, mob, outcomes, client_for):
    client_for(mob.mentor_a).post(assessment_url(mob.m_b_to_a), complete_data(outcomes, action="save"))
    response = client_for(world.partner_b).post(
        items_url(mob.m_b_to_a), items_post_data(outcomes, delete=[outcomes[0]])
    )
    assert response.status_code == 302
    assert not AssessmentItem.objects.filter(pk=outcomes[0].pk).exists()
    assert MentorAssessment.objects.get(mobility=mob.m_b_to_a).results.count() == 1


@freeze
def test_outcomes_are_fixed_once_an_assessment_is_submitted(world, mob, outcomes, client_for):
    submit(client_for(mob.mentor_a), mob.m_b_to_a, outcomes)
    client = client_for(world.partner_b)
    page = client.get(items_url(mob.m_b_to_a))
    assert 'data-testid="items-locked"' in page.content.decode()
    response = client.post(items_url(mob.m_b_to_a), items_post_data(outcomes, ["Late addition"]))
    assert response.status_code == 403
    assert not AssessmentItem.objects.filter(text="Late addition").exists()


LA_OUTCOMES = [
    {"text": "Applies skin analysis", "unit_code": "BT-3", "external_ref": "lo-1"},
    {"text": "Plans a facial treatment", "unit_code": "BT-3", "external_ref": "lo-2"},
]


def test_the_learning_agreement_replaces_free_text_outcomes_and_is_idempotent(world, mob, outcomes):
    assert service.set_assessment_items(mob.m_b_to_a, LA_OUTCOMES) is True
    items = list(mob.m_b_to_a.assessment_items.order_by("order"))
    assert [(i.text, i.unit_code, i.external_ref) for i in items] == [
        ("Applies skin analysis", "BT-3", "lo-1"),
        ("Plans a facial treatment", "BT-3", "lo-2"),
    ]
    assert {i.source for i in items} == {AssessmentItem.Source.LEARNING_AGREEMENT}
    audit_count = AuditEntry.objects.count()

    assert service.set_assessment_items(mob.m_b_to_a, LA_OUTCOMES) is True
    assert [i.pk for i in mob.m_b_to_a.assessment_items.order_by("order")] == [i.pk for i in items]
    assert AuditEntry.objects.count() == audit_count  # nothing changed, nothing recorded

    changed = [{**LA_OUTCOMES[0], "text": "Applies skin analysis safely"}]
    service.set_assessment_items(mob.m_b_to_a, changed)
    assert list(mob.m_b_to_a.assessment_items.values_list("pk", "text")) == [
        (items[0].pk, "Applies skin analysis safely")
    ]


def test_outcomes_from_the_learning_agreement_are_not_edited_by_hand(world, mob, outcomes, client_for):
    service.set_assessment_items(mob.m_b_to_a, LA_OUTCOMES)
    page = client_for(world.partner_b).get(items_url(mob.m_b_to_a))
    assert "come from the Learning Agreement" in page.content.decode()


def test_the_learning_agreement_does_not_change_outcomes_already_assessed(world, mob, outcomes):
    MentorAssessment.objects.create(mobility=mob.m_b_to_a, status=Status.SUBMITTED, submitted_at=timezone.now())
    assert service.set_assessment_items(mob.m_b_to_a, LA_OUTCOMES) is False
    assert set(mob.m_b_to_a.assessment_items.all()) == set(outcomes)
