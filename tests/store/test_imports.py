"""Importing events from iCalendar: recurrence into Hearth's own, a preview that saves nothing,
a second import that creates nothing, changes, skips with reasons, and bad files named by line."""

from __future__ import annotations

from datetime import date, time

import pytest
from event_factories import NOW, make_organiser
from factories import make_centre, make_user
from sqlalchemy import func, select

from store.events import imports
from store.events.admin import cancel_occurrence
from store.events.ical_check import CalendarFileError
from store.events.imports import CHANGE, CREATE, SKIP, import_summary_words, plan_import, run_import
from store.events.models import Event, EventError
from store.places import geocoding


def ics(*events: str, head: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n{head}{body}END:VCALENDAR\r\n".encode()


def ev(uid: str, summary: str, start: str, end: str, *extra: str) -> str:
    lines = [f"UID:{uid}", f"SUMMARY:{summary}", f"DTSTART;TZID=Europe/London:{start}",
             f"DTEND;TZID=Europe/London:{end}", *extra]
    return "\r\n".join(lines)


LUNCH = ev("lunch@oak", "Tuesday lunch", "20270309T123000", "20270309T140000",
           "RRULE:FREQ=WEEKLY;UNTIL=20270420T123000Z", "EXDATE;TZID=Europe/London:20270323T123000",
           "DESCRIPTION:Soup and company.")
YOGA = ev("yoga@oak", "Chair yoga", "20270311T100000", "20270311T110000", "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4")
QUIZ = ev("quiz@oak", "Quiz night", "20270313T190000", "20270313T210000", "RRULE:FREQ=MONTHLY;BYDAY=2SA;COUNT=3")
WALK = "UID:walk@oak\r\nSUMMARY:Park walk\r\nDTSTART:20270314T100000Z\r\nDURATION:PT1H30M"


@pytest.fixture
def oak(db):
    centre = make_centre(db, name="Oak Hall")
    centre.timezone = "Europe/London"
    return centre, make_organiser(db, centre)


def _events(db, centre):
    return list(db.scalars(select(Event).where(Event.centre_id == centre.id).order_by(Event.title)))


def test_recurrence_becomes_hearths_own_and_times_their_zone(db, settings, oak):
    centre, organiser = oak
    plan = run_import(db, settings, centre, ics(LUNCH, YOGA, QUIZ, WALK), by=organiser, kind="meal", capacity=12,
                      now=NOW)
    assert [r.action for r in plan.rows] == [CREATE] * 4
    events = {e.title: e for e in _events(db, centre)}
    lunch = events["Tuesday lunch"]
    assert (lunch.recurrence, lunch.start_date, lunch.repeat_until) == ("weekly", date(2027, 3, 9), date(2027, 4, 20))
    assert lunch.skipped_dates == ["2027-03-23"] and lunch.import_uid == "lunch@oak"
    assert [o.local_date.day for o in lunch.occurrences] == [9, 16, 30, 6, 13, 20]
    assert (lunch.start_time, lunch.end_time, lunch.kind, lunch.capacity) == (time(12, 30), time(14), "meal", 12)
    assert lunch.description == "Soup and company."
    yoga = events["Chair yoga"]
    assert yoga.recurrence == "fortnightly" and len(yoga.occurrences) == 4 and yoga.repeat_until == date(2027, 4, 22)
    quiz = events["Quiz night"]
    assert quiz.recurrence == "monthly" and [o.local_date for o in quiz.occurrences] == [
        date(2027, 3, 13), date(2027, 4, 10), date(2027, 5, 8)]
    walk = events["Park walk"]  # 10:00 UTC in March is 10:00 in London; the centre's clock is what's kept
    assert walk.recurrence == "none" and (walk.start_time, walk.end_time) == (time(10), time(11, 30))
    assert walk.venue is None


def test_a_summer_utc_time_is_kept_as_the_centres_clock_time(db, settings, oak):
    centre, organiser = oak
    run_import(db, settings, centre, ics("UID:x\r\nSUMMARY:Picnic\r\nDTSTART:20270612T110000Z\r\n"
                                         "DTEND:20270612T130000Z"), by=organiser, now=NOW)
    (picnic,) = _events(db, centre)
    assert (picnic.start_time, picnic.end_time) == (time(12), time(14))  # BST


def test_the_preview_saves_nothing_and_a_second_import_creates_nothing(db, settings, oak):
    centre, organiser = oak
    data = ics(LUNCH, YOGA)
    preview = plan_import(db, settings, centre, data, now=NOW)
    assert [r.action for r in preview.rows] == [CREATE, CREATE] and _events(db, centre) == []
    assert "Every week" in preview.rows[0].when or "Tuesday" in preview.rows[0].when
    run_import(db, settings, centre, data, by=organiser, now=NOW)
    again = run_import(db, settings, centre, data, by=organiser, now=NOW)
    assert [r.action for r in again.rows] == [SKIP, SKIP] and "nothing about it has changed" in again.rows[0].reason
    assert len(_events(db, centre)) == 2
    assert import_summary_words(again) == "2 left as they are"


def test_a_changed_event_in_the_file_is_a_change_and_keeps_dates_cancelled_in_hearth(db, settings, oak):
    centre, organiser = oak
    run_import(db, settings, centre, ics(LUNCH), by=organiser, now=NOW)
    (lunch,) = _events(db, centre)
    cancel_occurrence(db, settings, lunch.occurrences[1], by=organiser, now=NOW)  # 16 March, in Hearth
    moved = LUNCH.replace("T140000", "T143000").replace("Tuesday lunch", "Tuesday lunch club")
    plan = run_import(db, settings, centre, ics(moved), by=organiser, now=NOW)
    (row,) = plan.rows
    assert row.action == CHANGE and "title" in row.reason and "end time" in row.reason
    db.refresh(lunch)
    assert lunch.title == "Tuesday lunch club" and lunch.end_time == time(14, 30)
    assert "2027-03-16" in lunch.skipped_dates and len(_events(db, centre)) == 1


def test_what_hearth_cannot_follow_is_skipped_with_a_reason(db, settings, oak, monkeypatch):
    centre, organiser = oak

    def nowhere(session, settings_, query):
        raise geocoding.PlaceNotFound("nothing")

    monkeypatch.setattr(geocoding, "geocode", nowhere)
    data = ics(
        ev("daily", "Breakfast", "20270309T080000", "20270309T090000", "RRULE:FREQ=DAILY;COUNT=5"),
        "UID:allday\r\nSUMMARY:Open day\r\nDTSTART;VALUE=DATE:20270320\r\nDTEND;VALUE=DATE:20270321",
        ev("old", "Last year's fair", "20260309T100000", "20260309T120000"),
        ev("off", "Cancelled talk", "20270310T100000", "20270310T120000", "STATUS:CANCELLED"),
        ev("lunch@oak", "Tuesday lunch", "20270316T123000", "20270316T150000",
           "RECURRENCE-ID;TZID=Europe/London:20270316T123000"),
        ev("late", "Late show", "20270310T220000", "20270311T010000"),
        ev("event-5@localhost", "From Hearth", "20270310T100000", "20270310T120000"),
        ev("twice", "Twice", "20270310T100000", "20270310T120000"),
        ev("twice", "Twice", "20270310T100000", "20270310T120000"),
        ev("far", "Far away", "20270310T100000", "20270310T120000"),
        ev("backwards", "Backwards", "20270310T120000", "20270310T100000"),
    )
    data = data.replace(b"UID:far\r\n", b"UID:far\r\nLOCATION:Qwxyz Street, Atlantis\r\n")
    plan = plan_import(db, settings, centre, data, now=NOW)
    reasons = {r.title: r.reason for r in plan.rows if r.action == SKIP}
    assert "every day" in reasons["Breakfast"] and "all day" in reasons["Open day"]
    assert "already passed" in reasons["Last year's fair"] and "cancelled" in reasons["Cancelled talk"]
    assert "one date of a repeating event" in reasons["Tuesday lunch"] and "midnight" in reasons["Late show"]
    assert "from Hearth itself" in reasons["From Hearth"] and "Atlantis" not in reasons["Far away"]
    assert "find that address" in reasons["Far away"] and "midnight" in reasons["Backwards"]
    assert [r.action for r in plan.rows if r.title == "Twice"] == [CREATE, SKIP]
    assert plan.rows[0].line == 4  # the line of the event's BEGIN:VEVENT


def test_a_repeating_event_that_started_already_begins_at_its_next_date(db, settings, oak):
    centre, organiser = oak
    data = ics(ev("club", "Knit club", "20270101T140000", "20270101T160000", "RRULE:FREQ=WEEKLY"))
    (row,) = plan_import(db, settings, centre, data, now=NOW).rows
    assert row.action == CREATE and row.details.start_date == date(2027, 3, 12)  # the first Friday after NOW
    assert row.details.recurrence == "weekly" and "no end date" in row.reason
    assert row.details.repeat_until <= date(2028, 3, 12)


@pytest.mark.parametrize("data, line, column, words", [
    (b"hello", 1, 1, "BEGIN:VCALENDAR"),
    (ics(LUNCH).replace(b"SUMMARY:Tuesday lunch", b"SUMMARY Tuesday lunch"), 6, 8, "colon"),
    (ics(LUNCH).replace(b"END:VEVENT", b"END:VTODO"), 12, 5, "END:VTODO"),
    (ics(LUNCH).replace(b"END:VEVENT\r\nEND:VCALENDAR\r\n", b""), 11, None, "ends before"),
    (ics(LUNCH).replace(b"DTSTART;TZID=Europe/London:20270309T123000", b"DTSTART;TZID=Europe/London:2027-03-09"),
     7, 28, "start"),
    (ics(LUNCH).replace(b"UNTIL=20270420T123000Z", b"UNTIL=soon"), 9, 7, "repeat rule"),
    (ics(LUNCH).replace(b"Soup", b"So\xffup"), 11, 15, "UTF-8"),
    (ics(), None, None, "no events"),
])
def test_a_bad_file_is_refused_naming_its_line_and_column(db, settings, oak, data, line, column, words):
    centre, organiser = oak
    with pytest.raises(CalendarFileError) as caught:
        plan_import(db, settings, centre, data, now=NOW)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert words in str(caught.value) and caught.value.field == "file"
    if line:
        assert str(caught.value).startswith(f"Line {line}")


def test_nothing_is_half_imported(db, settings, oak, monkeypatch):
    """When one event fails to save, the error stops the import before the request commits; the
    request's one commit point then rolls back the ones already made (as ``web.db.attempt`` does)."""
    centre, organiser = oak
    real = imports.create_event
    calls = []

    def failing(session, settings, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise EventError("The hall is double-booked.")
        return real(session, settings, **kwargs)

    monkeypatch.setattr(imports, "create_event", failing)
    savepoint = db.begin_nested()
    with pytest.raises(EventError, match="Nothing has been imported"):
        run_import(db, settings, centre, ics(LUNCH, YOGA), by=organiser, now=NOW)
    savepoint.rollback()
    assert db.scalar(select(func.count(Event.id)).where(Event.centre_id == centre.id)) == 0


def test_only_the_centres_organisers_may_import(db, settings, oak):
    centre, _ = oak
    other = make_organiser(db, make_centre(db))
    with pytest.raises(PermissionError):
        run_import(db, settings, centre, ics(LUNCH), by=other, now=NOW)
    with pytest.raises(PermissionError):
        run_import(db, settings, centre, ics(LUNCH), by=make_user(db), now=NOW)


def test_events_of_another_centre_with_the_same_uid_are_not_touched(db, settings, oak):
    centre, organiser = oak
    elm = make_centre(db, name="Elm House")
    run_import(db, settings, elm, ics(LUNCH), by=make_organiser(db, elm), now=NOW)
    plan = run_import(db, settings, centre, ics(LUNCH), by=organiser, now=NOW)
    assert [r.action for r in plan.rows] == [CREATE]
    assert len(_events(db, centre)) == len(_events(db, elm)) == 1


def test_control_characters_in_the_file_are_dropped(db, settings, oak):
    centre, organiser = oak
    data = ics(ev("odd", "Bingo\\nnight", "20270310T190000", "20270310T210000",
                  "DESCRIPTION:Prizes\\nand tea\x07\x00.\\n\\nAll welcome."))
    run_import(db, settings, centre, data, by=organiser, now=NOW)
    (bingo,) = _events(db, centre)
    assert bingo.title == "Bingo night" and bingo.description == "Prizes\nand tea.\n\nAll welcome."
