"""The "Documents waiting for you" panel on the home dashboard (registered with partners.dashboard).

Everything in the ECVET chain that waits for this user: Learning Agreement versions, memoranda, Personal
Transcripts, Europass Mobility documents and participants' grant agreements awaiting a decision from a party the
user acts for (the learner for their own agreement, an organisation's signers for it) minus the parties that have
already approved that exact content; and approved transcripts whose validation and recognition the
user's organisation must record. A fixed number of queries whatever the number of documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.canonical import content_sha256
from mobility.models import Mobility
from partners.access import get_scope
from partners.dashboard import register_panel
from partners.models import Right

from .access import own_organisation_ids_with
from .models import (
    Approval,
    EuropassMobility,
    GrantAgreement,
    LearningAgreementVersion,
    Memorandum,
    MemorandumParty,
    Transcript,
)
from .services.approvals import kind_of

PANEL_LIMIT = 10
MOBILITY_RELATED = ("learner", "sending_organisation", "receiving_organisation")


@dataclass
class Waiting:
    document: object
    kind: str  # what is asked, e.g. "Approve"
    since: datetime
    url: str
    title: str = ""
    # (party key, content SHA-256) pairs this user may still approve; empty for a task that is not an approval.
    parties: tuple = ()


def _mobility_fields(prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in MOBILITY_RELATED]


def _agreements(user, signer_orgs) -> list[Waiting]:
    m = "agreement__mobility__"
    mine = Q(**{f"{m}learner__user_id": user.pk})
    if signer_orgs:
        mine |= Q(**{f"{m}sending_organisation_id__in": signer_orgs}) | Q(
            **{f"{m}receiving_organisation_id__in": signer_orgs}
        )
    out = []
    for version in (
        LearningAgreementVersion.objects.visible_to(user)
        .filter(mine, status=LearningAgreementVersion.Status.AWAITING)
        .select_related(*_mobility_fields(m), "agreement")
    ):
        mobility = version.agreement.mobility
        keys = []
        if mobility.learner.user_id == user.pk:
            keys.append("learner")
        if mobility.sending_organisation_id in signer_orgs:
            keys.append("sending")
        if mobility.receiving_organisation_id in signer_orgs:
            keys.append("receiving")
        # The hash frozen when it was sent stands for the content.
        out.append(
            Waiting(
                version,
                _("Change proposal to approve") if version.is_change_proposal else _("Learning Agreement to approve"),
                version.sent_at or version.updated_at,
                version.agreement.get_absolute_url(),
                parties=tuple((k, version.content_sha256) for k in keys),
            )
        )
    return out


def _memoranda(user, signer_orgs) -> list[Waiting]:
    rows = (
        MemorandumParty.objects.filter(
            organisation_id__in=signer_orgs,
            memorandum__status=Memorandum.Status.OUT_FOR_APPROVAL,
            memorandum__in=Memorandum.objects.visible_to(user),
        )
        .select_related("memorandum")
        .order_by("memorandum_id", "organisation_id")
    )
    by_memo: dict[int, Waiting] = {}
    for row in rows:
        memo = row.memorandum
        sha = content_sha256(memo.frozen_content) if memo.frozen_content is not None else ""
        item = by_memo.setdefault(
            memo.pk, Waiting(memo, _("Memorandum to approve"), memo.updated_at, memo.get_absolute_url())
        )
        item.parties += ((f"org:{row.organisation_id}", sha),)
    return list(by_memo.values())


def _transcripts(user, signer_orgs, manager_orgs) -> tuple[list[Waiting], list[Waiting]]:
    m = "mobility__"
    if not (signer_orgs or manager_orgs):
        return [], []
    awaiting = Q(status=Transcript.Status.AWAITING, mobility__receiving_organisation_id__in=signer_orgs)
    to_recognise = Q(
        status=Transcript.Status.APPROVED,
        decision="",
        mobility__status=Mobility.Status.COMPLETED,
        mobility__sending_organisation_id__in=manager_orgs,
    )
    approve, recognise = [], []
    for t in Transcript.objects.visible_to(user).filter(awaiting | to_recognise).select_related(*_mobility_fields(m)):
        if t.status == Transcript.Status.AWAITING:
            sha = content_sha256(t.frozen_content) if t.frozen_content is not None else ""
            approve.append(
                Waiting(
                    t,
                    _("Personal Transcript to approve"),
                    t.updated_at,
                    t.get_absolute_url(),
                    parties=(("receiving", sha),),
                )
            )
        else:
            recognise.append(Waiting(t, _("Recognition to record"), t.updated_at, t.get_absolute_url()))
    return approve, recognise


def _europass(user, signer_orgs) -> list[Waiting]:
    if not signer_orgs:
        return []
    out = []
    for e in (
        EuropassMobility.objects.visible_to(user)
        .filter(
            Q(mobility__sending_organisation_id__in=signer_orgs)
            | Q(mobility__receiving_organisation_id__in=signer_orgs),
            status=EuropassMobility.Status.AWAITING,
        )
        .select_related(*_mobility_fields("mobility__"))
    ):
        sha = content_sha256(e.frozen_content) if e.frozen_content is not None else ""
        keys = [
            key
            for key, org in (
                ("sending", e.mobility.sending_organisation_id),
                ("receiving", e.mobility.receiving_organisation_id),
            )
            if org in signer_orgs
        ]
        out.append(
            Waiting(
                e,
                _("Europass Mobility to approve"),
                e.updated_at,
                e.get_absolute_url(),
                parties=tuple((k, sha) for k in keys),
            )
        )
    return out


def _grant_agreements(user, signer_orgs) -> list[Waiting]:
    """Grant agreements awaiting the learner (as themself) or a signer of the sending organisation."""
    mine = Q(mobility__learner__user_id=user.pk)
    if signer_orgs:
        mine |= Q(mobility__sending_organisation_id__in=signer_orgs)
    out = []
    for agreement in (
        GrantAgreement.objects.visible_to(user)
        .filter(mine, status=GrantAgreement.Status.AWAITING)
        .select_related(*_mobility_fields("mobility__"), "mobility__partnership")
    ):
        sha = content_sha256(agreement.frozen_content) if agreement.frozen_content is not None else ""
        keys = []
        if agreement.mobility.learner.user_id == user.pk:
            keys.append("learner")
        if agreement.mobility.sending_organisation_id in signer_orgs:
            keys.append("sending")
        out.append(
            Waiting(
                agreement,
                _("Grant agreement to approve"),
                agreement.updated_at,
                agreement.get_absolute_url(),
                parties=tuple((k, sha) for k in keys),
            )
        )
    return out


def _drop_approved(items: list[Waiting]) -> list[Waiting]:
    """Keep the approvals this user still owes: one query over every document type."""
    by_type: dict[type, list[int]] = {}
    for item in items:
        by_type.setdefault(type(item.document), []).append(item.document.pk)
    if not by_type:
        return []
    types = ContentType.objects.get_for_models(*by_type)
    query = Q()
    for model, ids in by_type.items():
        query |= Q(content_type=types[model], object_id__in=ids)
    model_of = {ct.pk: model for model, ct in types.items()}
    done = {
        (model_of[ct], oid, party, sha)
        for ct, oid, party, sha in Approval.objects.filter(query, decision=Approval.Decision.APPROVED).values_list(
            "content_type_id", "object_id", "party", "content_sha256"
        )
    }
    kept = []
    for item in items:
        item.parties = tuple(
            (key, sha) for key, sha in item.parties if (type(item.document), item.document.pk, key, sha) not in done
        )
        if item.parties:
            kept.append(item)
    return kept


def waiting_documents(user) -> tuple[list[Waiting], list[Waiting]]:
    """What the user owes in the ECVET chain: (approvals still owed, transcripts whose recognition their
    organisation must record). The dashboard panel and the "Waiting for you" list (ecvet/waiting.py) both
    read this; a fixed number of queries."""
    scope = get_scope(user)
    if scope.user_id is None:
        return [], []
    # Signing is never delegated: only organisations where the user is a member with the right.
    signer_orgs = own_organisation_ids_with(user, Right.SIGN_DOCUMENTS)
    manager_orgs = own_organisation_ids_with(user, Right.MANAGE_MOBILITIES)
    if not signer_orgs and not manager_orgs and not scope.has_role("learner"):
        return [], []
    approvals = _agreements(user, signer_orgs)
    if signer_orgs:
        approvals += _memoranda(user, signer_orgs)
    transcripts_to_approve, to_recognise = _transcripts(user, signer_orgs, manager_orgs)
    approvals += transcripts_to_approve + _europass(user, signer_orgs) + _grant_agreements(user, signer_orgs)
    return _drop_approved(approvals), to_recognise


@register_panel(40)
def waiting_panel(request, scope):
    approvals, to_recognise = waiting_documents(request.user)
    waiting = sorted(approvals + to_recognise, key=lambda w: (w.since, w.url))
    if not waiting:
        return None
    for item in waiting[:PANEL_LIMIT]:
        item.title = kind_of(item.document).title(item.document)
    return {
        "template": "ecvet/dashboard_panel.html",
        "items": waiting[:PANEL_LIMIT],
        "count": len(waiting),
    }
