"""Send-once: messages that must go out at most once, keyed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.accounts.models import User
from store.messages.models import Attachment, Message, Notice
from store.messages.outbox import queue_message
from store.messages.rendering import Rendered

__all__ = ["send_once"]


def send_once(
    session: Session,
    key: str,
    user: User,
    *,
    content: Rendered,
    kind: str = "notice",
    attachments: tuple[Attachment, ...] = (),
) -> Message | None:
    """Queue ``content`` (``render(...)``) to ``user`` unless a message with ``key`` was already
    sent; returns it or ``None``.

    Within one unit of work the check and the insert are serialised by the unique key: a racing
    second job fails its commit and is retried, finding the notice there.
    """
    if session.scalar(select(Notice.id).where(Notice.key == key)) is not None:
        return None
    session.add(Notice(key=key, user_id=user.id))
    session.flush()
    return queue_message(session, to_email=user.email, user_id=user.id, content=content, kind=kind,
                         attachments=attachments)
