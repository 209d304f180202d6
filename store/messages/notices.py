"""Send-once: messages that must go out at most once, keyed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.accounts.models import User
from store.messages.models import Attachment, Message, Notice
from store.messages.outbox import queue_message

__all__ = ["send_once"]


def send_once(
    session: Session,
    key: str,
    user: User,
    *,
    subject: str,
    body: str,
    kind: str = "notice",
    attachments: tuple[Attachment, ...] = (),
) -> Message | None:
    """Queue a message to ``user`` unless one with ``key`` was already sent; returns it or ``None``.

    Within one unit of work the check and the insert are serialised by the unique key: a racing
    second job fails its commit and is retried, finding the notice there.
    """
    if session.scalar(select(Notice.id).where(Notice.key == key)) is not None:
        return None
    session.add(Notice(key=key, user_id=user.id))
    session.flush()
    return queue_message(session, to_email=user.email, user_id=user.id, subject=subject, body=body,
                         kind=kind, attachments=attachments)
