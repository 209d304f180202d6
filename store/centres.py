"""Community centres, the organisers who belong to them, and invitations to join as organiser."""

from __future__ import annotations

from datetime import datetime

import re
from functools import lru_cache

from sqlalchemy import Column, Float, ForeignKey, String, Table, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from store.db import Base, utcnow

__all__ = ["Centre", "organiser_memberships", "Invitation", "create_centre", "slugify", "timezone_at", "locate_pending_centres"]

organiser_memberships = Table(
    "organiser_memberships",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("centre_id", ForeignKey("centres.id", ondelete="CASCADE"), primary_key=True),
)


class Centre(Base):
    """A community centre: a public address and point, and the time zone its events are shown in."""

    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float | None] = mapped_column(Float, default=None)
    lon: Mapped[float | None] = mapped_column(Float, default=None)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisers: Mapped[list["User"]] = relationship(  # noqa: F821
        secondary=organiser_memberships, back_populates="centres", lazy="select"
    )

    def __repr__(self) -> str:
        return f"<Centre {self.slug}>"


class Invitation(Base):
    """An invitation to become an organiser of a centre; single-use, expiring, token hashed."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)

    centre: Mapped[Centre] = relationship()


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
    from store.accounts import AccountError

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
    from store.geocoding import GeocodingError, geocode

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
