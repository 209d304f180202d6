"""A small world for the API: two centres with an organiser each, a resident, an event, and tokens."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from event_factories import make_event, make_organiser, share_first_name
from factories import make_centre, make_user

from store.accounts.api_tokens import create_token
from store.events.signups import sign_up


@dataclass
class World:
    centre: object
    other_centre: object
    event: object
    other_event: object
    organiser: str
    organiser_read: str
    other_organiser: str
    resident: str
    resident_user: object
    shy_user: object


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def world(db, settings):
    centre, other = make_centre(db), make_centre(db)
    organiser, other_organiser = make_organiser(db, centre), make_organiser(db, other)
    event = make_event(db, settings, centre=centre, by=organiser)
    other_event = make_event(db, settings, centre=other, by=other_organiser, title="Elsewhere lunch")
    resident = make_user(db, name="Rosa Resident")
    share_first_name(db, resident)
    shy = make_user(db, name="Sam Shy")
    first = event.occurrences[0]
    sign_up(db, settings, first.id, resident)
    sign_up(db, settings, first.id, shy)
    secrets = {}
    for name, user, scope in [("organiser", organiser, "read_write"), ("organiser_read", organiser, "read"),
                              ("other_organiser", other_organiser, "read_write"), ("resident", resident, "read_write")]:
        secrets[name] = create_token(db, user, name, scope, 30)[1]
    db.flush()
    return World(centre, other, event, other_event, resident_user=resident, shy_user=shy, **secrets)
