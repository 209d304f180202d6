"""Resident profiles: the questionnaire's answers, a coarse home point, consents and the vector."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Mapping

from geopy.distance import geodesic
from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, LargeBinary, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.db import Base, utcnow
from store.places import coarsen
from store.profile_answers import STEPS, clean_step

__all__ = [
    "Profile",
    "get_profile",
    "get_or_create_profile",
    "save_step",
    "mark_step_done",
    "next_step",
    "is_matchable",
    "matchable_user_ids",
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
    1.19
    """
    return float(geodesic(a, b).km)


def mark_step_done(profile: Profile, step: str) -> None:
    """Remember that the resident has been through a page (answering or not)."""
    if step not in (profile.steps_done or []):
        profile.steps_done = [s for s in STEPS if s in {*(profile.steps_done or []), step}]


def next_step(profile: Profile | None, after: str | None = None) -> str | None:
    """The page to show next: the one after ``after``, or the first not yet done; ``None`` at the end."""
    if after is not None:
        index = STEPS.index(after) + 1
        return STEPS[index] if index < len(STEPS) else None
    done = set(profile.steps_done or []) if profile is not None else set()
    return next((s for s in STEPS if s not in done), None)


def save_step(session: Session, user_id: int, step: str, answers: Mapping[str, Any], *,
              today: date | None = None) -> Profile:
    """Check and save one page of the questionnaire, then refresh the profile's vector.

    The answers replace that page's earlier answers. Raises
    :class:`store.profile_answers.ProfileError` (and changes nothing) if any answer is invalid.
    The home location is saved with :func:`store.homes.confirm_home` instead.
    """
    from store.profile_vectors import refresh_vector

    clean = clean_step(step, answers, today=today)
    profile = get_or_create_profile(session, user_id)
    for field, value in clean.items():
        setattr(profile, field, value)
    mark_step_done(profile, step)
    session.flush()
    refresh_vector(session, profile)
    return profile


def is_matchable(profile: Profile, today: date | None = None) -> bool:
    """Whether the resident asked to be in group matching, gave a home and is not paused
    (a pause lasts up to and including its date)."""
    today = today or date.today()
    return (bool(profile.include_in_matching) and profile.has_home
            and (profile.paused_until is None or profile.paused_until < today))


def matchable_user_ids(session: Session, today: date | None = None) -> list[int]:
    """Ids of the residents group matching may include today (see :func:`is_matchable`)."""
    today = today or date.today()
    query = select(Profile.user_id).where(
        Profile.include_in_matching.is_(True),
        Profile.home_lat.is_not(None),
        Profile.home_lon.is_not(None),
        (Profile.paused_until.is_(None)) | (Profile.paused_until < today),
    ).order_by(Profile.user_id)
    return list(session.scalars(query))
