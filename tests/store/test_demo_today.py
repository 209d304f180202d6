"""The demo town's programme has an event today at the organiser's centre, with people on its
list, so check-in can be tried at once whenever the demo is built."""

from __future__ import annotations

from datetime import time

import pytest
from factories import make_centre, make_user

from store.accounts.models import Role
from store.core.db import utcnow
from store.demo.programme import TODAY, build_demo_programme
from store.events.models import SignupStatus
from store.events.signups import check_in_open, roster
from store.events.times import local_datetime, to_local


@pytest.mark.parametrize("hour", [None, 6, 11, 15, 23], ids=["now", "06h", "11h", "15h", "23h"])
@pytest.mark.parametrize("history_weeks", [0, 2])
def test_the_demo_has_an_event_today_with_people_to_check_in(db, settings, hour, history_weeks):
    """Whatever the time of day the demo is built (before the open day, during it, after it)."""
    centres = [make_centre(db, name=f"Demo hall {i}") for i in range(3)]
    make_user(db, role=Role.ADMIN)
    residents = [make_user(db) for _ in range(40)]
    now = utcnow()
    if hour is not None:
        local = to_local(now, centres[0].timezone)
        now = local_datetime(local.date(), time(hour, 0), centres[0].timezone)
    events = build_demo_programme(db, settings, centres, residents, history_weeks=history_weeks, now=now)
    today = [e for e in events if e.title == TODAY[0]]
    assert len(today) == 1 and today[0].centre_id == centres[0].id
    occurrence = today[0].occurrences[0]
    assert occurrence.local_date == to_local(now, centres[0].timezone).date()
    assert check_in_open(occurrence, now=now)
    assert any(s.status == SignupStatus.CONFIRMED for s in roster(db, occurrence.id))
