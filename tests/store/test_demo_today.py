"""The demo town's programme has an event today at the organiser's centre, with people on its
list, so check-in can be tried at once whenever the demo is built."""

from __future__ import annotations

from factories import make_centre, make_user

from store.accounts.models import Role
from store.core.db import utcnow
from store.demo.programme import TODAY, build_demo_programme
from store.events.models import SignupStatus
from store.events.signups import check_in_open, roster
from store.events.times import to_local


def test_the_demo_has_an_event_today_with_people_to_check_in(db, settings):
    centres = [make_centre(db, name=f"Demo hall {i}") for i in range(3)]
    make_user(db, role=Role.ADMIN)
    residents = [make_user(db) for _ in range(40)]
    events = build_demo_programme(db, settings, centres, residents)
    today = [e for e in events if e.title == TODAY[0]]
    assert len(today) == 1 and today[0].centre_id == centres[0].id
    occurrence = today[0].occurrences[0]
    assert occurrence.local_date == to_local(utcnow(), centres[0].timezone).date()
    assert check_in_open(occurrence)
    assert any(s.status == SignupStatus.CONFIRMED for s in roster(db, occurrence.id))
