"""Sign-ups: seats and waiting lists that never overbook, instant promotion, check-in and exports.

Every change to who holds a seat runs with the occurrence locked: ``SELECT ... FOR UPDATE`` on
PostgreSQL, a ``BEGIN IMMEDIATE`` write transaction on SQLite. Operations only flush.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import User
from store.centres.area import organiser_label
from store.core.db import utcnow
from store.events.models import (
    ACTIVE,
    HOLDS_SEAT,
    MAX_GUESTS,
    STANDING,
    TAKES_SEAT,
    EventError,
    Occurrence,
    SeatCount,
    SignUp,
    SignupStatus,
)
from store.events.notices import notify_from_centre, notify_promoted, notify_signed_up
from store.events.times import describe_time, to_local
from store.messages.headers import has_control_characters
from store.profiles.models import Profile

__all__ = [
    "begin_seat_change", "lock_occurrence", "seats_taken", "seat_summary", "going_names", "seat_counts", "confirm_seat",
    "own_occurrence", "signup_for", "waitlist_position", "waitlist_positions",
    "sign_up", "cancel_signup", "promote_waitlisted",
    "signups_for_user", "roster", "check_in", "check_in_open", "organiser_names",
    "message_attendees", "attendance_records",
]


def begin_seat_change(session: Session) -> None:
    """Start a session that will change seats as a writer: ``BEGIN IMMEDIATE`` on SQLite.

    Call it before the session's first query (a request or job that signs people up). SQLite then
    queues writers instead of failing one whose earlier read went stale. Elsewhere it does nothing.
    """
    if session.get_bind().dialect.name == "sqlite" and not session.in_transaction():
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def lock_occurrence(session: Session, occurrence_id: int) -> Occurrence | None:
    """Load an occurrence for a change of seats, holding the lock that serialises such changes.

    PostgreSQL locks the row (``FOR NO KEY UPDATE``: changes of seats wait for each other, while
    rows that only refer to the date, such as another job's recommendations, need not). SQLite has one writer at a time: a session begun
    with :func:`begin_seat_change` holds that lock from its start; one already inside a plain read
    transaction stays correct too (SQLite refuses a write from a stale snapshot rather than
    overbook) but may be told "database is locked" under contention.
    """
    dialect = session.get_bind().dialect.name
    begin_seat_change(session)
    query = select(Occurrence).where(Occurrence.id == occurrence_id).execution_options(populate_existing=True)
    if dialect != "sqlite":
        query = query.with_for_update(of=Occurrence, key_share=True)
    return session.scalar(query)


def _seats():
    """Seats one sign-up takes, in SQL: the person and their guests."""
    return 1 + SignUp.guests


def seats_taken(session: Session, occurrence_id: int) -> int:
    """Seats that count against the capacity: confirmed ones (with their guests) and those held
    for group offers. The one count every seat rule and every page reads."""
    return session.scalar(
        select(func.coalesce(func.sum(_seats()), 0))
        .where(SignUp.occurrence_id == occurrence_id, SignUp.status.in_(TAKES_SEAT))
    ) or 0


def seat_summary(session: Session, occurrence_ids) -> dict[int, SeatCount]:
    """``{occurrence id: SeatCount}`` for many occurrences in one query."""
    ids = list(occurrence_ids)
    found = {i: [0, 0, 0] for i in ids}
    if ids:
        rows = session.execute(
            select(SignUp.occurrence_id, SignUp.status, func.count(SignUp.id), func.sum(_seats()))
            .where(SignUp.occurrence_id.in_(ids), SignUp.status.in_(STANDING))
            .group_by(SignUp.occurrence_id, SignUp.status)
        )
        for occ_id, status, people, seats in rows:
            slot = 2 if status == SignupStatus.WAITLISTED else 1 if status == SignupStatus.HELD else 0
            found[occ_id][slot] += people if slot == 2 else int(seats or 0)
    return {i: SeatCount(*v) for i, v in found.items()}


def going_names(session: Session, occurrence_ids, *, limit: int = 8) -> dict[int, list[tuple[str, int]]]:
    """``{occurrence id: [(first name, guests), ...]}`` of people with a confirmed seat who agreed
    to show their first name (the profile's ``show_first_name``, as groups use it), earliest first.
    Everyone else is only counted (``seat_summary``)."""
    ids = list(occurrence_ids)
    found: dict[int, list[tuple[str, int]]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = session.execute(
        select(SignUp.occurrence_id, User.display_name, SignUp.guests)
        .join(User, User.id == SignUp.user_id)
        .join(Profile, Profile.user_id == SignUp.user_id)
        .where(SignUp.occurrence_id.in_(ids), SignUp.status.in_(HOLDS_SEAT), Profile.show_first_name.is_(True),
               User.is_active.is_(True))
        .order_by(SignUp.occurrence_id, SignUp.confirmed_at, SignUp.id)
    )
    for occ_id, name, guests in rows:
        first = (name or "").split()
        if first and len(found[occ_id]) < limit:
            found[occ_id].append((first[0], guests or 0))
    return found


def seat_counts(session: Session, occurrence_ids) -> dict[int, tuple[int, int]]:
    """``{occurrence id: (seats taken or held, people waiting)}`` for many occurrences in one query."""
    return {i: (c.taken, c.waiting) for i, c in seat_summary(session, occurrence_ids).items()}


def confirm_seat(signup: SignUp, now: datetime) -> None:
    """Make ``signup`` a confirmed seat (from the waiting list, a hold, or a new sign-up); the
    caller holds the occurrence's lock and has checked there is room."""
    signup.status, signup.confirmed_at, signup.queue_no = SignupStatus.CONFIRMED, now, None
    signup.hold_group_id = signup.held_from = None


def own_occurrence(session: Session, signup_id: int, user_id: int) -> Occurrence | None:
    """The date of ``user_id``'s own sign-up ``signup_id``, or ``None`` (someone else's: 404)."""
    return session.scalar(
        select(Occurrence).join(SignUp, SignUp.occurrence_id == Occurrence.id)
        .where(SignUp.id == signup_id, SignUp.user_id == user_id)
    )


def signup_for(session: Session, occurrence_id: int, user_id: int) -> SignUp | None:
    return session.scalar(select(SignUp).where(SignUp.occurrence_id == occurrence_id, SignUp.user_id == user_id))


def waitlist_position(session: Session, signup: SignUp) -> int | None:
    """1 for the first person waiting; ``None`` if this sign-up is not on the waiting list."""
    if signup.status != SignupStatus.WAITLISTED:
        return None
    ahead = session.scalar(
        select(func.count(SignUp.id)).where(
            SignUp.occurrence_id == signup.occurrence_id,
            SignUp.status == SignupStatus.WAITLISTED,
            SignUp.queue_no < signup.queue_no,
        )
    )
    return (ahead or 0) + 1


def waitlist_positions(rows: list[SignUp]) -> dict[int, int]:
    """:func:`waitlist_position` for all of one date's sign-ups at once (``rows``: every one of them),
    by sign-up id."""
    waiting = sorted((s for s in rows if s.status == SignupStatus.WAITLISTED), key=lambda s: (s.queue_no or 0, s.id))
    return {s.id: n for n, s in enumerate(waiting, start=1)}


def _check_open(occurrence: Occurrence, now: datetime) -> None:
    if occurrence.is_cancelled:
        raise EventError("Sorry, this date has been cancelled, so sign-ups are closed.")
    if now >= occurrence.starts_at:
        raise EventError("This has already started, so sign-ups are closed.")
    if now >= occurrence.signup_closes_at:
        closes = describe_time(occurrence.signup_closes_at, occurrence.event.timezone)
        raise EventError(f"Sign-ups for this date closed on {closes}.")


def _check_guests(occurrence: Occurrence, guests: int) -> None:
    allowed = occurrence.event.max_guests or 0
    if guests < 0 or guests > MAX_GUESTS:
        raise EventError("Please choose how many guests from the list.", "guests")
    if guests and not allowed:
        raise EventError("Sorry, this event doesn't take guests: it's just for residents.", "guests")
    if guests > allowed:
        raise EventError(f"You can bring up to {allowed} {'guest' if allowed == 1 else 'guests'} to this event.",
                         "guests")


def sign_up(session: Session, settings: Settings, occurrence_id: int, user: User,
            *, guests: int = 0, now: datetime | None = None) -> SignUp:
    """Give ``user`` (and their ``guests``) seats, or the next place on the waiting list when
    there is not room for all of them, or when others are already waiting (nobody jumps the queue).
    """

    occurrence = lock_occurrence(session, occurrence_id)
    now = now or utcnow()  # read after the lock, so the times follow the order people got in
    if occurrence is None:
        raise EventError("We couldn't find that date. It may have been removed.")
    _check_open(occurrence, now)
    _check_guests(occurrence, guests)
    signup = signup_for(session, occurrence.id, user.id)
    if signup is not None and signup.status == SignupStatus.HELD:
        # A seat was kept for them for a group offer: signing up makes it theirs, whatever they
        # answer the group. Guests need seats of their own beside it.
        if guests > signup.guests and \
                seats_taken(session, occurrence.id) + guests - signup.guests > occurrence.event.capacity:
            raise EventError("A seat is kept for you, but there isn't room for a guest just now. "
                             "Please keep your own seat without a guest.", "guests")
        signup.guests = guests
        confirm_seat(signup, now)
        session.flush()
        notify_signed_up(session, settings, signup, position=None)
        return signup
    if signup is not None and signup.status in ACTIVE:
        if signup.status == SignupStatus.WAITLISTED:
            raise EventError("You're already on the waiting list for this date.")
        raise EventError("You're already signed up for this date.")
    promote_waitlisted(session, settings, occurrence, now=now)  # nobody jumps the queue
    if signup is None:
        signup = SignUp(occurrence_id=occurrence.id, user_id=user.id, status=SignupStatus.CANCELLED)
        session.add(signup)
    signup.created_at, signup.cancelled_at, signup.checked_in_at = now, None, None
    signup.guests = guests
    someone_waiting = session.scalar(select(func.count(SignUp.id)).where(
        SignUp.occurrence_id == occurrence.id, SignUp.status == SignupStatus.WAITLISTED, SignUp.id != signup.id))
    if not someone_waiting and seats_taken(session, occurrence.id) + 1 + guests <= occurrence.event.capacity:
        confirm_seat(signup, now)
    else:
        last = session.scalar(select(func.max(SignUp.queue_no)).where(SignUp.occurrence_id == occurrence.id))
        signup.status, signup.waitlisted_at, signup.queue_no = SignupStatus.WAITLISTED, now, (last or 0) + 1
    session.flush()
    notify_signed_up(session, settings, signup, position=waitlist_position(session, signup))
    return signup


def cancel_signup(session: Session, settings: Settings, signup_id: int, user: User,
                  *, now: datetime | None = None) -> SignUp:
    """Cancel one's own sign-up; a freed seat goes at once to the first person waiting.

    Raises ``LookupError`` when the sign-up is not this person's (the caller answers 404).
    """
    occurrence_id = session.scalar(
        select(SignUp.occurrence_id).where(SignUp.id == signup_id, SignUp.user_id == user.id)
    )
    if occurrence_id is None:
        raise LookupError(signup_id)
    occurrence = lock_occurrence(session, occurrence_id)
    now = now or utcnow()
    signup = session.scalar(
        select(SignUp).where(SignUp.id == signup_id).execution_options(populate_existing=True)
    )
    if signup.status == SignupStatus.CANCELLED:
        raise EventError("You had already cancelled this one.")
    if signup.status == SignupStatus.HELD:
        raise EventError("This seat is kept for you while you answer your group's invitation. "
                         "Please say yes or no on the group's page.")
    if signup.status in (SignupStatus.ATTENDED, SignupStatus.NO_SHOW) or now >= occurrence.ends_at:
        raise EventError("This date has already happened, so there is nothing to cancel.")
    held_seat = signup.status in HOLDS_SEAT
    signup.status, signup.cancelled_at, signup.queue_no = SignupStatus.CANCELLED, now, None
    signup.guests = 0  # the guest's seat is freed with the person's
    session.flush()
    if held_seat and not occurrence.is_cancelled:
        promote_waitlisted(session, settings, occurrence, now=now)
    return signup


def promote_waitlisted(session: Session, settings: Settings, occurrence: Occurrence,
                       *, now: datetime | None = None) -> list[SignUp]:
    """Move people from the front of the waiting list into free seats, and tell each of them.

    Call with the occurrence locked (every caller in this module does).
    """

    now = now or utcnow()
    free = occurrence.event.capacity - seats_taken(session, occurrence.id)
    if free <= 0 or occurrence.is_cancelled or now >= occurrence.starts_at:
        return []
    waiting = list(
        session.scalars(
            select(SignUp)
            .where(SignUp.occurrence_id == occurrence.id, SignUp.status == SignupStatus.WAITLISTED)
            .order_by(SignUp.queue_no, SignUp.id)
            .limit(free)
        )
    )
    promoted = []
    for signup in waiting:
        if signup.seats > free:
            break  # the first in the queue waits for room for their guests too; nobody passes them
        confirm_seat(signup, now)
        free -= signup.seats
        promoted.append(signup)
    session.flush()
    for signup in promoted:
        notify_promoted(session, settings, signup)
    return promoted


def signups_for_user(session: Session, user_id: int, *, upcoming_after: datetime | None = None,
                     statuses=STANDING) -> list[SignUp]:
    """A person's own sign-ups, soonest first (only theirs: the query is scoped by ``user_id``)."""
    query = select(SignUp).join(SignUp.occurrence).where(SignUp.user_id == user_id, SignUp.status.in_(statuses))
    if upcoming_after is not None:
        query = query.where(Occurrence.ends_at > upcoming_after)
    return list(session.scalars(query.order_by(Occurrence.starts_at, SignUp.id)))


def roster(session: Session, occurrence_id: int) -> list[SignUp]:
    """Everyone for one date: seats first (in sign-up order), then seats held for group offers,
    then the waiting list in its order."""
    rows = list(session.scalars(select(SignUp).where(SignUp.occurrence_id == occurrence_id)))
    rank = {SignupStatus.CONFIRMED: 0, SignupStatus.ATTENDED: 0, SignupStatus.NO_SHOW: 0, SignupStatus.HELD: 1,
            SignupStatus.WAITLISTED: 2, SignupStatus.CANCELLED: 3}
    return sorted(rows, key=lambda s: (rank[s.status], s.queue_no or 0, s.confirmed_at or s.created_at, s.id))


def check_in_open(occurrence: Occurrence, now: datetime | None = None) -> bool:
    """Whether organisers may check people in for a date yet: from the day of the event (on
    the event's own clock) onwards. The list page and :func:`check_in` both ask this."""
    return to_local(now or utcnow(), occurrence.event.timezone).date() >= occurrence.local_date


def check_in(session: Session, occurrence: Occurrence, signup_id: int, status: SignupStatus,
             *, now: datetime | None = None) -> SignUp:
    """Mark someone as came / didn't come (or back to booked) on the day of the event.

    Raises ``LookupError`` when the sign-up is not for this occurrence.
    """
    now = now or utcnow()
    signup = session.scalar(select(SignUp).where(SignUp.id == signup_id, SignUp.occurrence_id == occurrence.id))
    if signup is None:
        raise LookupError(signup_id)
    if status not in HOLDS_SEAT:
        raise EventError("Please choose whether they came or not.")
    if signup.status not in HOLDS_SEAT:
        raise EventError("Only people with a seat can be checked in.")
    if not check_in_open(occurrence, now):
        raise EventError("You can check people in from the day of the event.")
    signup.status = status
    signup.checked_in_at = None if status == SignupStatus.CONFIRMED else now
    session.flush()
    return signup


def organiser_names(session: Session, settings: Settings, rows) -> dict[int, str]:
    """How each person on a list appears to organisers: their first name where they agreed to
    show it, otherwise a stable pseudonym ("Neighbour 48213"). Keyed by user id."""

    users = {s.user_id: s.user for s in rows}
    profiles = {p.user_id: p for p in session.scalars(select(Profile).where(Profile.user_id.in_(list(users))))} \
        if users else {}
    return {uid: organiser_label(user, profiles.get(uid), settings.secret_key) for uid, user in users.items()}


def message_attendees(session: Session, settings: Settings, occurrence: Occurrence, *, subject: str,
                      body: str, include_waitlist: bool = False) -> int:
    """Write to everyone with a seat (and the waiting list if asked); returns how many were told."""

    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise EventError("Please write a subject.", "subject")
    if has_control_characters(subject):
        raise EventError("Please write the subject on one line, without line breaks or special characters.", "subject")
    if not body:
        raise EventError("Please write a message.", "body")
    if has_control_characters(body, allow_line_breaks=True):
        raise EventError("The message has a special character that can't be sent. Please retype that part.", "body")
    statuses = ACTIVE if include_waitlist else HOLDS_SEAT
    people = list(session.scalars(
        select(SignUp).where(SignUp.occurrence_id == occurrence.id, SignUp.status.in_(statuses))
    ))
    for signup in people:
        notify_from_centre(session, settings, signup, subject=subject, body=body)
    return len(people)


def attendance_records(session: Session, *, since: datetime | None = None,
                       until: datetime | None = None) -> list[tuple[int, int, int, datetime, str]]:
    """``(user id, event id, occurrence id, start, status)`` for every seat held, for the matcher.

    Statuses are ``attended``, ``no_show`` or ``confirmed`` (not checked in yet).
    """
    query = (
        select(SignUp.user_id, Occurrence.event_id, Occurrence.id, Occurrence.starts_at, SignUp.status)
        .join(Occurrence, SignUp.occurrence_id == Occurrence.id)
        .where(SignUp.status.in_(HOLDS_SEAT))
    )
    if since is not None:
        query = query.where(Occurrence.starts_at >= since)
    if until is not None:
        query = query.where(Occurrence.starts_at < until)
    return [(u, e, o, s, st.value) for u, e, o, s, st in session.execute(query.order_by(Occurrence.starts_at))]
