"""Travel grant and individual support: distance band and daily rates from admin-editable tables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from partners.geo import great_circle_km

from ..models import DistanceBand, IndividualSupportRate, Mobility

ZERO = Decimal("0.00")

# The tables are seeded by migration mobility/0002 (2014–2020 bands, 2019 daily support) and
# edited by admins; nothing here hard-codes an amount.


def organisation_distance_km(sending, receiving) -> int | None:
    coords = (sending.latitude, sending.longitude, receiving.latitude, receiving.longitude)
    if any(value is None for value in coords):
        return None
    return round(great_circle_km(*(float(v) for v in coords)))


@dataclass(frozen=True)
class Grant:
    distance_km: int | None
    band: DistanceBand | None
    travel: Decimal
    funded_days: int
    support: Decimal
    # The call year whose tables priced the grant, and whether those tables have any rows:
    # the page says plainly when a year has no bands or rates rather than showing a silent 0.
    year: int | None = None
    bands_configured: bool = True
    rates_configured: bool = True
    # True when the stored distance differs from the great circle between the two cities
    # (someone typed it), so the page can say where the figure comes from.
    distance_entered: bool = False

    @property
    def total(self) -> Decimal:
        return self.travel + self.support

    @property
    def missing_coordinates(self) -> bool:
        return self.distance_km is None


def band_for(distance_km: int | None, year: int, bands=None) -> DistanceBand | None:
    if distance_km is None:
        return None
    candidates = bands if bands is not None else DistanceBand.objects.filter(programme_year=year)
    for band in candidates:
        if (
            band.programme_year == year
            and band.min_km <= distance_km
            and (band.max_km is None or distance_km <= band.max_km)
        ):
            return band
    return None


def support_for(days: int, year: int, rates=None, group: str = IndividualSupportRate.Group.LEARNER) -> Decimal:
    rates = rates if rates is not None else IndividualSupportRate.objects.filter(programme_year=year, group=group)
    total = ZERO
    for rate in rates:
        if rate.programme_year != year or rate.group != group:
            continue
        covered = min(days, rate.to_day) - rate.from_day + 1
        if covered > 0:
            total += covered * rate.amount_per_day
    return total


def grant_for(mobility: Mobility, *, bands=None, rates=None) -> Grant:
    """The Erasmus+ unit-cost grant of one mobility. Pass `bands`/`rates` (lists) to price many at once."""
    year = mobility.partnership.call_year
    bands = list(bands if bands is not None else DistanceBand.objects.filter(programme_year=year))
    rates = list(
        rates
        if rates is not None
        else IndividualSupportRate.objects.filter(programme_year=year, group=IndividualSupportRate.Group.LEARNER)
    )
    computed = organisation_distance_km(mobility.sending_organisation, mobility.receiving_organisation)
    distance = mobility.distance_km if mobility.distance_km is not None else computed
    band = band_for(distance, year, bands)
    days = mobility.duration_days + mobility.travel_days
    return Grant(
        distance_km=distance,
        band=band,
        travel=band.amount if band else ZERO,
        funded_days=days,
        support=support_for(days, year, rates),
        year=year,
        bands_configured=any(b.programme_year == year for b in bands),
        rates_configured=any(
            r.programme_year == year and r.group == IndividualSupportRate.Group.LEARNER for r in rates
        ),
        distance_entered=mobility.distance_km is not None and mobility.distance_km != computed,
    )


# --- Budgets: many mobilities priced with the tables loaded once -------------------------------


def unit_cost_tables(years: Iterable[int] | None = None) -> tuple[list[DistanceBand], list[IndividualSupportRate]]:
    """Every band and daily rate (of the given call years), in two queries. The tables are a few rows a year."""
    bands = DistanceBand.objects.all()
    rates = IndividualSupportRate.objects.all()
    if years is not None:
        years = set(years)
        bands = bands.filter(programme_year__in=years)
        rates = rates.filter(programme_year__in=years)
    return list(bands), list(rates)


@dataclass(frozen=True)
class BudgetLine:
    mobility: Mobility
    grant: Grant


@dataclass
class Totals:
    mobilities: int = 0
    travel: Decimal = ZERO
    support: Decimal = ZERO
    learner_ids: set = field(default_factory=set)

    @property
    def participants(self) -> int:
        return len(self.learner_ids)

    @property
    def total(self) -> Decimal:
        return self.travel + self.support

    def add(self, line: BudgetLine) -> None:
        self.mobilities += 1
        self.travel += line.grant.travel
        self.support += line.grant.support
        self.learner_ids.add(line.mobility.learner_id)


def budget_lines(mobilities: Iterable[Mobility], *, bands=None, rates=None) -> list[BudgetLine]:
    """Price every mobility. Load the mobilities with `with_budget_related()` and pass the tables from
    `unit_cost_tables()`: the number of queries then does not grow with the number of mobilities."""
    if bands is None or rates is None:
        bands, rates = unit_cost_tables()
    return [BudgetLine(mobility=m, grant=grant_for(m, bands=bands, rates=rates)) for m in mobilities]


def budget_queryset(queryset):
    """Mobilities counted in a budget: the cancelled ones are not, with what pricing them needs joined."""
    return (
        queryset.exclude(status=Mobility.Status.CANCELLED)
        .select_related("learner", "partnership", "sending_organisation", "receiving_organisation")
        .order_by("start_date", "id")
    )


def totals(lines: Iterable[BudgetLine]) -> Totals:
    out = Totals()
    for line in lines:
        out.add(line)
    return out


def totals_by(lines: Iterable[BudgetLine], key) -> dict:
    """Totals grouped by `key(line)` (e.g. the sending organisation's id), in first-seen order."""
    out: dict = {}
    for line in lines:
        out.setdefault(key(line), Totals()).add(line)
    return out
