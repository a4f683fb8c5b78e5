"""The Memorandum of Understanding moves through its one declared workflow (issue 13, point 2):

draft → out for approval      `send_for_approval`, by whoever manages it (the partnership's coordinator), with
                              at least two signing organisations and one qualification (the content is frozen);
out for approval → in force   `approve`, made by the approval service once every signing organisation approved;
                              the version it amends moves to superseded (`supersede`);
out for approval → draft      `refuse`, made by the approval service when a party refuses, with the reason;
in force → terminated         `terminate`, by whoever manages it, with a reason, unless it has expired;
draft, out for approval →     `end_with_amended`, made by the portal: an amendment in preparation ends with the
terminated                    memorandum it amends.

Expiry is computed on read (no stored move). Each move writes one history row and one audit entry.
P1 = A (coordinator, pc_a) + B (partner_b).
"""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ecvet.models import Approval, Memorandum
from ecvet.services import approvals
from ecvet.services import memoranda as service
from partners import workflow
from partners.models import AuditEntry, StatusChange
from tests.workflow_support import change_url, post_move

from .support_memoranda import approve, beauty_qualification, make_memorandum

pytestmark = pytest.mark.django_db

S = Memorandum.Status


@pytest.fixture
def qualifications(world):
    return [beauty_qualification(world.org_a), beauty_qualification(world.org_b, title_original="Schoonheid")]


@pytest.fixture
def draft(world, qualifications) -> Memorandum:
    return make_memorandum(
        partnership=world.p1,
        organisations=[world.org_a, world.org_b],
        qualifications=qualifications,
        units=list(qualifications[0].units.all()),
    )


def in_state(memorandum, status) -> Memorandum:
    Memorandum.objects.filter(pk=memorandum.pk).update(status=status)
    return Memorandum.objects.get(pk=memorandum.pk)


def fresh(memorandum) -> Memorandum:
    return Memorandum.objects.get(pk=memorandum.pk)


def moves_of(memorandum):
    """The audit entries of status moves (one per move, with the move's name; a party's decision has none)."""
    return AuditEntry.objects.filter(object_code=str(memorandum.code), details__has_key="move")


def in_force(world, draft) -> Memorandum:
    sent = service.send_for_approval(draft, by=world.pc_a)
    approve(sent, world.pc_a, world.org_a)
    approve(sent, world.partner_b, world.org_b)
    return fresh(draft)


def amendment_of(memorandum, version=2, status=S.DRAFT) -> Memorandum:
    """An amendment row as the amendment service makes it (arranged directly to have several at once)."""
    return Memorandum.objects.create(
        partnership=memorandum.partnership,
        title=memorandum.title,
        version=version,
        previous=memorandum,
        amendment_reason="Add a unit",
        valid_from=memorandum.valid_from,
        valid_until=memorandum.valid_until,
        status=status,
    )


# --- the map ------------------------------------------------------------------------------------------------

MOVES = {
    "send_for_approval": ([S.DRAFT], S.OUT_FOR_APPROVAL),
    "approve": ([S.OUT_FOR_APPROVAL], S.IN_FORCE),
    "refuse": ([S.OUT_FOR_APPROVAL], S.DRAFT),
    "supersede": ([S.IN_FORCE], S.SUPERSEDED),
    "terminate": ([S.IN_FORCE], S.TERMINATED),
    "end_with_amended": ([S.DRAFT, S.OUT_FOR_APPROVAL], S.TERMINATED),
}
SYSTEM_MOVES = {"approve", "refuse", "supersede", "end_with_amended"}


@pytest.mark.parametrize(
    ("name", "status"), [(name, status) for name in MOVES for status in S.values], ids=lambda v: str(v)
)
def test_each_move_is_made_from_its_sources_and_refused_from_the_others(world, draft, name, status):
    sources, target = MOVES[name]
    # Every memorandum here amends a terminated one, so that `end_with_amended` has its fact.
    terminated = make_memorandum(
        partnership=world.p1, organisations=[world.org_a, world.org_b], status=S.TERMINATED, title="Old MoU"
    )
    Memorandum.objects.filter(pk=draft.pk).update(previous=terminated, version=2)
    memorandum = in_state(draft, status)
    user, system = world.pc_a, name in SYSTEM_MOVES
    if status in sources:
        workflow.move(memorandum, name, by=user, system=system, reason="The project ended")
        assert fresh(draft).status == target
        [row] = memorandum.state_history()
        assert (row.transition, row.from_state, row.to_state, row.by, row.reason) == (
            name,
            status,
            target,
            user,
            "The project ended",
        )
        assert row.partnership == world.p1
        assert moves_of(memorandum).count() == 1
    else:
        with pytest.raises(workflow.Refused):
            workflow.move(memorandum, name, by=user, system=system, reason="The project ended")
        assert fresh(draft).status == status
        assert not StatusChange.objects.exists() and not moves_of(memorandum).exists()


def test_the_status_cannot_be_assigned(draft):
    with pytest.raises(AttributeError):
        draft.status = S.IN_FORCE


def test_no_stored_move_leads_to_expired_or_leaves_an_ended_memorandum(draft):
    assert not [t for t in draft.get_all_status_transitions() if t.target == S.EXPIRED]
    assert not [t for t in draft.get_all_status_transitions() if t.source in (S.SUPERSEDED, S.TERMINATED, S.EXPIRED)]


def test_only_the_approval_service_and_the_portal_make_the_system_moves(world, draft):
    for status, name in (
        (S.OUT_FOR_APPROVAL, "approve"),
        (S.OUT_FOR_APPROVAL, "refuse"),
        (S.IN_FORCE, "supersede"),
    ):
        memorandum = in_state(draft, status)
        with pytest.raises(PermissionDenied):
            workflow.move(memorandum, name, by=world.admin, reason="x")
        assert fresh(draft).status == status
    assert not StatusChange.objects.exists()


def test_only_whoever_manages_the_memorandum_sends_or_terminates_it(world, draft):
    for user in (world.partner_b, world.mentor_b, world.outsider, world.partner_c):
        with pytest.raises(PermissionDenied):
            workflow.move(draft, "send_for_approval", by=user)
    current = in_state(draft, S.IN_FORCE)
    for user in (world.partner_b, world.mentor_b, world.outsider, world.partner_c):
        with pytest.raises(PermissionDenied):
            workflow.move(current, "terminate", by=user, reason="We leave")
    assert fresh(draft).status == S.IN_FORCE and not StatusChange.objects.exists()


def test_a_termination_needs_a_reason(world, draft):
    current = in_state(draft, S.IN_FORCE)
    with pytest.raises(workflow.Refused, match="Give a reason"):
        workflow.move(current, "terminate", by=world.pc_a, reason=" ")
    with pytest.raises(ValidationError, match="Give the reason for the termination"):
        service.terminate(current, by=world.pc_a, reason=" ")
    assert fresh(draft).status == S.IN_FORCE and not StatusChange.objects.exists()


# --- guards: each missing fact, named with its link ------------------------------------------------------------


def test_a_memorandum_with_one_signing_organisation_is_not_sent(world, draft):
    draft.parties.exclude(organisation=world.org_a).delete()
    with pytest.raises(workflow.Refused, match="at least two signing organisations") as refused:
        service.send_for_approval(draft, by=world.pc_a)
    [missing] = refused.value.missing
    assert missing.url == reverse("ecvet:memorandum_edit", kwargs={"code": draft.code})
    assert (fresh(draft).status, fresh(draft).frozen_content) == (S.DRAFT, None)
    assert not StatusChange.objects.exists() and not moves_of(draft).exists()


def test_a_memorandum_without_a_qualification_is_not_sent(world, draft):
    draft.qualifications.clear()
    with pytest.raises(workflow.Refused, match="Add at least one qualification") as refused:
        service.send_for_approval(draft, by=world.pc_a)
    assert refused.value.missing[0].url == reverse("ecvet:memorandum_edit", kwargs={"code": draft.code})
    assert fresh(draft).status == S.DRAFT and not StatusChange.objects.exists()


def test_an_expired_memorandum_is_not_terminated(world, draft):
    current = in_state(draft, S.IN_FORCE)
    Memorandum.objects.filter(pk=draft.pk).update(valid_until=date(2027, 12, 31))
    current.refresh_from_db()
    with time_machine.travel(datetime(2028, 1, 2, 12, tzinfo=UTC), tick=False):
        with pytest.raises(workflow.Refused, match="The memorandum expired on") as refused:
            workflow.move(current, "terminate", by=world.pc_a, reason="Too late")
        assert refused.value.missing[0].url == current.get_absolute_url()
        with pytest.raises(ValidationError, match="Only a memorandum in force can be terminated"):
            service.terminate(current, by=world.pc_a, reason="Too late")
    assert fresh(draft).status == S.IN_FORCE and not StatusChange.objects.exists()


def test_an_amendment_ends_only_with_a_terminated_memorandum(world, draft):
    current = in_state(draft, S.IN_FORCE)
    amendment = amendment_of(current)
    with pytest.raises(workflow.Refused, match="Only the amendment of a terminated memorandum ends with it"):
        workflow.move(amendment, "end_with_amended", by=world.pc_a, system=True, reason="x")
    assert fresh(amendment).status == S.DRAFT and not StatusChange.objects.exists()


# --- history and audit of each move through the services -------------------------------------------------------


def test_sending_writes_one_history_row_and_one_audit_entry_and_freezes_the_content(world, draft):
    sent = service.send_for_approval(draft, by=world.pc_a)
    stored = fresh(sent)
    assert stored.status == S.OUT_FOR_APPROVAL and stored.frozen_content["parties"]
    [row] = stored.state_history()
    assert (row.transition, row.from_state, row.to_state, row.by, row.reason, row.partnership) == (
        "send_for_approval",
        "draft",
        "out_for_approval",
        world.pc_a,
        "",
        world.p1,
    )
    [entry] = moves_of(stored)
    assert (entry.actor, entry.verb) == (world.pc_a, AuditEntry.Verb.STATE_CHANGED)
    assert entry.details["sha256"] == approvals.current_sha256(stored)


def test_the_last_approval_puts_it_in_force_in_one_move(world, draft):
    memorandum = in_force(world, draft)
    assert memorandum.status == S.IN_FORCE
    assert [(r.transition, r.to_state, r.by) for r in memorandum.state_history()] == [
        ("send_for_approval", "out_for_approval", world.pc_a),
        ("approve", "in_force", world.partner_b),
    ]
    assert [e.details["move"] for e in moves_of(memorandum).order_by("id")] == ["send_for_approval", "approve"]


def test_a_refusal_is_one_move_back_to_draft_with_the_reason(world, draft):
    sent = service.send_for_approval(draft, by=world.pc_a)
    approvals.decide(
        fresh(sent),
        party_key=f"org:{world.org_b.pk}",
        by=world.partner_b,
        expected_sha256=approvals.current_sha256(fresh(sent)),
        decision=Approval.Decision.REFUSED,
        comment="Our unit list is wrong",
    )
    memorandum = fresh(draft)
    assert memorandum.status == S.DRAFT and memorandum.frozen_content is None
    last = list(memorandum.state_history())[-1]
    assert (last.transition, last.from_state, last.to_state, last.by, last.reason) == (
        "refuse",
        "out_for_approval",
        "draft",
        world.partner_b,
        "Our unit list is wrong",
    )
    assert moves_of(memorandum).count() == 2


def test_an_approved_amendment_supersedes_the_version_in_force_in_one_recorded_move(world, draft):
    current = in_force(world, draft)
    amendment = service.start_amendment(current, by=world.pc_a, reason="Add the make-up unit")
    in_force(world, amendment)
    assert (fresh(current).status, fresh(amendment).status) == (S.SUPERSEDED, S.IN_FORCE)
    [row] = current.state_history().filter(transition="supersede")
    assert (row.from_state, row.to_state, row.by) == ("in_force", "superseded", world.partner_b)
    [entry] = moves_of(current).filter(details__move="supersede")
    assert entry.details["by_version"] == 2


def test_terminating_ends_every_open_amendment_one_history_row_each(world, draft, django_capture_on_commit_callbacks):
    current = in_force(world, draft)
    preparing = amendment_of(current, version=2)
    sent = amendment_of(current, version=3, status=S.OUT_FOR_APPROVAL)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.terminate(current, by=world.pc_a, reason="The project ended")
    stored = fresh(current)
    assert (stored.status, stored.terminated_reason) == (S.TERMINATED, "The project ended")
    last = list(stored.state_history())[-1]
    assert (last.transition, last.from_state, last.to_state, last.by, last.reason) == (
        "terminate",
        "in_force",
        "terminated",
        world.pc_a,
        "The project ended",
    )
    assert moves_of(stored).filter(details__move="terminate").count() == 1
    for amendment, source in ((preparing, "draft"), (sent, "out_for_approval")):
        ended = fresh(amendment)
        assert (ended.status, ended.terminated_reason) == (S.TERMINATED, "The project ended")
        [row] = ended.state_history()
        assert (row.transition, row.from_state, row.to_state, row.by) == (
            "end_with_amended",
            source,
            "terminated",
            world.pc_a,
        )
        assert moves_of(ended).count() == 1
    assert any("The project ended" in m.body for m in mail.outbox)


# --- Django admin -------------------------------------------------------------------------------------------


def transition_url(memorandum, name) -> str:
    return reverse("admin:ecvet_memorandum_transition", args=[memorandum.pk, name])


def test_the_admin_page_offers_the_coordinators_moves_and_never_approving(world, draft, client_for):
    client = client_for(world.admin)
    page = client.get(change_url(draft)).content.decode()
    assert 'value="send_for_approval"' in page and 'value="terminate"' not in page
    out = in_state(draft, S.OUT_FOR_APPROVAL)
    page = client.get(change_url(out)).content.decode()
    assert 'value="approve"' not in page and 'value="refuse"' not in page
    current = in_state(draft, S.IN_FORCE)
    page = client.get(change_url(current)).content.decode()
    assert 'value="terminate"' in page and 'value="supersede"' not in page


def test_sending_through_the_admin_is_the_same_move_and_freezes_the_content(world, draft, client_for):
    response = post_move(client_for(world.admin), draft, "send_for_approval")
    assert response.status_code == 200
    assert "Done: Send for approval." in response.content.decode()
    stored = fresh(draft)
    assert stored.status == S.OUT_FOR_APPROVAL and stored.frozen_content is not None
    [row] = stored.state_history()
    assert (row.transition, row.by) == ("send_for_approval", world.admin)
    assert moves_of(stored).count() == 1


@pytest.mark.parametrize(
    ("status", "name", "message"),
    [
        (
            S.DRAFT,
            "approve",
            "“Approved by every party” is not possible while the memorandum of understanding is “Draft”.",
        ),
        (
            S.IN_FORCE,
            "refuse",
            "“Refused by a party” is not possible while the memorandum of understanding is “In force”.",
        ),
        (S.IN_FORCE, "send_for_approval", "cannot be edited"),
    ],
)
def test_an_illegal_move_through_the_admin_changes_nothing_and_says_why(
    world, draft, client_for, status, name, message
):
    memorandum = in_state(draft, status)
    response = post_move(client_for(world.admin), memorandum, name)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert fresh(draft).status == status
    assert not StatusChange.objects.exists() and not moves_of(draft).exists()


def test_terminating_through_the_admin_asks_the_reason_and_ends_the_open_amendment(world, draft, client_for):
    current = in_force(world, draft)
    amendment = service.start_amendment(current, by=world.pc_a, reason="Change")
    client = client_for(world.admin)
    form_page = post_move(client, current, "terminate")
    assert 'name="reason"' in form_page.content.decode()
    assert fresh(current).status == S.IN_FORCE
    assert (
        "reason" in client.post(transition_url(current, "terminate"), {"reason": ""}).context["transition_form"].errors
    )
    response = client.post(transition_url(current, "terminate"), {"reason": "Partnership dissolved"}, follow=True)
    assert "Done: Terminate." in response.content.decode()
    stored = fresh(current)
    assert (stored.status, stored.terminated_reason) == (S.TERMINATED, "Partnership dissolved")
    last = list(stored.state_history())[-1]
    assert (last.transition, last.by, last.reason) == ("terminate", world.admin, "Partnership dissolved")
    assert fresh(amendment).status == S.TERMINATED
    assert "Partnership dissolved" in client.get(change_url(current)).content.decode()


def test_terminating_an_expired_memorandum_through_the_admin_says_why(world, draft, client_for):
    current = in_force(world, draft)
    Memorandum.objects.filter(pk=current.pk).update(valid_until=date(2027, 12, 31))
    with time_machine.travel(datetime(2028, 1, 2, 12, tzinfo=UTC), tick=False):
        client = client_for(world.admin)
        response = client.post(transition_url(current, "terminate"), {"reason": "Too late"}, follow=True)
    assert "Only a memorandum in force can be terminated." in html.unescape(response.content.decode())
    assert fresh(current).status == S.IN_FORCE
    assert not current.state_history().filter(transition="terminate").exists()
