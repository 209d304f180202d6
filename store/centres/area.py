"""A centre's area and how its residents appear to organisers: by first name only where they
agreed, otherwise by a stable pseudonym; never by address or exact place."""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.accounts.models import User
from store.centres.models import Centre
from store.core.db import among
from store.places.points import distance_km, haversine_km
from store.profiles.models import Profile

__all__ = ["AREA_KM", "pseudonym", "organiser_label", "organiser_pause_words", "organiser_pauses", "area_profiles", "area_member_ids"]

#: Residents whose (coarse) home is within this distance of a centre are in its area.
AREA_KM = 6.0


def pseudonym(user_id: int, secret: str) -> str:
    """A stable, meaningless name for a resident, e.g. ``"Neighbour 48213"`` (keyed by the secret
    key, so it cannot be turned back into an account id)."""
    digest = hmac.new(secret.encode("utf-8"), f"resident:{user_id}".encode(), hashlib.sha256).digest()
    return f"Neighbour {int.from_bytes(digest[:4], 'big') % 90000 + 10000}"


def organiser_label(user: User, profile: Profile | None, secret: str) -> str:
    """First name where the resident agreed to show it to organisers; otherwise the pseudonym."""
    if profile is not None and profile.show_first_name and user.display_name:
        return user.display_name.split()[0]
    return pseudonym(user.id, secret)


def organiser_pause_words(profile: Profile | None, today: date) -> str | None:
    """"Paused until 31 December" while an organiser's pause lasts (the words every organiser page
    shows beside the person); ``None`` otherwise. A resident's own pause is theirs, not shown."""
    until = profile.organiser_paused_until if profile is not None else None
    if until is None or until < today:
        return None
    return f"Paused until {until.day} {until:%B %Y}"


def organiser_pauses(session: Session, user_ids, today: date) -> dict[int, str]:
    """``organiser_pause_words`` for many people at once: ``{user id: "Paused until ..."}``."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = session.scalars(select(Profile).where(among(session, Profile.user_id, ids), Profile.organiser_paused_until >= today))
    return {p.user_id: organiser_pause_words(p, today) for p in rows}


def _area_box(centre: Centre, km: float):
    dlat = km / 111.0
    dlon = km / (111.0 * max(0.1, math.cos(math.radians(centre.lat))))
    return (User.is_active.is_(True), Profile.home_lat.between(centre.lat - dlat, centre.lat + dlat),
            Profile.home_lon.between(centre.lon - dlon, centre.lon + dlon))


def _within(centre: Centre, points: list[tuple[float, float]], km: float) -> list[bool]:
    """Whether each point is within ``km`` of the centre by :func:`distance_km`, computed for
    all points at once (``haversine_km``, the same formula) and, for the few within a hair of
    the edge where the vectorised and the one-pair arithmetic may differ in the last digit,
    one by one with ``distance_km`` itself: exactly the answer ``distance_km`` gives."""
    if not points:
        return []
    here = (centre.lat, centre.lon)
    spots = np.asarray(points, dtype=float)
    km_away = haversine_km(centre.lat, centre.lon, spots[:, 0], spots[:, 1])
    inside = km_away <= km
    for i in np.flatnonzero(np.abs(km_away - km) < 1e-9):
        inside[i] = distance_km(here, tuple(spots[i])) <= km
    return inside.tolist()


def area_member_ids(session: Session, centre: Centre, *, km: float = AREA_KM) -> list[int]:
    """The account ids of :func:`area_profiles`, read as three columns (for figures over
    thousands of residents, which need no more than who they are)."""
    if centre.lat is None or centre.lon is None:
        return []
    rows = session.execute(select(User.id, Profile.home_lat, Profile.home_lon).join(Profile, Profile.user_id == User.id)
                           .where(*_area_box(centre, km)).order_by(User.id)).all()
    inside = _within(centre, [(lat, lon) for _, lat, lon in rows], km)
    return [uid for (uid, _, _), keep in zip(rows, inside) if keep]


def area_profiles(session: Session, centre: Centre, *, km: float = AREA_KM) -> list[tuple[User, Profile]]:
    """Residents with a home point within ``km`` of the centre (a bounding box, then the exact
    great-circle distance), ordered by account id."""
    if centre.lat is None or centre.lon is None:
        return []
    rows = session.execute(
        select(User, Profile).join(Profile, Profile.user_id == User.id).where(*_area_box(centre, km)).order_by(User.id)
    ).all()
    inside = _within(centre, [(p.home_lat, p.home_lon) for _, p in rows], km)
    return [(user, profile) for (user, profile), keep in zip(rows, inside) if keep]
