"""Centre operations: creating a centre, its time zone and location."""

from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.accounts.operations import AccountError
from store.centres.models import Centre
from store.places.geocoding import GeocodingError, geocode

__all__ = ["slugify", "timezone_at", "all_centres", "create_centre", "locate_pending_centres"]


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
