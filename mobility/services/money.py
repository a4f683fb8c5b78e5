"""A mobility's Erasmus+ grant under its project's funding rules (funding.pricing), one at a time for its
page, or for a whole budget grouped by what changes the price.

The rules are chosen by the project: its action (KA1 mobility or KA2 cooperation), its call year and its
National Agency (funding.querysets.RuleSetQuerySet.applicable). A budget runs one aggregate query (GROUP BY
sending and receiving organisation, days, travel, flags: SQL counts and sums) and prices each group once in
Python with the same function as a single mobility, so the page of one mobility and the budget agree."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When

from funding.db import DaysBetween
from funding.models import Activity, Participant
from funding.pricing import ZERO, ByCategory, Category, Grant, Rules, Stay, price
from funding.projects import RulesCache, organisation_distance_km, rules_for
from partners.models import Organisation

from ..models import Mobility


def activity_of(kind: str) -> str:
    return Activity.ERASMUS_PRO if kind == Mobility.Kind.ERASMUS_PRO else Activity.ANY


def _activity_filter(activity: str) -> Q:
    return Q(kind=Mobility.Kind.ERASMUS_PRO) if activity == Activity.ERASMUS_PRO else ~Q(kind=Mobility.Kind.ERASMUS_PRO)


def counted(queryset):
    """The mobilities a budget counts: every one but the cancelled."""
    return queryset.exclude(status=Mobility.Status.CANCELLED)


def participant_cuts(partnership, rules: Rules) -> list[tuple[str, int, tuple]]:
    """(activity, threshold, (start date, id) of the threshold-th participant) for every organisational-support
    threshold of the rules (e.g. a lower amount from the 101st participant): one small query each, none when
    the rules have no threshold. Counted over the whole project, whoever reads (only the cut-off is used)."""
    cuts = []
    for activity in (Activity.ANY, Activity.ERASMUS_PRO):
        project = (
            counted(Mobility.objects.filter(partnership=partnership))
            .filter(_activity_filter(activity))
            .order_by("start_date", "pk")
        )
        for threshold in sorted(rules.organisational_thresholds(activity), reverse=True):
            cut = project.values_list("start_date", "pk")[threshold - 1 : threshold].first()
            if cut is not None:
                cuts.append((activity, threshold, cut))
    return cuts


def participant_band(mobility: Mobility, cuts) -> int:
    """The threshold whose amount applies to the mobility (1: the first amount)."""
    activity = activity_of(mobility.kind)
    for cut_activity, threshold, (day, pk) in cuts:  # highest threshold first per activity
        if cut_activity == activity and (mobility.start_date, mobility.pk) >= (day, pk):
            return threshold
    return 1


@dataclass(frozen=True)
class MobilityGrant:
    """The priced grant of one mobility and where its distance comes from."""

    grant: Grant
    distance_entered: bool = False

    def __getattr__(self, name):
        return getattr(self.grant, name)

    @property
    def missing_coordinates(self) -> bool:
        return self.grant.distance_km is None


def stay_for(mobility: Mobility, *, number: int = 1, computed_km: int | None = None) -> Stay:
    distance = mobility.distance_km if mobility.distance_km is not None else computed_km
    return Stay(
        participant=Participant.LEARNER,
        activity=activity_of(mobility.kind),
        receiving_country=str(mobility.receiving_organisation.country),
        distance_km=distance,
        activity_days=mobility.duration_days,
        travel_days=mobility.travel_days,
        green_travel=mobility.green_travel,
        fewer_opportunities=mobility.learner.fewer_opportunities,
        inclusion_costs=mobility.inclusion_support_costs,
        expensive_travel_costs=mobility.expensive_travel_costs,
        participant_number=number,
    )


def grant_for(mobility: Mobility, *, rules: Rules | None = None, number: int | None = None) -> MobilityGrant:
    """The grant of one mobility with its working (a few queries: the rules, and its place in the project
    only when the rules need it)."""
    rules = rules or rules_for(mobility.partnership)
    computed = organisation_distance_km(mobility.sending_organisation, mobility.receiving_organisation)
    if number is None:
        number = participant_band(mobility, participant_cuts(mobility.partnership, rules)) if mobility.pk else 1
    grant = price(stay_for(mobility, number=number, computed_km=computed), rules)
    return MobilityGrant(grant, distance_entered=mobility.distance_km is not None and mobility.distance_km != computed)


# --- budgets: grouped by what changes the price ----------------------------------------------------------------

PRICE_KEYS = (
    "sending_organisation_id",
    "receiving_organisation_id",
    "receiving_organisation__country",
    # The two cities' coordinates: the distance is computed once per pair of organisations.
    "sending_organisation__latitude",
    "sending_organisation__longitude",
    "receiving_organisation__latitude",
    "receiving_organisation__longitude",
    "distance_km",
    "kind",
    "green_travel",
    "learner__fewer_opportunities",
    "expensive_travel_costs",
    "travel_days",
    "activity_days",
    "participant_band",
)


@dataclass
class Amounts(ByCategory):
    """Money per category and how many mobilities (and groups that could not be fully priced) it covers."""

    mobilities: int = 0
    by_category: dict = field(default_factory=dict)
    incomplete: int = 0  # mobilities whose grant has a problem (missing rate, unknown distance …)
    provisional: int = 0  # mobilities priced with rates still to confirm
    ols_licences: int = 0
    participants: int = 0  # distinct learners, set by the caller (a separate count)

    @property
    def total(self) -> Decimal:
        return sum(self.by_category.values(), ZERO)

    def amount(self, category: str) -> Decimal:
        return self.by_category.get(category, ZERO)

    def add(self, grant: Grant, count: int, *, inclusion_costs: Decimal = ZERO, ols: int = 0) -> None:
        self.mobilities += count
        self.ols_licences += ols
        for line in grant.lines:
            if line.category == Category.INCLUSION_PARTICIPANTS:
                continue  # real costs: summed, not multiplied
            self.by_category[line.category] = self.amount(line.category) + line.amount * count
        if inclusion_costs:
            key = Category.INCLUSION_PARTICIPANTS
            self.by_category[key] = self.amount(key) + inclusion_costs
        if grant.problems:
            self.incomplete += count
        if grant.provisional:
            self.provisional += count

    def merge(self, other: Amounts) -> None:
        self.mobilities += other.mobilities
        self.incomplete += other.incomplete
        self.provisional += other.provisional
        self.ols_licences += other.ols_licences
        for key, value in other.by_category.items():
            self.by_category[key] = self.amount(key) + value


def _participant_bands(partnership, rules: Rules):
    """A CASE giving each mobility the organisational-support threshold it falls under (1 when none)."""
    whens = [
        When(
            _activity_filter(activity) & (Q(start_date__gt=day) | Q(start_date=day, pk__gte=pk)), then=Value(threshold)
        )
        for activity, threshold, (day, pk) in participant_cuts(partnership, rules)
    ]
    if not whens:
        return Value(1, output_field=IntegerField())
    return Case(*whens, default=Value(1), output_field=IntegerField())


def priced_groups(queryset, partnership, rules: Rules, *, keys: Iterable[str] = (), annotations=None):
    """Yield (row, grant) per group of mobilities that are priced alike: `row` holds `keys`, the group's
    `count`, `inclusion` (sum of real inclusion costs) and `ols`. One aggregate query, plus the participant
    cut-offs when the rules need them."""
    keys = tuple(keys)
    queryset = queryset.annotate(
        activity_days=DaysBetween(F("start_date"), F("end_date")) + 1,
        participant_band=_participant_bands(partnership, rules),
        **(annotations or {}),
    )
    rows = list(
        queryset.order_by()
        .values(*dict.fromkeys(keys + PRICE_KEYS))
        .annotate(
            count=Count("pk"),
            inclusion=Sum("inclusion_support_costs"),
            ols=Count("pk", filter=Q(ols_licence=True)),
        )
    )
    distances: dict = {}
    # Groups differ by keys that do not change the price (the status, the sending organisation): each distinct stay
    # is priced once (issue 15: a 25,000-mobility project has ~2,000 groups and far fewer distinct stays).
    grants: dict[Stay, object] = {}
    for row in rows:
        pair = (row["sending_organisation_id"], row["receiving_organisation_id"])
        if pair not in distances:
            sending = Organisation(
                latitude=row["sending_organisation__latitude"], longitude=row["sending_organisation__longitude"]
            )
            receiving = Organisation(
                latitude=row["receiving_organisation__latitude"], longitude=row["receiving_organisation__longitude"]
            )
            distances[pair] = organisation_distance_km(sending, receiving)
        computed = distances[pair]
        stay = Stay(
            participant=Participant.LEARNER,
            activity=activity_of(row["kind"]),
            receiving_country=str(row["receiving_organisation__country"]),
            distance_km=row["distance_km"] if row["distance_km"] is not None else computed,
            activity_days=row["activity_days"],
            travel_days=row["travel_days"],
            green_travel=row["green_travel"],
            fewer_opportunities=row["learner__fewer_opportunities"],
            expensive_travel_costs=row["expensive_travel_costs"],
            participant_number=row["participant_band"],
        )
        if stay not in grants:
            grants[stay] = price(stay, rules)
        yield row, grants[stay]


def amounts_by(queryset, partnership, rules: Rules, key: str | tuple[str, ...], *, annotations=None) -> dict:
    """Amounts per value of `key` (e.g. the sending organisation's id), or per tuple of values when `key` is a
    tuple of fields."""
    keys = key if isinstance(key, tuple) else (key,)
    out: dict = {}
    for row, grant in priced_groups(queryset, partnership, rules, keys=keys, annotations=annotations):
        value = tuple(row[k] for k in keys) if isinstance(key, tuple) else row[key]
        out.setdefault(value, Amounts()).add(
            grant, row["count"], inclusion_costs=row["inclusion"] or ZERO, ols=row["ols"]
        )
    return out


def budget_queryset(queryset):
    """Mobilities listed in a budget (cancelled ones are not), with what pricing them needs joined."""
    return (
        counted(queryset)
        .select_related("learner", "partnership", "sending_organisation", "receiving_organisation")
        .order_by("start_date", "id")
    )


def price_each(mobilities, rules_cache: RulesCache | None = None) -> Iterator[tuple[Mobility, MobilityGrant]]:
    """Each mobility with its grant and working, one by one (a page, or an export streamed row by row): the
    rules and the participant cut-offs are read once per partnership."""
    rules_cache = rules_cache if rules_cache is not None else RulesCache()
    cuts: dict = {}
    for mobility in mobilities:
        rules = rules_cache.for_partnership(mobility.partnership)
        if mobility.partnership_id not in cuts:
            cuts[mobility.partnership_id] = participant_cuts(mobility.partnership, rules)
        number = participant_band(mobility, cuts[mobility.partnership_id])
        yield mobility, grant_for(mobility, rules=rules, number=number)


def price_page(mobilities, rules_cache: RulesCache) -> list[tuple[Mobility, MobilityGrant]]:
    """Price the mobilities of one page (price_each, as a list)."""
    return list(price_each(mobilities, rules_cache))
