"""Travel grant and individual support: distance band and daily rates from admin-editable tables."""

from __future__ import annotations

from dataclasses import dataclass
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

    @property
    def total(self) -> Decimal:
        return self.travel + self.support


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


def support_for(days: int, year: int, rates=None) -> Decimal:
    rates = rates if rates is not None else IndividualSupportRate.objects.filter(programme_year=year)
    total = ZERO
    for rate in rates:
        if rate.programme_year != year:
            continue
        covered = min(days, rate.to_day) - rate.from_day + 1
        if covered > 0:
            total += covered * rate.amount_per_day
    return total


def grant_for(mobility: Mobility, *, bands=None, rates=None) -> Grant:
    """The Erasmus+ unit-cost grant of one mobility. Pass `bands`/`rates` (lists) to price many at once."""
    year = mobility.partnership.call_year
    distance = mobility.distance_km
    if distance is None:
        distance = organisation_distance_km(mobility.sending_organisation, mobility.receiving_organisation)
    band = band_for(distance, year, bands)
    days = mobility.duration_days + mobility.travel_days
    return Grant(
        distance_km=distance,
        band=band,
        travel=band.amount if band else ZERO,
        funded_days=days,
        support=support_for(days, year, rates),
    )
