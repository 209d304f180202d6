"""Profile vectors: the fitted ProfileVectorizer kept in the database, vectors refreshed on save."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base, utcnow

__all__ = ["StoredVectorizer"]


class StoredVectorizer(Base):
    """A fitted vectorizer, pickled; the newest row is the one in use, so every worker agrees."""

    __tablename__ = "profile_vectorizers"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    fitted: Mapped[bytes] = mapped_column(LargeBinary)
    profiles_seen: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
