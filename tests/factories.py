"""Factories for rows and small helpers for driving forms (CSRF tokens included) in tests."""

from __future__ import annotations

import functools
import itertools
import re

from store.accounts import operations as accounts
from store.accounts.models import Role, User
from store.centres import organisers
from store.centres.models import Centre
from store.centres.operations import create_centre

__all__ = ["PASSWORD", "make_user", "make_centre", "csrf_token", "post_form", "login"]

PASSWORD = "a perfectly fine passphrase"
_counter = itertools.count(1)


@functools.lru_cache(maxsize=1)
def _password_hash() -> str:
    return accounts.hash_password(PASSWORD)


def make_user(session, *, role: Role = Role.RESIDENT, email: str | None = None, name: str | None = None,
              password: str = PASSWORD, confirmed: bool = True, centre: Centre | None = None) -> User:
    n = next(_counter)
    if password == PASSWORD:  # hash the shared test password once: scrypt is slow on purpose
        from store.core.db import utcnow

        user = User(email=email or f"person{n}@example.org", display_name=name or f"Person {n}",
                    password_hash=_password_hash(), role=role, email_confirmed_at=utcnow() if confirmed else None)
        session.add(user)
        session.flush()
    else:
        user = accounts.create_user(
            session,
            email=email or f"person{n}@example.org",
            display_name=name or f"Person {n}",
            password=password,
            role=role,
            confirmed=confirmed,
        )
    if centre is not None:
        organisers.add_organiser(session, user, centre)
    return user


def make_centre(session, *, name: str | None = None, lat: float = 53.8113, lon: float = -1.5660) -> Centre:
    return create_centre(session, name=name or f"Centre {next(_counter)}", address="1 Test Street", lat=lat, lon=lon)


_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str) -> str:
    """The CSRF token from the form at ``path``."""
    page = client.get(path).get_data(as_text=True)
    match = _TOKEN.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def post_form(client, path: str, data: dict, *, form_path: str | None = None, **kwargs):
    """POST ``data`` to ``path`` with a valid CSRF token taken from ``form_path`` (default ``path``)."""
    token = csrf_token(client, form_path or path)
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


def login(client, email: str, password: str = PASSWORD):
    return post_form(client, "/login", {"email": email, "password": password}, follow_redirects=True)


# ---------------------------------------------------------------------------- matching worlds
HYDE_PARK = (53.8113, -1.5660)


def make_event(session, settings, centre, organiser, *, days_ahead: int = 3, kind: str = "meal",
               capacity: int = 20, title: str = "Friday supper", hour: int = 18, tags=("cooking",), **details):
    """A one-off event at the centre, ``days_ahead`` days from now (local time), with its occurrence."""
    from datetime import date, time, timedelta

    from store.events.admin import EventDetails, create_event

    day = date.today() + timedelta(days=days_ahead)
    event = create_event(session, settings, centre=centre, by=organiser, details=EventDetails(
        title=title, kind=kind, start_date=day, start_time=time(hour, 0), end_time=time(hour + 2, 0),
        description="Good food and good company.", tags=tuple(tags), capacity=capacity, **details))
    return event, event.occurrences[0]


def make_resident(session, *, near=HYDE_PARK, offset_km: float = 0.3, interests=("cooking", "walking"),
                  consent: bool = True, show_name: bool = True, travel_km: float = 5.0, paused_until=None,
                  wants=("meal", "event", "exercise"), availability=(), name: str | None = None,
                  email: str | None = None):
    """A confirmed resident with a coarse home near ``near`` and a profile (vector included)."""
    import math

    from store.places.geocoding import Place
    from store.profiles.homes import confirm_home
    from store.profiles.operations import save_step
    from store.profiles.vectors import refit_if_due

    user = make_user(session, name=name, email=email)
    n = user.id
    angle = (n * 2.399963) % (2 * math.pi)  # a golden-angle spiral keeps homes apart
    lat = near[0] + offset_km * math.cos(angle) / 111.0
    lon = near[1] + offset_km * math.sin(angle) / (111.0 * math.cos(math.radians(near[0])))
    confirm_home(session, user.id, Place("near Hyde Park, Leeds", lat, lon, 500))
    save_step(session, user.id, "interests", {"interests": list(interests), "about": ""})
    save_step(session, user.id, "meeting", {"availability": list(availability), "wants": list(wants),
                                             "travel_km": travel_km})
    save_step(session, user.id, "needs", {"include_in_matching": consent, "show_first_name": show_name,
                                           "paused_until": paused_until})
    refit_if_due(session)  # what the refit job does after a page saves
    return user


def logout(client):
    return post_form(client, "/logout", {}, form_path="/reset")
