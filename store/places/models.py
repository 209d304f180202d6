"""Place tables: centre neighbourhoods, loaded postcodes and the geocoding cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.centres.models import Centre
from store.core.db import Base, utcnow

__all__ = ["Neighbourhood", "Postcode", "GeocodeCache"]


class Neighbourhood(Base):
    """A neighbourhood a centre serves: a name residents recognise and a representative point."""

    __tablename__ = "neighbourhoods"
    __table_args__ = (UniqueConstraint("centre_id", "name", name="uq_neighbourhoods_centre_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    centre: Mapped[Centre] = relationship()


class Postcode(Base):
    """A postcode a centre loaded from CSV: its point (the postcode's centroid, public data)."""

    __tablename__ = "postcodes"

    postcode: Mapped[str] = mapped_column(String(12), primary_key=True)
    outward: Mapped[str] = mapped_column(String(6), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    area: Mapped[str] = mapped_column(String(120), default="")
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class GeocodeCache(Base):
    """Answers of an online geocoder, keyed by a keyed hash of the query (the text is not kept)."""

    __tablename__ = "geocode_cache"
    __table_args__ = (UniqueConstraint("provider", "query_key", name="uq_geocode_cache_provider_query"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    query_key: Mapped[str] = mapped_column(String(64))
    places: Mapped[list] = mapped_column(JSON, default=list)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
