"""The outbox: queueing, reading and delivering messages."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.core.db import utcnow
from store.messages.models import Attachment, Message

__all__ = ["queue_message", "messages_for", "read_message", "build_email", "deliver_pending"]

log = logging.getLogger(__name__)


def queue_message(
    session: Session,
    *,
    to_email: str,
    subject: str,
    body: str,
    user_id: int | None = None,
    kind: str = "notice",
    attachments: Sequence[Attachment] = (),
) -> Message:
    """Store a message in the outbox (flushes; the caller's unit of work commits)."""
    message = Message(
        user_id=user_id,
        to_email=to_email,
        subject=subject[:200],
        body=body,
        kind=kind,
        attachments=[dict(a) for a in attachments],
    )
    session.add(message)
    session.flush()
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
    """The RFC 5322 form of a stored message, attachments included."""
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.to_email
    email["Subject"] = message.subject
    email["Date"] = formatdate(message.created_at.timestamp(), usegmt=True)
    email["Message-ID"] = make_msgid(idstring=f"hearth-{message.id}", domain="hearth.localhost")
    email.set_content(message.body)
    for item in message.attachments or []:
        maintype, _, subtype = item.get("content_type", "text/plain").partition("/")
        email.add_attachment(
            item["content"].encode("utf-8"),
            maintype=maintype,
            subtype=subtype or "plain",
            filename=item["filename"],
        )
    return email


def _send_smtp(emails: Iterable[EmailMessage], settings: Settings) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        for email in emails:
            smtp.send_message(email)


def deliver_pending(session: Session, settings: Settings, limit: int = 200) -> int:
    """Copy undelivered messages to ``instance/outbox/`` and send them by SMTP when configured.

    Safe to run twice: a delivered message is never sent again. Returns how many were delivered.
    A failed SMTP send is recorded on the message and retried on the next run.
    """
    pending = list(
        session.scalars(
            select(Message).where(Message.delivered_at.is_(None)).order_by(Message.id).limit(limit)
        )
    )
    if not pending:
        return 0
    folder = Path(settings.outbox_path)
    folder.mkdir(parents=True, exist_ok=True)
    delivered = 0
    for message in pending:
        email = build_email(message, settings)
        message.delivery_attempts += 1
        try:
            if settings.smtp_host:
                _send_smtp([email], settings)
        except (OSError, smtplib.SMTPException) as exc:
            message.delivery_error = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("could not send message %s: %s", message.id, message.delivery_error)
            continue
        stamp = message.created_at.strftime("%Y%m%dT%H%M%S")
        (folder / f"{stamp}-{message.id:06d}.eml").write_bytes(bytes(email))
        message.delivered_at = utcnow()
        message.delivery_error = None
        delivered += 1
    session.flush()
    return delivered
