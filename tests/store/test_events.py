"""Events in the store: recurrence across clock changes, checked input, edits, copies, cancellation, search."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from event_factories import NOW, details, make_event, make_organiser
from factories import make_centre, make_user
from sqlalchemy import func, select

from store.events import admin as event_admin
from store.events.models import Event, EventError, Occurrence, Venue
from store.events.search import EventQuery, search_events
from store.events.signups import sign_up
from store.events.times import expand_dates, recurrence_label, to_local
from store.messages.models import Message


def test_weekly_event_keeps_its_local_time_across_the_clock_change(db, settings):
    event = make_event(db, settings, recurrence="weekly", repeat_until=date(2027, 4, 6))
    starts = [(o.local_date, o.starts_at.hour, to_local(o.starts_at, event.timezone).strftime("%H:%M"))
              for o in event.occurrences]
    assert event.timezone == "Europe/London"
    # Clocks go forward on 28 March 2027: 12:30 local is 12:30 UTC before and 11:30 UTC after.
    assert starts == [(date(2027, 3, 9), 12, "12:30"), (date(2027, 3, 16), 12, "12:30"),
                      (date(2027, 3, 23), 12, "12:30"), (date(2027, 3, 30), 11, "12:30"),
                      (date(2027, 4, 6), 11, "12:30")]
    assert all(o.ends_at - o.starts_at == timedelta(minutes=90) for o in event.occurrences)


def test_recurrence_rules_and_skipped_dates():
    assert expand_dates(date(2027, 1, 5), "fortnightly", date(2027, 2, 28), ["2027-01-19"]) == [
        date(2027, 1, 5), date(2027, 2, 2), date(2027, 2, 16)]
    # The fifth Friday becomes "the last Friday" of each month.
    assert expand_dates(date(2027, 1, 29), "monthly", date(2027, 4, 30)) == [
        date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26), date(2027, 4, 30)]
    assert expand_dates(date(2027, 1, 5), "none", None) == [date(2027, 1, 5)]


def test_recurrence_reads_plainly(db, settings):
    event = make_event(db, settings, recurrence="monthly", repeat_until=date(2027, 6, 30))
    assert recurrence_label(event) == "Every month on the second Tuesday, until 30 June 2027"


@pytest.mark.parametrize("changes, field, words", [
    ({"end_time": time(12, 0)}, "end_time", "ends before it starts"),
    ({"start_date": date(2027, 3, 1)}, "start_date", "already passed"),
    ({"capacity": 0}, "capacity", "from 1 to 10,000"),
    ({"recurrence": "weekly"}, "repeat_until", "until when"),
    ({"recurrence": "weekly", "repeat_until": date(2028, 12, 1)}, "repeat_until", "a year ahead"),
    ({"tags": ("not_a_tag",)}, "tags", "from the list"),
    ({"title": "  "}, "title", "title"),
    ({"title": "Lunch\r\nBcc: evil@example.org"}, "title", "on one line"),
    ({"title": "Lunch\nclub"}, "title", "on one line"),
    ({"title": "Lunch\x00club"}, "title", "on one line"),
    ({"venue_name": "Oak\nHall"}, "venue_name", "on one line"),
    ({"kind": "party"}, "kind", "kind"),
    ({"recurrence": "weekly", "repeat_until": date(2027, 3, 9), "skipped_dates": (date(2027, 3, 9),)},
     "skipped_dates", "at least one"),
])
def test_bad_event_input_is_explained_and_nothing_is_saved(db, settings, changes, field, words):
    centre = make_centre(db)
    organiser = make_organiser(db, centre)
    before = db.scalar(select(func.count(Event.id)))
    with pytest.raises(EventError) as caught:
        event_admin.create_event(db, settings, centre=centre, details=details(**changes), by=organiser, now=NOW)
    assert caught.value.field == field and words in str(caught.value)
    assert db.scalar(select(func.count(Event.id))) == before


def test_a_line_break_in_an_edited_title_is_refused(db, settings):
    centre = make_centre(db)
    organiser = make_organiser(db, centre)
    event = make_event(db, settings, centre=centre, by=organiser)
    with pytest.raises(EventError) as caught:
        event_admin.update_event(db, settings, event, details(title="Lunch\u2028club"), by=organiser, now=NOW)
    assert caught.value.field == "title"
    db.refresh(event)
    assert event.title == "Tuesday lunch club"


def test_an_organiser_of_another_centre_cannot_post_or_change(db, settings):
    event = make_event(db, settings)
    stranger = make_organiser(db, make_centre(db))
    with pytest.raises(PermissionError):
        event_admin.create_event(db, settings, centre=event.centre, details=details(), by=stranger, now=NOW)
    with pytest.raises(PermissionError):
        event_admin.update_event(db, settings, event, details(title="Mine now"), by=stranger, now=NOW)
    with pytest.raises(PermissionError):
        event_admin.cancel_event(db, settings, event, by=stranger, now=NOW)
    with pytest.raises(PermissionError):
        event_admin.organiser_event(db, event.id, stranger)
    assert event.title == "Tuesday lunch club" and not event.is_cancelled


def test_a_venue_elsewhere_is_geocoded_once(db, settings, monkeypatch):
    from store.places import geocoding

    calls = []

    def fake(session, settings_, query):
        calls.append(query)
        return geocoding.Place("Kirkstall, Leeds", 53.816, -1.603, 100)

    monkeypatch.setattr(geocoding, "geocode", fake)
    centre = make_centre(db)
    organiser = make_organiser(db, centre)
    first = event_admin.create_event(db, settings, centre=centre, by=organiser, now=NOW,
                                     details=details(venue_name="St Stephen's Hall", venue_address="Kirkstall Lane, Leeds"))
    second = event_admin.create_event(db, settings, centre=centre, by=organiser, now=NOW,
                                      details=details(venue_name="St Stephen's Hall", venue_address="kirkstall lane, leeds"))
    assert calls == ["Kirkstall Lane, Leeds"] and first.venue_id == second.venue_id
    assert first.point == (53.816, -1.603) and first.occurrences[0].lat == 53.816


def test_a_venue_that_cannot_be_found_is_explained(db, settings, monkeypatch):
    from store.places import geocoding

    def nowhere(session, settings_, query):
        raise geocoding.PlaceNotFound("nothing")

    monkeypatch.setattr(geocoding, "geocode", nowhere)
    centre = make_centre(db)
    organiser = make_organiser(db, centre)
    with pytest.raises(EventError) as caught:
        event_admin.create_event(db, settings, centre=centre, by=organiser, now=NOW,
                                 details=details(venue_name="Nowhere Hall", venue_address="Qwxyz Street, Atlantis"))
    assert caught.value.field == "venue_address" and "couldn't find that address" in str(caught.value)
    assert db.scalar(select(func.count(Venue.id)).where(Venue.name == "Nowhere Hall")) == 0


def test_capacity_cannot_drop_below_the_seats_taken_and_rising_promotes(db, settings):
    event = make_event(db, settings, capacity=2)
    occurrence = event.occurrences[0]
    people = [make_user(db) for _ in range(3)]
    for person in people:
        sign_up(db, settings, occurrence.id, person, now=NOW)
    with pytest.raises(EventError) as caught:
        event_admin.update_event(db, settings, event, details(capacity=1), by=event_admin_organiser(event), now=NOW)
    assert caught.value.field == "capacity" and "2 seats are already taken on 9 March" in str(caught.value)
    event_admin.update_event(db, settings, event, details(capacity=3), by=event_admin_organiser(event), now=NOW)
    statuses = db.scalars(select(Message.subject).where(Message.user_id == people[2].id)).all()
    assert any(s.startswith("A seat is yours") for s in statuses)


def event_admin_organiser(event):
    return event.centre.organisers[0]


def test_changing_the_time_tells_everyone_signed_up(db, settings):
    event = make_event(db, settings, recurrence="weekly", repeat_until=date(2027, 3, 23))
    resident = make_user(db)
    sign_up(db, settings, event.occurrences[1].id, resident, now=NOW)
    event_admin.update_event(db, settings, event, details(recurrence="weekly", repeat_until=date(2027, 3, 23),
                                                          start_time=time(13, 0), end_time=time(14, 30)),
                             by=event_admin_organiser(event), now=NOW)
    message = db.scalars(select(Message).where(Message.user_id == resident.id, Message.subject.like("Changed:%"))).one()
    assert "13:00" in message.body and message.attachments[0]["content_type"] == "text/calendar"
    assert "SEQUENCE:1" in message.attachments[0]["content"]
    assert [to_local(o.starts_at, "Europe/London").hour for o in event.occurrences] == [13, 13, 13]


def test_removing_a_date_with_people_cancels_it_and_tells_them(db, settings):
    event = make_event(db, settings, recurrence="weekly", repeat_until=date(2027, 3, 23))
    resident = make_user(db)
    third = event.occurrences[2]
    sign_up(db, settings, third.id, resident, now=NOW)
    event_admin.update_event(db, settings, event, details(recurrence="weekly", repeat_until=date(2027, 3, 16)),
                             by=event_admin_organiser(event), now=NOW)
    assert third.cancelled_at is not None and len(event.occurrences) == 3
    assert db.scalar(select(Message.subject).where(Message.user_id == resident.id, Message.subject.like("Cancelled:%")))


def test_duplicate_copies_everything_but_the_people(db, settings):
    event = make_event(db, settings, recurrence="weekly", repeat_until=date(2027, 3, 30),
                       skipped_dates=(date(2027, 3, 16),), step_free=True, dietary=("vegetarian",))
    sign_up(db, settings, event.occurrences[0].id, make_user(db), now=NOW)
    copy = event_admin.duplicate_event(db, settings, event, by=event_admin_organiser(event),
                                       start_date=date(2027, 4, 13), now=NOW)
    assert copy.id != event.id and copy.title == event.title and copy.step_free and copy.dietary == ["vegetarian"]
    assert copy.repeat_until == date(2027, 5, 4) and copy.skipped_dates == ["2027-04-20"]
    assert [o.local_date for o in copy.occurrences] == [date(2027, 4, 13), date(2027, 4, 27), date(2027, 5, 4)]


def test_cancelling_an_event_tells_each_person_once(db, settings):
    event = make_event(db, settings, recurrence="weekly", repeat_until=date(2027, 3, 23))
    resident = make_user(db)
    for occurrence in event.occurrences[:2]:
        sign_up(db, settings, occurrence.id, resident, now=NOW)
    told = event_admin.cancel_event(db, settings, event, by=event_admin_organiser(event), reason="The hall flooded.",
                                    now=NOW)
    assert told == 1 and all(o.cancelled_at for o in event.occurrences)
    message = db.scalars(select(Message).where(Message.user_id == resident.id, Message.subject.like("Cancelled:%"))).one()
    assert "The hall flooded." in message.body
    assert message.attachments[0]["content"].count("STATUS:CANCELLED") == 2
    with pytest.raises(EventError):
        event_admin.update_event(db, settings, event, details(), by=event_admin_organiser(event), now=NOW)


def _search(db, **kw):
    return search_events(db, EventQuery(**kw), now=NOW)


def test_search_filters_and_sorts(db, settings):
    near = make_centre(db, lat=53.8113, lon=-1.5660)
    far = make_centre(db, lat=53.7600, lon=-1.5700)
    lunch = make_event(db, settings, centre=near, title="Near lunch", start_date=date(2027, 3, 12))
    yoga = make_event(db, settings, centre=far, title="Far yoga", kind="exercise", tags=("yoga",), step_free=True,
                      start_date=date(2027, 3, 10))
    home = (53.8195, -1.5775)
    titles = lambda page: [h.title for h in page.hits if h.event_id in (lunch.id, yoga.id)]
    assert titles(_search(db)) == ["Far yoga", "Near lunch"]
    assert titles(_search(db, origin=home, sort="nearest")) == ["Near lunch", "Far yoga"]
    assert titles(_search(db, kinds=("exercise",))) == ["Far yoga"]
    assert titles(_search(db, tags=("cooking",))) == ["Near lunch"]
    assert titles(_search(db, access=("step_free",))) == ["Far yoga"]
    assert titles(_search(db, date_from=date(2027, 3, 11), date_to=date(2027, 3, 12))) == ["Near lunch"]
    within = _search(db, origin=home, within_km=3)
    assert titles(within) == ["Near lunch"]
    assert 1.0 < within.hits[0].distance_km < 1.3  # Headingley to Hyde Park
    assert _search(db, origin=home, sort="nearest").hits[0].seats_left == 10


def test_search_pages_and_hides_cancelled_and_started(db, settings):
    centre = make_centre(db, lat=40.0, lon=-100.0)
    event = make_event(db, settings, centre=centre, recurrence="weekly", repeat_until=date(2027, 6, 1))
    event_admin.cancel_occurrence(db, settings, event.occurrences[1], by=event_admin_organiser(event), now=NOW)
    for n in range(6):
        make_event(db, settings, centre=centre, title=f"One-off {n}", start_date=date(2027, 3, 10 + n))
    origin = (40.0, -100.0)
    first = _search(db, origin=origin, within_km=1, per_page=5)
    second = _search(db, origin=origin, within_km=1, per_page=5, page=2)
    hits = first.hits + second.hits
    assert first.has_next and not second.has_next and first.total == second.total == 7
    assert len({h.event_id for h in hits}) == 7  # the weekly event is one card, not one per date
    series = next(h for h in hits if h.event_id == event.id)
    assert [d.local_date for d in series.dates] == [date(2027, 3, 9), date(2027, 3, 23), date(2027, 3, 30)]
    later = search_events(db, EventQuery(origin=origin, within_km=1), now=event.occurrences[0].starts_at)
    series = next(h for h in later.hits if h.event_id == event.id)
    assert series.local_date == date(2027, 3, 23)


def test_search_refuses_unknown_filters(db):
    for bad in ({"kinds": ("party",)}, {"tags": ("x",)}, {"access": ("lift",)}, {"sort": "random"}, {"page": 0},
                {"date_from": date(2027, 3, 9), "date_to": date(2027, 3, 1)}):
        with pytest.raises(EventError):
            _search(db, **bad)


def test_occurrences_for_jobs(db, settings):
    from store.events.search import upcoming_occurrences

    event = make_event(db, settings, recurrence="weekly", repeat_until=date(2027, 3, 23))
    found = upcoming_occurrences(db, start=NOW, end=NOW + timedelta(days=10))
    assert [o.id for o in found if o.event_id == event.id] == [o.id for o in event.occurrences[:2]]
    assert db.scalar(select(func.count(Occurrence.id)).where(Occurrence.event_id == event.id)) == 3
