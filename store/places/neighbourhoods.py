"""Centre neighbourhoods and loaded postcodes: loading, naming and finding them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Iterable, TextIO

from sqlalchemy import (
    delete,
    select,
)
from sqlalchemy.orm import Session

from store.centres.models import Centre
from store.places.models import Neighbourhood, Postcode
from store.places.points import PlaceDataError, distance_km, normalise_postcode

__all__ = [
    "load_postcodes", "set_neighbourhood", "remove_neighbourhood", "neighbourhoods_of", "load_neighbourhoods",
    "NearbyNeighbourhood", "neighbourhoods_near",
]


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
        distance = distance_km((lat, lon), (hlat, hlon))
        if distance <= km and (name not in best or distance < best[name].km):
            best[name] = NearbyNeighbourhood(name, hlat, hlon, distance)
    return sorted(best.values(), key=lambda h: (h.km, h.name))[:limit]
