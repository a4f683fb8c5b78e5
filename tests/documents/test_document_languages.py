"""Bilingual documents, one rule (issue 16, point 2): every printable view and sealed PDF carries its headings and
labels in English and the language of each organisation that signs it, plus the learner's own where it differs
(documents.languages), never the reader's.

m_b_to_a (tests/mobility/conftest.py): B (the Netherlands) sends learner_b's mobility (Lina Bakker) to A
(Lithuania): its Learning Agreement is the LT–NL one, written in English, Dutch and Lithuanian.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext, override

from documents.languages import document_languages, languages_of
from documents.models import RenderedDocument

from .support import (
    approve_la,
    approved_europass,
    approved_grant,
    approved_transcript,
    memorandum_in_force,
    pdf_text,
    send_la,
)

pytestmark = pytest.mark.django_db

# Labels of the Learning Agreement's body, each translated in every language the portal has.
LA_LABELS = ["Date of birth", "Home organisation", "Learning outcomes to achieve", "Assessment method"]
LA_PRINT_LABELS = [*LA_LABELS, "Signatures", "Party"]
LA_PDF_LABELS = [*LA_LABELS, "Approvals", "Party"]


def translated(language: str, msgid: str) -> str:
    with override(language):
        text = gettext(msgid)
    assert text != msgid, f"the {language} catalogue translates {msgid!r}"
    return text


def assert_languages(text: str, labels: list[str], present: tuple[str, ...], absent: tuple[str, ...]) -> None:
    for label in labels:
        assert label in text, label
        for language in present:
            assert translated(language, label) in text, (language, label)
        for language in absent:
            assert translated(language, label) not in text, (language, label)


def print_url(version) -> str:
    return reverse("ecvet:agreement_print", kwargs={"code": version.code})


def body(page: str) -> str:
    """The document on a printable view: its <article> (the page around it is the reader's)."""
    return re.search(r"<article lang=\"en\">.*</article>", page, re.DOTALL).group(0)


def read(client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


# --- the LT–NL Learning Agreement ---------------------------------------------------------------------------


def test_the_lt_nl_learning_agreement_print_view_shows_english_lithuanian_and_dutch_labels_and_no_fourth_language(
    world, mob, client_for
):
    version = send_la(world, mob)
    assert languages_of(version) == ["en", "nl", "lt"]
    for user in (world.partner_b, world.pc_a, world.learner_b):
        page = body(read(client_for(user), print_url(version), "en"))
        assert_languages(page, LA_PRINT_LABELS, present=("nl", "lt"), absent=("it", "fi"))
        assert 'lang="it"' not in page and 'lang="fi"' not in page
        assert f'<span lang="nl" class="other-language">{translated("nl", "Date of birth")}</span>' in page
        assert f'<span lang="lt" class="other-language">{translated("lt", "Date of birth")}</span>' in page


def test_the_sealed_lt_nl_learning_agreement_shows_english_lithuanian_and_dutch_labels_and_no_fourth_language(
    world, mob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve_la(world, mob)
    row = RenderedDocument.objects.get()
    assert row.status == RenderedDocument.Status.READY, row.error
    with row.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert_languages(text, LA_PDF_LABELS, present=("nl", "lt"), absent=("it", "fi"))
    assert "ECVET Learning Agreement / " + translated("nl", "ECVET Learning Agreement") in text


def test_a_reader_whose_language_is_italian_reads_the_same_document_in_english_dutch_and_lithuanian(
    world, mob, client_for
):
    version = send_la(world, mob)
    client = client_for(world.partner_b)
    english, italian = read(client, print_url(version), "en"), read(client, print_url(version), "it")
    assert body(italian) == body(english)
    assert_languages(body(italian), LA_PRINT_LABELS, present=("nl", "lt"), absent=("it",))
    # The page around the document is the reader's: its language and the link back.
    assert '<html lang="it">' in italian and translated("it", "Back to the agreement") in italian


def test_the_learners_own_language_joins_the_documents(world, mob, client_for):
    world.learner_b.language = "fi"
    world.learner_b.save(update_fields=["language"])
    version = send_la(world, mob)
    assert languages_of(version) == ["en", "nl", "lt", "fi"]
    page = body(read(client_for(world.pc_a), print_url(version), "lt"))
    assert_languages(page, ["Date of birth"], present=("nl", "lt", "fi"), absent=("it",))


# --- each document type names its languages -----------------------------------------------------------------


def test_each_document_type_names_the_languages_of_who_signs_it(world, mob):
    la = approve_la(world, mob)
    assert languages_of(la) == ["en", "nl", "lt"]  # sending B, host A, the learner (English by default)
    assert languages_of(approved_transcript(world, mob)) == ["en", "nl", "lt"]
    assert languages_of(approved_europass(world, mob)) == ["en", "nl", "lt"]
    memorandum = memorandum_in_force(world)
    parties = [p.organisation for p in memorandum.parties.order_by("order", "id")]
    assert languages_of(memorandum) == document_languages(parties)  # its signing organisations, in order
    assert sorted(languages_of(memorandum)) == ["en", "lt", "nl"]


def test_the_grant_agreement_is_in_english_the_senders_language_and_the_participants_own(world, mob):
    world.learner_b.language = "it"
    world.learner_b.save(update_fields=["language"])
    agreement = approved_grant(world, mob)
    assert languages_of(agreement) == ["en", "nl", "it"]  # sending B (NL), the participant; the host signs nothing


def test_only_languages_the_portal_has_count_once_each(world):
    world.org_c.country = "DE"
    assert document_languages([world.org_a, world.org_b, world.org_a, world.org_c], [world.learner_b]) == [
        "en",
        "lt",
        "nl",
    ]
