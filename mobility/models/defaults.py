"""Texts the portal writes by default (checklist items, survey questions, responsibilities), in the reader's
language: stored as a key, shown through gettext; what a user types instead is stored and shown as typed
(docs/decisions.md: "Content the portal writes, in the reader's language")."""

from __future__ import annotations

from django.utils import translation


def english(label) -> str:
    """The English text of a lazily translated label (what is stored beside its key, for audit rows and
    exports that sort by it)."""
    with translation.override("en"):
        return str(label)


def keyed_text(key_display: str, key: str, text: str) -> str:
    """What the reader sees of a text the portal may have written: its label in the active language while it
    carries a key, else the text as typed."""
    return key_display if key else text


def in_every_language(label, languages) -> set[str]:
    """The label's text in each of `languages` (codes), e.g. to recognise a default stored in the language
    that was active when it was written."""
    texts = set()
    for code in languages:
        with translation.override(code):
            texts.add(str(label))
    return texts
