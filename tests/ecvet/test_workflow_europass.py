"""The Europass Mobility moves through its one declared workflow (issue 13, point 2):

draft → awaiting      `send_for_approval`, by the sending side's mobility managers, for a completed or recognised
                      mobility whose section 5a (at least the job-related skills) and description are filled in
                      (the content is frozen with the move);
awaiting → approved   `approve`, made by the approval service once both organisations have approved;
awaiting → draft      `refuse`, made by the approval service when a signer refuses, with the reason.

Each move writes a history row and one audit entry; nothing else changes the status.

m_b_to_a (tests/mobility/conftest.py): B sends learner_b's mobility to A; partner_b manages and signs for B
(the sending side), pc_a for A (the host); mentor_a mentors at A.
"""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ecvet.models import Approval, EuropassMobility
from ecvet.services import approvals
from ecvet.services import europass as service
from mobility.models import Mobility
from partners import workflow
from partners.models import AuditEntry, StatusChange
from tests.workflow_support import change_url, post_move

pytestmark = pytest.mark.django_db

E = EuropassMobility.Status
SECTION_5A = {"job_related": "Facial treatments", "linguistic": "English B1"}


@pytest.fixture
def draft(world, mob) -> EuropassMobility:
    """m_b_to_a completed, its Europass Mobility started by B with the description prefilled and 5a filled by A."""
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(
        status=Mobility.Status.COMPLETED, planned_activities="Work in a beauty salon"
    )
    europass = service.start_europass(Mobility.objects.get(pk=mob.m_b_to_a.pk), by=world.partner_b)
    return service.update_host(europass, SECTION_5A, by=world.pc_a)


def in_state(europass, status) -> EuropassMobility:
    EuropassMobility.objects.filter(pk=europass.pk).update(status=status)
    return EuropassMobility.objects.get(pk=europass.pk)


def fresh(europass) -> EuropassMobility:
    return EuropassMobility.objects.get(pk=europass.pk)


def moves_of(europass):
    """The audit entries of status moves (every move writes exactly one, with the move's name)."""
    return AuditEntry.objects.filter(object_code=str(europass.code), verb=AuditEntry.Verb.STATE_CHANGED).filter(
        details__has_key="to"
    )


def decide(europass, user, party, decision=Approval.Decision.APPROVED, comment=""):
    europass = fresh(europass)
    return approvals.decide(
        europass,
        party_key=party,
        by=user,
        expected_sha256=approvals.current_sha256(europass),
        decision=decision,
        comment=comment,
    )


# --- the map ------------------------------------------------------------------------------------------------

MOVES = {
    "send_for_approval": ([E.DRAFT], E.AWAITING),
    "approve": ([E.AWAITING], E.APPROVED),
    "refuse": ([E.AWAITING], E.DRAFT),
}


@pytest.mark.parametrize(
    ("name", "status"), [(name, status) for name in MOVES for status in E.values], ids=lambda v: str(v)
)
def test_each_move_is_made_from_its_sources_and_refused_from_the_others(world, draft, name, status):
    sources, target = MOVES[name]
    europass = in_state(draft, status)
    # send_for_approval is the sending side's move; approve and refuse are the approval service's (system) moves.
    system = name != "send_for_approval"
    if status in sources:
        workflow.move(europass, name, by=world.partner_b, system=system, reason="Add the digital skills")
        assert fresh(draft).status == target
        [row] = europass.state_history()
        assert (row.transition, row.from_state, row.to_state, row.by) == (name, status, target, world.partner_b)
        assert moves_of(europass).count() == 1
    else:
        with pytest.raises(workflow.Refused):
            workflow.move(europass, name, by=world.partner_b, system=system, reason="Add the digital skills")
        assert fresh(draft).status == status
        assert not StatusChange.objects.exists() and not moves_of(europass).exists()


def test_the_status_cannot_be_assigned(draft):
    with pytest.raises(AttributeError):
        draft.status = E.APPROVED


def test_no_move_leaves_an_approved_europass(draft):
    """An issued Europass Mobility is never withdrawn or reopened, so the checklist's "Europass Mobility issued"
    tick (ChainEvent.EUROPASS_ISSUED) never needs to be taken back."""
    europass = in_state(draft, E.APPROVED)
    assert not [t for t in europass.get_all_status_transitions() if t.source == E.APPROVED]


def test_only_the_approval_service_approves_or_refuses(world, draft):
    europass = in_state(draft, E.AWAITING)
    for name in ("approve", "refuse"):
        with pytest.raises(PermissionDenied):
            workflow.move(europass, name, by=world.admin, reason="x")
    assert fresh(draft).status == E.AWAITING and not StatusChange.objects.exists()


@pytest.mark.parametrize("who", ["mentor_a", "mentor_b", "partner_c", "learner_b", "outsider"])
def test_only_the_sending_side_sends(world, mob, draft, who):
    user = getattr(mob, who, None) or getattr(world, who)
    with pytest.raises(PermissionDenied):
        workflow.move(draft, "send_for_approval", by=user)
    with pytest.raises(PermissionDenied):
        service.send_for_approval(draft, by=user)
    assert fresh(draft).status == E.DRAFT and not StatusChange.objects.exists()


# --- history and audit of each move through the services -------------------------------------------------------


def test_sending_writes_one_history_row_and_one_audit_entry_and_freezes_the_content(world, mob, draft):
    sent = service.send_for_approval(draft, by=world.partner_b)
    stored = fresh(sent)
    assert stored.status == E.AWAITING and stored.frozen_content["section_5a"]["job_related"] == "Facial treatments"
    [row] = stored.state_history()
    assert (row.transition, row.from_state, row.to_state, row.by, row.reason) == (
        "send_for_approval",
        "draft",
        "awaiting",
        world.partner_b,
        "",
    )
    assert (row.partnership, row.organisation) == (mob.m_b_to_a.partnership, mob.m_b_to_a.sending_organisation)
    [entry] = moves_of(stored)
    assert entry.actor == world.partner_b and entry.details["move"] == "send_for_approval"
    assert entry.details["sha256"] == approvals.current_sha256(stored)


def test_the_second_approval_is_the_one_move_to_approved(world, draft):
    sent = service.send_for_approval(draft, by=world.partner_b)
    decide(sent, world.partner_b, "sending")
    assert fresh(draft).status == E.AWAITING
    assert [r.transition for r in fresh(draft).state_history()] == ["send_for_approval"]
    decide(sent, world.pc_a, "receiving")
    europass = fresh(draft)
    assert europass.status == E.APPROVED
    assert [(r.transition, r.to_state, r.by) for r in europass.state_history()] == [
        ("send_for_approval", "awaiting", world.partner_b),
        ("approve", "approved", world.pc_a),
    ]
    assert [e.details["move"] for e in moves_of(europass).order_by("id")] == ["send_for_approval", "approve"]


def test_a_refusal_is_one_move_back_to_draft_with_the_reason(world, draft):
    sent = service.send_for_approval(draft, by=world.partner_b)
    decide(sent, world.pc_a, "receiving", Approval.Decision.REFUSED, "Add the digital skills")
    europass = fresh(draft)
    assert europass.status == E.DRAFT and europass.frozen_content is None
    last = list(europass.state_history())[-1]
    assert (last.transition, last.from_state, last.to_state, last.by, last.reason) == (
        "refuse",
        "awaiting",
        "draft",
        world.pc_a,
        "Add the digital skills",
    )
    assert moves_of(europass).filter(details__move="refuse").get().details["reason"] == "Add the digital skills"
    assert moves_of(europass).count() == 2  # sending and the refusal; no second entry for the same change


# --- what sending needs, one fact at a time ---------------------------------------------------------------------


def refused_to_send(world, europass, match):
    with pytest.raises(workflow.Refused, match=match) as refused:
        service.send_for_approval(europass, by=world.partner_b)
    stored = fresh(europass)
    assert stored.status == E.DRAFT and stored.frozen_content is None
    assert not StatusChange.objects.exists() and not moves_of(europass).exists()
    [missing] = refused.value.missing
    return missing


@pytest.mark.parametrize("status", [Mobility.Status.IN_MOBILITY, Mobility.Status.CANCELLED])
def test_a_mobility_that_is_not_finished_gets_no_europass_sent(world, mob, draft, status):
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(status=status)
    missing = refused_to_send(world, draft, "completed or recognised")
    assert missing.url == mob.m_b_to_a.get_absolute_url()


def test_a_recognised_mobility_may_have_its_europass_sent(world, mob, draft):
    Mobility.objects.filter(pk=mob.m_b_to_a.pk).update(status=Mobility.Status.RECOGNISED)
    assert service.send_for_approval(draft, by=world.partner_b).status == E.AWAITING


def test_without_section_5a_nothing_is_sent(world, draft):
    EuropassMobility.objects.filter(pk=draft.pk).update(job_related="  ")
    missing = refused_to_send(world, fresh(draft), "section 5a")
    assert missing.url == reverse("ecvet:europass_edit_host", kwargs={"code": draft.code})


@pytest.mark.parametrize("field", ["objective", "qualification"])
def test_without_the_description_nothing_is_sent(world, draft, field):
    EuropassMobility.objects.filter(pk=draft.pk).update(**{field: ""})
    missing = refused_to_send(world, fresh(draft), "objective and the qualification")
    assert missing.url == reverse("ecvet:europass_edit_sending", kwargs={"code": draft.code})


def test_the_page_names_what_sending_needs_and_offers_no_send_button(world, draft, client_for):
    client = client_for(world.partner_b)
    send_url = reverse("ecvet:europass_send", kwargs={"code": draft.code})
    assert f'action="{send_url}"' in client.get(draft.get_absolute_url()).content.decode()
    EuropassMobility.objects.filter(pk=draft.pk).update(job_related="")
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "The host has not filled section 5a yet" in page
    assert f'href="{reverse("ecvet:europass_edit_host", kwargs={"code": draft.code})}"' in page
    assert f'action="{send_url}"' not in page


# --- Django admin -------------------------------------------------------------------------------------------


def test_the_admin_page_offers_sending_a_draft_and_never_approving(world, draft, client_for):
    client = client_for(world.admin)
    page = client.get(change_url(draft)).content.decode()
    assert 'name="_fsm_transition_to"' in page and 'value="send_for_approval"' in page
    page = client.get(change_url(in_state(draft, E.AWAITING))).content.decode()
    assert 'value="approve"' not in page and 'value="refuse"' not in page


def test_sending_through_the_admin_is_the_same_move_and_freezes_the_content(world, draft, client_for):
    response = post_move(client_for(world.admin), draft, "send_for_approval")
    assert response.status_code == 200
    assert "Done: Send for approval." in response.content.decode()
    stored = fresh(draft)
    assert stored.status == E.AWAITING and stored.frozen_content is not None
    [row] = stored.state_history()
    assert (row.transition, row.by) == ("send_for_approval", world.admin)
    assert moves_of(stored).count() == 1


@pytest.mark.parametrize(
    ("status", "name", "message"),
    [
        (E.DRAFT, "approve", "“Approve” is not possible while the Europass Mobility is “Draft”."),
        (E.AWAITING, "approve", "You may not make this change."),
        (E.APPROVED, "send_for_approval", "The Europass Mobility is “Approved” and cannot be edited."),
    ],
)
def test_an_illegal_move_through_the_admin_changes_nothing_and_says_why(
    world, draft, client_for, status, name, message
):
    europass = in_state(draft, status)
    response = post_move(client_for(world.admin), europass, name)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert fresh(draft).status == status
    assert not StatusChange.objects.exists() and not moves_of(draft).exists()


def test_sending_through_the_admin_without_section_5a_says_what_is_missing(world, draft, client_for):
    EuropassMobility.objects.filter(pk=draft.pk).update(job_related="")
    response = post_move(client_for(world.admin), fresh(draft), "send_for_approval")
    assert "The host has not filled section 5a yet" in response.content.decode()
    assert fresh(draft).status == E.DRAFT and not StatusChange.objects.exists()
