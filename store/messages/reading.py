"""Reading one's own messages: the unread count, marking read, and a message's attachments."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.core.db import utcnow
from store.messages.headers import clean_body, fold_header
from store.messages.models import Message

__all__ = ["Download", "unread_count", "unread_words", "mark_all_read", "attachment_for"]

#: What an attachment's file name may keep; anything else becomes "-" (no path, no quotes).
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

#: The content types an attachment is served as; anything else is served as plain text.
_SERVED_TYPES = {"text/calendar", "text/plain", "text/csv"}


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    content: bytes


def unread_count(session: Session, user_id: int) -> int:
    """How many of ``user_id``'s messages they have not opened yet."""
    return session.scalar(
        select(func.count(Message.id)).where(Message.user_id == user_id, Message.read_at.is_(None))
    ) or 0


def unread_words(count: int) -> str:
    """The unread count in words, as the menu reads it out: "2 unread", "1 unread", ""."""
    return f"{count} unread" if count else ""


def mark_all_read(session: Session, user_id: int) -> int:
    """Mark every unread message of ``user_id`` (and only theirs) read; returns how many."""
    result = session.execute(
        update(Message).where(Message.user_id == user_id, Message.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session="fetch")
    )
    session.flush()
    return result.rowcount or 0


def attachment_for(session: Session, user_id: int, message_id: int, index: int) -> Download | None:
    """Attachment ``index`` of one of ``user_id``'s own messages; ``None`` for anyone else's or none.

    The file name is cut down to safe characters and the type to the few Hearth attaches, so a
    stored value can never set another header or make the browser run it as a page."""
    message = session.scalar(select(Message).where(Message.id == message_id, Message.user_id == user_id))
    items = (message.attachments or []) if message is not None else []
    if not 0 <= index < len(items):
        return None
    item = items[index]
    name = _UNSAFE_NAME.sub("-", fold_header(str(item.get("filename") or ""))).strip(".-") or "attachment.txt"
    content_type = str(item.get("content_type") or "text/plain").lower()
    if content_type not in _SERVED_TYPES:
        content_type = "text/plain"
    return Download(filename=name[:80], content_type=content_type,
                    content=clean_body(str(item.get("content") or "")).encode("utf-8"))
