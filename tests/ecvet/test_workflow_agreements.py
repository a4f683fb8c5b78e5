"""The Learning Agreement version moves through its one declared workflow (issue 13, point 2):

draft → awaiting              `send_for_approval`, by the sending side (can_manage_mobilities there), with at
                              least one unit and, for a change proposal, its reason (the content is frozen);
awaiting → approved           `approve`, made by the approval service once the learner and both organisations
                              have approved; the version in force until then moves to superseded (`supersede`);
awaiting → refused            `refuse`, made by the approval service when a party refuses, with the reason;
draft, awaiting → withdrawn   `withdraw`, by the sending side, with a reason;
approved → withdrawn          `withdraw` too, while no change proposal against it is open and no Personal
                              Transcript was built on it; the checklist's "signed" item opens again unless
                              another version is in force.

Each move writes one history row and one audit entry; nothing else changes the status.

m_b_to_a (tests/mobility/conftest.py): B sends learner_b's mobility to A; partner_b manages and signs for B,
pc_a signs for A, mentor_a mentors at A.
"""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ecvet.models import Approval, LearningAgreementUnit, LearningAgreementVersion, Transcript
from ecvet.services import agreements as service
from ecvet.services import approvals
from mobility.models import ChecklistItem, MentorAssessment, Mobility
from mobility.models.checklists import ChainEvent
from partners import workflow
from partners.models import AuditEntry, StatusChange
from tests.factories_ecvet import UnitFactory
from tests.workflow_support import change_url, post_move

pytestmark = pytest.mark.django_db

V = LearningAgreementVersion.Status


@pytest.fixture
def mobility(mob) -> Mobility:
    """Still a draft: an agreement approved now does not agree it (an agreed mobility rests on its agreement)."""
    return Mobility.objects.get(pk=mob.m_b_to_a.pk)


@pytest.fixture
def draft(world, mobility) -> LearningAgreementVersion:
    """Version 1 of the agreement of m_b_to_a, a draft with one unit."""
    unit = UnitFactory(qualification__organisation=world.org_b)
    _agreement, draft = service.start_agreement(mobility, by=world.partner_b, qualification=unit.qualification)
    LearningAgreementUnit.objects.create(
        version=draft, unit=unit, ecvet_points=Decimal("5"), learning_outcomes="Analyses the skin\nPerforms a facial"
    )
    return draft


def in_state(version, status) -> LearningAgreementVersion:
    LearningAgreementVersion.objects.filter(pk=version.pk).update(status=status)
    return LearningAgreementVersion.objects.get(pk=version.pk)


def fresh(version) -> LearningAgreementVersion:
    return LearningAgreementVersion.objects.get(pk=version.pk)


def moves_of(version):
    """The audit entries of status moves (one per move, with the move's name; a party's decision has none)."""
    return AuditEntry.objects.filter(object_code=str(version.code), details__has_key="move")


def decide(version, user, party, decision=Approval.Decision.APPROVED, comment=""):
    version = fresh(version)
    return approvals.decide(
        version,
        party_key=party,
        by=user,
        expected_sha256=approvals.current_sha256(version),
        decision=decision,
        comment=comment,
    )


def approve_by_all(world, version) -> LearningAgreementVersion:
    for user, party in ((world.learner_b, "learner"), (world.partner_b, "sending"), (world.pc_a, "receiving")):
        decide(version, user, party)
    return fresh(version)


def approved(world, draft) -> LearningAgreementVersion:
    return approve_by_all(world, service.send_for_approval(draft, by=world.partner_b))


def signed_item(mobility) -> ChecklistItem:
    return ChecklistItem.objects.get(mobility=mobility, chain_event=ChainEvent.LA_SIGNED)


# --- the map ------------------------------------------------------------------------------------------------

MOVES = {
    "send_for_approval": ([V.DRAFT], V.AWAITING),
    "approve": ([V.AWAITING], V.APPROVED),
    "refuse": ([V.AWAITING], V.REFUSED),
    "supersede": ([V.APPROVED], V.SUPERSEDED),
    "withdraw": ([V.DRAFT, V.AWAITING, V.APPROVED], V.WITHDRAWN),
}
SYSTEM_MOVES = {"approve", "refuse", "supersede"}


@pytest.mark.parametrize(
    ("name", "status"), [(name, status) for name in MOVES for status in V.values], ids=lambda v: str(v)
)
def test_each_move_is_made_from_its_sources_and_refused_from_the_others(world, draft, name, status):
    sources, target = MOVES[name]
    version = in_state(draft, status)
    user, system = world.partner_b, name in SYSTEM_MOVES
    if status in sources:
        workflow.move(version, name, by=user, system=system, reason="The host closes in March")
        assert fresh(draft).status == target
        [row] = version.state_history()
        assert (row.transition, row.from_state, row.to_state, row.by, row.reason) == (
            name,
            status,
            target,
            user,
            "The host closes in March",
        )
        assert moves_of(version).count() == 1
    else:
        with pytest.raises(workflow.Refused):
            workflow.move(version, name, by=user, system=system, reason="The host closes in March")
        assert fresh(draft).status == status
        assert not StatusChange.objects.exists() and not moves_of(version).exists()


def test_the_status_cannot_be_assigned(draft):
    with pytest.raises(AttributeError):
        draft.status = V.APPROVED


def test_superseded_and_refused_versions_never_move_again(draft):
    for status in (V.SUPERSEDED, V.REFUSED, V.WITHDRAWN):
        version = in_state(draft, status)
        assert not [t for t in version.get_all_status_transitions() if t.source == status]


def test_only_the_approval_service_approves_refuses_or_supersedes(world, draft):
    for status, name in ((V.AWAITING, "approve"), (V.AWAITING, "refuse"), (V.APPROVED, "supersede")):
        version = in_state(draft, status)
        with pytest.raises(PermissionDenied):
            workflow.move(version, name, by=world.admin, reason="x")
        assert fresh(draft).status == status
    assert not StatusChange.objects.exists()


def test_only_the_sending_sides_mobility_managers_send_or_withdraw(world, mob, draft):
    for user in (world.mentor_b, mob.mentor_a, world.learner_b, world.outsider, world.partner_c):
        with pytest.raises(PermissionDenied):
            service.send_for_approval(draft, by=user)
        with pytest.raises(PermissionDenied):
            service.withdraw(draft, by=user, reason="Not needed")
    assert fresh(draft).status == V.DRAFT and not StatusChange.objects.exists()


def test_a_withdrawal_needs_a_reason(world, draft):
    with pytest.raises(workflow.Refused, match="Give a reason"):
        service.withdraw(draft, by=world.partner_b, reason="  ")
    assert fresh(draft).status == V.DRAFT and not StatusChange.objects.exists()


# --- guards: each missing fact, named with its link ------------------------------------------------------------


def test_a_version_without_units_is_not_sent_and_the_edit_page_is_named(world, draft):
    draft.units.all().delete()
    with pytest.raises(workflow.Refused, match="Add at least one unit of learning outcomes first") as refused:
        service.send_for_approval(draft, by=world.partner_b)
    [missing] = refused.value.missing
    assert missing.url == reverse("ecvet:agreement_edit", kwargs={"code": draft.code})
    stored = fresh(draft)
    assert (stored.status, stored.frozen_content, stored.sent_at) == (V.DRAFT, None, None)
    assert not StatusChange.objects.exists() and not moves_of(draft).exists()


def test_a_change_proposal_without_its_reason_is_not_sent(world, draft):
    first = approved(world, draft)
    proposal = service.propose_change(
        first.agreement, by=world.partner_b, reason_code="extending-mobility", reason_text="Two more weeks"
    )
    LearningAgreementVersion.objects.filter(pk=proposal.pk).update(reason_text=" ")
    with pytest.raises(workflow.Refused, match="A change needs a reason and an explanation") as refused:
        service.send_for_approval(proposal, by=world.partner_b)
    assert refused.value.missing[0].url == reverse("ecvet:agreement_edit", kwargs={"code": proposal.code})
    assert fresh(proposal).status == V.DRAFT and not proposal.state_history().exists()


def test_the_version_in_force_is_not_withdrawn_while_a_change_proposal_is_open(world, draft):
    first = approved(world, draft)
    proposal = service.propose_change(
        first.agreement, by=world.partner_b, reason_code="extending-mobility", reason_text="Two more weeks"
    )
    assert [m.url for m in workflow.missing_facts(first, "withdraw")] == [proposal.get_absolute_url()]
    with pytest.raises(workflow.Refused, match=r"The change proposal \(version 2\) is still open"):
        service.withdraw(first, by=world.partner_b, reason="Cancelled")
    assert fresh(first).status == V.APPROVED
    service.withdraw(proposal, by=world.partner_b, reason="Not needed after all")
    service.withdraw(first, by=world.partner_b, reason="Cancelled")
    assert (fresh(first).status, fresh(proposal).status) == (V.WITHDRAWN, V.WITHDRAWN)


def test_the_version_in_force_is_not_withdrawn_once_a_transcript_is_built_on_it(world, mob, mobility, draft):
    first = approved(world, draft)
    assessment = MentorAssessment.objects.create(
        mobility=mobility, assessor=mob.mentor_a, status=MentorAssessment.Status.SUBMITTED
    )
    transcript = Transcript.objects.create(mobility=mobility, assessment=assessment)
    with pytest.raises(workflow.Refused, match="The Personal Transcript was built on this agreement") as refused:
        service.withdraw(first, by=world.partner_b, reason="Cancelled")
    assert refused.value.missing[0].url == transcript.get_absolute_url()
    assert fresh(first).status == V.APPROVED
    assert list(first.state_history().values_list("transition", flat=True)) == ["send_for_approval", "approve"]


# --- history and audit of each move through the services -------------------------------------------------------


def test_sending_writes_one_history_row_and_one_audit_entry_and_freezes_the_content(world, mobility, draft):
    sent = service.send_for_approval(draft, by=world.partner_b)
    stored = fresh(sent)
    assert stored.status == V.AWAITING and stored.sent_at is not None
    assert stored.frozen_content["units"] and stored.content_sha256 == approvals.current_sha256(stored)
    [row] = stored.state_history()
    assert (row.transition, row.from_state, row.to_state, row.by, row.reason) == (
        "send_for_approval",
        "draft",
        "awaiting",
        world.partner_b,
        "",
    )
    assert (row.partnership, row.organisation) == (mobility.partnership, mobility.sending_organisation)
    [entry] = moves_of(stored)
    assert (entry.actor, entry.verb) == (world.partner_b, AuditEntry.Verb.STATE_CHANGED)
    assert entry.details["sha256"] == stored.content_sha256


def test_the_last_approval_is_one_move_with_its_history_and_one_audit_entry(world, draft):
    version = approved(world, draft)
    assert version.status == V.APPROVED
    assert [(r.transition, r.to_state, r.by) for r in version.state_history()] == [
        ("send_for_approval", "awaiting", world.partner_b),
        ("approve", "approved", world.pc_a),
    ]
    assert [e.details["move"] for e in moves_of(version).order_by("id")] == ["send_for_approval", "approve"]


def test_a_refusal_is_one_move_with_the_reason(world, draft):
    sent = service.send_for_approval(draft, by=world.partner_b)
    decide(sent, world.pc_a, "receiving", Approval.Decision.REFUSED, "No salon placement in March")
    version = fresh(draft)
    assert version.status == V.REFUSED
    last = list(version.state_history())[-1]
    assert (last.transition, last.from_state, last.to_state, last.by, last.reason) == (
        "refuse",
        "awaiting",
        "refused",
        world.pc_a,
        "No salon placement in March",
    )
    assert moves_of(version).filter(details__move="refuse", details__reason="No salon placement in March").count() == 1
    assert moves_of(version).count() == 2


def test_an_approved_change_supersedes_every_version_in_force_one_history_row_each(world, draft):
    first = approved(world, draft)
    # A second version in force (data from before the workflow): both give way to the change.
    second = LearningAgreementVersion.objects.create(
        agreement=first.agreement, number=2, status=V.APPROVED, qualification=first.qualification
    )
    for unit in first.units.all():
        LearningAgreementUnit.objects.create(
            version=second, unit=unit.unit, ecvet_points=unit.ecvet_points, learning_outcomes=unit.learning_outcomes
        )
    proposal = service.propose_change(
        first.agreement, by=world.partner_b, reason_code="extending-mobility", reason_text="Two more weeks"
    )
    approved(world, proposal)
    assert (fresh(first).status, fresh(second).status, fresh(proposal).status) == (
        V.SUPERSEDED,
        V.SUPERSEDED,
        V.APPROVED,
    )
    for old in (first, second):
        [row] = old.state_history().filter(transition="supersede")
        assert (row.from_state, row.to_state, row.by) == ("approved", "superseded", world.pc_a)
        [entry] = moves_of(old).filter(details__move="supersede")
        assert entry.details["by_version"] == proposal.number


# --- withdrawal and the checklist ---------------------------------------------------------------------------------


def test_withdrawing_the_version_in_force_unticks_the_checklist_and_tells_the_parties(
    world, mobility, draft, django_capture_on_commit_callbacks
):
    version = approved(world, draft)
    assert signed_item(mobility).is_done
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.withdraw(version, by=world.partner_b, reason="The learner cancelled the stay")
    stored = fresh(version)
    assert stored.status == V.WITHDRAWN
    last = list(stored.state_history())[-1]
    assert (last.transition, last.from_state, last.to_state, last.by, last.reason) == (
        "withdraw",
        "approved",
        "withdrawn",
        world.partner_b,
        "The learner cancelled the stay",
    )
    assert moves_of(stored).filter(details__move="withdraw").count() == 1
    item = signed_item(mobility)
    assert not item.is_done and item.evidence_url == ""
    assert any("The learner cancelled the stay" in m.body for m in mail.outbox)
    assert world.partner_b.email not in {r for m in mail.outbox for r in m.to}


def test_a_pdf_sealed_while_in_force_verifies_as_revoked_once_withdrawn(world, mobility, draft):
    from django.contrib.contenttypes.models import ContentType

    from documents.models import RenderedDocument
    from documents.services import verification_status

    version = approved(world, draft)
    # The last approval asked for the sealed PDF of the approved content.
    row = RenderedDocument.objects.get(
        content_type=ContentType.objects.get_for_model(LearningAgreementVersion),
        object_id=version.pk,
        content_sha256=version.content_sha256,
    )
    assert verification_status(row) == "valid"
    service.withdraw(version, by=world.partner_b, reason="The learner cancelled the stay")
    row.refresh_from_db()
    assert verification_status(row) == "revoked"


def test_withdrawing_one_version_leaves_the_tick_while_another_is_in_force(world, mobility, draft):
    first = approved(world, draft)
    LearningAgreementVersion.objects.create(
        agreement=first.agreement, number=2, status=V.APPROVED, qualification=first.qualification
    )
    service.withdraw(first, by=world.partner_b, reason="Replaced")
    assert fresh(first).status == V.WITHDRAWN
    assert signed_item(mobility).is_done


def test_withdrawing_a_draft_lets_the_sending_side_start_again(world, mobility, draft):
    service.withdraw(draft, by=world.partner_b, reason="Wrong qualification")
    assert fresh(draft).status == V.WITHDRAWN
    redrafted = service.redraft(draft.agreement, by=world.partner_b)
    assert (redrafted.number, redrafted.status) == (2, V.DRAFT)
    assert not ChecklistItem.objects.filter(mobility=mobility, chain_event=ChainEvent.LA_SIGNED, done_at__isnull=False)


def test_a_withdrawn_version_awaiting_approval_takes_no_more_decisions(world, draft):
    sent = service.send_for_approval(draft, by=world.partner_b)
    service.withdraw(sent, by=world.partner_b, reason="Dates changed")
    with pytest.raises(approvals.ApprovalError):
        decide(sent, world.pc_a, "receiving")
    assert fresh(sent).status == V.WITHDRAWN


# --- Django admin -------------------------------------------------------------------------------------------


def test_the_admin_page_offers_the_sending_sides_moves_and_never_approving(world, draft, client_for):
    client = client_for(world.admin)
    page = client.get(change_url(draft)).content.decode()
    assert 'value="send_for_approval"' in page and 'value="withdraw"' in page
    awaiting = in_state(draft, V.AWAITING)
    page = client.get(change_url(awaiting)).content.decode()
    assert 'value="withdraw"' in page
    assert 'value="approve"' not in page and 'value="refuse"' not in page and 'value="send_for_approval"' not in page


def test_sending_through_the_admin_is_the_same_move_and_freezes_the_content(world, draft, client_for):
    response = post_move(client_for(world.admin), draft, "send_for_approval")
    assert response.status_code == 200
    stored = fresh(draft)
    assert stored.status == V.AWAITING and stored.frozen_content is not None and stored.sent_at is not None
    [row] = stored.state_history()
    assert (row.transition, row.by) == ("send_for_approval", world.admin)
    assert moves_of(stored).count() == 1
    assert "Done: Send for approval." in response.content.decode()


@pytest.mark.parametrize(
    ("status", "name", "message"),
    [
        (
            V.DRAFT,
            "approve",
            "“Approved by every party” is not possible while the learning agreement version is “Draft”.",
        ),
        (V.DRAFT, "supersede", "is not possible while the learning agreement version is “Draft”."),
        (V.SUPERSEDED, "withdraw", "“Withdraw” is not possible while the learning agreement version is “Superseded”."),
        (V.APPROVED, "send_for_approval", "Only a draft can be sent for approval."),
    ],
)
def test_an_illegal_move_through_the_admin_changes_nothing_and_says_why(
    world, draft, client_for, status, name, message
):
    version = in_state(draft, status)
    client = client_for(world.admin)
    response = post_move(client, version, name)
    if name == "withdraw":  # a move with a reason goes through its form first
        response = client.post(
            reverse("admin:ecvet_learningagreementversion_transition", args=[version.pk, name]),
            {"reason": "Tidy up"},
            follow=True,
        )
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert fresh(draft).status == status
    assert not StatusChange.objects.exists() and not moves_of(draft).exists()


def test_approving_through_the_admin_is_refused_it_takes_the_parties_signatures(world, draft, client_for):
    awaiting = in_state(draft, V.AWAITING)
    response = post_move(client_for(world.admin), awaiting, "approve")
    assert "You may not make this change." in response.content.decode()
    assert fresh(draft).status == V.AWAITING and not StatusChange.objects.exists()


def test_withdrawing_through_the_admin_asks_the_reason_and_unticks_the_checklist(world, mobility, draft, client_for):
    version = approved(world, draft)
    client = client_for(world.admin)
    form_page = post_move(client, version, "withdraw")
    assert 'name="reason"' in form_page.content.decode()
    assert fresh(version).status == V.APPROVED
    url = reverse("admin:ecvet_learningagreementversion_transition", args=[version.pk, "withdraw"])
    response = client.post(url, {"reason": "Entered for the wrong learner"}, follow=True)
    assert "Done: Withdraw." in response.content.decode()
    stored = fresh(version)
    assert stored.status == V.WITHDRAWN
    last = list(stored.state_history())[-1]
    assert (last.transition, last.by, last.reason) == ("withdraw", world.admin, "Entered for the wrong learner")
    assert not signed_item(mobility).is_done
    page = client.get(change_url(version)).content.decode()
    assert "Entered for the wrong learner" in page  # the history is listed under the version


def test_the_moves_offered_are_those_the_person_may_make_now(world, mob, draft):
    assert sorted(t.name for t in workflow.available_moves(draft, world.partner_b)) == ["send_for_approval", "withdraw"]
    assert (
        workflow.available_moves(draft, mob.mentor_a) == [] and workflow.available_moves(draft, world.learner_b) == []
    )
    draft.units.all().delete()
    assert [t.name for t in workflow.available_moves(draft, world.partner_b)] == ["withdraw"]
    [(blocked, missing)] = workflow.blocked_moves(draft, world.partner_b)
    assert blocked.name == "send_for_approval" and "at least one unit" in missing[0].message


def test_the_version_in_force_is_not_withdrawn_once_the_mobility_is_agreed_on_it(world, mobility, draft):
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.PLANNED)
    first = approved(world, draft)
    assert Mobility.objects.get(pk=mobility.pk).status == Mobility.Status.AGREED  # the approval agreed it
    with pytest.raises(workflow.Refused, match="The mobility is agreed on this agreement") as refused:
        service.withdraw(first, by=world.partner_b, reason="Cancelled")
    assert refused.value.missing[0].url == first.agreement.get_absolute_url()
    assert fresh(first).status == V.APPROVED
