"""Recommendations: computed in the background by the matcher's ranker."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable, Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from matcher.ranking import Attendance, EventRanker
from matcher.ranking import Event as RankEvent
from matcher.ranking import Member as RankMember
from store.accounts.models import User
from store.core.db import utcnow
from store.events.models import HOLDS_SEAT, Event, Occurrence, SignUp
from store.profiles.models import Profile
from store.recommendations.models import Recommendation

__all__ = ["WINDOW", "refresh_recommendations", "recommendations_for"]

#: How far ahead recommendations look, and how far back attendance is used.
WINDOW = timedelta(days=42)

HISTORY = timedelta(days=365)


def _rank_event(o: Occurrence) -> RankEvent:
    event = o.event
    point = event.point
    return RankEvent(
        id=str(o.id), title=event.title, description=event.description or "", tags=tuple(event.tags),
        lat=point[0] if point else None, lon=point[1] if point else None,
        start=o.starts_at, host=event.centre.name,
    )


def _rank_member(p: Profile) -> RankMember:
    return RankMember(
        id=str(p.user_id), interests=tuple(p.interests or ()), availability=tuple(p.availability or ()),
        lat=p.home_lat, lon=p.home_lon, travel_km=p.travel_km,
    )


def refresh_recommendations(
    session: Session,
    *,
    user_ids: Iterable[int] | None = None,
    k: int = 6,
    now: datetime | None = None,
    progress: Callable | None = None,
) -> int:
    """Rank the upcoming events for each resident (or only ``user_ids``) and store the top ``k``.

    Replaces each person's previous list in the same unit of work; returns how many people were
    ranked. Cancelled dates are never recommended; dates already signed up for are left out.
    """
    now = now or utcnow()
    occurrences = list(session.scalars(
        select(Occurrence).join(Event, Occurrence.event_id == Event.id)
        .where(Occurrence.starts_at >= now - HISTORY, Occurrence.starts_at <= now + WINDOW)
    ))
    events = [_rank_event(o) for o in occurrences]
    upcoming = [str(o.id) for o in occurrences if o.starts_at >= now and not o.is_cancelled]
    known = {e.id for e in events}
    attendance = [
        Attendance(str(u), str(o), at)
        for u, o, at in session.execute(
            select(SignUp.user_id, SignUp.occurrence_id, SignUp.created_at).where(SignUp.status.in_(HOLDS_SEAT))
        )
        if str(o) in known
    ]
    query = select(Profile).join(User, Profile.user_id == User.id).where(User.is_active.is_(True))
    if user_ids is not None:
        query = query.where(Profile.user_id.in_(list(user_ids)))
    profiles = list(session.scalars(query))
    if not profiles:
        return 0
    ranker = EventRanker().fit(events, attendance, [_rank_member(p) for p in profiles])
    ids = [p.user_id for p in profiles]
    session.execute(delete(Recommendation).where(Recommendation.user_id.in_(ids)))
    loop = progress(profiles, len(profiles), "ranking events") if progress else profiles
    for profile in loop:
        if not upcoming:
            continue
        for position, rec in enumerate(ranker.rank(str(profile.user_id), upcoming, k=k, as_of=now)):
            session.add(Recommendation(user_id=profile.user_id, occurrence_id=int(rec.event_id), rank=position,
                                       score=float(rec.score), reason=rec.reason, computed_at=now))
    session.flush()
    return len(profiles)


def recommendations_for(session: Session, user_id: int, *, now: datetime | None = None) -> list[Recommendation]:
    """A person's own stored recommendations that are still ahead and not cancelled, best first."""
    now = now or utcnow()
    rows = session.scalars(
        select(Recommendation).join(Occurrence, Recommendation.occurrence_id == Occurrence.id)
        .where(Recommendation.user_id == user_id, Occurrence.starts_at > now)
        .order_by(Recommendation.rank)
    )
    return [r for r in rows if not r.occurrence.is_cancelled]
