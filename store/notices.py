"""Messages that must go out at most once: reminders, prompts and offers, keyed so a job that runs
twice never sends anything twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.db import Base, utcnow
from store.outbox import Attachment, Message, queue_message
from store.users import User

__all__ = ["Notice", "send_once"]


class Notice(Base):
    """The record that the message ``key`` was sent; the unique key is the guard."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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
