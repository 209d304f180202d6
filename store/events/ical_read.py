"""How one VEVENT of an iCalendar file reads as a Hearth event's details, or why it can't be.

Times are read in their own zone and kept as the centre's clock time; a repeat rule becomes
Hearth's own recurrence (weekly, fortnightly, or the same weekday each month) or a reason to
leave the event out; text loses control characters. Used by ``store.events.imports``.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import date, datetime, time, timedelta

from store.centres.models import Centre
from store.events.admin import EventDetails
from store.events.ical_check import CalendarFileError, EventLines
from store.events.models import MAX_SERIES_DAYS, Event
from store.events.times import expand_dates, local_datetime, monthly_position, zone

__all__ = ["Skipped", "plain", "event_uid", "check_values", "read_event", "raw_when"]

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

#: Properties whose value must be understood; a bad one is an error in the file, with its line.
_NEEDED = {"DTSTART": "start", "DTEND": "end", "DURATION": "length", "RRULE": "repeat rule",
           "EXDATE": "dates left out", "RECURRENCE-ID": "changed date"}


class Skipped(Exception):
    """An event an import leaves out, and why (in words for the organiser)."""


def plain(value, *, lines: bool = False) -> str:
    """Text from the file without control characters (kept line breaks only where ``lines``);
    on one line, runs of spaces become one."""
    text = str(value or "")
    if not lines:
        text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cs") or ch in "\n\t")
    if lines:
        return "\n".join(line.rstrip() for line in text.replace("\t", " ").split("\n")).strip()
    return " ".join(text.split())


def _local(value, tz: str) -> datetime:
    """A DTSTART/DTEND as a wall-clock time in the centre's zone (a floating time is taken as local)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=zone(tz))
    return value.astimezone(zone(tz))


def _day(value, tz: str) -> date:
    return _local(value, tz).date() if isinstance(value, datetime) else value


def _rule_words(freq: str, interval: int, byday: list[str]) -> str:
    if freq == "DAILY":
        return "every day" if interval == 1 else f"every {interval} days"
    if freq == "WEEKLY" and len(byday) > 1:
        return "on several days each week"
    if freq == "WEEKLY":
        return f"every {interval} weeks"
    if freq == "MONTHLY":
        return "on a date of the month" if not byday else "on a different weekday of the month"
    if freq == "YEARLY":
        return "every year"
    return "in its own way"


def _recurrence(rule, start: date) -> str:
    """Hearth's recurrence for an RRULE starting on ``start``; ``Skipped`` when Hearth can't follow it."""
    freq = str(rule.get("FREQ", [""])[0]).upper()
    interval = int(rule.get("INTERVAL", [1])[0] or 1)
    byday = [str(d).upper().lstrip("+") for d in rule.get("BYDAY", [])]
    weekday = _WEEKDAYS[start.weekday()]
    plain = not (set(rule) - {"FREQ", "INTERVAL", "UNTIL", "COUNT", "BYDAY", "WKST"})
    if plain and freq == "WEEKLY" and interval in (1, 2) and byday in ([], [weekday]):
        return "weekly" if interval == 1 else "fortnightly"
    if plain and freq == "MONTHLY" and interval == 1 and byday == [f"{monthly_position(start)}{weekday}"]:
        return "monthly"
    raise Skipped(f"It repeats {_rule_words(freq, interval, byday)}, which Hearth can't follow yet: Hearth events "
                "repeat every week, every two weeks, or on the same weekday each month. You could post it by hand.")


def _series(vevent, rule, start: date, recurrence: str, tz: str) -> tuple[list[date], set[date]]:
    """Every date of the series (before dates left out, past ones included), and the dates left out."""
    until, count = rule.get("UNTIL"), rule.get("COUNT")
    if until:
        last = _day(until[0], tz)
    elif count:
        weeks = int(count[0]) * (2 if recurrence == "fortnightly" else 1)
        last = start + timedelta(days=(31 if recurrence == "monthly" else 7) * weeks + 31)
    else:
        last = max(start, date.today()) + timedelta(days=MAX_SERIES_DAYS)
    days = expand_dates(start, recurrence, last) if last >= start else [start]
    if count:
        days = days[: int(count[0])]
    off: set[date] = set()
    exdates = vevent.get("exdate", [])
    for group in exdates if isinstance(exdates, list) else [exdates]:
        off |= {_day(d.dt, tz) for d in group.dts}
    return days, off


def _location(vevent, centre: Centre) -> tuple[str, str]:
    """(venue name, venue address) from LOCATION; both empty when it is the centre itself or not given."""
    text = plain(vevent.get("location", ""))
    folded = text.casefold()
    if not text or folded in {centre.name.casefold(), (centre.address or "").casefold()} or \
            folded.startswith(centre.name.casefold()):
        return "", ""
    return text.split(",")[0].strip()[:120], text[:300]


def event_uid(vevent, title: str, start) -> str:
    uid = plain(vevent.get("uid", ""))
    if uid:
        return uid[:255]
    return "no-uid-" + hashlib.sha256(f"{title}|{start}".encode("utf-8")).hexdigest()[:32]  # the same each time


def check_values(vevent, lines: EventLines) -> None:
    for name, message in getattr(vevent, "errors", []):
        if name.upper() in _NEEDED:
            line, column = lines.at(name)
            raw = str(vevent.get(name, "")).strip()
            raise CalendarFileError(f"The {_NEEDED[name.upper()]} “{raw[:60]}” isn't something we can read "
                                    f"({message}). Please check it, or export the calendar again.", line, column)


def read_event(vevent, centre: Centre, tz: str, now: datetime, existing: Event | None) -> tuple[EventDetails, str]:
    """The event's details as Hearth keeps them, and a note on how it was read; ``Skipped`` if it can't be."""
    if vevent.get("recurrence-id") is not None:
        raise Skipped("This is a change to one date of a repeating event. Hearth brings in the series; please make "
                    "that change on the date in Hearth.")
    if str(vevent.get("status", "")).upper() == "CANCELLED":
        raise Skipped("It is marked as cancelled in the file." + (" If it's off, please cancel it in Hearth too."
                                                                if existing is not None else ""))
    if vevent.get("dtstart") is None:
        raise Skipped("It has no start time.")
    start = vevent.decoded("dtstart")
    if not isinstance(start, datetime):
        raise Skipped("It lasts all day. Hearth events have a start and an end time; you could post it by hand.")
    if vevent.get("dtend") is not None:
        end = vevent.decoded("dtend")
    elif vevent.get("duration") is not None:
        end = start + vevent.decoded("duration")
    else:
        raise Skipped("It has no end time.")
    if not isinstance(end, datetime):
        raise Skipped("Its end has no time of day.")
    local_start, local_end = _local(start, tz), _local(end, tz)
    if local_end.date() != local_start.date() or local_end <= local_start:
        raise Skipped("It runs past midnight or over several days; Hearth events start and end on the same day.")
    first = local_start.date()
    start_time = time(local_start.hour, local_start.minute)
    end_time = time(local_end.hour, local_end.minute)
    recurrence, until, skipped, note = "none", None, (), ""
    rule = vevent.get("rrule")
    if rule is not None:
        recurrence = _recurrence(rule, first)
        days, off = _series(vevent, rule, first, recurrence, tz)
        kept = [d for d in days if d not in off]
        if existing is not None and existing.start_date in kept:
            upcoming = [d for d in kept if d >= existing.start_date]  # dates already in Hearth stay as they are
        else:
            upcoming = [d for d in kept if local_datetime(d, start_time, tz) > now]
        if not upcoming:
            raise Skipped("All its dates have already passed.")
        if recurrence == "monthly" and monthly_position(upcoming[0]) != monthly_position(first):
            raise Skipped("Its next date falls on a different week of the month; please post it by hand.")
        first = upcoming[0]
        limit = first + timedelta(days=MAX_SERIES_DAYS)
        if upcoming[-1] > limit:
            note = "Only its dates for the coming year are brought in; you can extend it later."
            upcoming = [d for d in upcoming if d <= limit]
        if not rule.get("UNTIL") and not rule.get("COUNT"):
            note = "It repeats with no end date, so its dates for the coming year are brought in."
        until = upcoming[-1]
        every = set(days)
        skipped = tuple(sorted(d for d in off if first < d < until and d in every))
        if len(upcoming) == 1:
            recurrence, until, skipped = "none", None, ()
    title = plain(vevent.get("summary", ""))
    if not title:
        raise Skipped("It has no title.")
    if len(title) > 120:
        title, note = title[:119] + "…", (note + " " if note else "") + "Its title is shortened to 120 characters."
    venue_name, venue_address = _location(vevent, centre)
    description = plain(vevent.get("description", ""), lines=True)[:5000]
    return EventDetails(title=title, kind="event", start_date=first, start_time=start_time, end_time=end_time,
                        description=description, recurrence=recurrence, repeat_until=until, skipped_dates=skipped,
                        venue_name=venue_name, venue_address=venue_address), note


def raw_when(vevent, tz: str) -> str:
    try:
        start = vevent.decoded("dtstart")
    except Exception:  # noqa: BLE001 - a skipped event's date is only shown, never used
        return ""
    if isinstance(start, datetime):
        local = _local(start, tz)
        return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M}"
    return f"{start:%A} {start.day} {start:%B %Y}" if isinstance(start, date) else ""
