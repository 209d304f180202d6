"""Centre tables: centres, organiser memberships and invitations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Float, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.core.db import Base, utcnow

__all__ = ["organiser_memberships", "Centre", "Invitation"]

organiser_memberships = Table(
    "organiser_memberships",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("centre_id", ForeignKey("centres.id", ondelete="CASCADE"), primary_key=True),
)


class Centre(Base):
    """A community centre: a public address and point, and the time zone its events are shown in."""

    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float | None] = mapped_column(Float, default=None)
    lon: Mapped[float | None] = mapped_column(Float, default=None)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisers: Mapped[list["User"]] = relationship(  # noqa: F821
        secondary=organiser_memberships, back_populates="centres", lazy="select"
    )

    def __repr__(self) -> str:
        return f"<Centre {self.slug}>"


class Invitation(Base):
    """An invitation to become an organiser of a centre; single-use, expiring, token hashed."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)

    centre: Mapped[Centre] = relationship()
