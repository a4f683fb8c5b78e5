"""Approving documents in the portal.

Every approvable document type registers a `DocumentKind` (its parties, its canonical content, what
happens when everyone has approved or someone refuses). `approve()` is the only way an Approval row
is written: it locks the document, refuses a stale version (the SHA-256 the signer saw must be the
current one), checks that the user may act for the party, records signer name, position, email, time
and IP, writes an audit row and, once every party has approved, completes the document.

Re-authentication within the last five minutes is enforced by the views (allauth's
`reauthentication_required`, ACCOUNT_REAUTHENTICATION_TIMEOUT = 300 s).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from documents.canonical import canonical_json, content_sha256
from partners import audit
from partners.models import AuditEntry, Organisation

from ..access import may_act_for
from ..models import Approval


class ApprovalError(Exception):
    """A refusal the user can act on (stale version, already decided, not open); the message says why."""


@dataclass(frozen=True)
class Party:
    key: str
    label: str
    organisation: Organisation | None = None
    user_id: int | None = None  # a person who approves as themself (the learner)


class DocumentKind:
    """How one document type takes part in approvals. Subclasses register themselves by model."""

    model: type[models.Model]
    registry: dict[type, DocumentKind] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        DocumentKind.registry[cls.model] = cls()

    def parties(self, document) -> list[Party]:
        raise NotImplementedError

    def content(self, document) -> dict[str, Any]:
        raise NotImplementedError

    def title(self, document) -> str:
        """How e-mails and the dashboard name the document, in the active language."""
        raise NotImplementedError

    def is_open(self, document) -> bool:
        raise NotImplementedError

    def organisation_for_audit(self, document) -> Organisation | None:
        return None

    def partnership_for_audit(self, document):
        return None

    def on_fully_approved(self, document, *, by, request) -> None:
        raise NotImplementedError

    def on_refused(self, document, *, by, reason: str, request) -> None:
        raise NotImplementedError


def kind_of(document) -> DocumentKind:
    return DocumentKind.registry[type(document)]


def document_content(document) -> dict[str, Any]:
    """What the parties approve: the content frozen when the document was sent, else the live content."""
    frozen = getattr(document, "frozen_content", None)
    return frozen if frozen is not None else kind_of(document).content(document)


# What freeze() writes, for the callers' update_fields.
FROZEN_FIELDS = ["frozen_content", "content_sha256"]


def freeze(document) -> str:
    """Fix the document's content as it is now (call when sending it for approval); returns its SHA-256, also kept
    in `document.content_sha256` (save both: FROZEN_FIELDS). The frozen JSON hashes exactly like the live content
    did: canonical_json writes dates and decimals as text."""
    document.frozen_content = json.loads(canonical_json(kind_of(document).content(document)))
    document.content_sha256 = content_sha256(document.frozen_content)
    return document.content_sha256


def current_sha256(document) -> str:
    return content_sha256(document_content(document))


def approvals_of(document):
    return Approval.objects.filter(
        content_type=ContentType.objects.get_for_model(type(document)), object_id=document.pk
    ).select_related("organisation")


def state(document) -> dict[str, Any]:
    """Who has approved the current content, who must act next, and every decision so far."""
    sha = current_sha256(document)
    decisions = list(approvals_of(document))
    approved = {a.party for a in decisions if a.decision == Approval.Decision.APPROVED and a.content_sha256 == sha}
    parties = kind_of(document).parties(document)
    return {
        "sha256": sha,
        "parties": parties,
        "approved": approved,
        "waiting_for": [p for p in parties if p.key not in approved],
        "decisions": decisions,
    }


def parties_for(user, document) -> list[Party]:
    """The parties this user may approve for, among those still to act."""
    return [p for p in state(document)["waiting_for"] if may_act_for(user, p)]


@transaction.atomic
def decide(
    document, *, party_key: str, by, expected_sha256: str, decision: str, comment: str = "", request=None
) -> Approval:
    model = type(document)
    document = model.objects.select_for_update().get(pk=document.pk)
    kind = kind_of(document)
    if not kind.is_open(document):
        raise ApprovalError(_("This document is not waiting for approval."))
    sha = current_sha256(document)
    if expected_sha256 != sha:
        raise ApprovalError(
            _(
                "The document has changed since you opened it, so your decision was not recorded. "
                "Read the current version and decide again."
            )
        )
    party = next((p for p in kind.parties(document) if p.key == party_key), None)
    if party is None or not may_act_for(by, party):
        raise PermissionDenied(_("You may not decide for this party."))
    current = state(document)
    if party.key in current["approved"]:
        raise ApprovalError(_("%(party)s has already approved this version.") % {"party": party.label})
    if decision == Approval.Decision.REFUSED and not comment.strip():
        raise ApprovalError(_("Give a reason for refusing."))
    approval = Approval.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=document.pk,
        party=party.key,
        organisation=party.organisation,
        decision=decision,
        content_sha256=sha,
        signer=by,
        signer_name=by.get_full_name() or by.email,
        signer_position=getattr(by, "position", ""),
        signer_email=by.email,
        ip_address=audit.client_ip(request),
        comment=comment.strip(),
    )
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.STATE_CHANGED,
        obj=document,
        request=request,
        partnership=kind.partnership_for_audit(document),
        organisation=party.organisation or kind.organisation_for_audit(document),
        details={"decision": decision, "party": party.key, "sha256": sha},
    )
    if decision == Approval.Decision.REFUSED:
        kind.on_refused(document, by=by, reason=comment.strip(), request=request)
    elif not [p for p in kind.parties(document) if p.key not in current["approved"] | {party.key}]:
        kind.on_fully_approved(document, by=by, request=request)
        _seal(document)
    return approval


def _seal(document) -> None:
    """Every fully approved document gets its sealed PDF (rendered by the worker after the commit)."""
    from documents.registry import is_renderable
    from documents.services import PersonErased, request_pdf

    if is_renderable(document) and settings.VISION_PDF_ON_APPROVAL:
        try:
            request_pdf(document)
        except PersonErased:
            pass  # the approval stands; an erased learner's documents are no longer sealed
