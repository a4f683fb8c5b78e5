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
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext_lazy as _

from mobility.models import Learner, Mobility
from partners import figures
from partners.access import get_scope
from partners.dashboard import register_panel
from partners.models import Right
from partners.waiting import COUNT_CAP

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


# The documents a party approves, with the path from each to its mobility ("" for a memorandum) and what dates
# the request. Their keys name them in the candidates' query.
APPROVED_MODELS = {
    "agreement": (LearningAgreementVersion, "agreement__mobility__", Coalesce("sent_at", "updated_at")),
    "memorandum": (Memorandum, "", F("updated_at")),
    "transcript": (Transcript, "mobility__", F("updated_at")),
    "europass": (EuropassMobility, "mobility__", F("updated_at")),
    "grant": (GrantAgreement, "mobility__", F("updated_at")),
}
WHAT = {
    "memorandum": _("Memorandum to approve"),
    "transcript": _("Personal Transcript to approve"),
    "europass": _("Europass Mobility to approve"),
    "grant": _("Grant agreement to approve"),
}


def _candidates(user, signer_orgs):
    """Every (document, party) this user acts for among documents awaiting approval, as rows of (model key,
    document id, party key, content SHA-256, since): one UNION query of small rows, whatever the documents."""
    learner = Learner.objects.filter(user_id=user.pk).values("pk")
    branches = []

    def add(key: str, party, where: Q, queryset=None, *, sha="content_sha256", pk="pk", since=None):
        model, _path, dated = APPROVED_MODELS[key]
        if queryset is None:
            queryset = model.objects.visible_to(user).filter(status=model.Status.AWAITING)
        branches.append(
            queryset.filter(where)
            .annotate(
                w_model=Value(key, output_field=CharField()),
                w_party=Value(party, output_field=CharField()) if isinstance(party, str) else party,
                w_since=since if since is not None else dated,
            )
            .values_list("w_model", pk, "w_party", sha, "w_since")
        )

    m = "agreement__mobility__"
    add("agreement", "learner", Q(**{f"{m}learner_id__in": learner}))
    add("grant", "learner", Q(mobility__learner_id__in=learner))
    if signer_orgs:
        add("agreement", "sending", Q(**{f"{m}sending_organisation_id__in": signer_orgs}))
        add("agreement", "receiving", Q(**{f"{m}receiving_organisation_id__in": signer_orgs}))
        add(
            "memorandum",
            Concat(Value("org:"), Cast("organisation_id", CharField())),
            Q(
                organisation_id__in=signer_orgs,
                memorandum__status=Memorandum.Status.OUT_FOR_APPROVAL,
                memorandum__in=Memorandum.objects.visible_to(user),
            ),
            MemorandumParty.objects.all(),
            sha="memorandum__content_sha256",
            pk="memorandum_id",
            since=F("memorandum__updated_at"),
        )
        add("transcript", "receiving", Q(mobility__receiving_organisation_id__in=signer_orgs))
        add("europass", "sending", Q(mobility__sending_organisation_id__in=signer_orgs))
        add("europass", "receiving", Q(mobility__receiving_organisation_id__in=signer_orgs))
        add("grant", "sending", Q(mobility__sending_organisation_id__in=signer_orgs))
    return branches[0].union(*branches[1:], all=True)


def _approvals(user, signer_orgs, limit) -> list[Waiting]:
    """The documents still awaiting an approval this user owes, the oldest first, at most `limit`: the candidates,
    minus the parties that approved exactly that content (one query), then the documents shown (a query per
    kind of document among them)."""
    owed: dict[tuple[str, int], list] = {}
    since: dict[tuple[str, int], object] = {}
    rows = list(_candidates(user, signer_orgs))
    types = ContentType.objects.get_for_models(*(model for model, _p, _s in APPROVED_MODELS.values()))
    ct = {key: types[model].pk for key, (model, _p, _s) in APPROVED_MODELS.items()}
    done = set()
    if rows:
        query = Q()
        for key in {row[0] for row in rows}:
            query |= Q(content_type_id=ct[key], object_id__in={row[1] for row in rows if row[0] == key})
        done = set(
            Approval.objects.filter(query, decision=Approval.Decision.APPROVED).values_list(
                "content_type_id", "object_id", "party", "content_sha256"
            )
        )
    for key, pk, party, sha, when in rows:
        if (ct[key], pk, party, sha) in done:
            continue
        owed.setdefault((key, pk), []).append((party, sha))
        since[(key, pk)] = when
    first = sorted(owed, key=lambda doc: (since[doc] is None, since[doc], doc))[:limit]
    out = []
    for key in APPROVED_MODELS:
        ids = [pk for k, pk in first if k == key]
        if not ids:
            continue
        model, path, _since = APPROVED_MODELS[key]
        related = _mobility_fields(path) if path else []
        if key == "agreement":
            related.append("agreement")
        for document in model.objects.filter(pk__in=ids).select_related(*related).defer("frozen_content"):
            if key == "agreement":
                what = (
                    _("Change proposal to approve")
                    if document.is_change_proposal
                    else _("Learning Agreement to approve")
                )
                url = document.agreement.get_absolute_url()
            else:
                what, url = WHAT[key], document.get_absolute_url()
            parties = tuple(sorted(owed[(key, document.pk)]))
            out.append(Waiting(document, what, since[(key, document.pk)] or document.updated_at, url, parties=parties))
    return sorted(out, key=lambda w: (w.since, w.url))


def _to_recognise(user, manager_orgs, limit) -> list[Waiting]:
    if not manager_orgs:
        return []
    rows = (
        Transcript.objects.visible_to(user)
        .filter(
            status=Transcript.Status.APPROVED,
            decision="",
            mobility__status=Mobility.Status.COMPLETED,
            mobility__sending_organisation_id__in=manager_orgs,
        )
        .select_related(*_mobility_fields("mobility__"))
        .defer("frozen_content")
        .order_by("updated_at", "id")[:limit]
    )
    return [Waiting(t, _("Recognition to record"), t.updated_at, t.get_absolute_url()) for t in rows]


def waiting_documents(user, limit: int) -> tuple[list[Waiting], list[Waiting]]:
    """What the user owes in the ECVET chain, the oldest first and at most `limit` of each: (approvals still
    owed, transcripts whose recognition their organisation must record). The dashboard panel and the "Waiting
    for you" list (ecvet/waiting.py) both read this; a fixed number of queries (_approvals)."""
    scope = get_scope(user)
    if scope.user_id is None:
        return [], []
    # Signing is never delegated: only organisations where the user is a member with the right.
    signer_orgs = own_organisation_ids_with(user, Right.SIGN_DOCUMENTS)
    manager_orgs = own_organisation_ids_with(user, Right.MANAGE_MOBILITIES)
    if not signer_orgs and not manager_orgs and not scope.has_role("learner"):
        return [], []
    return _approvals(user, signer_orgs, limit), _to_recognise(user, manager_orgs, limit)


@register_panel(40)
def waiting_panel(request, scope):
    approvals, to_recognise = figures.cached(
        "waiting-documents", 0, request.user, lambda: waiting_documents(request.user, COUNT_CAP + 1)
    )
    waiting = sorted(approvals + to_recognise, key=lambda w: (w.since, w.url))
    if not waiting:
        return None
    for item in waiting[:PANEL_LIMIT]:
        item.title = kind_of(item.document).title(item.document)
    return {
        "template": "ecvet/dashboard_panel.html",
        "items": waiting[:PANEL_LIMIT],
        # Capped: each kind is read up to COUNT_CAP + 1 documents ("more than 99").
        "count": min(len(waiting), COUNT_CAP),
        "more": len(waiting) > COUNT_CAP,
    }
