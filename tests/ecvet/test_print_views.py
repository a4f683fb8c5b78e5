"""The printable read views of the Personal Transcript and the Europass Mobility.

Both start from the same scope as their detail pages (tests/ecvet/test_access_*.py hold the matrix); here:
what they show, who reads the learner's personal details, the headings in the document's languages (the same
for every reader: documents.languages) and the audit row.

m_b_to_a: B (the Netherlands) sends learner_b's mobility (Lina Bakker) to A (Lithuania); mentor_a mentors.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from ecvet.models import Approval, EuropassMobility
from ecvet.services import approvals
from ecvet.services import transcripts as transcript_service
from partners.models import AuditEntry

from .test_europass import europass, sent  # noqa: F401  (fixtures)
from .test_transcripts import approved_transcript, chain  # noqa: F401  (chain is a fixture)

pytestmark = pytest.mark.django_db

DATE_OF_BIRTH = "2001-05-17"  # LearnerFactory; the frozen content holds it as text


def transcript_print(transcript):
    return reverse("ecvet:transcript_print", kwargs={"code": transcript.code})


def europass_print(document):
    return reverse("ecvet:europass_print", kwargs={"code": document.code})


def print_audits(document, user):
    return AuditEntry.objects.filter(
        verb=AuditEntry.Verb.VIEWED, object_code=str(document.code), actor=user, details__view="print"
    )


def heading(msgid, languages=("en", "nl", "lt")) -> str:
    """A heading as a printable view of m_b_to_a writes it: in English, Dutch (B sends) and Lithuanian (A hosts)."""
    parts = []
    for language in languages:
        with override(language):
            parts.append((language, gettext(msgid)))
    (first_lang, first), *others = parts
    return f'<span lang="{first_lang}">{first}</span>' + "".join(
        f' / <span lang="{lang}" class="other-language">{text}</span>' for lang, text in others
    )


@pytest.fixture
def recognised(world, chain):  # noqa: F811
    transcript = approved_transcript(world, chain)
    return transcript_service.record_recognition(
        transcript,
        by=world.partner_b,
        decision="partly",
        decided_on=date(2021, 7, 1),
        points_recognised=Decimal("6"),
        how_it_counts="Unit FAC counts as completed.",
    )


@pytest.fixture
def approved_europass(world, sent):  # noqa: F811
    for user, party in ((world.partner_b, "sending"), (world.pc_a, "receiving")):
        approvals.decide(
            EuropassMobility.objects.get(pk=sent.pk),
            party_key=party,
            by=user,
            expected_sha256=approvals.current_sha256(sent),
            decision=Approval.Decision.APPROVED,
        )
    return EuropassMobility.objects.get(pk=sent.pk)


# --- the Personal Transcript -----------------------------------------------------------------------------


def test_the_transcript_print_view_shows_every_section_the_sha_and_the_hosts_signer(world, recognised, client_for):
    response = client_for(world.partner_b).get(transcript_print(recognised))
    page = response.content.decode()
    assert response.status_code == 200
    signer = Approval.objects.get(decision=Approval.Decision.APPROVED).signer_name
    for text in (
        "Lina Bakker",
        world.org_a.legal_name,
        world.org_b.legal_name,
        "Outcome 0 of FAC",
        "Outcome 3 of MAN",
        "Observation at work",
        "Seen in the salon",
        "ECVET points awarded",
        "Remarks of the host",
        "Validation and recognition",
        "Unit FAC counts as completed.",
        approvals.current_sha256(recognised),
        signer,
    ):
        assert text in page, text
    assert response.context["total_points"] == Decimal("6")  # FAC 6 + MAN 0
    assert page.count("<h1") == 1
    assert '<th scope="col">' in page and "no-print" in page
    assert reverse("ecvet:transcript_detail", kwargs={"code": recognised.code}) in page


def test_a_transcript_not_yet_approved_prints_not_approved_and_no_recognition(world, chain, client_for):  # noqa: F811
    transcript = transcript_service.build_transcript(chain, by=world.pc_a)
    page = client_for(world.pc_a).get(transcript_print(transcript)).content.decode()
    assert "Not approved" in page
    assert "Validation and recognition" not in page


def test_the_mentor_prints_the_transcript_without_the_learners_date_of_birth(world, mob, recognised, client_for):
    mentor = client_for(mob.mentor_a).get(transcript_print(recognised))
    assert mentor.status_code == 200
    assert "Date of birth" not in mentor.content.decode() and DATE_OF_BIRTH not in mentor.content.decode()
    coordinator = client_for(world.partner_b).get(transcript_print(recognised)).content.decode()
    assert "Date of birth" in coordinator and DATE_OF_BIRTH in coordinator


def test_printing_the_transcript_is_audited_but_not_for_the_learner_reading_their_own(world, recognised, client_for):
    client_for(world.partner_b).get(transcript_print(recognised))
    assert print_audits(recognised, world.partner_b).count() == 1
    assert client_for(world.learner_b).get(transcript_print(recognised)).status_code == 200
    assert not print_audits(recognised, world.learner_b).exists()


def test_transcript_headings_are_in_english_and_the_languages_of_both_organisations_for_every_reader(
    world, mob, recognised, client_for
):
    for user in (world.partner_b, world.pc_a, mob.mentor_a, world.learner_b):
        response = client_for(user).get(transcript_print(recognised))
        assert response.context["document_languages"] == ["en", "nl", "lt"]  # B (NL) sends, A (LT) hosts
        assert heading("Assessed learning outcomes") in response.content.decode(), user


def test_the_transcript_print_view_has_one_title_and_each_heading_once(world, recognised, client_for):
    page = client_for(world.pc_a).get(transcript_print(recognised)).content.decode()
    assert page.count("<h1") == 1 and "ECVET Personal Transcript" in page
    assert page.count(heading("Assessed learning outcomes") + "</h2>") == 1


def test_the_transcript_page_links_to_the_printable_view_for_every_reader(world, mob, recognised, client_for):
    for user in (world.partner_b, mob.mentor_a, world.learner_b):
        page = client_for(user).get(recognised.get_absolute_url()).content.decode()
        assert transcript_print(recognised) in page


# --- the Europass Mobility -------------------------------------------------------------------------------


def test_the_europass_print_view_shows_every_section_the_sha_and_both_signers(world, approved_europass, client_for):
    response = client_for(world.learner_b).get(europass_print(approved_europass))
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Lina Bakker",
        world.org_a.legal_name,
        world.org_b.legal_name,
        "Work in a beauty salon",
        "Facial treatments",
        "English B1",
        "Punctual",
        approvals.current_sha256(approved_europass),
        *Approval.objects.values_list("signer_name", flat=True),
    ):
        assert text in page, text
    assert "Not approved" not in page
    assert page.count("<h1") == 1
    assert reverse("ecvet:europass_detail", kwargs={"code": approved_europass.code}) in page


def test_a_europass_awaiting_approval_prints_not_approved_for_both(world, sent, client_for):  # noqa: F811
    page = client_for(world.partner_b).get(europass_print(sent)).content.decode()
    assert page.count("Not approved") == 2


def test_the_mentor_prints_the_europass_without_the_holders_date_of_birth(world, mob, approved_europass, client_for):
    mentor = client_for(mob.mentor_a).get(europass_print(approved_europass))
    assert mentor.status_code == 200 and mentor.context["personal"] is False
    assert "Date of birth" not in mentor.content.decode() and DATE_OF_BIRTH not in mentor.content.decode()
    coordinator = client_for(world.partner_b).get(europass_print(approved_europass)).content.decode()
    assert "Date of birth" in coordinator and DATE_OF_BIRTH in coordinator


def test_printing_the_europass_is_audited(world, approved_europass, client_for):
    client_for(world.pc_a).get(europass_print(approved_europass))
    assert print_audits(approved_europass, world.pc_a).count() == 1


def test_europass_headings_are_in_english_and_the_languages_of_both_organisations_for_every_reader(
    world, mob, approved_europass, client_for
):
    for user in (world.partner_b, world.pc_a, mob.mentor_a, world.learner_b):
        response = client_for(user).get(europass_print(approved_europass))
        assert response.context["document_languages"] == ["en", "nl", "lt"]
        assert heading("2–3. The partners of the mobility") in response.content.decode(), user


def test_the_europass_print_view_has_one_title_and_each_heading_once(world, approved_europass, client_for):
    page = client_for(world.partner_b).get(europass_print(approved_europass)).content.decode()
    assert page.count("<h1") == 1 and "Europass Mobility" in page
    assert page.count(heading("5a. Skills and competences acquired during the mobility") + "</h2>") == 1


def test_the_europass_page_links_to_the_printable_view_for_every_reader(world, mob, approved_europass, client_for):
    for user in (world.partner_b, mob.mentor_a, world.learner_b):
        page = client_for(user).get(approved_europass.get_absolute_url()).content.decode()
        assert europass_print(approved_europass) in page
