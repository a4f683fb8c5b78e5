"""The rules that price a project, and the distance between two organisations."""

from __future__ import annotations

from partners.geo import great_circle_km

from .pricing import Rules


def scheme_of(partnership) -> str:
    return "mobility" if partnership.is_mobility_project else "cooperation"


def rules_for(partnership) -> Rules:
    """The rule set for the project's action, call year and National Agency, with its rows (five queries)."""
    return Rules.load(
        scheme=scheme_of(partnership), call_year=partnership.call_year, national_agency=partnership.national_agency
    )


class RulesCache(dict):
    """Rules per partnership, loaded once each (a budget across partnerships prices each with its own)."""

    def for_partnership(self, partnership) -> Rules:
        key = (scheme_of(partnership), partnership.call_year, partnership.national_agency)
        if key not in self:
            self[key] = rules_for(partnership)
        return self[key]


def organisation_distance_km(sending, receiving) -> int | None:
    """Great-circle distance between the two organisations' cities, in whole km (None without coordinates)."""
    coords = (sending.latitude, sending.longitude, receiving.latitude, receiving.longitude)
    if any(value is None for value in coords):
        return None
    return round(great_circle_km(*(float(v) for v in coords)))
