"""Message tables: the outbox, the send-once notices and each person's message preferences."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.core.db import Base, utcnow

__all__ = ["Message", "Attachment", "Notice", "MessagePreference"]


class Message(Base):
    """One message to one person. Delivery happens after the unit of work that wrote it commits.

    A message is pending until it is delivered (``delivered_at``) or given up on (``failed_at``,
    with the reason in ``delivery_error``): one that cannot be built, that the mail server refuses
    for good, or that failed ``MAX_ATTEMPTS`` times. Neither kind is ever tried again.

    ``topic`` is what the message is about for the person's preferences (``store/messages/
    preferences.py``); a message ``held`` waits for the person's daily summary instead of being
    sent on its own, and ``summary_id`` is the summary that carried it. ``read_at`` is the one
    read state: set when its recipient opens it, or marks everything read.
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
    topic: Mapped[str] = mapped_column(String(20), default="always")
    held: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    summary_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), default=None
    )


class Attachment(dict):
    """A text attachment: ``Attachment(filename=..., content_type=..., content=...)``."""


class Notice(Base):
    """The record that the message ``key`` was sent; the unique key is the guard."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MessagePreference(Base):
    """How often a person gets the messages of one topic: ``now``, ``daily`` (in a summary) or ``off``.

    No row means ``now``. Topics that must always arrive have no row and cannot have one.
    """

    __tablename__ = "message_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(20), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(10), default="now")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
