"""The one time-slot rule and the one "in N days" rule, case by case, clocks changing included."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from matcher.slots import SLOTS, days_until, time_slot, when_words

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")

# (a UTC instant, the event's zone, the slot). 2026-03-29 and 2026-10-25 are the Sundays on
# which the UK's clocks go forward (01:00 UTC) and back (01:00 UTC).
SLOT_CASES = [
    (datetime(2026, 5, 5, 1, 0, tzinfo=UTC), "UTC", "mon_evening"),  # 01:00 on a Tuesday: Monday night
    (datetime(2026, 5, 5, 0, 0, tzinfo=UTC), "UTC", "mon_evening"),  # midnight
    (datetime(2026, 5, 5, 4, 59, tzinfo=UTC), "UTC", "mon_evening"),
    (datetime(2026, 5, 5, 5, 0, tzinfo=UTC), "UTC", "tue_morning"),
    (datetime(2026, 5, 5, 11, 59, tzinfo=UTC), "UTC", "tue_morning"),
    (datetime(2026, 5, 5, 12, 0, tzinfo=UTC), "UTC", "tue_afternoon"),
    (datetime(2026, 5, 5, 16, 59, tzinfo=UTC), "UTC", "tue_afternoon"),
    (datetime(2026, 5, 5, 17, 0, tzinfo=UTC), "UTC", "tue_evening"),
    (datetime(2026, 5, 5, 23, 59, tzinfo=UTC), "UTC", "tue_evening"),
    (datetime(2026, 5, 4, 0, 30, tzinfo=UTC), "UTC", "sun_evening"),  # Monday 00:30 wraps to Sunday
    # 01:00 on a Tuesday in London in summer is 00:00 UTC: read on the event's clock, not UTC's
    (datetime(2026, 5, 5, 0, 0, tzinfo=UTC), "Europe/London", "mon_evening"),
    (datetime(2026, 5, 5, 11, 30, tzinfo=UTC), "Europe/London", "tue_afternoon"),  # 12:30 BST
    (datetime(2026, 1, 6, 11, 30, tzinfo=UTC), "Europe/London", "tue_morning"),  # 11:30 GMT
    # the clocks go forward: 04:30 UTC is 05:30 BST, a morning
    (datetime(2026, 3, 29, 4, 30, tzinfo=UTC), "Europe/London", "sun_morning"),
    (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Europe/London", "sat_evening"),  # 00:30 GMT
    (datetime(2026, 3, 29, 3, 59, tzinfo=UTC), "Europe/London", "sat_evening"),  # 04:59 BST
    # the clocks go back: 01:30 happens twice, both Saturday night; 04:30 UTC is 04:30 GMT
    (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Europe/London", "sat_evening"),  # 01:30 BST
    (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "Europe/London", "sat_evening"),  # 01:30 GMT
    (datetime(2026, 10, 25, 4, 30, tzinfo=UTC), "Europe/London", "sat_evening"),
    (datetime(2026, 10, 25, 5, 0, tzinfo=UTC), "Europe/London", "sun_morning"),
    # far from UTC: 18:00 on Friday in Los Angeles is Saturday 01:00 UTC
    (datetime(2026, 5, 9, 1, 0, tzinfo=UTC), "America/Los_Angeles", "fri_evening"),
]


@pytest.mark.parametrize(("instant", "zone", "slot"), SLOT_CASES)
def test_the_slot_of_an_instant_on_the_events_own_clock(instant, zone, slot):
    assert time_slot(instant, zone) == slot
    assert time_slot(instant, ZoneInfo(zone)) == slot
    assert time_slot(instant.astimezone(ZoneInfo(zone))) == slot  # the same, read on its own clock


def test_every_hour_of_a_week_has_exactly_one_slot_and_every_slot_is_used():
    start = datetime(2026, 5, 4, 0, 0)  # a Monday
    seen = {time_slot(start + timedelta(hours=h)) for h in range(24 * 7)}
    assert seen == set(SLOTS)


def test_a_naive_instant_with_a_zone_is_read_as_utc():
    assert time_slot(datetime(2026, 5, 5, 0, 0), "Europe/London") == "mon_evening"


# (event start UTC, now UTC, zone, calendar days on the event's clock)
DAY_CASES = [
    (datetime(2026, 5, 9, 9, 0, tzinfo=UTC), datetime(2026, 5, 4, 10, 0, tzinfo=UTC), "UTC", 5),
    # 4 days and 23 hours away, but five calendar days: "in 5 days", never "in 4 days"
    (datetime(2026, 5, 9, 9, 0, tzinfo=UTC), datetime(2026, 5, 4, 10, 0, tzinfo=UTC), "Europe/London", 5),
    (datetime(2026, 5, 9, 9, 0, tzinfo=UTC), datetime(2026, 5, 4, 22, 59, tzinfo=UTC), "Europe/London", 5),
    # around midnight: 23:30 BST Monday is 22:30 UTC; an event at 00:30 BST Tuesday is tomorrow
    (datetime(2026, 5, 4, 23, 30, tzinfo=UTC), datetime(2026, 5, 4, 22, 30, tzinfo=UTC), "Europe/London", 1),
    # ... though both are the same day in UTC
    (datetime(2026, 5, 4, 23, 30, tzinfo=UTC), datetime(2026, 5, 4, 22, 30, tzinfo=UTC), "UTC", 0),
    # at 00:10 BST the day has turned in London while it is still yesterday in UTC
    (datetime(2026, 5, 6, 17, 0, tzinfo=UTC), datetime(2026, 5, 4, 23, 10, tzinfo=UTC), "Europe/London", 1),
    (datetime(2026, 5, 5, 8, 0, tzinfo=UTC), datetime(2026, 5, 5, 7, 0, tzinfo=UTC), "Europe/London", 0),
    # across the clocks going forward (a 23-hour day) and back (a 25-hour day)
    (datetime(2026, 3, 30, 9, 0, tzinfo=UTC), datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "Europe/London", 2),
    (datetime(2026, 10, 26, 0, 30, tzinfo=UTC), datetime(2026, 10, 24, 23, 30, tzinfo=UTC), "Europe/London", 1),
    # 24 hours from 00:30 BST on the 25-hour day is 23:30 GMT the same day: "today"
    (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), datetime(2026, 10, 24, 23, 30, tzinfo=UTC), "Europe/London", 0),
]


@pytest.mark.parametrize(("start", "now", "zone", "days"), DAY_CASES)
def test_calendar_days_until_on_the_events_clock(start, now, zone, days):
    assert days_until(start, now, zone) == days
    assert days_until(start.astimezone(ZoneInfo(zone)), now) == days  # start's own clock


def test_words_for_how_soon():
    assert [when_words(d) for d in (0, 1, 2, 5)] == ["today", "tomorrow", "in 2 days", "in 5 days"]
