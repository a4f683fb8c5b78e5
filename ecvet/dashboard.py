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
from django.db.models import BigIntegerField, CharField, Exists, F, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext_lazy as _

from mobility.models import Learner, Mobility
from mobility.querysets import own_learners
from partners import figures
from partners.access import get_scope
from partners.dashboard import register_panel
from partners.models import Organisation, Partnership, Right
from partners.waiting import COUNT_CAP

from .access import own_organisation_ids_with
from .models import (
    Approval,
    EuropassMobility,
    GrantAgreement,
    LearningAgreement,
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
    # (party key, content SHA-256) pairs this user may still approve; empty for a task that is not an approval.
    parties: tuple = ()


def _mobility_fields(prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in MOBILITY_RELATED]


# The documents a party approves: the path from each to its mobility ("" for a memorandum), what dates the
# request, and where the code of its page and its number are. Their keys name them in the candidates' query.
APPROVED_MODELS = {
    "agreement": (
        LearningAgreementVersion,
        "agreement__mobility__",
        Coalesce("sent_at", "updated_at"),
        "agreement__code",
        "number",
    ),
    "memorandum": (Memorandum, "", F("updated_at"), "code", "version"),
    "transcript": (Transcript, "mobility__", F("updated_at"), "code", None),
    "europass": (EuropassMobility, "mobility__", F("updated_at"), "code", None),
    "grant": (GrantAgreement, "mobility__", F("updated_at"), "code", "version"),
}
# The columns of a candidate row, after (model key, document id, party key, SHA-256, since): what its title and
# its link need (kind_of(document).title, document.get_absolute_url), so that no document is read again.
SHOWN = (
    "w_code",
    "w_number",
    "w_based_on",
    "w_first",
    "w_last",
    "w_sending_short",
    "w_sending_legal",
    "w_host_short",
    "w_host_legal",
    "w_acronym",
    "w_project",
    "w_title",
)


def _text(value=None) -> Value:
    return Value(value, output_field=CharField())


def _shown(key: str, prefix: str = "") -> dict:
    """SHOWN's expressions for a document of kind `key`, reached through `prefix` (a memorandum's party: its
    memorandum)."""
    _model, path, _dated, code, number = APPROVED_MODELS[key]
    m = prefix + path
    mobility = bool(path)
    return {
        "w_code": F(prefix + code),
        "w_number": F(prefix + number) if number else Value(None, output_field=IntegerField()),
        "w_based_on": F(prefix + "based_on_id") if key == "agreement" else Value(None, output_field=BigIntegerField()),
        "w_first": F(f"{m}learner__first_name") if mobility else _text(),
        "w_last": F(f"{m}learner__last_name") if mobility else _text(),
        "w_sending_short": F(f"{m}sending_organisation__short_name") if mobility else _text(),
        "w_sending_legal": F(f"{m}sending_organisation__legal_name") if mobility else _text(),
        "w_host_short": F(f"{m}receiving_organisation__short_name") if mobility else _text(),
        "w_host_legal": F(f"{m}receiving_organisation__legal_name") if mobility else _text(),
        "w_acronym": F(f"{m}partnership__acronym") if mobility else _text(),
        "w_project": F(f"{m}partnership__project_number") if mobility else _text(),
        "w_title": F(prefix + "title") if key == "memorandum" else _text(),
    }


def _candidates(user, signer_orgs):
    """Every (document, party) this user acts for among documents awaiting approval and that party has not approved
    (no approval of exactly this content: its stored SHA-256), the oldest first, as rows of (model key, document
    id, party key, content SHA-256, since, *SHOWN): one UNION query, whatever the documents."""
    learner = own_learners(user.pk)
    types = ContentType.objects.get_for_models(*(spec[0] for spec in APPROVED_MODELS.values()))
    branches = []

    def add(key: str, party, where: Q, queryset=None, *, prefix=""):
        model, _path, dated, _code, _number = APPROVED_MODELS[key]
        if queryset is None:
            queryset = model.objects.visible_to(user).filter(status=model.Status.AWAITING)
        owed = ~Exists(
            Approval.objects.filter(
                content_type=types[model],
                object_id=OuterRef(prefix + "pk" if prefix else "pk"),
                party=OuterRef("w_party"),
                decision=Approval.Decision.APPROVED,
                content_sha256=OuterRef("w_sha"),
            )
        )
        branches.append(
            queryset.filter(where)
            .annotate(
                w_model=_text(key),
                w_id=F(prefix + "pk") if prefix else F("pk"),
                w_party=_text(party) if isinstance(party, str) else party,
                w_sha=F(prefix + "content_sha256"),
                w_since=F(prefix + "updated_at") if prefix else dated,
                **_shown(key, prefix),
            )
            .filter(owed)
            .values_list("w_model", "w_id", "w_party", "w_sha", "w_since", *SHOWN)
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
            prefix="memorandum__",
        )
        add("transcript", "receiving", Q(mobility__receiving_organisation_id__in=signer_orgs))
        add("europass", "sending", Q(mobility__sending_organisation_id__in=signer_orgs))
        add("europass", "receiving", Q(mobility__receiving_organisation_id__in=signer_orgs))
        add("grant", "sending", Q(mobility__sending_organisation_id__in=signer_orgs))
    return branches[0].union(*branches[1:], all=True).order_by("w_since", "w_model", "w_id")


def _document(key: str, pk: int, shown: dict):
    """The document of a candidate row, rebuilt from the row (not saved, not read again): what its title and its
    link read, no more."""
    mobility = Mobility(
        learner=Learner(first_name=shown["w_first"] or "", last_name=shown["w_last"] or ""),
        sending_organisation=Organisation(
            short_name=shown["w_sending_short"] or "", legal_name=shown["w_sending_legal"] or ""
        ),
        receiving_organisation=Organisation(
            short_name=shown["w_host_short"] or "", legal_name=shown["w_host_legal"] or ""
        ),
        partnership=Partnership(acronym=shown["w_acronym"] or "", project_number=shown["w_project"] or ""),
    )
    code = shown["w_code"]
    if key == "agreement":
        return LearningAgreementVersion(
            pk=pk,
            number=shown["w_number"],
            based_on_id=shown["w_based_on"],
            agreement=LearningAgreement(code=code, mobility=mobility),
        )
    if key == "memorandum":
        return Memorandum(pk=pk, code=code, title=shown["w_title"], version=shown["w_number"])
    if key == "grant":
        return GrantAgreement(pk=pk, code=code, version=shown["w_number"], mobility=mobility)
    return APPROVED_MODELS[key][0](pk=pk, code=code, mobility=mobility)


WHAT = {
    "memorandum": _("Memorandum to approve"),
    "transcript": _("Personal Transcript to approve"),
    "europass": _("Europass Mobility to approve"),
    "grant": _("Grant agreement to approve"),
}


def _approvals(user, signer_orgs, limit) -> list[Waiting]:
    """The documents still awaiting an approval this user owes, the oldest first, at most `limit`: one query."""
    # A document waits for at most three parties (the learner, the sending and the receiving organisation).
    rows = list(_candidates(user, signer_orgs)[: 3 * limit])
    owed: dict[tuple[str, int], list] = {}
    first_row: dict[tuple[str, int], tuple] = {}
    for row in rows:
        key, pk, party, sha = row[:4]
        owed.setdefault((key, pk), []).append((party, sha))
        first_row.setdefault((key, pk), row)
    # The oldest first; only the documents kept are rebuilt.
    kept = sorted(owed, key=lambda doc: (first_row[doc][4], doc))[:limit]
    out = []
    for doc in kept:
        key, pk = doc
        row = first_row[doc]
        document = _document(key, pk, dict(zip(SHOWN, row[5:], strict=True)))
        if key == "agreement":
            what = (
                _("Change proposal to approve") if document.is_change_proposal else _("Learning Agreement to approve")
            )
            url = document.agreement.get_absolute_url()
        else:
            what, url = WHAT[key], document.get_absolute_url()
        out.append(Waiting(document, what, row[4], url, parties=tuple(sorted(owed[doc]))))
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
    def compute() -> dict | None:
        approvals, to_recognise = waiting_documents(request.user, COUNT_CAP + 1)
        waiting = sorted(approvals + to_recognise, key=lambda w: (w.since, w.url))
        if not waiting:
            return None
        # What the panel shows, in plain values: the cache keeps no documents and no lazy strings.
        items = [
            {"kind": str(w.kind), "url": w.url, "since": w.since, "title": kind_of(w.document).title(w.document)}
            for w in waiting[:PANEL_LIMIT]
        ]
        return {
            "template": "ecvet/dashboard_panel.html",
            "items": items,
            # Capped: each kind is read up to COUNT_CAP + 1 documents ("more than 99").
            "count": min(len(waiting), COUNT_CAP),
            "more": len(waiting) > COUNT_CAP,
        }

    return figures.cached("waiting-documents", 0, request.user, compute)
