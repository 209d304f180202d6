"""The organisers' inbox: the conversations residents started with one centre."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import User
from store.centres.area import organiser_label
from store.conversations.models import Thread
from store.conversations.words import organiser_thread_words
from store.profiles.models import Profile

__all__ = ["InboxRow", "SHOWS", "inbox", "open_count", "labels_for"]

#: Which threads the inbox lists.
SHOWS = ("open", "handled", "all")


@dataclass(frozen=True)
class InboxRow:
    thread: Thread
    who: str
    status: str
    last_at: datetime


def labels_for(session: Session, settings: Settings, users: list[User]) -> dict[int, str]:
    """How organisers see each of ``users``: the same words as every organiser page."""
    ids = [u.id for u in users]
    profiles = {p.user_id: p for p in session.scalars(select(Profile).where(Profile.user_id.in_(ids)))} if ids else {}
    return {u.id: organiser_label(u, profiles.get(u.id), settings.secret_key) for u in users}


def inbox(session: Session, settings: Settings, organiser: User, centre_id: int, *, show: str = "open") -> list[InboxRow]:
    """A centre's conversations, newest activity first (:class:`PermissionError` unless
    ``organiser`` runs the centre). ``show``: ``open`` (not handled), ``handled`` or ``all``."""
    if not organiser.organises(centre_id):
        raise PermissionError("not this organiser's centre")
    query = select(Thread).where(Thread.centre_id == centre_id)
    if show == "open":
        query = query.where(Thread.handled_at.is_(None))
    elif show == "handled":
        query = query.where(Thread.handled_at.is_not(None))
    threads = list(session.scalars(query.order_by(Thread.updated_at.desc(), Thread.id.desc())))
    labels = labels_for(session, settings, [t.resident for t in threads])
    return [InboxRow(t, labels[t.resident_id], organiser_thread_words(t), t.updated_at) for t in threads]


def open_count(session: Session, organiser: User, centre_id: int) -> int:
    """How many of a centre's conversations wait for an organiser."""
    if not organiser.organises(centre_id):
        return 0
    threads = session.scalars(select(Thread).where(Thread.centre_id == centre_id, Thread.handled_at.is_(None)))
    return sum(1 for t in threads if t.waiting_for_centre)
