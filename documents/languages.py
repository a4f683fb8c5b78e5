"""The languages a document is written in (issue 16, point 2): one rule for every printable view and sealed PDF.

English first (the language of the EC and ECVET templates), then the language of each organisation that signs
it (its country's), then the learner's own (the language they chose in the portal) where it differs: each
once, and only languages the portal has. Never the reader's: whoever opens it, in whichever language, reads the
same document. Which organisations and which learner a document names is each renderer's `languages()`
(documents.registry); this module is the rule they all apply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils.translation import gettext, override

# The language each partner country reads, where the portal has it.
COUNTRY_LANGUAGE = {"LT": "lt", "IT": "it", "NL": "nl", "FI": "fi"}


def available_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_of(organisation) -> str | None:
    """The language of an organisation's country, where the portal has it."""
    if organisation is None or not organisation.country:
        return None
    return COUNTRY_LANGUAGE.get(organisation.country.code)


def own_language(person) -> str | None:
    """A person's own language: the one they chose for the portal (`User.language`); None without an account."""
    return getattr(person, "language", None) or None


def document_languages(organisations: Iterable = (), people: Iterable = ()) -> list[str]:
    """English, then the language of each organisation, then each person's own language: once each, in that order,
    only those the portal has."""
    available = available_languages()
    out = ["en"]
    candidates = [language_of(o) for o in organisations] + [own_language(p) for p in people]
    for language in candidates:
        if language and language in available and language not in out:
            out.append(language)
    return out


def languages_of(document) -> list[str]:
    """The languages of a document the sealed-PDF pipeline knows (its renderer names who signs it)."""
    from .registry import renderable_for

    return renderable_for(document).languages(document)


def in_each(languages: Iterable[str], text: Callable[[], str]) -> list[tuple[str, str]]:
    """[(language, text), …]: `text()` evaluated in each language, a text only where it differs from those before
    it (a language without its own wording repeats nothing)."""
    out: list[tuple[str, str]] = []
    for language in languages:
        with override(language):
            value = str(text())
        if all(value != seen for _lang, seen in out):
            out.append((language, value))
    return out


def translated(msgid: str, languages: Iterable[str], values: dict | None = None) -> list[tuple[str, str]]:
    """A message in each language (`in_each`), its %-placeholders filled from `values`."""
    if values is None:
        return in_each(languages, lambda: gettext(msgid))
    return in_each(languages, lambda: gettext(msgid) % values)
