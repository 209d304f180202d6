"""Resident profiles: the questionnaire's answers, a coarse home point, consents and the vector."""

from __future__ import annotations

from datetime import date, datetime

from geopy.distance import geodesic
from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, LargeBinary, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.db import Base, utcnow
from store.places import coarsen

__all__ = [
    "Profile",
    "get_profile",
    "get_or_create_profile",
    "home_point",
    "distance_km",
]


class Profile(Base):
    """One resident's answers. The home is kept only as a ~500 m grid point and a coarse label;
    the address typed and the exact point are never stored."""

    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)

    # What you enjoy
    interests: Mapped[list] = mapped_column(JSON, default=list)
    about: Mapped[str] = mapped_column(Text, default="")
    # What matters to you: item key (taxonomy.VALUE_ITEMS) -> 1..6
    value_answers: Mapped[dict] = mapped_column(JSON, default=dict)
    # When and how
    availability: Mapped[list] = mapped_column(JSON, default=list)
    wants: Mapped[list] = mapped_column(JSON, default=list)
    group_size: Mapped[int | None] = mapped_column(Integer, default=None)
    frequency: Mapped[str | None] = mapped_column(String(20), default=None)
    new_faces: Mapped[str | None] = mapped_column(String(20), default=None)
    travel_km: Mapped[float | None] = mapped_column(Float, default=None)
    travel_mode: Mapped[str | None] = mapped_column(String(10), default=None)
    # What helps you
    access_needs: Mapped[list] = mapped_column(JSON, default=list)
    dietary: Mapped[list] = mapped_column(JSON, default=list)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    # Your choices
    include_in_matching: Mapped[bool] = mapped_column(Boolean, default=False)
    show_first_name: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_until: Mapped[date | None] = mapped_column(Date, default=None)

    # Where: coarse only
    home_lat: Mapped[float | None] = mapped_column(Float, default=None)
    home_lon: Mapped[float | None] = mapped_column(Float, default=None)
    home_precision_m: Mapped[int | None] = mapped_column(Integer, default=None)
    place_label: Mapped[str] = mapped_column(String(200), default="")
    neighbourhood: Mapped[str] = mapped_column(String(120), default="")

    # For the matcher
    vector: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    vector_version: Mapped[str | None] = mapped_column(String(40), default=None, index=True)

    steps_done: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def has_home(self) -> bool:
        return self.home_lat is not None and self.home_lon is not None

    def __repr__(self) -> str:
        return f"<Profile of user {self.user_id}>"


def get_profile(session: Session, user_id: int) -> Profile | None:
    """The profile of ``user_id``, or ``None`` if they have not started one."""
    return session.scalar(select(Profile).where(Profile.user_id == user_id))


def get_or_create_profile(session: Session, user_id: int) -> Profile:
    """The profile of ``user_id``, created empty (and flushed) if needed."""
    profile = get_profile(session, user_id)
    if profile is None:
        profile = Profile(user_id=user_id)
        session.add(profile)
        session.flush()
    return profile


def home_point(session: Session, user_id: int) -> tuple[float, float] | None:
    """The resident's coarse home point (lat, lon) on the ~500 m grid, or ``None`` if not given.

    Use it for distances only (``distance_km``); never show it to anyone.
    """
    row = session.execute(
        select(Profile.home_lat, Profile.home_lon).where(Profile.user_id == user_id)
    ).first()
    if row is None or row[0] is None or row[1] is None:
        return None
    return coarsen(row[0], row[1])


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The geodesic distance between two (lat, lon) points in km (geopy.distance).

    >>> round(distance_km((53.8195, -1.5775), (53.8113, -1.5660)), 2)
    1.16
    """
    return float(geodesic(a, b).km)
