"""Recommendations: computed in the background by the matcher's ranker, read back for the home page.

Three rules hold for what a resident is shown:

* **Their needs are met.** Only dates whose event meets every need they stated are ranked
  (``store.events.needs.meets_needs``, the rule search and matching use), and the list is
  checked again when it is read, so a need ticked since the last refresh hides an event at once.
* **An event appears once.** The unit is the event, shown at its best-ranked date: a resident
  chooses an activity, and the event page (which the link opens at that date) lists its other
  dates. A weekly supper would otherwise fill the list with itself. Events the resident already
  has a place at (a seat or the waiting list) are left out altogether.
* **"In N days" is worked out as the page is shown**, in calendar days on the event's own clock
  (``matcher.slots.days_until``): the stored reason never says how soon, since it is read on
  later days than it was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, joinedload

from matcher.ranking import Attendance, EventRanker
from matcher.ranking import Event as RankEvent
from matcher.ranking import Member as RankMember
from matcher.slots import days_until, when_words
from store.accounts.models import User
from store.core.db import utcnow
from store.core.locks import RECOMMENDATIONS, hold_ids
from store.events.models import ACTIVE, HOLDS_SEAT, Event, Occurrence, SignUp
from store.events.needs import event_offers, meets_needs, person_needs
from store.events.times import to_local, zone
from store.profiles.models import Profile
from store.recommendations.models import Recommendation

__all__ = ["WINDOW", "Suggestion", "rank_event", "rank_member", "ranked_user_ids", "refresh_recommendations",
           "recommendations_for"]

#: How far ahead recommendations look, and how far back attendance is used.
WINDOW = timedelta(days=42)

HISTORY = timedelta(days=365)


@dataclass(frozen=True)
class Suggestion:
    """One recommended event at its best date, as the home page shows it."""

    occurrence: Occurrence
    reason: str
    rank: int
    days: int

    @property
    def occurrence_id(self) -> int:
        return self.occurrence.id

    @property
    def coming_up(self) -> str:
        """How soon, in words: "today", "tomorrow", "in 5 days" (calendar days on the event's clock)."""
        return when_words(self.days)


def rank_event(o: Occurrence) -> RankEvent:
    """A date as the ranker sees it: its start on the event's own clock (for the slot and the days)."""
    event = o.event
    point = event.point
    return RankEvent(
        id=str(o.id), title=event.title, description=event.description or "", tags=tuple(event.tags),
        lat=point[0] if point else None, lon=point[1] if point else None,
        start=to_local(o.starts_at, event.timezone), host=event.centre.name,
    )


def rank_member(p: Profile) -> RankMember:
    """A resident as the ranker sees them; no travel limit given means the ranker's default
    (``matcher.defaults.TRAVEL_KM``, the range matching assumes too)."""
    return RankMember(
        id=str(p.user_id), interests=tuple(p.interests or ()), availability=tuple(p.availability or ()),
        lat=p.home_lat, lon=p.home_lon, travel_km=p.travel_km,
    )


def _booked_events(session: Session, user_ids: list[int], now: datetime) -> dict[int, set[int]]:
    """For each resident: the events they hold a seat or a waiting place at, on a date still ahead."""
    rows = session.execute(
        select(SignUp.user_id, Occurrence.event_id).join(Occurrence, SignUp.occurrence_id == Occurrence.id)
        .where(SignUp.user_id.in_(user_ids), SignUp.status.in_(ACTIVE), Occurrence.starts_at >= now)
    ).all()
    out: dict[int, set[int]] = {}
    for uid, event_id in rows:
        out.setdefault(uid, set()).add(event_id)
    return out


def _one_per_event(ranker: EventRanker, user_id: int, dates: list[str], event_of: dict[str, int], k: int,
                   now: datetime):
    """The top ``k`` events for one resident, each at its best-ranked date (ranked among ``dates``,
    the ids of dates; ``event_of`` maps each date's id to its event)."""
    chosen: dict[int, object] = {}
    left = dates
    while left and len(chosen) < k:
        wanted = k - len(chosen)
        recs = ranker.rank(str(user_id), left, k=wanted, as_of=now, say_when=False, one_per=event_of)
        if not recs:
            break
        for rec in recs:
            chosen.setdefault(event_of[rec.event_id], rec)
        left = [i for i in left if event_of[i] not in chosen]
    return list(chosen.values())


def _ranked(query):
    """Only active people's profiles are ranked."""
    return query.join(User, Profile.user_id == User.id).where(User.is_active.is_(True))


def ranked_user_ids(session: Session) -> list[int]:
    """Everyone :func:`refresh_recommendations` ranks when given no ``user_ids``, in id order."""
    return list(session.scalars(_ranked(select(Profile.user_id)).order_by(Profile.user_id)))


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
    ranked. Cancelled dates are never recommended, nor events that miss a stated need or that the
    person already has a place at; each event is stored once, at its best date.
    """
    now = now or utcnow()
    occurrences = list(session.scalars(
        select(Occurrence).join(Event, Occurrence.event_id == Event.id)
        .where(Occurrence.starts_at >= now - HISTORY, Occurrence.starts_at <= now + WINDOW)
        .options(joinedload(Occurrence.event).joinedload(Event.centre))
    ).unique())
    events = [rank_event(o) for o in occurrences]
    upcoming = [o for o in occurrences if o.starts_at >= now and not o.is_cancelled]
    known = {e.id for e in events}
    attendance = [
        Attendance(str(u), str(o), at)
        for u, o, at in session.execute(
            select(SignUp.user_id, SignUp.occurrence_id, SignUp.created_at).where(SignUp.status.in_(HOLDS_SEAT))
        )
        if str(o) in known
    ]
    query = _ranked(select(Profile))
    if user_ids is not None:
        query = query.where(Profile.user_id.in_(list(user_ids)))
    profiles = list(session.scalars(query.order_by(Profile.user_id)))
    if not profiles:
        return 0
    # the ranker reads only the ranked person's own profile (and everyone's attendance), so one
    # fitted on a batch of people ranks each of them as one fitted on everybody would
    ranker = EventRanker().fit(events, attendance, [rank_member(p) for p in profiles])
    ranker.content_.prime_interests([tuple(p.interests or ()) for p in profiles])
    ids = [p.user_id for p in profiles]
    booked = _booked_events(session, ids, now)
    # a batch and a left-out refresh for the same people must not both insert: the second waits
    hold_ids(session, RECOMMENDATIONS, ids)
    session.execute(delete(Recommendation).where(Recommendation.user_id.in_(ids)))
    loop = progress(profiles, len(profiles), "ranking events") if progress else profiles
    # meets_needs, with each event's offers and each person's needs worked out once; people with
    # the same needs and bookings (most people: none) share one list of dates
    offers = [(str(o.id), o.event_id, o.event.kind, event_offers(o.event)) for o in upcoming]
    event_of = {oid: event_id for oid, event_id, _, _ in offers}
    kinds = sorted({kind for _, _, kind, _ in offers})
    shared: dict[tuple, list[str]] = {}
    rows = []
    for profile in loop:
        mine = booked.get(profile.user_id, set())
        needs = {kind: person_needs(profile, kind) for kind in kinds}
        key = (tuple(needs[kind] for kind in kinds), frozenset(mine))
        dates = shared.get(key)
        if dates is None:
            dates = shared[key] = [oid for oid, event_id, kind, offered in offers
                                   if event_id not in mine and needs[kind] <= offered]
        for position, rec in enumerate(_one_per_event(ranker, profile.user_id, dates, event_of, k, now)):
            rows.append({"user_id": profile.user_id, "occurrence_id": int(rec.event_id), "rank": position,
                         "score": float(rec.score), "reason": rec.reason, "computed_at": now})
    if rows:
        session.execute(insert(Recommendation), rows)
    session.flush()
    return len(profiles)


def recommendations_for(session: Session, user_id: int, *, now: datetime | None = None,
                        profile: Profile | None = ...) -> list[Suggestion]:
    """A person's own recommended events, best first: still ahead, not cancelled, meeting their
    needs as they stand now, one date per event, each with how soon it is. ``profile`` is the
    person's profile (or ``None``) when the caller has read it already."""
    now = now or utcnow()
    rows = session.scalars(
        select(Recommendation).join(Occurrence, Recommendation.occurrence_id == Occurrence.id)
        .where(Recommendation.user_id == user_id, Occurrence.starts_at > now)
        .order_by(Recommendation.rank, Recommendation.id)
    )
    if profile is ...:
        profile = session.scalar(select(Profile).where(Profile.user_id == user_id))
    booked = _booked_events(session, [user_id], now).get(user_id, set())
    out: list[Suggestion] = []
    seen: set[int] = set()
    for row in rows:
        occurrence = row.occurrence
        event = occurrence.event
        if occurrence.is_cancelled or event.id in seen or event.id in booked or not meets_needs(profile, event):
            continue
        seen.add(event.id)
        out.append(Suggestion(occurrence, row.reason, len(out),
                              days_until(occurrence.starts_at, now, zone(event.timezone))))
    return out
