"""Profile operations: reading, saving a questionnaire step, who can be matched."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from sqlalchemy import (
    select,
)
from sqlalchemy.orm import Session

from store.places.points import coarsen
from store.profiles.answers import STEPS, clean_step
from store.profiles.models import Profile
from store.profiles.vectors import refresh_vector

__all__ = [
    "get_profile", "get_or_create_profile", "home_point", "mark_step_done", "next_step", "save_step",
    "is_matchable", "matchable_user_ids",
]


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

    Use it for distances only (``store.places.points.distance_km``); never show it to anyone.
    """
    row = session.execute(
        select(Profile.home_lat, Profile.home_lon).where(Profile.user_id == user_id)
    ).first()
    if row is None or row[0] is None or row[1] is None:
        return None
    return coarsen(row[0], row[1])


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
    """Check and save one page of the questionnaire, then refresh the profile's vector with the
    stored vectorizer (cheap; nothing is fitted here: see ``store.profiles.vectors.refit_due``).

    The answers replace that page's earlier answers. Raises
    :class:`store.profile_answers.ProfileError` (and changes nothing) if any answer is invalid.
    The home location is saved with :func:`store.homes.confirm_home` instead.
    """

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
