"""Factories for events and the people around them, shared by the store, web and browser tests."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta, timezone

from factories import make_centre, make_user

from store.accounts.models import Role
from store.events.admin import EventDetails, create_event

__all__ = ["NOW", "future_day", "details", "make_event", "make_organiser", "set_home", "share_first_name"]

#: A fixed "now" for store tests: a Sunday in winter, before the March clock change in London.
NOW = datetime(2027, 3, 7, 9, 0, tzinfo=timezone.utc)


def future_day(days: int = 3) -> date:
    """A date ``days`` after today (for tests that go through the web, where now is real)."""
    return date.today() + timedelta(days=days)


def details(**changes) -> EventDetails:
    base = EventDetails(title="Tuesday lunch club", kind="meal", start_date=date(2027, 3, 9),
                        start_time=time(12, 30), end_time=time(14, 0), capacity=10, tags=("cooking",))
    return dataclasses.replace(base, **changes)


def make_organiser(session, centre):
    return make_user(session, role=Role.ORGANISER, centre=centre)


def make_event(session, settings, *, centre=None, by=None, now=NOW, **changes):
    centre = centre or make_centre(session)
    by = by or make_organiser(session, centre)
    return create_event(session, settings, centre=centre, details=details(**changes), by=by, now=now)


def set_home(session, user, lat: float, lon: float) -> None:
    """Give a resident a coarse home point, as the profile pages would."""
    from store.profiles.operations import get_or_create_profile

    profile = get_or_create_profile(session, user.id)
    profile.home_lat, profile.home_lon = lat, lon
    session.flush()


def share_first_name(session, user) -> None:
    """The resident agrees that centres may see their first name."""
    from store.profiles.operations import get_or_create_profile

    get_or_create_profile(session, user.id).show_first_name = True
    session.flush()
