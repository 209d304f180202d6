"""The demo town: real neighbourhood points, three centres, their organisers and a few hundred residents.

Idempotent: running it again finds the demo already there and changes nothing.
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import Role, User
from store.accounts.operations import create_user, hash_password
from store.centres.operations import create_centre
from store.centres.organisers import add_organiser
from store.core.db import utcnow
from store.demo.history import HISTORY_WEEKS, add_demo_history
from store.demo.profiles import add_demo_profiles
from store.demo.programme import build_demo_programme
from store.demo.result import DemoLogin, DemoResult, jitter
from store.places.towns import load_town

__all__ = ["DEMO_PASSWORD", "DemoLogin", "DemoResult", "jitter", "build_demo_town"]

DEMO_PASSWORD = "warm-kettle-42"

DEMO_DOMAIN = "demo.example.org"  # example.org is reserved for documentation (RFC 2606)

_FIRST_NAMES = (
    "Aisha Alan Amara Ann Arjun Beatrice Ben Bilal Carmen Chen Chloe Colin Dara David Deepa Eileen Elif "
    "Emma Fatima Frank George Grace Hamza Hannah Harold Ifeoma Imran Irene Jack Jamal Janet Joan John Jude "
    "Kate Kwame Leila Len Lucy Maria Marek Margaret Mohammed Nadia Niamh Noor Olu Pat Priya Rachel Rahul "
    "Rose Ruth Sam Sana Sean Shirley Sofia Stan Sunita Tariq Tom Uma Vera Wei Yusuf Zainab Zofia"
).split()

_CENTRES = (
    ("Hyde Park Community Hall", "Hyde Park", "Shared meals every week and a friendly walking group."),
    ("Chapel Allerton Neighbourhood Centre", "Chapel Allerton", "Gentle exercise, crafts and a Sunday lunch club."),
    ("Beeston Community Hub", "Beeston", "Games afternoons, cooking together and local history talks."),
)


def _logins() -> list[DemoLogin]:
    return [
        DemoLogin("admin", f"admin@{DEMO_DOMAIN}", DEMO_PASSWORD),
        DemoLogin("organiser", f"organiser@{DEMO_DOMAIN}", DEMO_PASSWORD),
        DemoLogin("resident", f"resident@{DEMO_DOMAIN}", DEMO_PASSWORD),
    ]


def build_demo_town(
    session: Session, settings: Settings, *, town: str | None = None, residents: int = 300, seed: int = 7,
    history_weeks: int = HISTORY_WEEKS, now: datetime | None = None,
) -> DemoResult:
    """Create the demo town unless it exists. Residents get homes scattered around real
    neighbourhoods of the town (kept for later steps as ``homes``: user id -> (neighbourhood, lat, lon)).
    The running events' last ``history_weeks`` are lived through (``store.demo.weeks``; 0: none),
    as seen from ``now`` (the clock when not given; tests pass a fixed moment).
    """
    place = load_town(town or settings.demo_town)
    logins = _logins()
    if session.scalar(select(User.id).where(User.email == logins[0].email)) is not None:
        return DemoResult(place, False, logins)

    rng = random.Random(seed)
    now = now or utcnow()
    hoods = {h.name: h for h in place.neighbourhoods}
    result = DemoResult(place, True, logins)
    for name, hood_name, description in _CENTRES:
        hood = hoods[hood_name]
        result.centres.append(
            create_centre(
                session,
                name=name,
                address=f"{hood.name}, {place.name}",
                lat=hood.lat,
                lon=hood.lon,
                description=description,
                timezone=place.timezone,
            )
        )
    create_user(session, email=logins[0].email, display_name="Ada (admin)", password=DEMO_PASSWORD,
                role=Role.ADMIN, confirmed=True)
    organiser = create_user(session, email=logins[1].email, display_name="Olu (organiser)",
                            password=DEMO_PASSWORD, role=Role.ORGANISER, confirmed=True)
    add_organiser(session, organiser, result.centres[0])
    for i, centre in enumerate(result.centres[1:], start=2):
        helper = create_user(session, email=f"organiser{i}@{DEMO_DOMAIN}", display_name=f"Organiser {i}",
                             password=DEMO_PASSWORD, role=Role.ORGANISER, confirmed=True)
        add_organiser(session, helper, centre)
    resident = create_user(session, email=logins[2].email, display_name="Rosa", password=DEMO_PASSWORD,
                           confirmed=True)
    result.residents.append(resident)
    home_hood = hoods["Headingley"]
    result.homes[resident.id] = (home_hood.name, *jitter(rng, home_hood.lat, home_hood.lon, 0.6))

    shared_hash = hash_password(DEMO_PASSWORD)  # one scrypt run instead of hundreds
    people = []
    for n in range(residents - 1):
        people.append(
            User(
                email=f"resident{n + 1:03d}@{DEMO_DOMAIN}",
                display_name=rng.choice(_FIRST_NAMES),
                password_hash=shared_hash,
                role=Role.RESIDENT,
                email_confirmed_at=now,
            )
        )
    session.add_all(people)
    session.flush()
    for person in people:
        hood = rng.choice(place.neighbourhoods)
        result.homes[person.id] = (hood.name, *jitter(rng, hood.lat, hood.lon, 0.9))
    result.residents.extend(people)
    session.flush()

    add_demo_profiles(session, result)

    events = build_demo_programme(session, settings, result.centres, result.residents,
                                  history_weeks=history_weeks, now=now)

    add_demo_history(session, settings, result, events, now=now, weeks=history_weeks)
    return result
