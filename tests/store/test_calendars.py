"""Calendar files parsed back with icalendar: series with RRULE and EXDATE, single dates, personal feeds."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from event_factories import NOW, make_event
from factories import make_user
from icalendar import Calendar

from store.events import calendars, signups
from store.events.admin import cancel_event, cancel_occurrence

LONDON = ZoneInfo("Europe/London")


def _events(ics: bytes):
    cal = Calendar.from_ical(ics)
    return cal, [c for c in cal.walk("VEVENT")]


def test_a_series_has_a_repeat_rule_skips_and_its_time_zone(db, settings):
    event = make_event(db, settings, recurrence="fortnightly", repeat_until=date(2027, 5, 4),
                       skipped_dates=(date(2027, 3, 23),))
    cancel_occurrence(db, settings, event.occurrences[2], by=event.centre.organisers[0], now=NOW)  # 20 April
    cal, (vevent,) = _events(calendars.event_calendar(event, settings))
    assert str(vevent["uid"]) == f"event-{event.id}@localhost"
    start = vevent.decoded("dtstart")
    assert start == datetime(2027, 3, 9, 12, 30, tzinfo=LONDON) and vevent["dtstart"].params["TZID"] == "Europe/London"
    assert vevent.decoded("dtend").time() == time(14, 0)
    rule = vevent["rrule"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [2]
    assert rule["UNTIL"][0].astimezone(LONDON).date() == date(2027, 5, 4)
    excluded = sorted(d.dt.date() for d in vevent["exdate"].dts) if not isinstance(vevent["exdate"], list) else \
        sorted(d.dt.date() for ex in vevent["exdate"] for d in ex.dts)
    assert excluded == [date(2027, 3, 23), date(2027, 4, 20)]
    assert str(vevent["status"]) == "CONFIRMED" and int(vevent["sequence"]) == 1
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert "Tuesday lunch club" == str(vevent["summary"]) and event.centre.name in str(vevent["description"])


def test_monthly_series_uses_the_weekday_position(db, settings):
    event = make_event(db, settings, recurrence="monthly", repeat_until=date(2027, 7, 31))
    _, (vevent,) = _events(calendars.event_calendar(event, settings))
    assert vevent["rrule"]["FREQ"] == ["MONTHLY"] and vevent["rrule"]["BYDAY"] == ["2TU"]


def test_a_cancelled_event_says_so(db, settings):
    event = make_event(db, settings)
    cancel_event(db, settings, event, by=event.centre.organisers[0], now=NOW)
    _, (vevent,) = _events(calendars.event_calendar(event, settings))
    _, (single,) = _events(calendars.occurrences_calendar(event.occurrences, settings))
    assert str(vevent["status"]) == "CANCELLED" and str(single["status"]) == "CANCELLED"


def test_single_dates_after_the_clock_change_keep_local_time(db, settings):
    event = make_event(db, settings, recurrence="weekly", repeat_until=date(2027, 4, 6))
    _, vevents = _events(calendars.occurrences_calendar(event.occurrences, settings))
    assert [v.decoded("dtstart").astimezone(LONDON).strftime("%H:%M") for v in vevents] == ["12:30"] * 5
    assert vevents[-1].decoded("dtstart").utcoffset().total_seconds() == 3600
    assert len({str(v["uid"]) for v in vevents}) == 5


def test_personal_feed_holds_only_ones_own_and_can_be_revoked(db, settings):
    event = make_event(db, settings, capacity=1)
    other_event = make_event(db, settings, centre=event.centre, title="Walk and talk", kind="exercise")
    me, someone = make_user(db), make_user(db)
    signups.sign_up(db, settings, event.occurrences[0].id, someone, now=NOW)
    signups.sign_up(db, settings, event.occurrences[0].id, me, now=NOW)  # waiting list
    signups.sign_up(db, settings, other_event.occurrences[0].id, me, now=NOW)
    token = calendars.new_feed(db, me.id)
    assert calendars.feed_user_id(db, token) == me.id and calendars.has_feed(db, me.id)
    cal, vevents = _events(calendars.personal_calendar(signups.signups_for_user(db, me.id), settings))
    assert str(cal["x-wr-calname"]) == "Hearth: my events"
    summaries = sorted(str(v["summary"]) for v in vevents)
    assert summaries == ["Tuesday lunch club (waiting list)", "Walk and talk"]
    assert sorted(str(v["status"]) for v in vevents) == ["CONFIRMED", "TENTATIVE"]

    fresh = calendars.new_feed(db, me.id)
    assert calendars.feed_user_id(db, token) is None and calendars.feed_user_id(db, fresh) == me.id
    assert calendars.revoke_feed(db, me.id) and calendars.feed_user_id(db, fresh) is None
    assert calendars.feed_user_id(db, "") is None and calendars.feed_user_id(db, "x" * 500) is None
