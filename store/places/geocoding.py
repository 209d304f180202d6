"""Turning what a person types into a place: offline gazetteers, or Nominatim with a cache and a fallback.

``geocode(session, settings, query)`` is the one entry point, for home locations and venue
addresses alike. It returns a :class:`Place` or raises a :class:`GeocodingError` whose message
is safe to show and says how to fix the query. The query itself is never logged or stored.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import threading
from dataclasses import asdict, dataclass
from typing import Any, Callable

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from config import Settings
from store.core.errors import HearthError
from store.places.gazetteer import OfflineGazetteer
from store.places.models import GeocodeCache
from store.places.points import distance_km
from store.places.words import not_found_words, what_we_can_find

__all__ = [
    "MAX_QUERY", "NOMINATIM_MIN_DELAY", "Place", "GeocodingError", "PlaceNotFound", "AmbiguousPlace",
    "OutsideServiceArea", "geocode",
]

log = logging.getLogger(__name__)


class _WithoutQueries(logging.Filter):
    """geopy logs the arguments of failed calls, which would put an address in the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args, record.exc_info, record.exc_text = (
            "geopy reported a problem (details withheld: they may contain an address)", (), None, None)
        return True

logging.getLogger("geopy").addFilter(_WithoutQueries())

MAX_QUERY = 200

NOMINATIM_MIN_DELAY = 1.0

"""Seconds between requests to Nominatim (its usage policy allows one a second)."""

_DOMINANT = 20.0  # a reading this many times likelier than the next is taken without asking

_SAME_PLACE_KM = 5.0


@dataclass(frozen=True)
class Place:
    """A place understood: a label to show, a point, and roughly how close the point is (metres).

    ``kind`` says what was recognised (see :class:`~store.places.gazetteer.OfflineGazetteer`;
    ``address`` for an online answer), so that a page can say how we placed the person
    (:func:`store.places.words.how_we_placed_you`).
    """

    label: str
    lat: float
    lon: float
    precision_m: int
    kind: str = ""


class GeocodingError(HearthError):
    """The query could not be turned into one place; the message says what to try instead."""


class PlaceNotFound(GeocodingError):
    """Nothing matches the query."""


class AmbiguousPlace(GeocodingError):
    """Several different places match; ``candidates`` lists them, likeliest first."""

    def __init__(self, message: str, candidates: list[Place]):
        super().__init__(message)
        self.candidates = candidates


class OutsideServiceArea(GeocodingError):
    """The place exists but lies outside the area Hearth serves here."""


@dataclass(frozen=True)
class _Reading:
    place: Place
    weight: float


def geocode(session: Session, settings: Settings, query: str, *, remember: bool = True) -> Place:
    """The one place ``query`` (a postcode, a street and town, or a town) names.

    With ``HEARTH_GEOCODER=nominatim`` the online service is asked first (rate-limited, answers
    cached unless ``remember`` is false, as for home addresses); if it fails or finds nothing,
    the offline gazetteer answers. Raises :class:`PlaceNotFound`, :class:`AmbiguousPlace`
    (with ``candidates``) or :class:`OutsideServiceArea`.
    """
    query = " ".join(str(query or "").split())
    if not query:
        raise PlaceNotFound("Please type a postcode, a street and town, or just your town.")
    if len(query) > MAX_QUERY:
        raise GeocodingError(f"That's longer than any address we know (over {MAX_QUERY} characters). "
                             "A postcode, or a street and town, is plenty.")
    readings: list[_Reading] = []
    if settings.geocoder == "nominatim":
        readings = _nominatim_readings(session, settings, query, remember=remember)
    if not readings:
        readings = _offline_readings(session, query)
    return _decide(session, settings, readings)


def _offline_readings(session: Session, query: str) -> list[_Reading]:
    found = OfflineGazetteer(session).geocode(query, exactly_one=False) or []
    return [
        _Reading(Place(loc.address, float(loc.latitude), float(loc.longitude), int(loc.raw["precision_m"]),
                       str(loc.raw["kind"])),
                 float(loc.raw["weight"]))
        for loc in found
    ]


def _decide(session: Session, settings: Settings, readings: list[_Reading]) -> Place:
    if not readings:
        raise PlaceNotFound(not_found_words(session, settings))
    circle = settings.service_circle
    if circle is not None:
        lat, lon, radius = circle
        inside = [r for r in readings if distance_km((r.place.lat, r.place.lon), (lat, lon)) <= radius]
        if not inside:
            raise OutsideServiceArea(
                "That place is outside the area Hearth covers here. If you live nearby, try "
                f"{what_we_can_find(session, settings)}."
            )
        readings = inside
    distinct: list[_Reading] = []
    for reading in readings:
        if not any(distance_km((reading.place.lat, reading.place.lon), (d.place.lat, d.place.lon))
                   <= _SAME_PLACE_KM for d in distinct):
            distinct.append(reading)
    if len(distinct) == 1:
        return distinct[0].place
    ranked = sorted(distinct, key=lambda r: -r.weight)
    if ranked[0].weight >= _DOMINANT * max(ranked[1].weight, 1e-9):
        return ranked[0].place
    raise AmbiguousPlace(
        "There's more than one place with that name. Please choose yours, or add the county, "
        "state or country (for example “Springfield, Illinois”).",
        [r.place for r in ranked[:8]],
    )

# -- Nominatim ----------------------------------------------------------------------------
_limiters: dict[str, Callable[..., Any]] = {}

_limiters_lock = threading.Lock()


def _nominatim_lookup(settings: Settings) -> Callable[..., Any]:
    """One rate-limited Nominatim per process and User-Agent, shared by every request."""
    with _limiters_lock:
        lookup = _limiters.get(settings.nominatim_user_agent)
        if lookup is None:
            from geopy.geocoders import Nominatim

            geocoder = Nominatim(user_agent=settings.nominatim_user_agent, timeout=5)
            lookup = RateLimiter(geocoder.geocode, min_delay_seconds=NOMINATIM_MIN_DELAY, max_retries=0,
                                 swallow_exceptions=False)  # on failure, the offline gazetteer answers
            _limiters[settings.nominatim_user_agent] = lookup
        return lookup


def _query_key(settings: Settings, query: str) -> str:
    """A keyed hash of the query: the cache can be read without ever holding the text typed."""
    normal = " ".join(query.lower().split())
    return hmac.new(settings.secret_key.encode(), normal.encode(), hashlib.sha256).hexdigest()


def _nominatim_readings(session: Session, settings: Settings, query: str, *, remember: bool) -> list[_Reading]:
    key = _query_key(settings, query)
    cached = None if not remember else session.scalar(
        select(GeocodeCache).where(GeocodeCache.provider == "nominatim", GeocodeCache.query_key == key)
    )
    if cached is not None:
        cached.hits += 1
        return [_Reading(Place(**{k: p[k] for k in ("label", "lat", "lon", "precision_m")}, kind="address"),
                         p["weight"])
                for p in cached.places]
    try:
        found = _nominatim_lookup(settings)(query, exactly_one=False, addressdetails=True, limit=5) or []
    except GeopyError as exc:
        log.warning("Nominatim failed (%s); using the offline gazetteer", type(exc).__name__)
        return []
    readings = [r for r in (_from_nominatim(loc) for loc in found) if r is not None]
    if not remember:
        return readings
    try:
        with session.begin_nested():
            session.add(GeocodeCache(provider="nominatim", query_key=key,
                                     places=[{**asdict(r.place), "weight": r.weight} for r in readings]))
    except IntegrityError:
        pass  # another request cached the same answer a moment ago
    return readings


def _from_nominatim(location: Any) -> _Reading | None:
    raw = location.raw or {}
    try:
        lat, lon = float(location.latitude), float(location.longitude)
    except (TypeError, ValueError):
        return None
    address = raw.get("address") or {}
    area = next((address[k] for k in ("suburb", "neighbourhood", "city_district", "quarter", "village")
                 if address.get(k)), "")
    town = next((address[k] for k in ("city", "town", "village", "municipality", "county") if address.get(k)), "")
    road = address.get("road", "")
    label = ", ".join(dict.fromkeys(p for p in (road, area, town, address.get("country", "")) if p))
    return _Reading(Place(label or str(location.address)[:200], lat, lon, _precision(raw), "address"),
                    max(float(raw.get("importance") or 0.0), 0.0) + 0.01)


def _precision(raw: dict) -> int:
    """Half the diagonal of Nominatim's bounding box, in metres (10 m .. 50 km)."""
    try:
        south, north, west, east = (float(v) for v in raw["boundingbox"])
    except (KeyError, TypeError, ValueError):
        return 1000
    diagonal_km = distance_km((south, west), (north, east))
    return int(min(50_000, max(10, math.ceil(diagonal_km * 500))))
