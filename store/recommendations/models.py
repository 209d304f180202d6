"""Recommendation tables: the stored recommendations per resident."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.core.db import Base, utcnow
from store.events.models import Occurrence

__all__ = ["Recommendation"]


class Recommendation(Base):
    """One recommended occurrence for one resident, with its score and plain-language reason."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("event_occurrences.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(default=0)
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    occurrence: Mapped[Occurrence] = relationship(lazy="joined")
