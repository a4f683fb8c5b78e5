"""The Personal Transcript moves through its one declared workflow (issue 13, points 1 and 2):

draft → awaiting      `send_for_approval`, by the host's mobility managers, with the Learning Agreement in force
                      and at least one assessed learning outcome (the content is frozen with the move);
awaiting → approved   `approve`, made by the approval service once the host's signer has approved, still with
                      the Learning Agreement in force;
awaiting → draft      `refuse`, made by the approval service when the host's signer refuses, with the reason.

Building the transcript needs the Learning Agreement in force too, and recording the recognition needs an
approved transcript; "recognised in full" needs every unit of the agreement achieved with its ECVET points.
Each move writes a history row and one audit entry; nothing else changes the status.

m_b_to_a (tests/mobility/conftest.py): B sends learner_b's mobility to A; pc_a manages and signs for A (the host),
partner_b for B (the sending side).
"""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ecvet.models import Approval, LearningAgreementUnit, LearningAgreementVersion, Transcript, TranscriptUnit
from ecvet.services import approvals
from ecvet.services import transcripts as service
from mobility.models import AssessmentResult, MentorAssessment, Mobility
from partners import workflow
from partners.models import AuditEntry, StatusChange
from tests.ecvet.support_memoranda import beauty_qualification, mark_recently_authenticated
from tests.ecvet.test_transcripts import make_approved_agreement, make_assessment
from tests.workflow_support import change_url, post_move

pytestmark = pytest.mark.django_db

T = Transcript.Status
V = LearningAgreementVersion.Status
R = AssessmentResult.Result
ALL_ACHIEVED = [("FAC", R.ACHIEVED), ("FAC", R.ACHIEVED), ("MAN", R.ACHIEVED)]
MAN_PARTLY = [("FAC", R.ACHIEVED), ("MAN", R.ACHIEVED), ("MAN", R.NOT_ACHIEVED)]


def completed(mobility) -> Mobility:
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.COMPLETED)
    return Mobility.objects.get(pk=mobility.pk)


@pytest.fixture
def mobility(world, mob) -> Mobility:
    """m_b_to_a, completed, with its Learning Agreement in force (FAC 6 points, MAN 4)."""
    mobility = completed(mob.m_b_to_a)
    make_approved_agreement(mobility, beauty_qualification(world.org_b))
    return mobility


@pytest.fixture
def draft(world, mob, mobility) -> Transcript:
    """Built from an assessment with every outcome achieved (FAC 6 + MAN 4 = 10 points)."""
    make_assessment(mobility, mob.mentor_a, ALL_ACHIEVED)
    return service.build_transcript(mobility, by=world.pc_a)


def in_state(transcript, status) -> Transcript:
    Transcript.objects.filter(pk=transcript.pk).update(status=status)
    return Transcript.objects.get(pk=transcript.pk)


def fresh(transcript) -> Transcript:
    return Transcript.objects.get(pk=transcript.pk)


def moves_of(transcript):
    """The audit entries of status moves (every move writes exactly one, with the move's name)."""
    return AuditEntry.objects.filter(object_code=str(transcript.code), verb=AuditEntry.Verb.STATE_CHANGED).filter(
        details__has_key="to"
    )


def la_url(mobility) -> str:
    return reverse("ecvet:agreement_for_mobility", kwargs={"code": mobility.code})


def take_agreement_out_of_force(mobility) -> None:
    LearningAgreementVersion.objects.filter(agreement__mobility=mobility).update(status=V.SUPERSEDED)


def decide(transcript, user, decision=Approval.Decision.APPROVED, comment=""):
    transcript = fresh(transcript)
    return approvals.decide(
        transcript,
        party_key="receiving",
        by=user,
        expected_sha256=approvals.current_sha256(transcript),
        decision=decision,
        comment=comment,
    )


def approved(world, draft) -> Transcript:
    sent = service.send_for_approval(draft, by=world.pc_a)
    decide(sent, world.pc_a)
    return fresh(draft)


def recognise(world, transcript, decision=Transcript.Decision.RECOGNISED, points=None):
    return service.record_recognition(
        fresh(transcript),
        by=world.partner_b,
        decision=decision,
        decided_on=date(2021, 7, 1),
        how_it_counts="Units FAC and MAN count as completed.",
        points_recognised=points,
    )


# --- the map ------------------------------------------------------------------------------------------------

MOVES = {
    "send_for_approval": ([T.DRAFT], T.AWAITING),
    "approve": ([T.AWAITING], T.APPROVED),
    "refuse": ([T.AWAITING], T.DRAFT),
}


@pytest.mark.parametrize(
    ("name", "status"), [(name, status) for name in MOVES for status in T.values], ids=lambda v: str(v)
)
def test_each_move_is_made_from_its_sources_and_refused_from_the_others(world, draft, name, status):
    sources, target = MOVES[name]
    transcript = in_state(draft, status)
    # send_for_approval is the host's move; approve and refuse are the approval service's (system) moves.
    user, system = world.pc_a, name != "send_for_approval"
    if status in sources:
        workflow.move(transcript, name, by=user, system=system, reason="The dates are wrong")
        assert fresh(draft).status == target
        [row] = transcript.state_history()
        assert (row.transition, row.from_state, row.to_state, row.by) == (name, status, target, user)
        assert moves_of(transcript).count() == 1
    else:
        with pytest.raises(workflow.Refused):
            workflow.move(transcript, name, by=user, system=system, reason="The dates are wrong")
        assert fresh(draft).status == status
        assert not StatusChange.objects.exists() and not moves_of(transcript).exists()


def test_the_status_cannot_be_assigned(draft):
    with pytest.raises(AttributeError):
        draft.status = T.APPROVED


def test_no_move_leaves_an_approved_transcript(draft):
    """An approved transcript is never withdrawn or reopened, so the checklist's "transcript approved" tick
    (ChainEvent.TRANSCRIPT_APPROVED) never needs to be taken back."""
    transcript = in_state(draft, T.APPROVED)
    assert list(transcript.get_all_status_transitions()) and not [
        t for t in transcript.get_all_status_transitions() if t.source == T.APPROVED
    ]


def test_only_the_approval_service_approves_or_refuses(world, draft):
    transcript = in_state(draft, T.AWAITING)
    for name in ("approve", "refuse"):
        with pytest.raises(PermissionDenied):
            workflow.move(transcript, name, by=world.admin, reason="x")
    assert fresh(draft).status == T.AWAITING and not StatusChange.objects.exists()


# --- history and audit of each move through the services -------------------------------------------------------


def test_sending_writes_one_history_row_and_one_audit_entry_and_freezes_the_content(world, mobility, draft):
    sent = service.send_for_approval(draft, by=world.pc_a)
    stored = fresh(sent)
    assert stored.status == T.AWAITING and stored.frozen_content["units"]
    [row] = stored.state_history()
    assert (row.transition, row.from_state, row.to_state, row.by, row.reason) == (
        "send_for_approval",
        "draft",
        "awaiting",
        world.pc_a,
        "",
    )
    assert (row.partnership, row.organisation) == (mobility.partnership, mobility.receiving_organisation)
    [entry] = moves_of(stored)
    assert entry.actor == world.pc_a and entry.details["move"] == "send_for_approval"
    assert entry.details["sha256"] == approvals.current_sha256(stored)


def test_the_hosts_approval_is_one_move_with_its_history_and_one_audit_entry(world, draft):
    transcript = approved(world, draft)
    assert transcript.status == T.APPROVED
    rows = list(transcript.state_history())
    assert [(r.transition, r.to_state, r.by) for r in rows] == [
        ("send_for_approval", "awaiting", world.pc_a),
        ("approve", "approved", world.pc_a),
    ]
    assert [e.details["move"] for e in moves_of(transcript).order_by("id")] == ["send_for_approval", "approve"]


def test_a_refusal_is_one_move_back_to_draft_with_the_reason(world, draft):
    sent = service.send_for_approval(draft, by=world.pc_a)
    decide(sent, world.pc_a, Approval.Decision.REFUSED, "The dates are wrong")
    transcript = fresh(draft)
    assert transcript.status == T.DRAFT and transcript.frozen_content is None
    last = list(transcript.state_history())[-1]
    assert (last.transition, last.from_state, last.to_state, last.by, last.reason) == (
        "refuse",
        "awaiting",
        "draft",
        world.pc_a,
        "The dates are wrong",
    )
    refusals = moves_of(transcript).filter(details__move="refuse")
    assert refusals.count() == 1 and refusals.get().details["reason"] == "The dates are wrong"
    assert moves_of(transcript).count() == 2  # sending and the refusal; no second entry for the same change


def test_only_the_hosts_mobility_managers_send(world, mob, draft):
    for user in (world.partner_b, mob.mentor_a, world.learner_b, world.outsider):
        with pytest.raises(PermissionDenied):
            service.send_for_approval(draft, by=user)
    assert fresh(draft).status == T.DRAFT and not StatusChange.objects.exists()


# --- a transcript needs the Learning Agreement in force ----------------------------------------------------------


def test_no_transcript_is_built_without_a_learning_agreement(world, mob):
    mobility = completed(mob.m_b_to_a)
    make_assessment(mobility, mob.mentor_a, [("FAC", R.ACHIEVED)])
    with pytest.raises(workflow.Refused, match="No Learning Agreement is in force") as refused:
        service.build_transcript(mobility, by=world.pc_a)
    [missing] = refused.value.missing
    assert missing.url == la_url(mobility)
    assert not Transcript.objects.exists()


@pytest.mark.parametrize("status", [V.DRAFT, V.AWAITING, V.REFUSED, V.SUPERSEDED, V.WITHDRAWN])
def test_a_learning_agreement_not_approved_by_all_parties_is_not_in_force(world, mob, mobility, status):
    LearningAgreementVersion.objects.filter(agreement__mobility=mobility).update(status=status)
    make_assessment(mobility, mob.mentor_a, ALL_ACHIEVED)
    with pytest.raises(workflow.Refused, match="No Learning Agreement is in force"):
        service.build_transcript(mobility, by=world.pc_a)
    assert not Transcript.objects.exists()


def test_both_missing_facts_are_named_with_their_links(world, mob):
    mobility = completed(mob.m_b_to_a)
    with pytest.raises(workflow.Refused) as refused:
        service.build_transcript(mobility, by=world.pc_a)
    assert [m.url for m in refused.value.missing] == [
        reverse("mobility:assessment", kwargs={"code": mobility.code}),
        la_url(mobility),
    ]
    assert "not submitted the assessment" in refused.value.messages[0]


def test_the_build_page_names_the_missing_agreement_and_links_to_it(world, mob, client_for):
    mobility = completed(mob.m_b_to_a)
    make_assessment(mobility, mob.mentor_a, [("FAC", R.ACHIEVED)])
    url = reverse("ecvet:transcript_for_mobility", kwargs={"code": mobility.code})
    page = client_for(world.pc_a).post(url, follow=True).content.decode()
    assert "No Learning Agreement is in force for this mobility" in page
    assert f'href="{la_url(mobility)}"' in page
    assert not Transcript.objects.exists()


def test_a_draft_is_not_sent_once_the_agreement_is_no_longer_in_force(world, mobility, draft):
    take_agreement_out_of_force(mobility)
    with pytest.raises(workflow.Refused, match="No Learning Agreement is in force") as refused:
        service.send_for_approval(draft, by=world.pc_a)
    assert [m.url for m in refused.value.missing] == [la_url(mobility)]
    stored = fresh(draft)
    assert stored.status == T.DRAFT and stored.frozen_content is None
    assert not StatusChange.objects.exists() and not moves_of(draft).exists()


def test_the_transcript_page_names_what_sending_needs_and_offers_no_send_button(world, mobility, draft, client_for):
    client = client_for(world.pc_a)
    send_url = reverse("ecvet:transcript_send", kwargs={"code": draft.code})
    assert f'action="{send_url}"' in client.get(draft.get_absolute_url()).content.decode()
    take_agreement_out_of_force(mobility)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "No Learning Agreement is in force for this mobility" in page
    assert f'href="{la_url(mobility)}"' in page
    assert f'action="{send_url}"' not in page


def test_a_transcript_without_assessed_outcomes_is_not_sent(world, draft):
    draft.entries.all().delete()
    with pytest.raises(workflow.Refused, match="no assessed learning outcomes"):
        service.send_for_approval(draft, by=world.pc_a)
    assert fresh(draft).status == T.DRAFT and not StatusChange.objects.exists()


def test_the_host_cannot_approve_once_the_agreement_is_no_longer_in_force(world, mobility, draft, client_for):
    sent = service.send_for_approval(draft, by=world.pc_a)
    take_agreement_out_of_force(mobility)
    with pytest.raises(approvals.ApprovalError, match="No Learning Agreement is in force"):
        decide(sent, world.pc_a)
    assert fresh(draft).status == T.AWAITING and not Approval.objects.exists()
    # Through the page: the reason is shown and nothing is recorded.
    client = client_for(world.pc_a)
    mark_recently_authenticated(client, world.pc_a)
    url = reverse("ecvet:transcript_decide", kwargs={"code": draft.code})
    response = client.post(
        url,
        {
            "party": "receiving",
            "decision": "approved",
            "comment": "",
            "expected_sha256": approvals.current_sha256(sent),
        },
        follow=True,
    )
    assert "No Learning Agreement is in force" in response.content.decode()
    assert fresh(draft).status == T.AWAITING and not Approval.objects.exists()
    assert [r.transition for r in draft.state_history()] == ["send_for_approval"]


# --- recording the recognition ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [T.DRAFT, T.AWAITING])
def test_recognition_needs_an_approved_transcript(world, mobility, draft, status):
    transcript = in_state(draft, status)
    for decision in Transcript.Decision.values:
        with pytest.raises(workflow.Refused, match="after the host has approved") as refused:
            recognise(world, transcript, decision)
        assert [m.url for m in refused.value.missing] == [transcript.get_absolute_url()]
    assert fresh(draft).decision == ""
    assert Mobility.objects.get(pk=mobility.pk).status == Mobility.Status.COMPLETED


def test_every_unit_achieved_with_its_points_is_recognised_in_full(world, mobility, draft):
    transcript = approved(world, draft)
    recognise(world, transcript, points=Decimal("10"))
    assert fresh(draft).decision == Transcript.Decision.RECOGNISED
    assert Mobility.objects.get(pk=mobility.pk).status == Mobility.Status.RECOGNISED


def refused_in_full(world, transcript, points=None) -> str:
    with pytest.raises(ValidationError) as refused:
        recognise(world, transcript, points=points)
    assert fresh(transcript).decision == ""
    assert Mobility.objects.get(pk=transcript.mobility_id).status == Mobility.Status.COMPLETED
    return " ".join(
        refused.value.message_dict.get("decision", []) + refused.value.message_dict.get("points_recognised", [])
    )


def test_a_unit_with_an_outcome_not_achieved_is_not_recognised_in_full(world, mob, mobility):
    make_assessment(mobility, mob.mentor_a, MAN_PARTLY)
    transcript = service.build_transcript(mobility, by=world.pc_a)
    # Even with all of MAN's points awarded by the host, one of its outcomes was not achieved.
    man = service.mixed_units(transcript)[0]
    service.update_transcript(transcript, points={man.unit_id: Decimal("4")}, host_remarks="", by=world.pc_a)
    transcript = approved(world, transcript)
    message = refused_in_full(world, transcript)
    assert "not every learning outcome of unit MAN was achieved" in message
    recognise(world, transcript, Transcript.Decision.PARTLY, points=Decimal("10"))
    assert fresh(transcript).decision == Transcript.Decision.PARTLY


def test_a_unit_of_the_agreement_never_assessed_is_not_recognised_in_full(world, mob, mobility):
    make_assessment(mobility, mob.mentor_a, [("FAC", R.ACHIEVED)])
    transcript = approved(world, service.build_transcript(mobility, by=world.pc_a))
    assert "no learning outcome of unit MAN was assessed" in refused_in_full(world, transcript)


def test_a_transcript_with_0_ecvet_points_is_never_recognised_in_full(world, mob, mobility):
    LearningAgreementUnit.objects.filter(version__agreement__mobility=mobility).update(ecvet_points=Decimal("0"))
    make_assessment(mobility, mob.mentor_a, ALL_ACHIEVED)
    transcript = approved(world, service.build_transcript(mobility, by=world.pc_a))
    assert service.total_points(transcript) == 0
    message = refused_in_full(world, transcript)
    assert "unit FAC carries no ECVET points" in message and "unit MAN carries no ECVET points" in message


def test_an_agreement_without_units_awards_no_points_and_is_not_recognised_in_full(world, mob, mobility):
    LearningAgreementUnit.objects.filter(version__agreement__mobility=mobility).delete()
    make_assessment(mobility, mob.mentor_a, ALL_ACHIEVED)
    transcript = approved(world, service.build_transcript(mobility, by=world.pc_a))
    assert not transcript.units.exists()
    assert "has no units of learning outcomes" in refused_in_full(world, transcript)


def test_a_unit_awarded_less_than_its_agreed_points_is_not_recognised_in_full(world, mobility, draft):
    transcript = approved(world, draft)
    TranscriptUnit.objects.filter(transcript=transcript, unit__reference="FAC").update(points_awarded=Decimal("3"))
    assert "unit FAC is awarded 3 of its 6 ECVET points" in refused_in_full(world, transcript)


def test_recognition_in_full_needs_the_agreement_still_in_force(world, mobility, draft):
    transcript = approved(world, draft)
    take_agreement_out_of_force(mobility)
    assert "no Learning Agreement is in force" in refused_in_full(world, transcript)


def test_recognised_in_full_recognises_every_point_awarded(world, mobility, draft):
    transcript = approved(world, draft)
    assert "recognises all 10 ECVET points" in refused_in_full(world, transcript, points=Decimal("6"))
    recognise(world, transcript, points=None)  # no figure given: the decision speaks for all of them
    assert fresh(transcript).decision == Transcript.Decision.RECOGNISED


def test_the_recognition_page_says_why_it_cannot_be_in_full(world, mob, mobility, client_for):
    make_assessment(mobility, mob.mentor_a, MAN_PARTLY)
    transcript = approved(world, service.build_transcript(mobility, by=world.pc_a))
    url = reverse("ecvet:transcript_recognise", kwargs={"code": transcript.code})
    response = client_for(world.partner_b).post(
        url, {"decision": "recognised", "decided_on": "2021-07-01", "how_it_counts": "Counts"}
    )
    assert response.status_code == 200
    assert "not every learning outcome of unit MAN was achieved" in str(response.context["form"].errors["decision"])
    assert fresh(transcript).decision == ""


# --- Django admin -------------------------------------------------------------------------------------------


def test_the_admin_page_offers_sending_a_draft_and_never_approving(world, draft, client_for):
    client = client_for(world.admin)
    page = client.get(change_url(draft)).content.decode()
    assert 'name="_fsm_transition_to"' in page and 'value="send_for_approval"' in page
    awaiting = in_state(draft, T.AWAITING)
    page = client.get(change_url(awaiting)).content.decode()
    assert 'value="approve"' not in page and 'value="refuse"' not in page


def test_sending_through_the_admin_is_the_same_move_and_freezes_the_content(world, draft, client_for):
    response = post_move(client_for(world.admin), draft, "send_for_approval")
    assert response.status_code == 200
    stored = fresh(draft)
    assert stored.status == T.AWAITING and stored.frozen_content is not None
    [row] = stored.state_history()
    assert (row.transition, row.by) == ("send_for_approval", world.admin)
    assert moves_of(stored).count() == 1
    assert "Done: Send for approval." in response.content.decode()


@pytest.mark.parametrize(
    ("status", "name", "message"),
    [
        (T.DRAFT, "approve", "“Approve” is not possible while the personal transcript is “Draft”."),
        (T.APPROVED, "send_for_approval", "Only a draft transcript can be sent for approval."),
    ],
)
def test_an_illegal_move_through_the_admin_changes_nothing_and_says_why(
    world, draft, client_for, status, name, message
):
    transcript = in_state(draft, status)
    response = post_move(client_for(world.admin), transcript, name)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert fresh(draft).status == status
    assert not StatusChange.objects.exists() and not moves_of(draft).exists()


def test_approving_through_the_admin_is_refused_it_takes_the_hosts_signature(world, draft, client_for):
    awaiting = in_state(draft, T.AWAITING)
    response = post_move(client_for(world.admin), awaiting, "approve")
    assert "You may not make this change." in response.content.decode()
    assert fresh(draft).status == T.AWAITING and not StatusChange.objects.exists()


def test_sending_through_the_admin_without_an_agreement_in_force_says_what_is_missing(
    world, mobility, draft, client_for
):
    take_agreement_out_of_force(mobility)
    response = post_move(client_for(world.admin), draft, "send_for_approval")
    assert "No Learning Agreement is in force" in response.content.decode()
    assert fresh(draft).status == T.DRAFT and not StatusChange.objects.exists()


def test_the_admin_lists_the_history_under_the_transcript(world, draft, client_for):
    service.send_for_approval(draft, by=world.pc_a)
    page = client_for(world.admin).get(change_url(draft)).content.decode()
    assert "send_for_approval" in page


def test_an_unsubmitted_assessment_is_not_a_source(world, mob, mobility):
    """A transcript is built only from the submitted assessment (a draft one does not count)."""
    make_assessment(mobility, mob.mentor_a, ALL_ACHIEVED, status=MentorAssessment.Status.DRAFT)
    with pytest.raises(workflow.Refused, match="not submitted the assessment"):
        service.build_transcript(mobility, by=world.pc_a)
