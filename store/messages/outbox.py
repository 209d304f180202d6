"""The outbox: queueing and reading messages, their RFC 5322 form, and the copies in ``instance/outbox/``."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from config import Settings
from store.core.db import utcnow
from store.messages.headers import clean_body, fold_header
from store.messages.models import Attachment, Message
from store.messages.preferences import DAILY, OFF, delivery_for, topic_of
from store.messages.rendering import Rendered

__all__ = [
    "queue_message", "messages_for", "read_message", "build_email", "copy_path", "write_copy", "remove_copies",
    "forget_messages",
]


def queue_message(
    session: Session,
    *,
    to_email: str,
    content: Rendered | None = None,
    subject: str | None = None,
    body: str | None = None,
    html: str | None = None,
    user_id: int | None = None,
    kind: str = "notice",
    attachments: Sequence[Attachment] = (),
    topic: str | None = None,
) -> Message | None:
    """Store a message in the outbox (flushes; the caller's unit of work commits).

    Its words come from ``content`` (``render(...)``, the way every store feature writes) or, for
    a raw message, from ``subject``, ``body`` and optionally ``html``. The subject is stored as one
    line and the texts without control characters (which PostgreSQL could not even store).

    This is the one place the recipient's message preferences apply: the topic (``topic``, else
    the template's) decides; a message they turned off is not queued (``None``), one they want in
    their daily summary is kept in their Messages and held back from sending on its own.
    """
    if content is not None:
        subject, body, html = content.subject, content.body, content.html
    if subject is None or body is None:
        raise TypeError("a message needs content=render(...), or a subject and a body")
    topic = topic or topic_of(content.name if content is not None else None)
    delivery = delivery_for(session, user_id, topic)
    if delivery == OFF:
        return None
    message = Message(
        user_id=user_id,
        to_email=to_email,
        subject=fold_header(subject, limit=200),
        body=clean_body(body),
        html=clean_body(html) if html is not None else None,
        kind=kind,
        attachments=[dict(a) for a in attachments],
        topic=topic,
        held=delivery == DAILY,
    )
    session.add(message)
    session.flush()
    if not message.held:
        session.info["deliver_outbox"] = True  # tells the unit of work to deliver after commit
    return message


def messages_for(session: Session, user_id: int, limit: int = 50) -> list[Message]:
    """The newest messages addressed to ``user_id`` (and only to them)."""
    query = (
        select(Message)
        .where(Message.user_id == user_id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def read_message(session: Session, user_id: int, message_id: int) -> Message | None:
    """One of ``user_id``'s own messages (``None`` for anyone else's), marked read on first opening."""
    message = session.scalar(select(Message).where(Message.id == message_id, Message.user_id == user_id))
    if message is not None and message.read_at is None:
        message.read_at = utcnow()
        session.flush()
    return message


def build_email(message: Message, settings: Settings) -> EmailMessage:
    """The RFC 5322 form of a stored message, HTML alternative and attachments included.

    Whatever text was stored, the headers come out as single safe lines (a line break in a
    subject or an address cannot add a header) and the body can always be encoded.
    """
    email = EmailMessage()
    email["From"] = fold_header(settings.mail_from)
    email["To"] = fold_header(message.to_email)
    email["Subject"] = fold_header(message.subject)
    email["Date"] = formatdate(message.created_at.timestamp(), usegmt=True)
    email["Message-ID"] = make_msgid(idstring=f"hearth-{message.id}", domain="hearth.localhost")
    email.set_content(clean_body(message.body))
    if message.html:
        email.add_alternative(clean_body(message.html), subtype="html")
    for item in message.attachments or []:
        maintype, _, subtype = item.get("content_type", "text/plain").partition("/")
        email.add_attachment(
            clean_body(item["content"]).encode("utf-8"),
            maintype=fold_header(maintype) or "text",
            subtype=fold_header(subtype) or "plain",
            filename=fold_header(item["filename"]),
        )
    return email


def copy_path(settings: Settings, message: Message) -> Path:
    """Where the copy of a delivered message is kept: ``instance/outbox/<created>-<id>.eml``."""
    stamp = message.created_at.strftime("%Y%m%dT%H%M%S")
    return Path(settings.outbox_path) / f"{stamp}-{message.id:06d}.eml"


def write_copy(settings: Settings, message: Message, raw: bytes) -> Path:
    """Keep the sent form of ``message`` in the outbox folder (the development "mail server")."""
    path = copy_path(settings, message)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return path


def remove_copies(settings: Settings, messages) -> int:
    """Delete the outbox folder's copies of ``messages``; returns how many files went."""
    removed = 0
    for message in messages:
        path = copy_path(settings, message)
        if path.exists():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def forget_messages(session: Session, settings: Settings, user_id: int, email: str) -> int:
    """Delete every message stored for a person leaving Hearth (by account or address) and the
    copies kept in the outbox folder, which hold their address and name. Returns how many went.

    The rows are locked first (PostgreSQL), so a delivery run holding one finishes, copy written,
    before the copies are removed, and no run can take one up afterwards.
    """
    query = select(Message).where(or_(Message.user_id == user_id, Message.to_email == email))
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    messages = list(session.scalars(query))
    remove_copies(settings, messages)
    for message in messages:
        session.delete(message)
    session.flush()
    return len(messages)
