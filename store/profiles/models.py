"""Profile tables: residents' profiles and the stored vectorizer."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from store.core.db import Base, utcnow

__all__ = ["Profile", "StoredVectorizer"]


class Profile(Base):
    """One resident's answers. The home is kept only as a ~500 m grid point and a coarse label;
    the address typed and the exact point are never stored."""

    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)

    # What you enjoy
    interests: Mapped[list] = mapped_column(JSON, default=list)
    about: Mapped[str] = mapped_column(Text, default="")
    # What matters to you: item key (taxonomy.VALUE_ITEMS) -> 1..6
    value_answers: Mapped[dict] = mapped_column(JSON, default=dict)
    # When and how
    availability: Mapped[list] = mapped_column(JSON, default=list)
    wants: Mapped[list] = mapped_column(JSON, default=list)
    group_size: Mapped[int | None] = mapped_column(Integer, default=None)
    frequency: Mapped[str | None] = mapped_column(String(20), default=None)
    new_faces: Mapped[str | None] = mapped_column(String(20), default=None)
    travel_km: Mapped[float | None] = mapped_column(Float, default=None)
    travel_mode: Mapped[str | None] = mapped_column(String(10), default=None)
    # What helps you
    access_needs: Mapped[list] = mapped_column(JSON, default=list)
    dietary: Mapped[list] = mapped_column(JSON, default=list)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    # Your choices
    include_in_matching: Mapped[bool] = mapped_column(Boolean, default=False)
    show_first_name: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_until: Mapped[date | None] = mapped_column(Date, default=None)
    #: An organiser's pause (after a report), kept apart from the resident's own: it is lifted
    #: by an organiser, and the resident's own pause is never changed by it.
    organiser_paused_until: Mapped[date | None] = mapped_column(Date, default=None)
    organiser_paused_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)

    # Where: coarse only
    home_lat: Mapped[float | None] = mapped_column(Float, default=None)
    home_lon: Mapped[float | None] = mapped_column(Float, default=None)
    home_precision_m: Mapped[int | None] = mapped_column(Integer, default=None)
    place_label: Mapped[str] = mapped_column(String(200), default="")
    neighbourhood: Mapped[str] = mapped_column(String(120), default="")

    # For the matcher
    vector: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    vector_version: Mapped[str | None] = mapped_column(String(40), default=None, index=True)

    steps_done: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def has_home(self) -> bool:
        return self.home_lat is not None and self.home_lon is not None

    def __repr__(self) -> str:
        return f"<Profile of user {self.user_id}>"


class StoredVectorizer(Base):
    """A fitted vectorizer, pickled; the newest row is the one in use, so every worker agrees."""

    __tablename__ = "profile_vectorizers"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    fitted: Mapped[bytes] = mapped_column(LargeBinary)
    profiles_seen: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
