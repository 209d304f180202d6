"""Why a resident has no group yet: the real reason, worked out from what is stored (their profile,
their pauses, the dates ahead), for the Groups page to put into words (``words.waiting_words``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core.db import utcnow
from store.groups.candidates import DEFAULT_TRAVEL_KM, slot_key, upcoming_slots
from store.places.points import distance_km
from store.profiles.models import Profile

__all__ = ["why_no_group"]


def _date_words(day) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def why_no_group(session: Session, user_id: int, *, now: datetime | None = None) -> tuple[str, dict]:
    """``(reason, facts)``: a key of ``store.groups.words.WAITING`` and what its words need."""
    now = now or utcnow()
    profile = session.scalar(select(Profile).where(Profile.user_id == user_id))
    if profile is None or not profile.interests:
        return "no_profile", {}
    if not profile.has_home:
        return "no_home", {}
    if not profile.include_in_matching:
        return "not_matching", {}
    today = now.date()
    if profile.organiser_paused_until is not None and profile.organiser_paused_until >= today:
        return "on_hold", {}
    if profile.paused_until is not None and profile.paused_until >= today:
        return "paused", {"until": _date_words(profile.paused_until)}
    travel = float(profile.travel_km or DEFAULT_TRAVEL_KM)
    for occurrence in upcoming_slots(session, now=now):
        event = occurrence.event
        if profile.availability and slot_key(occurrence) not in profile.availability:
            continue
        if profile.wants and event.kind not in profile.wants:
            continue
        point = event.point
        if point is not None and distance_km((profile.home_lat, profile.home_lon), point) <= travel:
            return "waiting", {}
    return "no_dates", {}
