"""The partnership's EU grant against what is committed and spent, per organisation and budget line.

Definitions (docs/budget.md):
- **allocated**: the grant agreement's split (`GrantAllocation`) for the organisation and line;
- **committed**: engaged but not yet spent — learner mobilities that are draft, planned, agreed or in
  mobility; registered participants of training events that have not ended (or whose attendance is not
  recorded yet); recorded costs without a payment date;
- **spent**: learner mobilities completed or recognised (by the status their documents support,
  `ecvet.chain.with_reported_status`: one marked recognised without a recorded recognition counts as completed,
  so it is spent all the same); participants who attended an ended training event;
  recorded costs with a payment date;
- committed and spent never overlap, so **remaining = allocated − committed − spent** (negative = over).

Unit-cost lines are priced with the same functions and tables as the mobility budget pages
(`mobility.services.money`) and the training-event participant list (`training_events.services.grant_for`).
Mobilities count for the sending organisation, training participants for their own organisation;
cancelled mobilities and cancelled registrations do not count, nor do absentees of an ended event whose
attendance was recorded.

Queries are bounded: the members, the allocations, the costs (aggregated), the two unit-cost tables, the
mobilities and the participants — one query each, whatever their number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ecvet.chain import with_reported_status
from funding.pricing import Category
from funding.projects import rules_for
from mobility.models import Mobility
from mobility.services.money import amounts_by, counted
from partners import audit
from partners.models import AuditEntry, Organisation, Partnership, PartnershipMember
from training_events import services as training_services
from training_events.models import Attendance, Participant

from ..access import may_manage_allocations, may_record_for, visible_organisations
from ..models import BudgetLine, Cost, GrantAllocation, lines_for

ZERO = Decimal("0.00")

# Mobility states: planned until agreed, committed once agreed, spent once completed; cancelled ones are not
# counted at all.
PLANNED_MOBILITY = frozenset({Mobility.Status.DRAFT, Mobility.Status.PLANNED})
COMMITTED_MOBILITY = frozenset({Mobility.Status.AGREED, Mobility.Status.IN_MOBILITY})
SPENT_MOBILITY = frozenset({Mobility.Status.COMPLETED, Mobility.Status.RECOGNISED})


def bucket_of(status: str) -> str | None:
    if status in PLANNED_MOBILITY:
        return "planned"
    if status in COMMITTED_MOBILITY:
        return "committed"
    if status in SPENT_MOBILITY:
        return "spent"
    return None


@dataclass
class Figures:
    """Allocated, planned, committed and spent on one cell of the table (or a total of cells)."""

    allocated: Decimal = ZERO
    committed: Decimal = ZERO
    spent: Decimal = ZERO
    planned: Decimal = ZERO

    @property
    def used(self) -> Decimal:
        return self.planned + self.committed + self.spent

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.used

    @property
    def over(self) -> bool:
        return self.remaining < 0

    @property
    def overrun(self) -> Decimal:
        return -self.remaining if self.over else ZERO

    def percent(self, amount: Decimal) -> int:
        """`amount` as a whole percentage of the allocation (0 without an allocation)."""
        if self.allocated <= 0:
            return 0
        return int((amount * 100 / self.allocated).to_integral_value())

    @property
    def spent_percent(self) -> int:
        return self.percent(self.spent)

    @property
    def committed_percent(self) -> int:
        return self.percent(self.committed)

    @property
    def used_percent(self) -> int:
        return self.percent(self.used)

    @property
    def bar_spent(self) -> int:
        """Widths for the progress bar, capped so that together they fill at most 100 %."""
        return min(self.spent_percent, 100)

    @property
    def planned_percent(self) -> int:
        return self.percent(self.planned)

    @property
    def bar_committed(self) -> int:
        return max(0, min(self.committed_percent, 100 - self.bar_spent))

    @property
    def bar_planned(self) -> int:
        return max(0, min(self.planned_percent, 100 - self.bar_spent - self.bar_committed))

    def add(self, other: Figures) -> None:
        self.allocated += other.allocated
        self.committed += other.committed
        self.spent += other.spent
        self.planned += other.planned

    def count(self, bucket: str, amount: Decimal) -> None:
        setattr(self, bucket, getattr(self, bucket) + amount)


@dataclass
class OrganisationBudget:
    organisation: Organisation
    choices: list[tuple[str, str]]
    lines: dict[str, Figures] = field(default_factory=dict)

    def __post_init__(self):
        self.lines = {value: Figures() for value, _label in self.choices}

    @property
    def total(self) -> Figures:
        out = Figures()
        for figures in self.lines.values():
            out.add(figures)
        return out

    def rows(self) -> list[tuple[str, str, Figures]]:
        return [(value, label, self.lines[value]) for value, label in self.choices]


@dataclass(frozen=True)
class LineCheck:
    """A budget line used beyond its amount in the grant agreement, and whether the rules' transfers cover it."""

    line: str
    label: str
    allocated: Decimal
    used: Decimal
    limit_percent: Decimal | None  # None: the rules set no limit but the total grant

    @property
    def excess(self) -> Decimal:
        return self.used - self.allocated

    @property
    def allowed(self) -> Decimal | None:
        if self.limit_percent is None:
            return None
        return (self.allocated * self.limit_percent / 100).quantize(Decimal("0.01"))

    @property
    def within_transfers(self) -> bool:
        return self.allowed is None or self.excess <= self.allowed


@dataclass
class PartnershipBudget:
    partnership: Partnership
    organisations: list[OrganisationBudget]
    # True when the user sees every member organisation (so the partnership totals mean the whole grant).
    sees_all: bool
    # The sum of the allocations of the organisations shown: the grant check means something only when
    # `sees_all` (the page shows it to those only; a partner does not learn the others' split from it).
    allocated_in_total: Decimal
    today: date
    choices: list[tuple[str, str]] = field(default_factory=list)
    rules: object = None  # funding.pricing.Rules
    mobilities_to_check: int = 0  # mobilities whose grant cannot be fully computed
    provisional_mobilities: int = 0  # priced with rates still to confirm
    ols_licences: int = 0

    @property
    def eu_grant(self) -> Decimal | None:
        return self.partnership.eu_grant

    @property
    def grant_difference(self) -> Decimal | None:
        """EU grant − sum of all allocations: positive = not yet allocated, negative = over-allocated."""
        if self.eu_grant is None:
            return None
        return self.eu_grant - self.allocated_in_total

    @property
    def allocations_match_grant(self) -> bool:
        return self.grant_difference == 0

    @property
    def over_allocated(self) -> bool:
        return self.grant_difference is not None and self.grant_difference < 0

    @property
    def unallocated(self) -> Decimal:
        return abs(self.grant_difference or ZERO)

    @property
    def is_mobility_project(self) -> bool:
        return self.partnership.is_mobility_project

    @property
    def over_grant(self) -> Decimal:
        """How far what is planned, committed and spent passes the EU grant (0 when it does not)."""
        if self.eu_grant is None or not self.sees_all:
            return ZERO
        return max(self.total.used - self.eu_grant, ZERO)

    @property
    def line_checks(self) -> list[LineCheck]:
        """Lines used beyond the grant agreement's amount (whole partnership: shown to those who see it all)."""
        if not self.sees_all:
            return []
        rule_set = self.rules.rule_set if self.rules else None
        limit = rule_set.transfer_limit_percent if rule_set else None
        return [
            LineCheck(value, label, figures.allocated, figures.used, limit)
            for value, label, figures in self.by_line
            if figures.used > figures.allocated
        ]

    @property
    def warnings(self) -> list[LineCheck]:
        """The lines that pass a real limit: beyond what the rules' transfers between categories allow."""
        return [check for check in self.line_checks if not check.within_transfers]

    @property
    def transfers(self) -> list[LineCheck]:
        """Lines above their amount but within the transfers the rules allow (information, not a warning)."""
        return [check for check in self.line_checks if check.within_transfers]

    @property
    def by_line(self) -> list[tuple[str, str, Figures]]:
        """Each budget line summed over the organisations shown."""
        out = []
        for value, label in self.choices:
            figures = Figures()
            for org in self.organisations:
                figures.add(org.lines[value])
            out.append((value, label, figures))
        return out

    @property
    def total(self) -> Figures:
        out = Figures()
        for org in self.organisations:
            out.add(org.total)
        return out

    def matrix(self) -> list[tuple[str, str, list[Figures], Figures]]:
        """Rows for the line × organisation table: (line, label, one Figures per organisation, line total)."""
        totals = {value: figures for value, _label, figures in self.by_line}
        return [
            (value, label, [org.lines[value] for org in self.organisations], totals[value])
            for value, label in self.choices
        ]


# --- the partnership's organisations (who sees and does what: reporting/access.py) --------------------------


def member_organisations(partnership: Partnership) -> list[Organisation]:
    members = PartnershipMember.objects.filter(partnership=partnership).select_related("organisation")
    return sorted((m.organisation for m in members), key=lambda org: (org.short_name.casefold(), org.pk))


# --- the figures --------------------------------------------------------------------------------------------


def budget_for(partnership: Partnership, user, *, today: date | None = None) -> PartnershipBudget:
    """The budget of `partnership` as `user` may see it. Raises PermissionDenied when the user sees no
    organisation of it (the partnership itself must already be in the user's scope)."""
    today = today or timezone.localdate()
    members = member_organisations(partnership)
    shown = visible_organisations(user, partnership, members)
    if not shown:
        raise PermissionDenied
    choices = lines_for(partnership)
    by_org = {org.pk: OrganisationBudget(org, choices) for org in shown}

    allocated_in_total = ZERO
    allocations = GrantAllocation.objects.visible_to(user).filter(partnership=partnership, organisation_id__in=by_org)
    for org_id, line, amount in allocations.values_list("organisation_id", "line", "amount"):
        allocated_in_total += amount
        if line in by_org[org_id].lines:  # a line of another scheme (the action was changed) is not shown
            by_org[org_id].lines[line].allocated += amount

    costs = (
        Cost.objects.visible_to(user)
        .filter(partnership=partnership, organisation_id__in=by_org)
        .values("organisation_id", "line")
        .annotate(
            committed=Sum("amount", filter=Q(paid_on__isnull=True)),
            spent=Sum("amount", filter=Q(paid_on__isnull=False)),
        )
    )
    for row in costs:
        figures = by_org[row["organisation_id"]].lines.get(row["line"])
        if figures is None:
            continue
        figures.committed += row["committed"] or ZERO
        figures.spent += row["spent"] or ZERO

    rules = rules_for(partnership)
    budget = PartnershipBudget(
        partnership=partnership,
        organisations=[by_org[org.pk] for org in shown],
        sees_all=len(shown) == len(members),
        allocated_in_total=allocated_in_total,
        today=today,
        choices=choices,
        rules=rules,
    )
    _add_mobilities(budget, user, by_org, rules)
    _add_training(partnership, user, by_org, rules, today)
    return budget


def _add_mobilities(budget, user, by_org, rules) -> None:
    """Mobilities priced in groups (mobility.services.money): KA1 per category, KA2 on the learner-mobility
    line; planned, committed or spent by the status their documents support (ecvet.chain.with_reported_status)."""
    partnership = budget.partnership
    mobilities = counted(
        Mobility.objects.visible_to(user).filter(partnership=partnership, sending_organisation_id__in=by_org)
    )
    by_key = amounts_by(
        with_reported_status(mobilities), partnership, rules, ("sending_organisation_id", "reported_status")
    )
    for (org_id, status), amounts in by_key.items():
        bucket = bucket_of(status)
        if bucket is None:
            continue
        lines = by_org[org_id].lines
        if partnership.is_mobility_project:
            for category, amount in amounts.by_category.items():
                lines[category].count(bucket, amount)
        else:
            lines[BudgetLine.MOBILITY].count(bucket, amounts.total)
        budget.mobilities_to_check += amounts.incomplete
        budget.provisional_mobilities += amounts.provisional
        budget.ols_licences += amounts.ols_licences


def training_participants(partnership, user, organisation_ids):
    """Registered participants of the partnership's events from the given organisations, with whether they
    attended any session and whether their event's attendance was recorded at all (one query)."""
    recorded = Attendance.objects.filter(session__event=OuterRef("event"), present=True)
    return (
        Participant.objects.visible_to(user)
        .filter(
            event__partnership=partnership,
            organisation_id__in=organisation_ids,
            status=Participant.Status.REGISTERED,
        )
        .select_related("event__partnership", "event__host_organisation", "organisation")
        .annotate(
            sessions_attended=Count("attendance", filter=Q(attendance__present=True)),
            attendance_recorded=Exists(recorded),
        )
        .order_by("pk")
    )


def training_state(participant, today: date) -> str | None:
    """ "committed", "spent" or None (an absentee of an ended event whose attendance was recorded)."""
    if participant.event.end_date >= today or not participant.attendance_recorded:
        return "committed"
    return "spent" if participant.sessions_attended else None


def _add_training(partnership, user, by_org, rules, today) -> None:
    for participant in training_participants(partnership, user, list(by_org)):
        state = training_state(participant, today)
        if state is None:
            continue
        grant = training_services.grant_for(participant, rules=rules)
        lines = by_org[participant.organisation_id].lines
        if partnership.is_mobility_project:
            lines[Category.TRAVEL].count(state, grant.travel)
            lines[Category.INDIVIDUAL_SUPPORT].count(state, grant.support)
        else:
            lines[BudgetLine.TRAINING].count(state, grant.total)


# --- changes ----------------------------------------------------------------------------------------------------


def _cost_details(cost: Cost) -> dict:
    return {
        "line": cost.line,
        "amount": str(cost.amount),
        "incurred_on": cost.incurred_on.isoformat(),
        "paid_on": cost.paid_on.isoformat() if cost.paid_on else None,
    }


@transaction.atomic
def save_cost(cost: Cost, *, by, changed: list[str] | None = None, request=None) -> Cost:
    """Create or update a recorded cost, with an audit row. For an update the organisation it belonged to
    must be one the user records for as well (moving a cost away from another partner is editing it)."""
    created = cost.pk is None
    if not may_record_for(by, cost.partnership, cost.organisation_id):
        raise PermissionDenied
    if not created:
        original = Cost.objects.select_for_update().filter(pk=cost.pk).values_list("organisation_id", flat=True)
        original_id = original.first()
        if original_id is not None and not may_record_for(by, cost.partnership, original_id):
            raise PermissionDenied
    else:
        cost.recorded_by = by if getattr(by, "is_authenticated", False) else None
    cost.full_clean()
    cost.save()
    details = _cost_details(cost)
    if not created:
        details["fields"] = changed or []
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.CREATED if created else AuditEntry.Verb.UPDATED,
        obj=cost,
        request=request,
        partnership=cost.partnership,
        organisation=cost.organisation,
        details=details,
    )
    return cost


@transaction.atomic
def delete_cost(cost: Cost, *, by, request=None) -> None:
    if not may_record_for(by, cost.partnership, cost.organisation_id):
        raise PermissionDenied
    audit.record(
        actor=by,
        verb=AuditEntry.Verb.DELETED,
        obj=cost,
        request=request,
        partnership=cost.partnership,
        organisation=cost.organisation,
        details={"description": cost.description, **_cost_details(cost)},
    )
    cost.delete()


@transaction.atomic
def save_allocations(partnership: Partnership, amounts: dict[tuple[int, str], Decimal | None], *, by, request=None):
    """Set the grant split: (organisation id, line) → amount; None removes the cell. Only member organisations
    and known lines; the sum must not exceed the EU grant. One audit row lists what changed. Returns the number
    of cells changed."""
    if not may_manage_allocations(by, partnership):
        raise PermissionDenied
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()  # one grid save at a time
    members = {org.pk: org for org in member_organisations(partnership)}
    lines = {value for value, _label in lines_for(partnership)}
    errors = []
    for (org_id, line), amount in amounts.items():
        if org_id not in members or line not in lines:
            errors.append(_("Allocations are for the partnership's organisations and budget lines only."))
        elif amount is not None and amount < 0:
            errors.append(_("Allocations cannot be negative."))
    existing = {(a.organisation_id, a.line): a for a in GrantAllocation.objects.filter(partnership=partnership)}
    final = {key: row.amount for key, row in existing.items()} | {
        key: amount for key, amount in amounts.items() if amount is not None
    }
    for key, amount in amounts.items():
        if amount is None:
            final.pop(key, None)
    if partnership.eu_grant is not None and sum(final.values(), ZERO) > partnership.eu_grant:
        errors.append(_("The allocations cannot add up to more than the EU grant."))
    if errors:
        raise ValidationError(sorted(set(errors)))
    changes = {}
    for (org_id, line), amount in amounts.items():
        row = existing.get((org_id, line))
        old = row.amount if row else None
        if amount is None or amount == 0:
            # An empty cell and 0 mean the same: no allocation.
            if row is not None:
                row.delete()
                changes[f"{members[org_id].slug}/{line}"] = [str(old), None]
        elif row is None:
            GrantAllocation.objects.create(partnership=partnership, organisation_id=org_id, line=line, amount=amount)
            changes[f"{members[org_id].slug}/{line}"] = [None, str(amount)]
        elif row.amount != amount:
            row.amount = amount
            row.save(update_fields=["amount", "updated_at"])
            changes[f"{members[org_id].slug}/{line}"] = [str(old), str(amount)]
    if changes:
        audit.record(
            actor=by,
            verb=AuditEntry.Verb.UPDATED,
            obj=partnership,
            request=request,
            partnership=partnership,
            details={"allocations": changes},
        )
    return len(changes)
