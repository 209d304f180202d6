"""A resident's home: understood from what they type, confirmed by them, kept only coarse.

``understand_home`` geocodes and immediately coarsens: what it returns (and what a page may
show or carry in a form) is a ~500 m grid point and a label like "near Headingley, Leeds",
never the text typed or the exact point. ``confirm_home`` keeps the finer of the geocoded
place and the neighbourhood the resident picked.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from config import Settings
from store.places.gazetteer import PRECISION_M
from store.places.geocoding import AmbiguousPlace, Place, geocode
from store.places.neighbourhoods import NearbyNeighbourhood, neighbourhoods_near
from store.places.points import GRID_M, coarsen, distance_km, nearest_town
from store.profiles.answers import ProfileError
from store.profiles.models import Profile
from store.profiles.operations import get_or_create_profile, mark_step_done

__all__ = ["TOWN_PRECISION_M", "coarse_place", "understand_home", "neighbourhood_choices", "confirm_home"]

TOWN_PRECISION_M = PRECISION_M["town"]

"""A place this rough is a town's centre: the resident's neighbourhood will be finer."""

_HOOD_PRECISION_M = PRECISION_M["neighbourhood"]


def _nearest_hood(session: Session, lat: float, lon: float, km: float) -> NearbyNeighbourhood | None:
    hoods = neighbourhoods_near(session, lat, lon, km=km, limit=1)
    return hoods[0] if hoods else None


def coarse_place(session: Session, place: Place) -> Place:
    """The same place on the ~500 m grid, labelled by neighbourhood and town only.

    A town-wide answer keeps the town's own label ("Springfield, Illinois, United States");
    anything finer is described as "near <neighbourhood>, <town>" or "near <town>", so a street,
    house number or full postcode never reaches a page.
    """
    lat, lon = coarsen(place.lat, place.lon)
    precision = max(int(place.precision_m), GRID_M)
    if precision >= TOWN_PRECISION_M:
        return Place(place.label, lat, lon, precision, place.kind)
    if place.kind in ("postcode_district", "postcode_in_district"):  # "near LS6, Leeds": the district only
        return Place(f"near {place.label}", lat, lon, precision, place.kind)
    town = nearest_town(place.lat, place.lon)
    hood = _nearest_hood(session, place.lat, place.lon, km=1.5)
    if hood is not None and town and hood.name.lower() != town.lower():
        label = f"near {hood.name}, {town}"
    elif hood is not None:
        label = f"near {hood.name}"
    elif town:
        label = f"near {town}"
    else:
        label = "near the place you gave"
    return Place(label, lat, lon, precision, place.kind)


def understand_home(session: Session, settings: Settings, query: str) -> Place:
    """Geocode a home location and return it coarse (see :func:`coarse_place`).

    Raises the errors of :func:`store.places.geocoding.geocode`; an :class:`AmbiguousPlace` carries
    coarse candidates. Home lookups are never cached, so no table holds an answer about a home.
    """
    try:
        return coarse_place(session, geocode(session, settings, query, remember=False))
    except AmbiguousPlace as exc:
        raise AmbiguousPlace(str(exc), [coarse_place(session, c) for c in exc.candidates]) from None


def _search_km(place: Place) -> float:
    return max(3.0, min(20.0, place.precision_m / 1000 * 1.5 + 2.0))


def neighbourhood_choices(session: Session, place: Place) -> list[NearbyNeighbourhood]:
    """Neighbourhoods a resident near ``place`` might pick, nearest first."""
    return neighbourhoods_near(session, place.lat, place.lon, km=_search_km(place))


def confirm_home(session: Session, user_id: int, place: Place, neighbourhood: str | None = None) -> Profile:
    """Keep the resident's confirmed home: the finer of ``place`` and their neighbourhood, coarse.

    ``place`` is what :func:`understand_home` returned; ``neighbourhood`` a name from
    :func:`neighbourhood_choices` (or empty). Raises :class:`ProfileError` otherwise, leaving the
    profile as it was.
    """
    if not (-90 <= place.lat <= 90 and -180 <= place.lon <= 180) or place.precision_m <= 0:
        raise ProfileError({"place": "That place didn't come through properly. Please search again."})
    neighbourhood = " ".join((neighbourhood or "").split())
    lat, lon, precision, label = place.lat, place.lon, int(place.precision_m), place.label
    if neighbourhood:
        hood = next((h for h in neighbourhood_choices(session, place) if h.name == neighbourhood), None)
        if hood is None:
            raise ProfileError({"neighbourhood": "Please choose a neighbourhood from the list, or “None of these”."})
        town = nearest_town(hood.lat, hood.lon)
        label = f"near {hood.name}, {town}" if town and town.lower() != hood.name.lower() else f"near {hood.name}"
        if _HOOD_PRECISION_M < precision:
            lat, lon, precision = hood.lat, hood.lon, _HOOD_PRECISION_M
        elif distance_km((lat, lon), (hood.lat, hood.lon)) > 3.0:
            label = place.label  # the finer point is far from that name; keep what was found
    lat, lon = coarsen(lat, lon)
    profile = get_or_create_profile(session, user_id)
    profile.home_lat, profile.home_lon = lat, lon
    profile.home_precision_m = max(precision, GRID_M)
    profile.place_label = label[:200]
    profile.neighbourhood = neighbourhood[:120]
    mark_step_done(profile, "where")
    session.flush()
    return profile
