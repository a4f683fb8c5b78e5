"""The coordinator dashboard's indicators for one partnership, as the signed-in user may see them.

Every number starts from a `visible_to(user)` queryset (docs/dashboard.md has the definitions):

- mobilities: `Mobility.objects.visible_to(user)` of the partnership — a project coordinator counts every
  mobility, a partner coordinator those their organisation sends or receives. Cancelled mobilities count in
  "by state" only; by organisation, direction and month count the others (draft to recognised);
- learners with fewer opportunities / special needs: distinct learners of those (not cancelled) mobilities;
- mobilities count by the status their documents support (`ecvet.chain.with_reported_status`, the one
  definition the budget and the exports use too): *recognised* only when the recognition is recorded on an
  approved Personal Transcript; a mobility marked recognised without it counts as *completed*;
- recognition rate: recognised ÷ (completed + recognised) mobilities that use ECVET — a completed mobility is
  waiting for its recognition at home, so the rate says how much of the finished work has been recognised (a
  stay without ECVET has nothing to recognise and is left out);
- staff trained: registered (not cancelled) participants of the partnership's training events in the user's
  participant scope; *attended* = at least one session marked present, the rule by which
  `training_events.services.issue_certificates` gives a certificate (hours attended > 0, from
  `attendance_by_participant`), computed here in SQL so the query count does not grow;
- dissemination reach: `dissemination.services.reach_report(partnership)` unchanged; dissemination data is
  shared by all the partnership's staff, so these figures cover every partner whoever looks;
- overdue quality items: the mobility checklist items the home dashboard calls overdue
  (`mobility.dashboard.overdue_items`: open, due before today, mobility not cancelled), in the user's checklist
  scope, counted for the organisation that must act (sending side and learner items: the sending
  organisation; receiving side and mentor items: the receiving one);
- strategy indicators: `Indicator.objects.visible_to(user)` of the partnership, progress as
  `Indicator.progress_percent` (baseline → target).

Queries are bounded: one each for the members, mobilities (grouped), learners (aggregated), learners per
organisation (grouped), events, participants (grouped), overdue items (grouped), indicators, plus the four of
`reach_report` — whatever the amount of data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from dissemination.services import reach_report
from ecvet.chain import with_reported_status
from mobility.dashboard import overdue_items
from mobility.models import ChecklistItem, Mobility
from mobility.models.checklists import Category, Responsible
from partners.access import get_scope
from partners.models import Indicator, PartnershipMember
from training_events.models import Attendance, Participant, TrainingEvent

from ..access import sees_whole_partnership

S = Mobility.Status

# How the months chart stacks a month's mobilities.
STAGES = [
    ("preparing", (S.DRAFT, S.PLANNED, S.AGREED)),
    ("in_mobility", (S.IN_MOBILITY,)),
    ("completed", (S.COMPLETED,)),
    ("recognised", (S.RECOGNISED,)),
]


def stage_labels() -> dict[str, str]:
    return {
        "preparing": _("In preparation (draft, planned, agreed)"),
        "in_mobility": _("In mobility"),
        "completed": _("Completed"),
        "recognised": _("Recognised"),
    }


@dataclass
class Coverage:
    """Whose data the dashboard counts for this user."""

    whole: bool  # every organisation of the partnership
    organisations: list  # the organisations counted (all members, or the user's own)


def months_between(start: date, end: date) -> list[date]:
    """First days of every month from start's month to end's month, inclusive."""
    out, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def rate(part: int, whole: int) -> int | None:
    """Whole-number percentage, or None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


def coverage_for(user, partnership, members: list) -> Coverage:
    scope = get_scope(user)
    whole = sees_whole_partnership(user, partnership)
    orgs = [m.organisation for m in members if whole or m.organisation_id in scope.staff_org_ids]
    return Coverage(whole=whole, organisations=orgs)


# --- mobilities and learners -------------------------------------------------------------------------------------


def mobility_indicators(user, partnership, organisations: list) -> dict:
    # Counted by the status the documents support (ecvet.chain.with_reported_status): "recognised" only with
    # the recognition recorded on a transcript.
    mobilities = with_reported_status(Mobility.objects.visible_to(user).filter(partnership=partnership))
    rows = list(
        mobilities.annotate(month=TruncMonth("start_date"))
        .values("reported_status", "uses_ecvet", "sending_organisation_id", "receiving_organisation_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        row["status"] = row.pop("reported_status")
    by_status = Counter()
    outgoing, incoming = Counter(), Counter()
    flows: Counter = Counter()
    by_month: dict[date, Counter] = defaultdict(Counter)
    finished_by_sender: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        n, status = row["n"], row["status"]
        by_status[status] += n
        if status == S.CANCELLED:
            continue
        sender, receiver = row["sending_organisation_id"], row["receiving_organisation_id"]
        outgoing[sender] += n
        incoming[receiver] += n
        flows[(sender, receiver)] += n
        month = row["month"]
        month = month.date() if hasattr(month, "date") else month
        stage = next(key for key, statuses in STAGES if status in statuses)
        by_month[month][stage] += n
        if status in (S.COMPLETED, S.RECOGNISED) and row["uses_ecvet"]:
            # The recognition rate counts the stays that can be recognised: those that use ECVET.
            finished_by_sender[sender][status] += n

    months = months_between(partnership.start_date, partnership.end_date)
    outside = sum(sum(c.values()) for m, c in by_month.items() if m not in set(months))
    completed, recognised = by_status[S.COMPLETED], by_status[S.RECOGNISED]
    org_ids = [o.pk for o in organisations]
    names = {o.pk: o.short_name for o in organisations}
    # Counterparts outside the counted organisations still appear in the flows (by name).
    counterpart_ids = sorted({r for (_s, r) in flows} | {s for (s, _r) in flows})
    return {
        "total": sum(by_status.values()),
        "active": sum(n for status, n in by_status.items() if status != S.CANCELLED),
        "by_status": [(status, label, by_status[status]) for status, label in S.choices],
        "direction": [(names[o], outgoing[o], incoming[o]) for o in org_ids],
        "flows": flows,
        "flow_org_ids": counterpart_ids,
        "months": [(m, {key: by_month[m][key] for key, _statuses in STAGES}) for m in months],
        "outside_period": outside,
        "completed": completed,
        "recognised": recognised,
        # Over the stays that can be recognised (those that use ECVET).
        "recognition_rate": rate(
            sum(c[S.RECOGNISED] for c in finished_by_sender.values()),
            sum(sum(c.values()) for c in finished_by_sender.values()),
        ),
        "recognition_by_sender": [
            (
                names[o],
                finished_by_sender[o][S.COMPLETED],
                finished_by_sender[o][S.RECOGNISED],
                rate(finished_by_sender[o][S.RECOGNISED], sum(finished_by_sender[o].values())),
            )
            for o in org_ids
        ],
    }


def learner_indicators(user, partnership, organisations: list) -> dict:
    mobilities = Mobility.objects.visible_to(user).filter(partnership=partnership).exclude(status=S.CANCELLED)
    fewer = Q(learner__fewer_opportunities=True)
    special = Q(learner__special_needs=True)
    counts = {
        "learners": Count("learner", distinct=True),
        "fewer": Count("learner", distinct=True, filter=fewer),
        "special": Count("learner", distinct=True, filter=special),
        "either": Count("learner", distinct=True, filter=fewer | special),
    }
    totals = mobilities.aggregate(**counts)
    per_sender = {
        row["sending_organisation_id"]: row
        for row in mobilities.values("sending_organisation_id").annotate(**counts).order_by()
    }
    empty = dict.fromkeys(counts, 0)
    return {
        **totals,
        "fewer_share": rate(totals["fewer"], totals["learners"]),
        "special_share": rate(totals["special"], totals["learners"]),
        "either_share": rate(totals["either"], totals["learners"]),
        "by_sender": [
            {"name": o.short_name, **{k: per_sender.get(o.pk, empty)[k] for k in counts}} for o in organisations
        ],
    }


# --- staff training ----------------------------------------------------------------------------------------------


def training_indicators(user, partnership, organisations: list) -> dict:
    events = list(
        TrainingEvent.objects.visible_to(user)
        .filter(partnership=partnership)
        .order_by("start_date", "title")
        .values("pk", "title", "start_date")
    )
    attended = Exists(Attendance.objects.filter(participant=OuterRef("pk"), present=True))
    rows = list(
        Participant.objects.visible_to(user)
        .filter(event__partnership=partnership, status=Participant.Status.REGISTERED)
        .values("event_id", "organisation_id")
        .annotate(registered=Count("pk"), attended=Count("pk", filter=Q(attended)))
        .order_by()
    )
    by_event: dict[int, Counter] = defaultdict(Counter)
    by_org: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        for key in ("registered", "attended"):
            by_event[row["event_id"]][key] += row[key]
            by_org[row["organisation_id"]][key] += row[key]
    return {
        "events": [(e["title"], by_event[e["pk"]]["registered"], by_event[e["pk"]]["attended"]) for e in events],
        "organisations": [(o.short_name, by_org[o.pk]["registered"], by_org[o.pk]["attended"]) for o in organisations],
        "registered": sum(c["registered"] for c in by_event.values()),
        "attended": sum(c["attended"] for c in by_event.values()),
    }


# --- quality ----------------------------------------------------------------------------------------------------

SENDING_ACTS = (Responsible.SENDING, Responsible.LEARNER)


def quality_indicators(user, partnership, members: list) -> dict:
    rows = (
        overdue_items(ChecklistItem.objects.visible_to(user).filter(mobility__partnership=partnership))
        .order_by()
        .values("responsible", "category", "mobility__sending_organisation_id", "mobility__receiving_organisation_id")
        .annotate(n=Count("pk"))
    )
    by_org: Counter = Counter()
    by_category: Counter = Counter()
    for row in rows:
        side = "mobility__sending_organisation_id" if row["responsible"] in SENDING_ACTS else None
        org = row[side or "mobility__receiving_organisation_id"]
        by_org[org] += row["n"]
        by_category[row["category"]] += row["n"]
    names = {m.organisation_id: m.organisation.short_name for m in members}
    return {
        "total": sum(by_org.values()),
        "organisations": [(names[o], by_org[o]) for o in names if by_org[o]]
        + [(str(o), n) for o, n in by_org.items() if o not in names],
        "categories": [(label, by_category[value]) for value, label in Category.choices if by_category[value]],
        "today": timezone.localdate(),
    }


# --- internationalisation strategies -----------------------------------------------------------------------------


def strategy_indicators(user, partnership, organisations: list) -> list[dict]:
    indicators = list(
        Indicator.objects.visible_to(user)
        .filter(goal__strategy__partnership=partnership)
        .select_related("goal__strategy")
        .order_by("goal__order", "due_date", "id")
    )
    by_org: dict[int, list] = defaultdict(list)
    for indicator in indicators:
        by_org[indicator.goal.strategy.organisation_id].append(indicator)
    return [{"organisation": o, "indicators": by_org[o.pk]} for o in organisations]


# --- everything ---------------------------------------------------------------------------------------------------


def dashboard(user, partnership) -> dict:
    """All the dashboard's numbers for `user` (who may see `partnership`: the view checked it)."""
    members = list(
        PartnershipMember.objects.filter(partnership=partnership)
        .select_related("organisation")
        .order_by("organisation__short_name")
    )
    coverage = coverage_for(user, partnership, members)
    orgs = coverage.organisations
    return {
        "coverage": coverage,
        "members": members,
        "mobilities": mobility_indicators(user, partnership, orgs),
        "learners": learner_indicators(user, partnership, orgs),
        "training": training_indicators(user, partnership, orgs),
        "reach": reach_report(partnership),
        "quality": quality_indicators(user, partnership, members),
        "strategies": strategy_indicators(user, partnership, orgs),
    }
