"""Writing in a conversation: a resident to their centre (limited, so nobody floods a centre),
an organiser's reply (which arrives in the resident's Messages), and marking a thread handled."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import User
from store.centres.area import organiser_label
from store.centres.models import Centre
from store.conversations.access import may_write_to, thread_for_organiser, thread_for_resident
from store.conversations.models import ConversationError, Post, Thread
from store.core.db import utcnow
from store.messages import links
from store.messages.headers import clean_body, fold_header, has_control_characters
from store.messages.outbox import queue_message
from store.messages.rendering import render
from store.profiles.models import Profile

__all__ = ["MAX_SUBJECT", "MAX_BODY", "LIMITS", "resident_label", "start_thread", "resident_reply",
           "centre_reply", "mark_handled"]

MAX_SUBJECT = 120
MAX_BODY = 4000

#: How much one resident may write, across all their conversations: (posts, within, words).
LIMITS = (
    (5, timedelta(hours=1), "You've written five messages in the last hour. Please wait a little: "
                            "your centre will read them and reply."),
    (20, timedelta(days=1), "You've written twenty messages today. Please wait until tomorrow to write "
                            "again: your centre will read them and reply."),
)
#: New conversations a resident may start in a day.
NEW_THREADS_PER_DAY = 3


def resident_label(session: Session, settings: Settings, user: User) -> str:
    """The resident as organisers see them on every page: first name where agreed, else a pseudonym."""
    profile = session.scalar(select(Profile).where(Profile.user_id == user.id))
    return organiser_label(user, profile, settings.secret_key)


def _text(body: str, *, field: str = "body") -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ConversationError("Please write your message.", field=field)
    if len(body) > MAX_BODY:
        raise ConversationError(f"Please keep your message under {MAX_BODY} characters.", field=field)
    if has_control_characters(body, allow_line_breaks=True):
        raise ConversationError("Your message holds characters we can't send. Please retype it.", field=field)
    return clean_body(body)


def _check_limits(session: Session, resident_id: int, now: datetime) -> None:
    for most, within, words in LIMITS:
        count = session.scalar(select(func.count(Post.id)).where(
            Post.author_id == resident_id, Post.from_centre.is_(False), Post.created_at > now - within))
        if count >= most:
            raise ConversationError(words)


def _post(session: Session, thread: Thread, author: User, body: str, *, from_centre: bool, now: datetime) -> Post:
    post = Post(thread=thread, author_id=author.id, from_centre=from_centre, body=body, created_at=now)
    session.add(post)
    thread.updated_at = now
    session.flush()
    return post


def _tell_organisers(session: Session, settings: Settings, thread: Thread, resident: User) -> None:
    who = resident_label(session, settings, resident)
    for organiser in thread.centre.organisers:
        queue_message(session, to_email=organiser.email, user_id=organiser.id, kind="inbox",
                      content=render("centre_wrote", name=organiser.display_name, who=who,
                                     centre=thread.centre.name, about=thread.subject,
                                     inbox_link=links.inbox_thread_link(settings, thread.id)))


def start_thread(session: Session, settings: Settings, resident: User, centre_id: int, *, subject: str,
                 body: str, now: datetime | None = None) -> Thread:
    """A resident writes to one of their own centres (:class:`PermissionError` for any other)."""
    now = now or utcnow()
    if session.get(Centre, centre_id) is None or not may_write_to(session, resident, centre_id):
        raise PermissionError("not one of this resident's centres")
    if has_control_characters(subject or ""):
        raise ConversationError("The subject holds characters we can't send. Please retype it.", field="subject")
    subject = fold_header(subject, limit=MAX_SUBJECT)
    if not subject:
        raise ConversationError("Please say in a few words what it is about.", field="subject")
    body = _text(body)
    _check_limits(session, resident.id, now)
    started = session.scalar(select(func.count(Thread.id)).where(
        Thread.resident_id == resident.id, Thread.created_at > now - timedelta(days=1)))
    if started >= NEW_THREADS_PER_DAY:
        raise ConversationError("You've started three conversations today. Please write in one of them, "
                                "or wait until tomorrow.")
    thread = Thread(centre_id=centre_id, resident_id=resident.id, subject=subject, created_at=now, updated_at=now)
    session.add(thread)
    session.flush()
    _post(session, thread, resident, body, from_centre=False, now=now)
    _tell_organisers(session, settings, thread, resident)
    return thread


def resident_reply(session: Session, settings: Settings, resident: User, thread_id: int, *, body: str,
                   now: datetime | None = None) -> Post:
    """A resident writes again in their own thread (``LookupError`` for anyone else's); it is open again."""
    now = now or utcnow()
    thread = thread_for_resident(session, resident.id, thread_id)
    if thread is None:
        raise LookupError("no such conversation for this resident")
    body = _text(body)
    _check_limits(session, resident.id, now)
    post = _post(session, thread, resident, body, from_centre=False, now=now)
    thread.handled_at, thread.handled_by_id = None, None
    _tell_organisers(session, settings, thread, resident)
    return post


def centre_reply(session: Session, settings: Settings, organiser: User, thread_id: int, *, body: str,
                 now: datetime | None = None) -> Post:
    """An organiser of the thread's centre replies; the reply arrives in the resident's Messages
    (a reply to their own message always arrives, whatever their preferences)."""
    now = now or utcnow()
    thread = thread_for_organiser(session, organiser, thread_id)
    if thread is None:
        raise LookupError("no such conversation")
    body = _text(body)
    post = _post(session, thread, organiser, body, from_centre=True, now=now)
    resident = thread.resident
    message = queue_message(
        session, to_email=resident.email, user_id=resident.id, kind="reply",
        content=render("centre_reply", name=resident.display_name.split()[0] if resident.display_name else "there",
                       centre=thread.centre.name, about=thread.subject, reply=body,
                       conversation_link=links.conversation_link(settings, thread.id)),
    )
    post.message_id = message.id if message is not None else None
    session.flush()
    return post


def mark_handled(session: Session, organiser: User, thread_id: int, *, handled: bool = True,
                 now: datetime | None = None) -> Thread:
    """An organiser marks a thread handled (or open again)."""
    thread = thread_for_organiser(session, organiser, thread_id)
    if thread is None:
        raise LookupError("no such conversation")
    if handled:
        thread.handled_at, thread.handled_by_id = now or utcnow(), organiser.id
    else:
        thread.handled_at, thread.handled_by_id = None, None
    session.flush()
    return thread
