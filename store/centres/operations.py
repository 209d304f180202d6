"""Centre operations: creating a centre, its time zone and location."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.accounts.operations import AccountError
from store.centres.models import Centre
from store.places.geocoding import AmbiguousPlace, GeocodingError, Place, geocode

__all__ = ["slugify", "timezone_at", "CentrePlace", "find_centre_place", "all_centres", "create_centre",
           "update_centre", "parse_point", "locate_pending_centres"]


def slugify(text: str) -> str:
    """A URL-safe name: ``"St. Mary's Hall"`` becomes ``"st-marys-hall"``."""
    text = re.sub(r"[’']", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "centre"


@lru_cache(maxsize=1)
def _timezone_finder():
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def timezone_at(lat: float | None, lon: float | None) -> str:
    """The IANA time zone at a point, found offline; ``"UTC"`` when unknown."""
    if lat is None or lon is None:
        return "UTC"
    return _timezone_finder().timezone_at(lat=lat, lng=lon) or "UTC"


@dataclass(frozen=True)
class CentrePlace:
    """Where an address puts a centre: what the geocoder understood, its point, and the time
    zone there (found the same way :func:`create_centre` finds it), so a form can show it at once."""

    label: str
    lat: float
    lon: float
    timezone: str

    @property
    def value(self) -> str:
        """The point as a form carries it: ``"53.811300,-1.566000"``."""
        return f"{self.lat:.6f},{self.lon:.6f}"


def _centre_place(place: Place) -> CentrePlace:
    return CentrePlace(place.label, place.lat, place.lon, timezone_at(place.lat, place.lon))


def find_centre_place(session: Session, settings, address: str) -> list[CentrePlace]:
    """The places a centre's address may mean, likeliest first: one when the geocoder is sure,
    several when the name is shared (the admin picks one). Uses ``store.places.geocoding``
    (the offline gazetteer, or Nominatim when configured); raises :class:`GeocodingError`
    (its message says what to try) when nothing is found."""
    try:
        return [_centre_place(geocode(session, settings, address))]
    except AmbiguousPlace as exc:
        return [_centre_place(p) for p in exc.candidates]


def parse_point(value: str | None) -> tuple[float, float] | None:
    """A point as a form carries it (``"lat,lon"``), or ``None`` when empty; a point not on
    Earth raises :class:`AccountError`."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise AccountError("Please search for the address again and choose the place.") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise AccountError("That location is not a valid point on Earth.")
    return lat, lon


def all_centres(session: Session) -> list[Centre]:
    """Every centre, by name."""
    return list(session.scalars(select(Centre).order_by(Centre.name)))


def create_centre(
    session: Session,
    *,
    name: str,
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
    description: str = "",
    timezone: str | None = None,
) -> Centre:
    """Create a centre with a unique name; its time zone comes from its point unless given."""

    name = (name or "").strip()
    if not name:
        raise AccountError("Please give the centre a name.")
    if len(name) > 120:
        raise AccountError("Please keep the centre's name under 120 characters.")
    if session.scalar(select(Centre.id).where(Centre.name == name)) is not None:
        raise AccountError("A centre with that name already exists.")
    if lat is not None and not (-90 <= lat <= 90 and -180 <= (lon or 0) <= 180):
        raise AccountError("That location is not a valid point on Earth.")
    base = slugify(name)
    slug, n = base, 1
    while session.scalar(select(Centre.id).where(Centre.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    centre = Centre(
        name=name,
        slug=slug,
        address=address.strip(),
        lat=lat,
        lon=lon,
        description=description.strip(),
        timezone=timezone or timezone_at(lat, lon),
    )
    session.add(centre)
    session.flush()
    return centre


def update_centre(
    session: Session,
    centre: Centre,
    *,
    name: str,
    address: str = "",
    description: str = "",
    lat: float | None = None,
    lon: float | None = None,
) -> Centre:
    """Change a centre's name, address, description and point; a new point brings the time zone
    found there. Events already posted keep the time zone they were posted in, so their times
    never move."""
    name = (name or "").strip()
    if not name:
        raise AccountError("Please give the centre a name.")
    if len(name) > 120:
        raise AccountError("Please keep the centre's name under 120 characters.")
    if session.scalar(select(Centre.id).where(Centre.name == name, Centre.id != centre.id)) is not None:
        raise AccountError("A centre with that name already exists.")
    if lat is not None and not (-90 <= lat <= 90 and -180 <= (lon or 0) <= 180):
        raise AccountError("That location is not a valid point on Earth.")
    centre.name, centre.address, centre.description = name, (address or "").strip(), (description or "").strip()
    if lat is not None and lon is not None and (lat, lon) != (centre.lat, centre.lon):
        centre.lat, centre.lon = lat, lon
        centre.timezone = timezone_at(lat, lon)
    session.flush()
    return centre


def locate_pending_centres(session: Session, settings) -> dict:
    """Give a map point (and so a time zone) to centres that have an address but no point yet,
    e.g. created without coordinates or while the geocoder was unavailable. Safe to run twice."""

    counts = {"located": 0, "not_found": 0}
    pending = session.scalars(select(Centre).where(Centre.lat.is_(None), Centre.address != "").order_by(Centre.id))
    for centre in pending:
        try:
            place = geocode(session, settings, centre.address)
        except GeocodingError:
            counts["not_found"] += 1
            continue
        centre.lat, centre.lon = place.lat, place.lon
        centre.timezone = timezone_at(place.lat, place.lon)
        counts["located"] += 1
    session.flush()
    return counts
