"""What can be sealed: each document type registers a `Renderable` (its PDF template and context, the
content its approvals bind to, whether it is final, and what the public verification page may say)."""

from __future__ import annotations

from typing import Any

from django.db import models

from .languages import document_languages


class Renderable:
    model: type[models.Model]
    template: str
    slug: str  # in URLs: /documents/<slug>/<code>/pdf/
    registry: dict[type, Renderable] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "model" in cls.__dict__:  # abstract bases (shared behaviour) have no model
            Renderable.registry[cls.model] = cls()

    def label(self) -> str:
        """The document type, e.g. "ECVET Learning Agreement" (active language)."""
        raise NotImplementedError

    def content_sha256(self, document) -> str:
        """The SHA-256 of the content a PDF of the document seals (what the parties approved)."""
        raise NotImplementedError

    def is_final(self, document) -> bool:
        """Approved by every party: only final documents are sealed (drafts have the printable view)."""
        raise NotImplementedError

    def is_revoked(self, document) -> bool:
        """The document was withdrawn (e.g. a terminated memorandum): its PDF no longer stands."""
        return False

    def names_erased_person(self, document) -> bool:
        """The person the document names had their data erased: its PDFs were withdrawn and no new one is made
        (documents.gdpr, docs/decisions.md)."""
        return False

    def is_superseded(self, document) -> bool:
        """A newer version replaced this one (the verification page says so)."""
        return False

    def context(self, document) -> dict[str, Any]:
        """The PDF template's context (the canonical content, approvals, parties…)."""
        raise NotImplementedError

    def filename(self, document) -> str:
        """A meaningful file name without extension, ASCII."""
        raise NotImplementedError

    def summary(self, document) -> dict[str, Any]:
        """What the public verification page shows: no personal data beyond the learner's initials.
        Keys: partnership (str), organisations (list of str), date (date), learner_initials (str or "")."""
        raise NotImplementedError

    def may_download(self, user, document) -> bool:
        """Among those who see the document (`visible_to`), who may take the PDF away (it may carry
        personal details the page hides from some readers)."""
        return True

    def organisations(self, document) -> list:
        """The organisations the document names in its header (the parties, in order)."""
        return []

    def languages(self, document) -> list[str]:
        """The languages the document is written in (documents.languages: English, the language of each
        organisation that signs it, the learner's own). By default its organisations sign it."""
        return document_languages(self.organisations(document))

    def partnership(self, document):
        return None

    def partnership_id(self, document) -> int | None:
        partnership = self.partnership(document)
        return partnership.pk if partnership else None

    def mobility_id(self, document) -> int | None:
        return None


def by_slug(slug: str) -> Renderable | None:
    return next((r for r in Renderable.registry.values() if r.slug == slug), None)


def renderable_for(document) -> Renderable:
    return Renderable.registry[type(document)]


def is_renderable(document) -> bool:
    return type(document) in Renderable.registry
