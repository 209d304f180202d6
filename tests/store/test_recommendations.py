"""Recommendations keep the one needs rule (the search filter's), show each event once, and say
"in N days" in calendar days on the event's own clock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from factories import make_centre, make_event, make_resident, make_user

from store.accounts.models import Role
from store.events.models import Event, SignUp, SignupStatus
from store.events.needs import meets_needs
from store.events.search import EventQuery, search_events
from store.events.times import local_datetime
from store.groups.candidates import candidates_for
from store.profiles.operations import get_profile, save_step
from store.recommendations.models import Recommendation
from store.recommendations.operations import recommendations_for, refresh_recommendations


def _needs(db, user, *, access=(), dietary=()):
    save_step(db, user.id, "needs", {"access_needs": list(access), "dietary": list(dietary), "languages": [],
                                     "include_in_matching": True, "show_first_name": True, "paused_until": None})


@pytest.fixture
def town(db, settings):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)

    def event(title, **details):
        return make_event(db, settings, centre, organiser, title=title, **details)[0]

    return db, event


def _titles(items):
    return [s.occurrence.event.title for s in items]


def test_a_step_free_resident_is_only_shown_what_the_step_free_filter_shows(town):
    db, event = town
    event("Cooking club", kind="event", step_free=True, days_ahead=3)
    event("Upstairs supper", kind="event", step_free=False, days_ahead=2)
    event("Upstairs quiz", kind="event", step_free=False, hearing_loop=True, days_ahead=4)
    event("Garden walk", kind="exercise", step_free=True, days_ahead=5)
    person = make_resident(db, interests=("cooking", "walking"))
    _needs(db, person, access=("step_free",))
    refresh_recommendations(db, user_ids=[person.id])
    shown = set(_titles(recommendations_for(db, person.id)))
    filtered = {h.title for h in search_events(db, EventQuery(access=("step_free",))).hits}
    assert shown and shown <= filtered
    assert shown.isdisjoint({"Upstairs supper", "Upstairs quiz"})
    # the same rule decides matching: no candidate for a date whose venue has steps
    upstairs = db.query(Event).filter_by(title="Upstairs supper").one()
    assert person.id not in {c.user_id for c in candidates_for(db, upstairs.occurrences[0])}


def test_search_matching_and_recommendations_share_one_needs_rule(town):
    db, event = town
    made = [event("Hall A", kind="event", step_free=True, quiet=True), event("Hall B", kind="event", quiet=True),
            event("Hall C", kind="exercise", hearing_loop=True, step_free=True)]
    person = make_resident(db)
    for access in [(), ("step_free",), ("quiet",), ("step_free", "quiet"), ("hearing_loop",)]:
        _needs(db, person, access=access)
        profile = get_profile(db, person.id)
        found = {h.event_id for h in search_events(db, EventQuery(access=access)).hits}
        assert {e.id for e in made if meets_needs(profile, e)} == found & {e.id for e in made}, access


def test_a_need_ticked_after_the_refresh_hides_the_event_at_once(town):
    db, event = town
    event("Upstairs supper", kind="event", step_free=False)
    person = make_resident(db, interests=("cooking",))
    refresh_recommendations(db, user_ids=[person.id])
    assert _titles(recommendations_for(db, person.id)) == ["Upstairs supper"]
    _needs(db, person, access=("step_free",))
    assert recommendations_for(db, person.id) == []


def test_meals_meet_dietary_needs_and_other_kinds_do_not_ask(town):
    db, event = town
    event("Vegan supper", kind="meal", dietary=("vegan",))
    event("Roast dinner", kind="meal", dietary=())
    event("Canal walk", kind="exercise", tags=("walking",))
    vegetarian = make_resident(db, interests=("cooking", "walking"))
    _needs(db, vegetarian, dietary=("vegetarian", "other_allergy"))
    refresh_recommendations(db, user_ids=[vegetarian.id])
    assert set(_titles(recommendations_for(db, vegetarian.id))) == {"Vegan supper", "Canal walk"}


def test_each_event_appears_once_at_its_best_date_and_booked_events_not_at_all(town):
    db, event = town
    weekly = event("Weekly supper", kind="event", days_ahead=2, recurrence="weekly",
                   repeat_until=date.today() + timedelta(days=30))
    booked = event("Chess evening", kind="event", tags=("chess",), days_ahead=3)
    event("Board games", kind="event", tags=("board_games",), days_ahead=4)
    assert len(weekly.occurrences) >= 4
    person = make_resident(db, interests=("cooking",))
    db.add(SignUp(user_id=person.id, occurrence_id=booked.occurrences[0].id, status=SignupStatus.CONFIRMED))
    db.flush()
    refresh_recommendations(db, user_ids=[person.id])
    stored = db.query(Recommendation).filter_by(user_id=person.id).all()
    assert len({r.occurrence.event_id for r in stored}) == len(stored)
    shown = recommendations_for(db, person.id)
    assert _titles(shown).count("Weekly supper") == 1 and "Chess evening" not in _titles(shown)
    assert "Board games" in _titles(shown)
    # even rows stored before (one per date) are read back once per event
    for o in weekly.occurrences[1:]:
        db.add(Recommendation(user_id=person.id, occurrence_id=o.id, rank=9, score=0.1, reason="Again"))
    db.flush()
    assert _titles(recommendations_for(db, person.id)).count("Weekly supper") == 1


def test_in_n_days_is_calendar_days_on_the_events_clock(town):
    db, event = town
    supper = event("Saturday supper", kind="event", days_ahead=5, hour=10)
    occurrence = supper.occurrences[0]
    assert supper.timezone == "Europe/London"
    person = make_resident(db, interests=("cooking",))
    day = occurrence.local_date
    now = local_datetime(day - timedelta(days=5), time(11, 0), "Europe/London")  # 4 days 23 hours before
    refresh_recommendations(db, user_ids=[person.id], now=now)
    [shown] = recommendations_for(db, person.id, now=now)
    assert (occurrence.starts_at - now) < timedelta(days=5)
    assert shown.days == 5 and shown.coming_up == "in 5 days"
    assert "coming up" not in shown.reason  # the stored reason never says how soon
    # 23:30 in London the evening before: tomorrow, though it is the same day in UTC an hour earlier
    late = local_datetime(day - timedelta(days=1), time(23, 30), "Europe/London")
    assert recommendations_for(db, person.id, now=late)[0].coming_up == "tomorrow"
    just_after_midnight = local_datetime(day, time(0, 10), "Europe/London")
    assert recommendations_for(db, person.id, now=just_after_midnight)[0].coming_up == "today"



def test_in_n_days_across_the_clocks_changing(town):
    db, event = town
    supper = event("Late supper", kind="event", days_ahead=3, hour=10)
    person = make_resident(db, interests=("cooking",))
    occurrence = supper.occurrences[0]
    # 00:30 BST on Monday 29 March 2027, the day after the clocks go forward: 23:30 UTC on Sunday
    occurrence.starts_at = datetime(2027, 3, 28, 23, 30, tzinfo=timezone.utc)
    occurrence.ends_at = occurrence.starts_at + timedelta(hours=2)
    db.flush()
    saturday_night = datetime(2027, 3, 27, 23, 30, tzinfo=timezone.utc)  # 23:30 GMT, before the change
    refresh_recommendations(db, user_ids=[person.id], now=saturday_night - timedelta(days=3))
    assert recommendations_for(db, person.id, now=saturday_night)[0].coming_up == "in 2 days"  # UTC: 1
    sunday_morning = datetime(2027, 3, 28, 9, 0, tzinfo=timezone.utc)  # 10:00 BST
    assert recommendations_for(db, person.id, now=sunday_morning)[0].coming_up == "tomorrow"  # UTC: today
