"""Time zones for training events: the names offered in the form, and the zone of a host organisation.

Decision: there is no time-zone field on an organisation, and the portal's partners are in the Erasmus+
programme countries, each of which has one zone (Portugal and Spain have island zones too, but their
schools' main zone is the capital's). So a host's zone is its country's capital zone from the small table
below; any other country falls back to Europe/Brussels (the programme's). The form shows the zone visibly
and anyone may choose another; this only sets the default. Zone names come from `zoneinfo` (the tzdata
package is installed, so the list is the same on every machine)."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

FALLBACK_ZONE = "Europe/Brussels"

COUNTRY_ZONES = {
    "AT": "Europe/Vienna",
    "BE": "Europe/Brussels",
    "BG": "Europe/Sofia",
    "CY": "Asia/Nicosia",
    "CZ": "Europe/Prague",
    "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn",
    "ES": "Europe/Madrid",
    "FI": "Europe/Helsinki",
    "FR": "Europe/Paris",
    "GR": "Europe/Athens",
    "HR": "Europe/Zagreb",
    "HU": "Europe/Budapest",
    "IE": "Europe/Dublin",
    "IS": "Atlantic/Reykjavik",
    "IT": "Europe/Rome",
    "LI": "Europe/Vaduz",
    "LT": "Europe/Vilnius",
    "LU": "Europe/Luxembourg",
    "LV": "Europe/Riga",
    "MK": "Europe/Skopje",
    "MT": "Europe/Malta",
    "NL": "Europe/Amsterdam",
    "NO": "Europe/Oslo",
    "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon",
    "RO": "Europe/Bucharest",
    "RS": "Europe/Belgrade",
    "SE": "Europe/Stockholm",
    "SI": "Europe/Ljubljana",
    "SK": "Europe/Bratislava",
    "TR": "Europe/Istanbul",
    "GB": "Europe/London",
    "CH": "Europe/Zurich",
}


def zone_for_country(country) -> str:
    """The zone of a country (an ISO code or a django-countries Country), else FALLBACK_ZONE."""
    code = str(getattr(country, "code", country) or "").upper()
    return COUNTRY_ZONES.get(code, FALLBACK_ZONE)


def zone_for_organisation(organisation) -> str:
    return zone_for_country(organisation.country) if organisation is not None else FALLBACK_ZONE


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every region/city zone name (no legacy aliases such as "EST" or "Etc/GMT+1"), sorted."""
    names = {name for name in available_timezones() if "/" in name and not name.startswith(("Etc/", "SystemV/"))}
    return tuple(sorted(names | {FALLBACK_ZONE}))


def is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
