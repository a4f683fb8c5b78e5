"""E-mails about ECVET documents (ecvet.services.notify), through the services that send them.

m_b_to_a (tests/mobility/conftest.py): B sends learner_b's mobility (learner_b1, "Lina Bakker") to A.
A's signers: pc_a and `signer_a` (a second partner coordinator at A); B's: partner_b and `signer_b`.
Every message goes out on commit, one per recipient, in the recipient's language, with a portal link.
"""

# The fixtures chain, europass, la and cast come from the sibling modules and are redefined as arguments.
# ruff: noqa: F811
from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from ecvet.models import Approval, Transcript
from ecvet.services import europass as europass_service
from ecvet.services import transcripts
from ecvet.services.approvals import current_sha256, decide
from partners.models import Membership
from partners.models.people import Role
from tests.factories import MembershipFactory, UserFactory

from .test_agreements_views import la, sent_version  # noqa: F401
from .test_europass import SECTION_5A, europass  # noqa: F401
from .test_memoranda import cast, out_for_approval  # noqa: F401
from .test_transcripts import chain, sent_transcript  # noqa: F401

BASE = "https://vision.example.eu"
TRANSCRIPT = "Personal Transcript of Lina Bakker (Alpha VET)"
EUROPASS = "Europass Mobility of Lina Bakker (Alpha VET)"
AGREEMENT = "Learning Agreement of Lina Bakker (Beta College → Alpha VET), version 1"
MEMORANDUM = "Memorandum of Understanding “Beauty MoU”, version 1"

WAITS = "The %(document)s waits for your approval."
WAITS_ORGANISATION = "The %(document)s waits for your organisation's approval."
OPEN = "Open it in the VISION portal: %(link)s"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.VISION_BASE_URL = BASE


@pytest.fixture
def signer_a(world):
    """A second signer (and mobility manager) at the host A."""
    return MembershipFactory(organisation=world.org_a, role=Role.PARTNER_COORDINATOR).user


@pytest.fixture
def signer_b(world):
    """A second signer (and mobility manager) at the sending organisation B."""
    return MembershipFactory(organisation=world.org_b, role=Role.PARTNER_COORDINATOR).user


def addressees() -> set[str]:
    return {r for m in mail.outbox for r in m.to}


def one_each() -> None:
    """Each recipient gets their own message: nobody sees who else was written to."""
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert len(mail.outbox) == len(addressees())


def message_to(user):
    [message] = [m for m in mail.outbox if user.email in m.to]
    return message


def link(document) -> str:
    return f"Open it in the VISION portal: {BASE}{document.get_absolute_url()}"


def approve(document, user, party):
    return decide(
        document,
        party_key=party,
        by=user,
        expected_sha256=current_sha256(document),
        decision=Approval.Decision.APPROVED,
    )


def refuse(document, user, party, reason):
    return decide(
        document,
        party_key=party,
        by=user,
        expected_sha256=current_sha256(document),
        decision=Approval.Decision.REFUSED,
        comment=reason,
    )


def name(user) -> str:
    return user.get_full_name() or user.email


def italian(msgid: str) -> str:
    """The Italian text of `msgid` as the compiled catalogue gives it; it must be translated."""
    with translation.override("it"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Italian translation of {msgid!r}"
    return text


def italian_prefix(msgid: str) -> str:
    """The fixed text of a translated message up to its first placeholder."""
    return italian(msgid).split("%(")[0].strip()


# --- Personal Transcript ----------------------------------------------------------------------------


def test_a_transcript_sent_for_approval_goes_to_the_hosts_other_signers(
    world, mob, chain, signer_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        transcript = sent_transcript(world, chain)  # sent by pc_a
    assert addressees() == {signer_a.email}
    one_each()
    message = message_to(signer_a)
    assert message.subject == f"[VISION] {TRANSCRIPT}"
    assert f"The {TRANSCRIPT} waits for your approval." in message.body
    assert link(transcript) in message.body


def test_the_hosts_approval_tells_the_sending_managers_and_the_learner(
    world, mob, chain, signer_a, signer_b, django_capture_on_commit_callbacks
):
    transcript = sent_transcript(world, chain)
    with django_capture_on_commit_callbacks(execute=True):
        approve(transcript, signer_a, "receiving")
    # B's mobility managers (partner_b, signer_b) and the learner; not the host, mentors or the learner role at B.
    assert addressees() == {world.partner_b.email, signer_b.email, world.learner_b.email}
    one_each()
    for manager in (world.partner_b, signer_b):
        body = message_to(manager).body
        assert f"The host has approved the {TRANSCRIPT}. Record its validation and recognition." in body
        assert link(transcript) in body
    learner_mail = message_to(world.learner_b)
    assert f"Your host has approved the {TRANSCRIPT}." in learner_mail.body
    assert "Record its validation" not in learner_mail.body
    assert learner_mail.subject == f"[VISION] {TRANSCRIPT}"


def test_the_sending_managers_are_told_whether_or_not_they_sign(world, mob, chain, django_capture_on_commit_callbacks):
    """The recognition task follows can_manage_mobilities, not the signing right."""
    manager = MembershipFactory(organisation=world.org_b, role=Role.PARTNER_COORDINATOR, can_sign_documents=False).user
    signer_only = MembershipFactory(
        organisation=world.org_b, role=Role.PARTNER_COORDINATOR, can_manage_mobilities=False
    ).user
    transcript = sent_transcript(world, chain)
    with django_capture_on_commit_callbacks(execute=True):
        approve(transcript, world.pc_a, "receiving")
    assert manager.email in addressees()
    assert signer_only.email not in addressees()


def test_a_learner_without_an_account_is_not_written_to(world, mob, chain, django_capture_on_commit_callbacks):
    mob.learner_b1.user = None
    mob.learner_b1.save(update_fields=["user"])
    transcript = sent_transcript(world, chain)
    with django_capture_on_commit_callbacks(execute=True):
        approve(transcript, world.pc_a, "receiving")
    assert addressees() == {world.partner_b.email}


def test_a_refused_transcript_goes_back_to_the_hosts_managers_with_the_reason(
    world, mob, chain, signer_a, django_capture_on_commit_callbacks
):
    transcript = sent_transcript(world, chain)
    with django_capture_on_commit_callbacks(execute=True):
        refuse(transcript, signer_a, "receiving", "The dates are wrong")
    assert addressees() == {world.pc_a.email}  # the refuser is left out; the sending side is not involved
    body = message_to(world.pc_a).body
    assert f"{name(signer_a)} refused the {TRANSCRIPT}, which is back in draft. Reason: The dates are wrong" in body
    assert link(transcript) in body


def test_recording_recognition_tells_the_learner_the_decision(
    world, mob, chain, signer_b, django_capture_on_commit_callbacks
):
    transcript = sent_transcript(world, chain)
    approve(transcript, world.pc_a, "receiving")
    transcript = Transcript.objects.get(pk=transcript.pk)
    with django_capture_on_commit_callbacks(execute=True):
        transcripts.record_recognition(
            transcript,
            by=world.partner_b,
            decision=Transcript.Decision.PARTLY,
            decided_on=date(2021, 7, 1),
            how_it_counts="Counts as FAC",
        )
    assert addressees() == {world.learner_b.email}
    body = message_to(world.learner_b).body
    assert (
        "Your home organisation has recorded the validation and recognition of the "
        f"{TRANSCRIPT}: Partly recognised." in body
    )
    assert link(transcript) in body


def test_each_recipient_gets_the_values_in_their_own_language(world, mob, chain, django_capture_on_commit_callbacks):
    """The recognition decision is translated for the learner ("Partly recognised" in the Italian .po)."""
    world.learner_b.language = "it"
    world.learner_b.save(update_fields=["language"])
    transcript = sent_transcript(world, chain)
    approve(transcript, world.pc_a, "receiving")
    with django_capture_on_commit_callbacks(execute=True):
        transcripts.record_recognition(
            Transcript.objects.get(pk=transcript.pk),
            by=world.partner_b,
            decision=Transcript.Decision.PARTLY,
            decided_on=date(2021, 7, 1),
            how_it_counts="Counts as FAC",
        )
    body = message_to(world.learner_b).body
    assert "Riconosciuto parzialmente" in body
    assert "Partly recognised" not in body
    assert f"{BASE}{transcript.get_absolute_url()}" in body


# --- Europass Mobility ------------------------------------------------------------------------------


@pytest.fixture
def europass_sent(world, europass, signer_a, signer_b):
    europass_service.update_host(europass, SECTION_5A, by=world.pc_a)
    return europass_service.send_for_approval(europass, by=world.partner_b)


def test_a_europass_sent_for_approval_goes_to_both_organisations_signers_but_the_sender(
    world, mob, europass, signer_a, signer_b, django_capture_on_commit_callbacks
):
    europass_service.update_host(europass, SECTION_5A, by=world.pc_a)
    with django_capture_on_commit_callbacks(execute=True):
        sent = europass_service.send_for_approval(europass, by=world.partner_b)
    assert addressees() == {world.pc_a.email, signer_a.email, signer_b.email}
    one_each()
    for user in (world.pc_a, signer_a, signer_b):
        message = message_to(user)
        assert message.subject == f"[VISION] {EUROPASS}"
        assert f"The {EUROPASS} waits for your organisation's approval." in message.body
        assert link(sent) in message.body


def test_a_europass_approved_by_both_tells_both_organisations_and_the_learner(
    world, mob, europass_sent, signer_a, signer_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(europass_sent, world.partner_b, "sending")
    assert mail.outbox == []  # one approval of two: nothing to tell yet
    with django_capture_on_commit_callbacks(execute=True):
        approve(europass_sent, world.pc_a, "receiving")
    # Both organisations' signers (but the last approver) and the learner.
    assert addressees() == {world.partner_b.email, signer_b.email, signer_a.email, world.learner_b.email}
    one_each()
    for user in (world.partner_b, signer_b, signer_a):
        assert f"Both organisations have approved the {EUROPASS}." in message_to(user).body
    learner_body = message_to(world.learner_b).body
    assert f"Your {EUROPASS} is approved by both organisations." in learner_body
    assert link(europass_sent) in learner_body


def test_a_refused_europass_tells_the_others_the_reason(
    world, mob, europass_sent, signer_a, signer_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refuse(europass_sent, world.pc_a, "receiving", "Section 5a is incomplete")
    assert addressees() == {world.partner_b.email, signer_b.email, signer_a.email}
    for user in (world.partner_b, signer_b, signer_a):
        assert (
            f"{name(world.pc_a)} refused the {EUROPASS}, which is back in draft. Reason: Section 5a is incomplete"
            in message_to(user).body
        )


# --- Learning Agreement and Memorandum: title, link, language ------------------------------------------


def test_a_learning_agreement_mail_has_its_title_and_link_in_each_recipients_language(
    world, mob, la, django_capture_on_commit_callbacks
):
    world.pc_a.language = "it"
    world.pc_a.save(update_fields=["language"])
    version = sent_version(la, world, django_capture_on_commit_callbacks)  # sent by partner_b
    assert addressees() == {world.pc_a.email, world.learner_b.email}
    one_each()
    english = message_to(world.learner_b)
    assert english.subject == f"[VISION] {AGREEMENT}"
    assert WAITS % {"document": AGREEMENT} in english.body
    assert link(version) in english.body
    in_italian = message_to(world.pc_a)
    assert f"{BASE}{version.get_absolute_url()}" in in_italian.body
    assert "waits for your approval" not in in_italian.body
    assert "Open it in the VISION portal" not in in_italian.body
    assert italian_prefix(OPEN) in in_italian.body
    assert italian(WAITS).split("%(document)s")[-1].strip() in in_italian.body


def test_a_memorandum_mail_has_its_title_and_link_in_each_recipients_language(
    world, cast, django_capture_on_commit_callbacks
):
    world.partner_b.language = "it"
    world.partner_b.save(update_fields=["language"])
    english_signer = MembershipFactory(organisation=world.org_b, role=Role.PARTNER_COORDINATOR).user
    with django_capture_on_commit_callbacks(execute=True):
        memorandum = out_for_approval(world, cast)  # sent by pc_a
    assert addressees() == {world.partner_b.email, english_signer.email}
    one_each()
    english = message_to(english_signer)
    assert english.subject == f"[VISION] {MEMORANDUM}"
    assert WAITS_ORGANISATION % {"document": MEMORANDUM} in english.body
    assert link(memorandum) in english.body
    in_italian = message_to(world.partner_b)
    assert f"{BASE}{memorandum.get_absolute_url()}" in in_italian.body
    assert "waits for your organisation's approval" not in in_italian.body
    assert "Open it in the VISION portal" not in in_italian.body
    assert italian_prefix(OPEN) in in_italian.body
    assert italian(WAITS_ORGANISATION).split("%(document)s")[-1].strip() in in_italian.body


# --- who is left out, and when nothing is sent ----------------------------------------------------------


def test_inactive_memberships_inactive_users_and_people_without_the_right_get_nothing(
    world, mob, chain, signer_a, django_capture_on_commit_callbacks
):
    inactive_membership = MembershipFactory(organisation=world.org_a, role=Role.PARTNER_COORDINATOR)
    Membership.objects.filter(pk=inactive_membership.pk).update(is_active=False)
    inactive_user = MembershipFactory(organisation=world.org_a, role=Role.PARTNER_COORDINATOR).user
    inactive_user.is_active = False
    inactive_user.save(update_fields=["is_active"])
    no_right = MembershipFactory(organisation=world.org_a, role=Role.PARTNER_COORDINATOR, can_sign_documents=False)
    outsider_signer = MembershipFactory(organisation=world.org_c, role=Role.PARTNER_COORDINATOR).user
    with django_capture_on_commit_callbacks(execute=True):
        sent_transcript(world, chain)
    assert addressees() == {signer_a.email}
    left_out = (inactive_membership.user, inactive_user, no_right.user, outsider_signer, mob.mentor_a, world.admin)
    assert not {user.email for user in left_out} & addressees()


def test_an_inactive_learner_account_gets_nothing(world, mob, chain, django_capture_on_commit_callbacks):
    world.learner_b.is_active = False
    world.learner_b.save(update_fields=["is_active"])
    transcript = sent_transcript(world, chain)
    with django_capture_on_commit_callbacks(execute=True):
        approve(transcript, world.pc_a, "receiving")
    assert addressees() == {world.partner_b.email}


def test_nothing_is_sent_when_the_transaction_rolls_back(
    world, mob, chain, signer_a, django_capture_on_commit_callbacks
):
    transcript = transcripts.build_transcript(chain, by=world.pc_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            transcripts.send_for_approval(transcript, by=world.pc_a)
            raise RuntimeError("something later failed")
    assert callbacks == [] and mail.outbox == []
    transcript.refresh_from_db()
    assert transcript.status == Transcript.Status.DRAFT
    # The same call, committed, does write.
    with django_capture_on_commit_callbacks(execute=True):
        transcripts.send_for_approval(transcript, by=world.pc_a)
    assert addressees() == {signer_a.email}


def test_nothing_is_sent_before_the_commit(world, mob, chain, signer_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent_transcript(world, chain)
    assert mail.outbox == [] and callbacks
    for callback in callbacks:  # what the commit runs
        callback()
    assert addressees() == {signer_a.email}


def test_a_user_without_an_email_address_is_skipped(world, mob, chain, signer_a, django_capture_on_commit_callbacks):
    blank = UserFactory(email="", verified=False)
    MembershipFactory(user=blank, organisation=world.org_a, role=Role.PARTNER_COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        sent_transcript(world, chain)
    assert addressees() == {signer_a.email}
