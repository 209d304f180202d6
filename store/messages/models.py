"""Message tables: the outbox and the send-once notices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.core.db import Base, utcnow

__all__ = ["Message", "Attachment", "Notice"]


class Message(Base):
    """One message to one person. Delivery happens after the unit of work that wrote it commits.

    A message is pending until it is delivered (``delivered_at``) or given up on (``failed_at``,
    with the reason in ``delivery_error``): one that cannot be built, that the mail server refuses
    for good, or that failed ``MAX_ATTEMPTS`` times. Neither kind is ever tried again.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, default=None
    )
    to_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text, default=None)
    kind: Mapped[str] = mapped_column(String(40), default="notice")
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    delivery_attempts: Mapped[int] = mapped_column(default=0)
    delivery_error: Mapped[str | None] = mapped_column(String(300), default=None)
    failed_at: Mapped[datetime | None] = mapped_column(default=None, index=True)


class Attachment(dict):
    """A text attachment: ``Attachment(filename=..., content_type=..., content=...)``."""


class Notice(Base):
    """The record that the message ``key`` was sent; the unique key is the guard."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
