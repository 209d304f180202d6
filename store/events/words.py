"""How a place for a date reads: one function per audience (residents, organisers, calendars).

Every page, feed, email and export that says where someone stands for a date calls these, so the
event page, "your events", the home page, the calendar feed and the roster always agree.
"""

from __future__ import annotations

from datetime import date, time

from store.events.models import STATUS_LABELS, SeatCount, SignUp, SignupStatus

__all__ = [
    "resident_seat_words", "resident_seat_short", "organiser_seat_words", "calendar_status", "calendar_note",
    "public_calendar_status", "schema_event_status", "seats_left_words", "going_words", "roster_name",
    "guest_words", "guests_allowed_words", "place_words", "schedule_words", "next_dates_words", "short_date",
    "change_told_words", "search_count_words", "organiser_seats_words", "cancel_told_words",
]


def resident_seat_words(status: SignupStatus | None, position: int | None = None, guests: int = 0) -> str:
    """What a resident reads about their own place for a date, as a sentence.

    >>> resident_seat_words(SignupStatus.WAITLISTED, 6)
    "You're number 6 on the waiting list. If a seat comes free, it's yours and we'll tell you."
    >>> resident_seat_words(SignupStatus.HELD)
    "A seat is kept for you while you answer your group's invitation."
    >>> resident_seat_words(SignupStatus.CONFIRMED, guests=1)
    "You have a seat, and so does your guest. It's in your calendar."
    """
    if status is None:
        return "You haven't signed up for this date."
    if status == SignupStatus.CONFIRMED:
        if guests:
            who = "your guest" if guests == 1 else f"your {guests} guests"
            return f"You have a seat, and so does {who}. It's in your calendar."
        return "You have a seat. It's in your calendar."
    if status == SignupStatus.HELD:
        return "A seat is kept for you while you answer your group's invitation."
    if status == SignupStatus.WAITLISTED:
        with_guests = f" (with {_plural(guests, 'guest', 'guests')})" if guests else ""
        room = "seats come free for you all, they're yours" if guests else "a seat comes free, it's yours"
        if position:
            return f"You're number {position} on the waiting list{with_guests}. If {room} and we'll tell you."
        return f"You're on the waiting list{with_guests}. If {room} and we'll tell you."
    if status == SignupStatus.ATTENDED:
        return "You came. Thank you for joining in."
    if status == SignupStatus.NO_SHOW:
        return "You were booked but couldn't come."
    return "You cancelled your place."


def resident_seat_short(status: SignupStatus | None, position: int | None = None, guests: int = 0) -> str:
    """The same, as a short label for lists ("waiting list, number 3", "you have a seat, +1 guest")."""
    extra = f", {guest_words(guests)}" if guests and status in (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED) else ""
    if status == SignupStatus.CONFIRMED:
        return "you have a seat" + extra
    if status == SignupStatus.HELD:
        return "seat kept while you answer your group"
    if status == SignupStatus.WAITLISTED:
        return (f"waiting list, number {position}" if position else "waiting list") + extra
    if status == SignupStatus.ATTENDED:
        return "you came"
    if status == SignupStatus.NO_SHOW:
        return "you couldn't come"
    if status == SignupStatus.CANCELLED:
        return "cancelled"
    return "not signed up"


def organiser_seat_words(signup: SignUp, position: int | None = None) -> str:
    """How one person's place reads on an organiser's list and in its CSV."""
    if signup.status == SignupStatus.WAITLISTED:
        return f"Waiting list (number {position})" if position else "Waiting list"
    return STATUS_LABELS[signup.status]


def calendar_status(status: SignupStatus | None, *, cancelled_date: bool = False) -> str:
    """The iCalendar STATUS of a date in a personal feed: only a confirmed seat is CONFIRMED."""
    if cancelled_date or status in (None, SignupStatus.CANCELLED):
        return "CANCELLED"
    if status in (SignupStatus.CONFIRMED, SignupStatus.ATTENDED, SignupStatus.NO_SHOW):
        return "CONFIRMED"
    return "TENTATIVE"


def public_calendar_status(cancelled: bool) -> str:
    """The iCalendar STATUS of a date in a centre's public feed: it happens, or it is cancelled."""
    return "CANCELLED" if cancelled else "CONFIRMED"


def schema_event_status(cancelled: bool) -> str:
    """The schema.org ``eventStatus`` of a public date (JSON-LD on its page and in the feeds)."""
    return "https://schema.org/" + ("EventCancelled" if cancelled else "EventScheduled")


def calendar_note(status: SignupStatus | None) -> str:
    """What a calendar entry's title adds for a place that is not a confirmed seat."""
    if status == SignupStatus.WAITLISTED:
        return " (waiting list)"
    if status == SignupStatus.HELD:
        return " (seat kept while you answer your group)"
    return ""


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def seats_left_words(capacity: int, taken: int, waiting: int = 0) -> str:
    """What anyone reads about room on a date: "3 seats left", "Full: you can join the waiting list".

    >>> seats_left_words(10, 9)
    '1 seat left'
    >>> seats_left_words(4, 4, 2)
    'Full: you can join the waiting list (2 waiting)'
    """
    left = max(capacity - taken, 0)
    if left == 0:
        return "Full: you can join the waiting list" + (f" ({waiting} waiting)" if waiting else "")
    return _plural(left, "seat left", "seats left")


def going_words(capacity: int, count: SeatCount, names=()) -> str:
    """How many are going and how much room is left, for the events list, the event page and the
    home page: "7 going, 3 seats left", with first names of those who agreed to show them.

    ``names`` are ``(first name, guests)`` of people going who agreed to show it; the rest are counted.

    >>> going_words(10, SeatCount(going=7))
    '7 going, 3 seats left'
    >>> going_words(4, SeatCount(going=4, waiting=1), [("Pat", 1)])
    '4 going. Full: you can join the waiting list (1 waiting). Coming: Pat (+1 guest) and 2 others.'
    >>> going_words(6, SeatCount())
    '6 seats left, nobody signed up yet'
    """
    room = seats_left_words(capacity, count.taken, count.waiting)
    if count.going == 0:
        if count.held:
            return f"{room}; some seats are kept for a group"
        return f"{room}, nobody signed up yet"
    going = f"{count.going} going"
    text = f"{going}, {room}" if count.taken < capacity else f"{going}. {room}"
    names = list(names)
    if names:
        labels = [roster_name(name, guests) for name, guests in names]
        others = count.going - sum(1 + guests for _, guests in names)
        if others > 0:
            listed = ", ".join(labels) + f" and {_plural(others, 'other', 'others')}"
        else:
            listed = ", ".join(labels[:-1]) + (" and " if len(labels) > 1 else "") + labels[-1]
        text += f". Coming: {listed}."
    return text


def guest_words(guests: int) -> str:
    """ "+1 guest", "+2 guests", or nothing."""
    return f"+{_plural(guests, 'guest', 'guests')}" if guests else ""


def roster_name(name: str, guests: int) -> str:
    """A person on a list with their guests: "Pat (+1 guest)".

    >>> roster_name("Pat", 1), roster_name("Sam", 0)
    ('Pat (+1 guest)', 'Sam')
    """
    return f"{name} ({guest_words(guests)})" if guests else name


def guests_allowed_words(max_guests: int) -> str:
    """What an event says about guests: "You can bring 1 guest" / "Just for residents: no guests"."""
    if not max_guests:
        return "Just for residents: no guests this time."
    if max_guests == 1:
        return "You can bring a guest; they take a seat too."
    return f"You can bring up to {max_guests} guests; each takes a seat."


def place_words(place_name: str, centre_name: str) -> str:
    """Where, with the centre running it, said once when the venue is the centre itself.

    >>> place_words("Hyde Park Community Hall", "Hyde Park Community Hall")
    'Hyde Park Community Hall'
    >>> place_words("St Mark's Church Hall", "Hyde Park Community Hall")
    "St Mark's Church Hall, run by Hyde Park Community Hall"
    """
    if not centre_name or place_name.strip().casefold() == centre_name.strip().casefold():
        return place_name
    return f"{place_name}, run by {centre_name}"


def short_date(day: date) -> str:
    """ "8 Dec": a date in a list of next dates."""
    return f"{day.day} {day:%b}"


def next_dates_words(days) -> str:
    """ "next: 8 Dec, 15 Dec, 22 Dec" (or nothing when there are none)."""
    days = list(days)
    return "next: " + ", ".join(short_date(d) for d in days) if days else ""


_EVERY = {"weekly": "Every", "fortnightly": "Every other", "monthly": "Every month on the"}
_ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


def schedule_words(recurrence: str, first: date, start: time, end: time, *, nth: int | None = None,
                   next_days=()) -> str:
    """When an event happens, the same on the events list, the event page and organisers' pages.

    A one-off says its date; a repeating event says its rhythm and its next dates.

    >>> schedule_words("none", date(2026, 12, 8), time(16), time(17, 30))
    'Once, on Tuesday 8 December, 16:00 to 17:30'
    >>> schedule_words("weekly", date(2026, 12, 1), time(12, 30), time(14),
    ...                next_days=[date(2026, 12, 8), date(2026, 12, 15), date(2026, 12, 22)])
    'Every Tuesday, 12:30 to 14:00 · next: 8 Dec, 15 Dec, 22 Dec'
    >>> schedule_words("monthly", date(2026, 12, 8), time(10), time(11), nth=2)
    'Every month on the second Tuesday, 10:00 to 11:00'
    """
    hours = f"{start:%H:%M} to {end:%H:%M}"
    if recurrence == "none":
        day = next(iter(next_days), first)
        return f"Once, on {day:%A} {day.day} {day:%B}, {hours}"
    weekday = f"{first:%A}"
    if recurrence == "monthly":
        rhythm = f"Every month on the {_ORDINAL.get(nth or 1, 'first')} {weekday}"
    else:
        rhythm = f"{_EVERY.get(recurrence, 'Every')} {weekday}"
    text = f"{rhythm}, {hours}"
    nxt = next_dates_words(next_days)
    return f"{text} · {nxt}" if nxt else text


def change_told_words(told: int, signed_up: int) -> str:
    """What an organiser reads after saving changes to an event: what was actually said to whom.

    >>> change_told_words(0, 0)
    'Your changes are saved. Nobody had signed up yet, so no one needed telling.'
    >>> change_told_words(3, 3)
    "Your changes are saved. We've told the 3 people signed up what changed."
    """
    saved = "Your changes are saved."
    if told == 0 and signed_up == 0:
        return f"{saved} Nobody had signed up yet, so no one needed telling."
    if told == 0:
        return f"{saved} The dates, times and place are as they were, so nobody needed a message."
    if told >= signed_up:
        who = "the person" if told == 1 else f"the {told} people"
        return f"{saved} We've told {who} signed up what changed."
    return f"{saved} We've told the {_plural(told, 'person', 'people')} whose dates changed."


def search_count_words(count: int, text: str = "") -> str:
    """ "12 events match ‘walk’" / "No events match ‘walk’" / "3 events coming up".

    >>> search_count_words(12, "walk")
    '12 events match “walk”'
    >>> search_count_words(1)
    '1 event coming up'
    """
    if text:
        if count == 0:
            return f"No events match “{text}”"
        return f"{_plural(count, 'event matches', 'events match')} “{text}”"
    if count == 0:
        return "No events match just now"
    return f"{_plural(count, 'event', 'events')} coming up"


def organiser_seats_words(capacity: int, count: SeatCount) -> str:
    """The seats of a date on the organiser's list, guests included.

    >>> organiser_seats_words(12, SeatCount(going=7, held=2, waiting=3))
    '9 of 12 seats taken (2 held for group offers), 3 waiting.'
    """
    text = f"{count.taken} of {capacity} seats taken"
    if count.held:
        text += f" ({count.held} held for group offers)"
    if count.waiting:
        text += f", {count.waiting} waiting"
    return text + "."


def cancel_told_words(what: str, told: int) -> str:
    """What an organiser reads after cancelling a date or an event: who was actually told.

    >>> cancel_told_words("That date is cancelled.", 0)
    'That date is cancelled. Nobody had signed up, so no one needed telling.'
    >>> cancel_told_words("That date is cancelled.", 1)
    "That date is cancelled. We've told the 1 person signed up, with a calendar update."
    """
    if told == 0:
        return f"{what} Nobody had signed up, so no one needed telling."
    return f"{what} We've told the {_plural(told, 'person', 'people')} signed up, with a calendar update."
