"""Issue 13, point 1: a mobility's status follows its documents.

Each move is offered only when its facts exist; a refused move names the missing fact and links to the page
where it is put right; *recognised* has no button (the transcript records it); a mobility without ECVET
follows the equivalent rules of mobility.guards.
"""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from ecvet.models import LearningAgreement, LearningAgreementVersion, Transcript
from mobility.models import ChecklistItem, MentorAssessment, Mobility, MobilityStatusChange
from mobility.services import lifecycle
from partners.models import AuditEntry
from partners.workflow import Refused

S = Mobility.Status


def at(mobility, status, **fields):
    Mobility.objects.filter(pk=mobility.pk).update(status=status, **fields)
    mobility.refresh_from_db()
    return mobility


def put_agreement_in_force(mobility):
    agreement = LearningAgreement.objects.create(mobility=mobility)
    return LearningAgreementVersion.objects.create(
        agreement=agreement, number=1, status=LearningAgreementVersion.Status.APPROVED
    )


def transcript_for(mobility, mentor, **fields):
    assessment = MentorAssessment.objects.filter(mobility=mobility).first() or submit_assessment(mobility, mentor)
    return Transcript.objects.create(mobility=mobility, assessment=assessment, **fields)


def submit_assessment(mobility, mentor):
    return MentorAssessment.objects.create(
        mobility=mobility, version=1, status=MentorAssessment.Status.SUBMITTED, assessor=mentor
    )


def move(client, mobility, to, **data):
    url = reverse("mobility:mobility_transition", kwargs={"code": mobility.code})
    return client.post(url, {"to": to, **data}, follow=True)


def shown_messages(response):
    return [html.unescape(str(message)) for message in response.context["messages"]]


def next_steps(response):
    return {target: missing for target, _label, missing in response.context["next_steps"]}


def buttons(response):
    return [target for target, _label in response.context["buttons"]]


# --- agreed: the Learning Agreement in force ------------------------------------------------------------------


def test_agreed_needs_the_learning_agreement_in_force(world, mob, client_for):
    client = client_for(world.pc_a)
    mobility = at(mob.m_a_to_b, S.PLANNED)
    page = client.get(mobility.get_absolute_url())
    assert S.AGREED not in buttons(page)
    la_url = reverse("ecvet:agreement_for_mobility", kwargs={"code": mobility.code})
    assert [m.url for m in next_steps(page)[S.AGREED]] == [la_url]
    assert f'href="{la_url}"' in page.content.decode()

    response = move(client, mobility, S.AGREED)
    [message] = shown_messages(response)
    assert "No Learning Agreement is in force for this mobility: it needs the approval of the learner" in message
    assert f'href="{la_url}"' in response.content.decode()
    mobility.refresh_from_db()
    assert mobility.status == S.PLANNED
    assert not MobilityStatusChange.objects.filter(mobility=mobility).exists()


def test_an_agreement_only_sent_for_approval_is_not_in_force(world, mob):
    mobility = at(mob.m_a_to_b, S.PLANNED)
    version = put_agreement_in_force(mobility)
    LearningAgreementVersion.objects.filter(pk=version.pk).update(status=LearningAgreementVersion.Status.AWAITING)
    with pytest.raises(Refused) as refused:
        lifecycle.transition(mobility, S.AGREED, by=world.pc_a)
    assert [m.url for m in refused.value.missing] == [
        reverse("ecvet:agreement_for_mobility", kwargs={"code": mobility.code})
    ]


def test_with_the_agreement_in_force_the_sender_records_the_agreement(world, mob, client_for):
    client = client_for(world.pc_a)
    mobility = at(mob.m_a_to_b, S.PLANNED)
    put_agreement_in_force(mobility)
    assert S.AGREED in buttons(client.get(mobility.get_absolute_url()))
    move(client, mobility, S.AGREED)
    mobility.refresh_from_db()
    assert mobility.status == S.AGREED


# --- in mobility: the first day has come ----------------------------------------------------------------------


def test_the_stay_starts_only_on_its_first_day(world, mob, client_for):
    today = timezone.localdate()
    mobility = at(mob.m_a_to_b, S.AGREED, start_date=today + timedelta(days=3), end_date=today + timedelta(days=30))
    response = move(client_for(world.partner_b), mobility, S.IN_MOBILITY)
    assert "The stay starts on" in shown_messages(response)[0]
    mobility.refresh_from_db()
    assert mobility.status == S.AGREED
    at(mobility, S.AGREED, start_date=today)
    move(client_for(world.partner_b), mobility, S.IN_MOBILITY)
    mobility.refresh_from_db()
    assert mobility.status == S.IN_MOBILITY


# --- completed: after the end date, with the assessment or a reason why not --------------------------------------


def test_completion_waits_for_the_end_of_the_stay(world, mob):
    today = timezone.localdate()
    mobility = at(mob.m_a_to_b, S.IN_MOBILITY, start_date=today - timedelta(days=5), end_date=today + timedelta(days=1))
    submit_assessment(mobility, world.mentor_b)
    with pytest.raises(Refused) as refused:
        lifecycle.transition(mobility, S.COMPLETED, by=world.partner_b)
    assert [m.message for m in refused.value.missing][0].startswith("The stay ends on")
    at(mobility, S.IN_MOBILITY, end_date=today)
    lifecycle.transition(mobility, S.COMPLETED, by=world.partner_b)
    mobility.refresh_from_db()
    assert mobility.status == S.COMPLETED


def test_completion_needs_the_submitted_assessment(world, mob, client_for):
    mobility = at(mob.m_a_to_b, S.IN_MOBILITY)  # the stay ended in 2021
    client = client_for(world.pc_a)
    page = client.get(mobility.get_absolute_url())
    assessment_url = reverse("mobility:assessment", kwargs={"code": mobility.code})
    assert S.COMPLETED not in buttons(page)
    assert [m.url for m in next_steps(page)[S.COMPLETED]] == [assessment_url]
    response = move(client, mobility, S.COMPLETED)
    assert "The mentor's assessment is not submitted" in shown_messages(response)[0]
    assert f'href="{assessment_url}"' in response.content.decode()
    mobility.refresh_from_db()
    assert mobility.status == S.IN_MOBILITY
    # A draft assessment is not enough.
    MentorAssessment.objects.create(mobility=mobility, version=1, status=MentorAssessment.Status.DRAFT)
    with pytest.raises(Refused):
        lifecycle.transition(mobility, S.COMPLETED, by=world.pc_a)
    MentorAssessment.objects.filter(mobility=mobility).update(status=MentorAssessment.Status.SUBMITTED)
    assert S.COMPLETED in buttons(client.get(mobility.get_absolute_url()))
    move(client, mobility, S.COMPLETED)
    mobility.refresh_from_db()
    assert mobility.status == S.COMPLETED


def test_completion_without_assessment_records_why(world, mob, client_for):
    mobility = at(mob.m_a_to_b, S.IN_MOBILITY)
    client = client_for(world.partner_b)
    page = client.get(mobility.get_absolute_url())
    assert page.context["no_assessment_form"] is not None
    response = move(client, mobility, S.COMPLETED, no_assessment_reason="  ")
    assert shown_messages(response) == ["Say why there is no assessment."]
    response = move(client, mobility, S.COMPLETED, no_assessment_reason="The learner left the placement early.")
    mobility.refresh_from_db()
    assert mobility.status == S.COMPLETED
    assert mobility.no_assessment_reason == "The learner left the placement early."
    change = MobilityStatusChange.objects.get(mobility=mobility)
    assert (change.to_status, change.reason, change.by) == (
        S.COMPLETED,
        "The learner left the placement early.",
        world.partner_b,
    )
    assert "The learner left the placement early." in response.content.decode()


def test_no_reason_form_while_the_stay_is_still_running(world, mob, client_for):
    today = timezone.localdate()
    mobility = at(mob.m_a_to_b, S.IN_MOBILITY, start_date=today - timedelta(days=5), end_date=today + timedelta(days=5))
    page = client_for(world.pc_a).get(mobility.get_absolute_url())
    assert page.context["no_assessment_form"] is None


# --- recognised: only through the transcript -----------------------------------------------------------------------


def test_recognition_has_no_button_and_a_direct_request_is_sent_to_the_transcript(world, mob, client_for):
    mobility = at(mob.m_a_to_b, S.COMPLETED)
    client = client_for(world.pc_a)
    page = client.get(mobility.get_absolute_url())
    transcript_url = reverse("ecvet:transcript_for_mobility", kwargs={"code": mobility.code})
    assert S.RECOGNISED not in buttons(page)
    assert [m.url for m in next_steps(page)[S.RECOGNISED]] == [transcript_url]
    response = move(client, mobility, S.RECOGNISED)
    assert "There is no Personal Transcript yet." in shown_messages(response)[0]
    assert f'href="{transcript_url}"' in response.content.decode()
    mobility.refresh_from_db()
    assert mobility.status == S.COMPLETED


def test_only_the_portal_records_recognition_even_when_the_transcript_allows_it(world, mob):
    mobility = at(mob.m_a_to_b, S.COMPLETED)
    transcript_for(mobility, world.mentor_b, status=Transcript.Status.APPROVED, decision="recognised")
    with pytest.raises(PermissionDenied):
        lifecycle.transition(mobility, S.RECOGNISED, by=world.pc_a)
    lifecycle.transition(mobility, S.RECOGNISED, by=world.pc_a, system=True)
    mobility.refresh_from_db()
    assert mobility.status == S.RECOGNISED


@pytest.mark.parametrize(
    ("transcript", "fact"),
    [
        (None, "There is no Personal Transcript yet."),
        ({"status": "awaiting"}, "The Personal Transcript is not approved by the host yet."),
        ({"status": "approved"}, "Recognition is not recorded on the approved Personal Transcript yet."),
    ],
)
def test_each_missing_step_of_the_transcript_is_named(world, mob, transcript, fact):
    mobility = at(mob.m_a_to_b, S.COMPLETED)
    if transcript:
        transcript_for(mobility, world.mentor_b, **transcript)
    with pytest.raises(Refused) as refused:
        lifecycle.transition(mobility, S.RECOGNISED, by=None, system=True)
    assert [m.message for m in refused.value.missing] == [fact]


# --- cancelling ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.DRAFT, S.PLANNED, S.AGREED, S.IN_MOBILITY])
def test_cancelling_is_possible_from_every_open_state_with_a_reason(world, mob, status):
    mobility = at(mob.m_a_to_b, status)
    with pytest.raises(Refused):
        lifecycle.transition(mobility, S.CANCELLED, by=world.pc_a, reason=" ")
    lifecycle.transition(mobility, S.CANCELLED, by=world.pc_a, reason="Host closed")
    mobility.refresh_from_db()
    assert mobility.status == S.CANCELLED


@pytest.mark.parametrize("status", [S.COMPLETED, S.RECOGNISED, S.CANCELLED])
def test_a_finished_mobility_cannot_be_cancelled(world, mob, status):
    mobility = at(mob.m_a_to_b, status)
    with pytest.raises(Refused):
        lifecycle.transition(mobility, S.CANCELLED, by=world.pc_a, reason="Too late")


# --- who may make each move ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "target", "allowed", "refused"),
    [
        (S.DRAFT, S.PLANNED, ["pc_a"], ["partner_b", "mentor_b", "outsider"]),
        (S.PLANNED, S.DRAFT, ["pc_a"], ["partner_b", "mentor_b"]),
        (S.PLANNED, S.AGREED, ["pc_a"], ["partner_b", "mentor_b"]),
        (S.AGREED, S.IN_MOBILITY, ["pc_a", "partner_b"], ["mentor_b", "outsider"]),
        (S.IN_MOBILITY, S.COMPLETED, ["pc_a", "partner_b"], ["mentor_b", "outsider"]),
        (S.IN_MOBILITY, S.CANCELLED, ["pc_a", "partner_b"], ["mentor_b", "outsider"]),
    ],
)
def test_the_permission_of_each_move_by_role(world, mob, status, target, allowed, refused):
    mobility = mob.m_a_to_b  # A sends, B hosts, mentor_b mentors; every fact exists
    put_agreement_in_force(mobility)
    submit_assessment(mobility, world.mentor_b)
    for name in refused:
        at(mobility, status)
        with pytest.raises(PermissionDenied):
            lifecycle.transition(mobility, target, by=getattr(world, name), reason="why")
        assert Mobility.objects.get(pk=mobility.pk).status == status
    for name in allowed:
        at(mobility, status)
        assert target in dict(lifecycle.moves_for(getattr(world, name), mobility))
        lifecycle.transition(mobility, target, by=getattr(world, name), reason="why")
        assert Mobility.objects.get(pk=mobility.pk).status == target


def test_every_move_writes_history_and_one_audit_entry(world, mob):
    mobility = mob.m_a_to_b
    put_agreement_in_force(mobility)
    submit_assessment(mobility, world.mentor_b)
    for target in (S.PLANNED, S.AGREED, S.IN_MOBILITY, S.COMPLETED):
        lifecycle.transition(mobility, target, by=world.pc_a)
    history = list(MobilityStatusChange.objects.filter(mobility=mobility).order_by("id"))
    assert [(h.from_status, h.to_status, h.by) for h in history] == [
        (S.DRAFT, S.PLANNED, world.pc_a),
        (S.PLANNED, S.AGREED, world.pc_a),
        (S.AGREED, S.IN_MOBILITY, world.pc_a),
        (S.IN_MOBILITY, S.COMPLETED, world.pc_a),
    ]
    entries = AuditEntry.objects.filter(verb=AuditEntry.Verb.STATE_CHANGED, object_code=str(mobility.code))
    assert [(e.details["from"], e.details["to"]) for e in entries.order_by("id")] == [
        (h.from_status, h.to_status) for h in history
    ]


# --- a mobility without ECVET ----------------------------------------------------------------------------------------


def test_without_ecvet_agreed_needs_a_mentor_and_the_planned_activities(world, mob):
    mobility = at(mob.m_a_to_b, S.PLANNED, uses_ecvet=False, mentor=None, planned_activities="")
    with pytest.raises(Refused) as refused:
        lifecycle.transition(mobility, S.AGREED, by=world.pc_a)
    assert [m.message for m in refused.value.missing] == [
        "No mentor at the host is named.",
        "The planned learning activities are not written down.",
    ]
    at(mobility, S.PLANNED, mentor=world.mentor_b, planned_activities="Job shadowing in the salon.")
    lifecycle.transition(mobility, S.AGREED, by=world.pc_a)  # no Learning Agreement needed
    assert Mobility.objects.get(pk=mobility.pk).status == S.AGREED


def test_without_ecvet_completed_needs_the_checklist_of_the_stay(world, mob):
    mobility = at(mob.m_a_to_b, S.IN_MOBILITY, uses_ecvet=False)
    due = mobility.end_date - timedelta(days=2)
    item = ChecklistItem.objects.create(mobility=mobility, title="Certificate of attendance", due_date=due)
    ChecklistItem.objects.create(mobility=mobility, title="Learning Agreement", due_date=due, chain_event="la_signed")
    ChecklistItem.objects.create(mobility=mobility, title="Report", due_date=mobility.end_date + timedelta(days=20))
    with pytest.raises(Refused) as refused:
        lifecycle.transition(mobility, S.COMPLETED, by=world.pc_a)
    [fact] = refused.value.missing
    assert fact.message == "1 checklist item(s) due by the end of the stay are not done."
    assert fact.url == reverse("mobility:checklist", kwargs={"code": mobility.code})
    ChecklistItem.objects.filter(pk=item.pk).update(done_at=timezone.now())
    lifecycle.transition(mobility, S.COMPLETED, by=world.pc_a)  # no assessment needed
    assert Mobility.objects.get(pk=mobility.pk).status == S.COMPLETED


def test_without_ecvet_there_is_no_recognition(world, mob, client_for):
    mobility = at(mob.m_a_to_b, S.COMPLETED, uses_ecvet=False)
    transcript_for(mobility, world.mentor_b, status=Transcript.Status.APPROVED, decision="recognised")
    with pytest.raises(Refused) as refused:
        lifecycle.transition(mobility, S.RECOGNISED, by=None, system=True)
    assert "does not use ECVET" in refused.value.missing[0].message
    page = client_for(world.pc_a).get(mobility.get_absolute_url()).content.decode()
    assert "This mobility does not use ECVET" in page


def test_the_partnership_setting_is_the_default_of_a_new_mobility(world, client_for):
    world.p1.uses_ecvet = False
    world.p1.save(update_fields=["uses_ecvet"])
    page = client_for(world.pc_a).get(reverse("mobility:mobility_create"))
    form = page.context["form"]
    if form.fields["partnership"].initial is not None:
        assert form.fields["uses_ecvet"].initial is False
    assert "uses_ecvet" in form.fields


def test_the_ecvet_choice_is_fixed_once_the_mobility_is_agreed(world, mob, client_for):
    mobility = at(mob.m_a_to_b, S.AGREED)
    form = client_for(world.pc_a).get(reverse("mobility:mobility_edit", kwargs={"code": mobility.code})).context["form"]
    assert form.fields["uses_ecvet"].disabled is True


# --- nothing else moves a status -------------------------------------------------------------------------------------


def test_assigning_the_status_directly_is_refused(mob):
    mobility = Mobility.objects.get(pk=mob.m_a_to_b.pk)
    with pytest.raises(AttributeError):
        mobility.status = S.RECOGNISED


def test_an_illegal_move_through_the_admin_changes_nothing(world, mob, client):
    client.force_login(world.admin)
    mobility = mob.m_a_to_b
    url = reverse("admin:mobility_mobility_change", args=[mobility.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_fsm_transition_to"' in page.content.decode()
    assert 'value="plan"' in page.content.decode()
    assert 'value="recognise"' not in page.content.decode()
    response = client.post(
        reverse("admin:mobility_mobility_transition", args=[mobility.pk, "recognise"]), {"reason": "x"}, follow=True
    )
    mobility.refresh_from_db()
    assert mobility.status == S.DRAFT
    assert not MobilityStatusChange.objects.filter(mobility=mobility).exists()
    assert response.status_code in (200, 400)


def test_a_legal_move_through_the_admin_goes_through_the_workflow(world, mob, client):
    client.force_login(world.admin)
    mobility = mob.m_a_to_b
    url = reverse("admin:mobility_mobility_transition", args=[mobility.pk, "cancel"])
    client.post(url, {"reason": "Entered twice"}, follow=True)
    mobility.refresh_from_db()
    assert mobility.status == S.CANCELLED
    change = MobilityStatusChange.objects.get(mobility=mobility)
    assert (change.from_status, change.to_status, change.by, change.reason) == (
        S.DRAFT,
        S.CANCELLED,
        world.admin,
        "Entered twice",
    )
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.STATE_CHANGED, object_code=str(mobility.code)).count() == 1
    # Once cancelled, the admin cannot cancel again: refused with the reason, nothing written.
    response = client.post(url, {"reason": "Again"}, follow=True)
    assert any("not possible" in str(m) for m in response.context["messages"])
    assert MobilityStatusChange.objects.filter(mobility=mobility).count() == 1


def test_the_api_refuses_a_new_mobility_with_a_status(world, mob, client):
    from knox.models import AuthToken

    _token, key = AuthToken.objects.create(world.pc_a)
    before = Mobility.objects.count()
    response = client.post(
        reverse("api:mobility-list"),
        {
            "learner": str(mob.learner_a1.code),
            "partnership": world.p1.slug,
            "receiving_organisation": world.org_b.slug,
            "start_date": "2021-05-03",
            "end_date": "2021-05-24",
            "status": "recognised",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 400
    assert "workflow" in response.json()["status"][0]
    assert Mobility.objects.count() == before
