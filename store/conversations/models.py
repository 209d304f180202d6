"""Conversation tables: a thread between one resident and one centre, and its posts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.core.db import Base, utcnow
from store.core.errors import HearthError

__all__ = ["ConversationError", "Thread", "Post"]


class ConversationError(HearthError):
    """Something about writing to a centre that the writer can fix (too long, too many, not theirs)."""


class Thread(Base):
    """One resident's conversation with one centre. ``handled_at`` is set when an organiser marks
    it handled, and cleared when the resident writes again."""

    __tablename__ = "conversation_threads"
    __table_args__ = (Index("ix_conversation_threads_centre_updated", "centre_id", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(default=None)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)

    posts: Mapped[list["Post"]] = relationship(
        back_populates="thread", order_by="Post.id", cascade="all, delete-orphan", lazy="selectin"
    )
    centre: Mapped["Centre"] = relationship()  # noqa: F821
    resident: Mapped["User"] = relationship(foreign_keys=[resident_id])  # noqa: F821

    @property
    def last_post(self) -> "Post | None":
        return self.posts[-1] if self.posts else None

    @property
    def waiting_for_centre(self) -> bool:
        """The resident wrote last and nobody has marked it handled."""
        last = self.last_post
        return self.handled_at is None and last is not None and not last.from_centre


class Post(Base):
    """One message in a thread: from the resident, or from the centre (an organiser's reply,
    delivered to the resident as ``message_id`` in their Messages)."""

    __tablename__ = "conversation_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("conversation_threads.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    from_centre: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), default=None, index=True
    )

    thread: Mapped[Thread] = relationship(back_populates="posts")
