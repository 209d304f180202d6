"""The database's cheap "near enough" test before the exact distance never leaves out anyone
who lives within their own travel distance, in any direction (the box is generous)."""

from __future__ import annotations

import math

from event_factories import set_home
from factories import make_centre, make_event, make_resident, make_user

from store.accounts.models import Role
from store.groups.candidates import candidates_for


def _around(db, centre, km: float, travel_km: float, directions: int = 16):
    """Residents ``km`` from the centre, one in each of ``directions`` compass directions."""
    people = []
    for i in range(directions):
        angle = 2 * math.pi * i / directions
        lat = centre.lat + km * math.cos(angle) / 111.2
        lon = centre.lon + km * math.sin(angle) / (111.2 * math.cos(math.radians(centre.lat)))
        person = make_resident(db, travel_km=travel_km)
        set_home(db, person, lat, lon)
        people.append(person)
    return people


def test_everyone_within_their_travel_distance_is_a_candidate_whatever_the_direction(db, settings):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    near = _around(db, centre, 4.97, travel_km=5.0)
    far = _around(db, centre, 5.1, travel_km=5.0)
    wide = _around(db, centre, 30.0, travel_km=31.0, directions=8)
    found = {c.user_id for c in candidates_for(db, occurrence)}
    assert {p.id for p in near} <= found
    assert {p.id for p in wide} <= found
    assert not found & {p.id for p in far}
