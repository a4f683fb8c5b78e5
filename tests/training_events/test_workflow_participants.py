"""A registration's status moves through its one declared workflow (issue 13, point 2): registered → cancelled
by `cancel`, with a history row and one audit entry; nothing else changes it (not a direct assignment, not
the Django admin)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partners import workflow
from partners.models import AuditEntry, StatusChange
from tests.workflow_support import change_url, post_move
from training_events import services
from training_events.models import Certificate, Participant

pytestmark = pytest.mark.django_db

P = Participant.Status


def history(participant):
    return list(participant.state_history())


def audits(participant):
    return AuditEntry.objects.filter(object_code=str(participant.code), verb=AuditEntry.Verb.STATE_CHANGED)


def cancelled(participant):
    Participant.objects.filter(pk=participant.pk).update(status=P.CANCELLED)
    return Participant.objects.get(pk=participant.pk)


# --- the map ------------------------------------------------------------------------------------------------


def test_cancelling_a_registration_is_a_move_with_its_history_row_and_one_audit_entry(world, te):
    participant = services.cancel(te.p_staff_b, by=world.partner_b)
    assert Participant.objects.get(pk=participant.pk).status == P.CANCELLED
    [row] = history(participant)
    assert (row.transition, row.from_state, row.to_state, row.by, row.reason) == (
        "cancel",
        P.REGISTERED,
        P.CANCELLED,
        world.partner_b,
        "",
    )
    assert (row.partnership, row.organisation) == (te.ev_a.partnership, None)
    [entry] = audits(participant)
    assert entry.actor == world.partner_b and entry.partnership == te.ev_a.partnership
    assert entry.details["from"] == P.REGISTERED and entry.details["to"] == P.CANCELLED


def test_a_cancelled_registration_cannot_be_cancelled_again_by_the_move(world, te):
    participant = cancelled(te.p_staff_b)
    with pytest.raises(workflow.Refused):
        workflow.move(participant, "cancel", by=world.partner_b)
    assert Participant.objects.get(pk=participant.pk).status == P.CANCELLED
    assert not StatusChange.objects.exists() and not audits(participant).exists()


def test_the_service_cancels_an_already_cancelled_registration_quietly(world, te):
    participant = cancelled(te.p_staff_b)
    services.cancel(participant, by=world.partner_b)
    assert not StatusChange.objects.exists()


def test_a_registration_with_a_certificate_stays_and_the_guard_says_why(world, te):
    Certificate.objects.create(participant=te.p_staff_b, hours=Decimal("8"), content={})
    participant = Participant.objects.get(pk=te.p_staff_b.pk)
    [missing] = workflow.missing_facts(participant, "cancel")
    assert "certificate" in missing.message
    with pytest.raises(workflow.Refused) as refused:
        workflow.move(participant, "cancel", by=world.partner_b)
    assert refused.value.missing == [missing]
    with pytest.raises(ValidationError, match="registration stays"):
        services.cancel(participant, by=world.partner_b)
    assert Participant.objects.get(pk=participant.pk).status == P.REGISTERED
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize("who", ["partner_b", "pc_a"])
def test_the_registering_organisation_and_who_manages_the_event_may_cancel(world, te, who):
    workflow.move(te.p_staff_b, "cancel", by=getattr(world, who))
    assert Participant.objects.get(pk=te.p_staff_b.pk).status == P.CANCELLED


@pytest.mark.parametrize("who", ["outsider", "partner_c", "staff_b", None])
def test_nobody_else_may_make_the_move(world, te, who):
    user = None if who is None else getattr(te if who == "staff_b" else world, who)
    with pytest.raises(PermissionDenied):
        workflow.move(te.p_staff_b, "cancel", by=user)
    assert Participant.objects.get(pk=te.p_staff_b.pk).status == P.REGISTERED
    assert not StatusChange.objects.exists()


def test_the_status_cannot_be_assigned(te):
    with pytest.raises(AttributeError):
        te.p_staff_b.status = P.CANCELLED


# --- Django admin -------------------------------------------------------------------------------------------


def test_the_admin_page_offers_the_moves_allowed_now(world, te, client_for):
    client = client_for(world.admin)
    page = client.get(change_url(te.p_staff_b)).content.decode()
    assert 'name="_fsm_transition_to"' in page and 'value="cancel"' in page
    cancelled(te.p_staff_b)
    assert 'value="cancel"' not in client.get(change_url(te.p_staff_b)).content.decode()


def test_a_move_through_the_admin_is_made_and_listed_in_the_history(world, te, client_for):
    response = post_move(client_for(world.admin), te.p_staff_b, "cancel")
    assert response.status_code == 200
    participant = Participant.objects.get(pk=te.p_staff_b.pk)
    assert participant.status == P.CANCELLED
    [row] = history(participant)
    assert (row.transition, row.by) == ("cancel", world.admin)
    assert audits(participant).count() == 1
    assert "history" in response.content.decode().lower() and "cancel" in response.content.decode()


def test_an_illegal_move_through_the_admin_changes_nothing_and_says_why(world, te, client_for):
    participant = cancelled(te.p_staff_b)
    response = post_move(client_for(world.admin), participant, "cancel")
    assert Participant.objects.get(pk=participant.pk).status == P.CANCELLED
    assert not StatusChange.objects.exists() and not audits(participant).exists()
    assert "“Cancel the registration” is not possible while the participant is “Cancelled”." in (
        response.content.decode()
    )
