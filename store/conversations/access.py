"""Who may see which conversation: a resident their own, an organiser their centre's.

A resident may write to their own centres only: centres they have signed up at, the centre of the
neighbourhood they chose, and centres whose area (``store.centres.area.AREA_KM``, the rule the
organisers' pages use for "residents of this centre") holds their home.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.accounts.models import User
from store.centres.area import AREA_KM
from store.centres.models import Centre
from store.conversations.models import Post, Thread
from store.events.models import Event, Occurrence, SignUp
from store.places.models import Neighbourhood
from store.places.points import distance_km
from store.profiles.models import Profile

__all__ = ["centres_for_resident", "may_write_to", "thread_for_resident", "thread_for_organiser",
           "thread_of_message", "threads_of_resident"]


def centres_for_resident(session: Session, user: User) -> list[Centre]:
    """The centres ``user`` may write to, by name."""
    ids = set(session.scalars(
        select(Event.centre_id).join(Occurrence, Occurrence.event_id == Event.id)
        .join(SignUp, SignUp.occurrence_id == Occurrence.id).where(SignUp.user_id == user.id)
    ))
    profile = session.scalar(select(Profile).where(Profile.user_id == user.id))
    if profile is not None and profile.neighbourhood:
        ids |= set(session.scalars(select(Neighbourhood.centre_id).where(Neighbourhood.name == profile.neighbourhood)))
    centres = list(session.scalars(select(Centre).order_by(Centre.name)))
    if profile is not None and profile.has_home:
        home = (profile.home_lat, profile.home_lon)
        ids |= {c.id for c in centres if c.lat is not None and c.lon is not None
                and distance_km((c.lat, c.lon), home) <= AREA_KM}
    return [c for c in centres if c.id in ids]


def may_write_to(session: Session, user: User, centre_id: int) -> bool:
    return any(c.id == centre_id for c in centres_for_resident(session, user))


def thread_for_resident(session: Session, user_id: int, thread_id: int) -> Thread | None:
    """The thread if it is ``user_id``'s own; ``None`` otherwise (the page is a 404)."""
    return session.scalar(select(Thread).where(Thread.id == thread_id, Thread.resident_id == user_id))


def thread_for_organiser(session: Session, organiser: User, thread_id: int) -> Thread | None:
    """The thread if there is one; :class:`PermissionError` if ``organiser`` does not run its centre."""
    thread = session.get(Thread, thread_id)
    if thread is None:
        return None
    if not organiser.organises(thread.centre_id):
        raise PermissionError("not this organiser's centre")
    return thread


def thread_of_message(session: Session, user_id: int, message_id: int) -> Thread | None:
    """The conversation a reply in ``user_id``'s Messages belongs to (theirs only)."""
    return session.scalar(
        select(Thread).join(Post, Post.thread_id == Thread.id)
        .where(Post.message_id == message_id, Thread.resident_id == user_id)
    )


def threads_of_resident(session: Session, user_id: int) -> list[Thread]:
    """A resident's conversations, the most recent first."""
    return list(session.scalars(
        select(Thread).where(Thread.resident_id == user_id).order_by(Thread.updated_at.desc(), Thread.id.desc())
    ))
