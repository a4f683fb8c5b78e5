"""Approving a Learning Agreement: three parties, bound to the SHA-256 of exactly the version approved."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from ecvet.models import Approval, LearningAgreementUnit, LearningAgreementVersion
from ecvet.services import agreements
from ecvet.services.approvals import ApprovalError, current_sha256, decide, parties_for, state
from mobility.models import Mobility
from partners.access import clear_scope
from tests.factories_ecvet import UnitFactory

V = LearningAgreementVersion.Status


@pytest.fixture
def sent(world, mob, django_capture_on_commit_callbacks):
    """Version 1 of the LA of m_b_to_a (B sends learner_b1, A hosts), sent for approval."""
    mobility = mob.m_b_to_a
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.PLANNED)
    unit = UnitFactory(qualification__organisation=world.org_b)
    agreement, draft = agreements.start_agreement(mobility, by=world.partner_b, qualification=unit.qualification)
    LearningAgreementUnit.objects.create(
        version=draft, unit=unit, ecvet_points=Decimal("5"), learning_outcomes="Analyses the skin\nPerforms a facial"
    )
    with django_capture_on_commit_callbacks(execute=True):
        agreements.send_for_approval(draft, by=world.partner_b)
    draft.refresh_from_db()
    return draft


def approve(version, user, party, sha=None):
    return decide(
        version,
        party_key=party,
        by=user,
        expected_sha256=sha or current_sha256(version),
        decision=Approval.Decision.APPROVED,
    )


def test_all_three_parties_approve_and_the_mobility_becomes_agreed(
    world, mob, sent, django_capture_on_commit_callbacks
):
    assert sent.content_sha256 == current_sha256(sent)
    approve(sent, world.learner_b, "learner")
    approve(sent, world.partner_b, "sending")
    assert state(sent)["waiting_for"][0].key == "receiving"
    with django_capture_on_commit_callbacks(execute=True):
        approve(sent, world.pc_a, "receiving")
    sent.refresh_from_db()
    mob.m_b_to_a.refresh_from_db()
    assert sent.status == V.APPROVED
    assert mob.m_b_to_a.status == Mobility.Status.AGREED
    assert [i.text for i in mob.m_b_to_a.assessment_items.all()] == ["Analyses the skin", "Performs a facial"]
    assert all(a.content_sha256 == sent.content_sha256 for a in Approval.objects.all())
    assert any("Every party has approved" in m.body and "the mobility is agreed" in m.body for m in mail.outbox)


def test_an_approval_against_a_stale_version_is_refused_and_changes_nothing(world, sent):
    with pytest.raises(ApprovalError, match="changed since you opened it"):
        approve(sent, world.partner_b, "sending", sha="0" * 64)
    assert not Approval.objects.exists()


def test_nobody_approves_without_the_signing_right_or_for_another_party(world, mob, sent):
    from partners.models import Membership

    with pytest.raises(PermissionDenied):
        approve(sent, world.mentor_b, "sending")
    with pytest.raises(PermissionDenied):
        approve(sent, world.partner_b, "receiving")
    with pytest.raises(PermissionDenied):
        approve(sent, world.admin, "sending")  # superusers do not sign for organisations
    assert parties_for(world.partner_b, sent)[0].key == "sending"
    Membership.objects.filter(user=world.partner_b).update(can_sign_documents=False)
    clear_scope(world.partner_b)  # a new request would load the memberships afresh
    with pytest.raises(PermissionDenied):
        approve(sent, world.partner_b, "sending")
    assert parties_for(world.learner_b, sent)[0].key == "learner"


def test_a_refusal_needs_a_reason_and_tells_the_others(world, sent, django_capture_on_commit_callbacks):
    with pytest.raises(ApprovalError):
        decide(
            sent,
            party_key="receiving",
            by=world.pc_a,
            expected_sha256=sent.content_sha256,
            decision=Approval.Decision.REFUSED,
            comment="  ",
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            sent,
            party_key="receiving",
            by=world.pc_a,
            expected_sha256=sent.content_sha256,
            decision=Approval.Decision.REFUSED,
            comment="No salon placement in March.",
        )
    sent.refresh_from_db()
    assert sent.status == V.REFUSED
    assert any("No salon placement in March." in m.body for m in mail.outbox)
    assert world.pc_a.email not in {r for m in mail.outbox for r in m.to}


def test_an_approved_version_is_never_edited_in_place_and_a_change_needs_a_reason(world, sent):
    for user, party in ((world.learner_b, "learner"), (world.partner_b, "sending"), (world.pc_a, "receiving")):
        approve(sent, user, party)
    sent.refresh_from_db()
    with pytest.raises(ValidationError):
        agreements.ensure_editable(sent)
    with pytest.raises(ValidationError):
        agreements.propose_change(sent.agreement, by=world.partner_b, reason_code="", reason_text="x")
    proposal = agreements.propose_change(
        sent.agreement, by=world.partner_b, reason_code="timetable-conflict", reason_text="The salon closes in week 2."
    )
    assert proposal.number == 2 and proposal.based_on == sent and proposal.units.count() == 1
    assert current_sha256(proposal) != current_sha256(sent)
    with pytest.raises(ValidationError):
        agreements.propose_change(
            sent.agreement, by=world.partner_b, reason_code="timetable-conflict", reason_text="again"
        )


def test_the_content_is_frozen_when_sent_so_later_profile_edits_do_not_break_approvals(world, mob, sent):
    approve(sent, world.learner_b, "learner")
    world.org_b.address = "A new street 1, Haarlem"
    world.org_b.save()
    sent.refresh_from_db()
    assert current_sha256(sent) == sent.content_sha256
    assert "learner" in state(sent)["approved"]
    approve(sent, world.partner_b, "sending")
    approve(sent, world.pc_a, "receiving")
    sent.refresh_from_db()
    assert sent.status == V.APPROVED
    assert sent.frozen_content["home_organisation"]["address"] != "A new street 1, Haarlem"


def test_erasing_the_learner_scrubs_the_frozen_agreement_and_their_signature(
    world, mob, sent, django_capture_on_commit_callbacks
):
    from django.apps import apps
    from django.core import serializers

    from mobility.services.gdpr import erase_learner

    learner = mob.learner_b1
    approve(sent, world.learner_b, "learner")
    learner.refresh_from_db()
    # learner_b is a learner-role account only, so the erasure may close it.
    with django_capture_on_commit_callbacks(execute=True):
        erase_learner(learner, by=world.partner_b, reason="Asked by the learner")
    dump = "".join(
        serializers.serialize("json", model.objects.all())
        for model in apps.get_models()
        if model._meta.app_label in {"ecvet", "mobility", "partners"}
    )
    for needle in ("Lina", "Bakker", world.learner_b.email):
        assert needle not in dump, needle
    # Other factory learners share the birth date, so look where this learner's was written.
    ecvet_dump = serializers.serialize("json", [*LearningAgreementVersion.objects.all(), *Approval.objects.all()])
    assert "2001-05-17" not in ecvet_dump
    sent.refresh_from_db()
    assert sent.frozen_content["learner"]["date_of_birth"] != "2001-05-17"
