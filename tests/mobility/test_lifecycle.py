"""The lifecycle through the UI: buttons, status changes, refusals with a message, history."""

import pytest
from django.urls import reverse

from mobility.models import Mobility, MobilityStatusChange
from partners.models import AuditEntry

S = Mobility.Status


def move(client, mobility, to, reason="", follow=True):
    url = reverse("mobility:mobility_transition", kwargs={"code": mobility.code})
    return client.post(url, {"to": to, "reason": reason}, follow=follow)


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


def test_sending_staff_walks_a_mobility_to_completed_once_its_documents_exist(world, mob, client_for):
    from ecvet.models import LearningAgreement, LearningAgreementVersion
    from mobility.models import MentorAssessment

    client = client_for(world.pc_a)
    mobility = mob.m_a_to_b
    agreement = LearningAgreement.objects.create(mobility=mobility)
    LearningAgreementVersion.objects.create(agreement=agreement, status=LearningAgreementVersion.Status.APPROVED)
    MentorAssessment.objects.create(mobility=mobility, status=MentorAssessment.Status.SUBMITTED)
    path = [S.PLANNED, S.AGREED, S.IN_MOBILITY, S.COMPLETED]
    for target in path:
        response = move(client, mobility, target)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == mobility.get_absolute_url()
    mobility.refresh_from_db()
    assert mobility.status == S.COMPLETED
    history = list(MobilityStatusChange.objects.filter(mobility=mobility).order_by("id"))
    assert [(h.from_status, h.to_status) for h in history] == list(zip([S.DRAFT, *path[:-1]], path, strict=True))
    assert all(h.by == world.pc_a for h in history)
    assert AuditEntry.objects.filter(verb=AuditEntry.Verb.STATE_CHANGED, object_code=str(mobility.code)).count() == 4
    # There is no button for recognition: recording it on the transcript makes that move.
    response = move(client, mobility, S.RECOGNISED)
    mobility.refresh_from_db()
    assert mobility.status == S.COMPLETED
    assert response.context["buttons"] == []


def test_a_move_the_map_does_not_allow_is_refused_with_a_message(world, mob, client_for):
    response = move(client_for(world.pc_a), mob.m_a_to_b, S.COMPLETED)
    assert response.status_code == 200
    assert shown_messages(response) == ["A mobility that is “Draft” cannot become “Completed”."]
    mob.m_a_to_b.refresh_from_db()
    assert mob.m_a_to_b.status == S.DRAFT


@pytest.mark.parametrize("target", ["flying", ""])
def test_an_unknown_status_is_refused_with_a_message_not_an_error(world, mob, client_for, target):
    response = move(client_for(world.pc_a), mob.m_a_to_b, target)
    assert response.status_code == 200
    assert shown_messages(response) == ["Choose a status to move the mobility to."]


def test_cancelling_needs_a_reason_which_the_history_keeps(world, mob, client_for):
    client = client_for(world.partner_b)
    mobility = mob.m_b_to_a
    response = move(client, mobility, S.CANCELLED, reason="   ")
    assert shown_messages(response) == ["Give a reason for cancelling the mobility."]
    mobility.refresh_from_db()
    assert mobility.status == S.DRAFT
    response = move(client, mobility, S.CANCELLED, reason="The learner fell ill.")
    mobility.refresh_from_db()
    assert mobility.status == S.CANCELLED
    assert "The learner fell ill." in response.content.decode()
    assert response.context["history"][0].reason == "The learner fell ill."
    assert response.context["buttons"] == [] and response.context["cancel_form"] is None


def test_the_receiving_side_may_start_a_mobility_but_not_plan_it(world, mob, client_for):
    mobility = mob.m_a_to_b  # B hosts
    client = client_for(world.partner_b)
    assert move(client, mobility, S.PLANNED, follow=False).status_code == 403
    Mobility.objects.filter(pk=mobility.pk).update(status=S.AGREED)
    assert move(client, mobility, S.IN_MOBILITY, follow=False).status_code == 302
    mobility.refresh_from_db()
    assert mobility.status == S.IN_MOBILITY


def test_buttons_offer_exactly_the_moves_the_user_may_make(world, mob, client_for):
    response = client_for(world.pc_a).get(mob.m_a_to_b.get_absolute_url())
    assert [target for target, _label in response.context["buttons"]] == [S.PLANNED]
    assert response.context["cancel_form"] is not None
    # B is the host: it may cancel, but planning is the sender's move.
    response = client_for(world.partner_b).get(mob.m_a_to_b.get_absolute_url())
    assert response.context["buttons"] == []
    assert response.context["cancel_form"] is not None


@pytest.mark.parametrize("who", ["mentor", "learner"])
def test_mentor_and_learner_see_the_status_but_no_buttons(world, mob, client_for, who):
    user = mob.mentor_a if who == "mentor" else world.learner_b
    client = client_for(user)
    response = client.get(mob.m_b_to_a.get_absolute_url())
    page = response.content.decode()
    assert "Draft" in page
    assert response.context["buttons"] == [] and response.context["cancel_form"] is None
    assert reverse("mobility:mobility_transition", kwargs={"code": mob.m_b_to_a.code}) not in page
    assert move(client, mob.m_b_to_a, S.CANCELLED, reason="No", follow=False).status_code == 403
    mob.m_b_to_a.refresh_from_db()
    assert mob.m_b_to_a.status == S.DRAFT


def test_history_table_shows_who_when_from_to_and_why(world, mob, client_for):
    client = client_for(world.pc_a)
    move(client, mob.m_a_to_b, S.PLANNED)
    response = move(client, mob.m_a_to_b, S.DRAFT, reason="Dates to be confirmed")
    page = response.content.decode()
    assert world.pc_a.get_full_name() in page
    assert "Dates to be confirmed" in page
    assert [(h.from_status, h.to_status) for h in response.context["history"]] == [
        (S.PLANNED, S.DRAFT),
        (S.DRAFT, S.PLANNED),
    ]


def test_the_status_is_shown_in_words_on_the_lists(world, mob, client_for):
    Mobility.objects.filter(pk=mob.m_a_to_b.pk).update(status=S.IN_MOBILITY)
    page = client_for(world.pc_a).get(reverse("mobility:outgoing")).content.decode()
    assert "In mobility" in page
