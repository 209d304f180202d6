"""How a place for a date reads: one function per audience (residents, organisers, calendars).

Every page, feed, email and export that says where someone stands for a date calls these, so the
event page, "your events", the home page, the calendar feed and the roster always agree.
"""

from __future__ import annotations

from store.events.models import STATUS_LABELS, SignUp, SignupStatus

__all__ = ["resident_seat_words", "resident_seat_short", "organiser_seat_words", "calendar_status", "calendar_note"]


def resident_seat_words(status: SignupStatus | None, position: int | None = None) -> str:
    """What a resident reads about their own place for a date, as a sentence.

    >>> resident_seat_words(SignupStatus.WAITLISTED, 6)
    "You're number 6 on the waiting list. If a seat comes free, it's yours and we'll tell you."
    >>> resident_seat_words(SignupStatus.HELD)
    "A seat is kept for you while you answer your group's invitation."
    """
    if status is None:
        return "You haven't signed up for this date."
    if status == SignupStatus.CONFIRMED:
        return "You have a seat. It's in your calendar."
    if status == SignupStatus.HELD:
        return "A seat is kept for you while you answer your group's invitation."
    if status == SignupStatus.WAITLISTED:
        if position:
            return f"You're number {position} on the waiting list. If a seat comes free, it's yours and we'll tell you."
        return "You're on the waiting list. If a seat comes free, it's yours and we'll tell you."
    if status == SignupStatus.ATTENDED:
        return "You came. Thank you for joining in."
    if status == SignupStatus.NO_SHOW:
        return "You were booked but couldn't come."
    return "You cancelled your place."


def resident_seat_short(status: SignupStatus | None, position: int | None = None) -> str:
    """The same, as a short label for lists ("waiting list, number 3")."""
    if status == SignupStatus.CONFIRMED:
        return "you have a seat"
    if status == SignupStatus.HELD:
        return "seat kept while you answer your group"
    if status == SignupStatus.WAITLISTED:
        return f"waiting list, number {position}" if position else "waiting list"
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


def calendar_note(status: SignupStatus | None) -> str:
    """What a calendar entry's title adds for a place that is not a confirmed seat."""
    if status == SignupStatus.WAITLISTED:
        return " (waiting list)"
    if status == SignupStatus.HELD:
        return " (seat kept while you answer your group)"
    return ""
