"""Sign-ups: seats, the waiting list in order, instant promotion, refusals, check-in, exports, concurrency."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, timedelta

import pytest
from event_factories import NOW, make_event, share_first_name
from factories import make_centre, make_user
from sqlalchemy import delete, func, select
from sqlalchemy.pool import NullPool

from store.core.db import Database
from store.events import signups
from store.events.admin import cancel_event, cancel_occurrence
from store.events.models import EventError, SignUp, SignupStatus
from store.insight import rosters
from store.messages.models import Message


def _subjects(db, user):
    return db.scalars(select(Message.subject).where(Message.user_id == user.id).order_by(Message.id)).all()


def test_seats_then_waiting_list_then_promotion_with_a_message(db, settings):
    event = make_event(db, settings, capacity=2)
    occurrence = event.occurrences[0]
    a, b, c, d = (make_user(db) for _ in range(4))
    sa, sb, sc, sd = (signups.sign_up(db, settings, occurrence.id, p, now=NOW) for p in (a, b, c, d))
    assert [s.status for s in (sa, sb, sc, sd)] == [SignupStatus.CONFIRMED] * 2 + [SignupStatus.WAITLISTED] * 2
    assert [signups.waitlist_position(db, s) for s in (sa, sc, sd)] == [None, 1, 2]
    assert _subjects(db, c) == ["You're on the waiting list: Tuesday lunch club"]
    signups.cancel_signup(db, settings, sb.id, b, now=NOW)
    assert sc.status == SignupStatus.CONFIRMED and signups.waitlist_position(db, sd) == 1
    assert _subjects(db, c)[-1] == "A seat is yours: Tuesday lunch club"
    assert "BEGIN:VCALENDAR" in db.scalars(select(Message).where(Message.user_id == c.id)).all()[-1].attachments[0]["content"]
    assert signups.seat_counts(db, [occurrence.id]) == {occurrence.id: (2, 1)}


def test_leaving_the_waiting_list_promotes_nobody_and_keeps_the_order(db, settings):
    event = make_event(db, settings, capacity=1)
    occurrence = event.occurrences[0]
    people = [make_user(db) for _ in range(4)]
    rows = [signups.sign_up(db, settings, occurrence.id, p, now=NOW) for p in people]
    signups.cancel_signup(db, settings, rows[1].id, people[1], now=NOW)
    assert rows[0].status == SignupStatus.CONFIRMED
    assert [signups.waitlist_position(db, r) for r in rows[2:]] == [1, 2]
    again = signups.sign_up(db, settings, occurrence.id, people[1], now=NOW)  # rejoins at the back
    assert again.id == rows[1].id and signups.waitlist_position(db, again) == 3


@pytest.mark.parametrize("situation, words", [
    ("twice", "already signed up"),
    ("deadline", "closed on"),
    ("started", "already started"),
    ("cancelled event", "cancelled"),
    ("cancelled date", "cancelled"),
])
def test_sign_up_refusals_are_clear(db, settings, situation, words):
    event = make_event(db, settings, signup_deadline_hours=24 if situation == "deadline" else None)
    occurrence = event.occurrences[0]
    person = make_user(db)
    organiser = event.centre.organisers[0]
    now = NOW
    if situation == "twice":
        signups.sign_up(db, settings, occurrence.id, person, now=NOW)
    elif situation == "deadline":
        now = occurrence.starts_at - timedelta(hours=3)
    elif situation == "started":
        now = occurrence.starts_at + timedelta(minutes=1)
    elif situation == "cancelled event":
        cancel_event(db, settings, event, by=organiser, now=NOW)
    else:
        cancel_occurrence(db, settings, occurrence, by=organiser, now=NOW)
    count = db.scalar(select(func.count(SignUp.id)))
    with pytest.raises(EventError) as caught:
        signups.sign_up(db, settings, occurrence.id, person, now=now)
    assert words in str(caught.value)
    assert db.scalar(select(func.count(SignUp.id))) == count


def test_waitlisted_twice_is_refused(db, settings):
    event = make_event(db, settings, capacity=1)
    occurrence = event.occurrences[0]
    signups.sign_up(db, settings, occurrence.id, make_user(db), now=NOW)
    person = make_user(db)
    signups.sign_up(db, settings, occurrence.id, person, now=NOW)
    with pytest.raises(EventError, match="already on the waiting list"):
        signups.sign_up(db, settings, occurrence.id, person, now=NOW)


def test_only_the_owner_can_cancel_a_sign_up(db, settings):
    event = make_event(db, settings)
    owner, other = make_user(db), make_user(db)
    signup = signups.sign_up(db, settings, event.occurrences[0].id, owner, now=NOW)
    with pytest.raises(LookupError):
        signups.cancel_signup(db, settings, signup.id, other, now=NOW)
    assert signup.status == SignupStatus.CONFIRMED
    assert signups.signups_for_user(db, other.id) == []
    signups.cancel_signup(db, settings, signup.id, owner, now=NOW)
    with pytest.raises(EventError, match="already cancelled"):
        signups.cancel_signup(db, settings, signup.id, owner, now=NOW)


def test_check_in_on_the_day_only(db, settings):
    event = make_event(db, settings)
    occurrence = event.occurrences[0]
    person = make_user(db)
    signup = signups.sign_up(db, settings, occurrence.id, person, now=NOW)
    with pytest.raises(EventError, match="from the day of the event"):
        signups.check_in(db, occurrence, signup.id, SignupStatus.ATTENDED, now=NOW)
    on_the_day = occurrence.starts_at - timedelta(hours=2)
    signups.check_in(db, occurrence, signup.id, SignupStatus.ATTENDED, now=on_the_day)
    assert signup.status == SignupStatus.ATTENDED and signup.checked_in_at == on_the_day
    signups.check_in(db, occurrence, signup.id, SignupStatus.CONFIRMED, now=on_the_day)
    assert signup.checked_in_at is None
    other = make_event(db, settings, centre=event.centre)
    with pytest.raises(LookupError):
        signups.check_in(db, other.occurrences[0], signup.id, SignupStatus.ATTENDED, now=on_the_day)
    assert signups.attendance_records(db, since=NOW)[-1][0] == person.id


def test_roster_csv_is_safe_for_spreadsheets(db, settings):
    event = make_event(db, settings, capacity=1)
    occurrence = event.occurrences[0]
    sneaky = make_user(db, name="=HYPERLINK(\"x\")")
    share_first_name(db, sneaky)
    signups.sign_up(db, settings, occurrence.id, sneaky, now=NOW)
    signups.sign_up(db, settings, occurrence.id, make_user(db, name="Wendy Private"), now=NOW)
    text = rosters.roster_csv(rosters.roster_table(db, settings, occurrence))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Name", "Status", "Waiting list place", "Signed up", "Checked in"]
    assert rows[1][0] == "'=HYPERLINK(\"x\")" and rows[1][1] == "Has a seat"
    assert rows[2][0].startswith("Neighbour ") and rows[2][1:3] == ["Waiting list (number 1)", "1"]
    assert "Wendy" not in text


def test_message_everyone_with_a_seat(db, settings):
    event = make_event(db, settings, capacity=1)
    occurrence = event.occurrences[0]
    seated, waiting = make_user(db), make_user(db)
    for p in (seated, waiting):
        signups.sign_up(db, settings, occurrence.id, p, now=NOW)
    told = signups.message_attendees(db, settings, occurrence, subject="Bring a cup", body="We're short of mugs!")
    assert told == 1 and _subjects(db, seated)[-1] == "Tuesday lunch club: Bring a cup"
    assert signups.message_attendees(db, settings, occurrence, subject="Hi", body="All", include_waitlist=True) == 2
    with pytest.raises(EventError):
        signups.message_attendees(db, settings, occurrence, subject=" ", body="x")
    before = len(_subjects(db, seated))
    with pytest.raises(EventError, match="on one line") as caught:
        signups.message_attendees(db, settings, occurrence, subject="Hi\r\nBcc: evil@example.org", body="x")
    assert caught.value.field == "subject"
    with pytest.raises(EventError) as caught:
        signups.message_attendees(db, settings, occurrence, subject="Hi", body="a\x00b")
    assert caught.value.field == "body"
    assert len(_subjects(db, seated)) == before


def _run_concurrent_sign_ups(url: str, settings, occurrence_id: int, user_ids: list[int]) -> list[str]:
    database = Database(url, poolclass=NullPool)
    barrier = threading.Barrier(len(user_ids))
    errors: list[BaseException] = []

    def one(user_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            with database.unit_of_work() as session:
                from store.accounts.models import User

                signups.begin_seat_change(session)  # what the web's sign-up views do first
                signups.sign_up(session, settings, occurrence_id, session.get(User, user_id))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    database.dispose()
    return [repr(e) for e in errors]


def test_fifty_people_racing_for_the_last_five_seats(database_url, settings):
    """Real engine, real threads, each with its own session: exactly 5 seats, 45 waiting in order."""
    database = Database(database_url)
    with database.unit_of_work() as session:
        centre = make_centre(session)
        event = make_event(session, settings, centre=centre, capacity=7, start_date=date.today() + timedelta(days=5),
                           now=None)
        occurrence_id = event.occurrences[0].id
        early = [make_user(session) for _ in range(2)]
        for person in early:
            signups.sign_up(session, settings, occurrence_id, person)
        racers = [make_user(session).id for _ in range(50)]
        people = [u.id for u in early] + racers + [u.id for u in centre.organisers]
    try:
        assert _run_concurrent_sign_ups(database_url, settings, occurrence_id, racers) == []
        with database.unit_of_work() as session:
            rows = session.scalars(select(SignUp).where(SignUp.occurrence_id == occurrence_id)).all()
            confirmed = [r for r in rows if r.status == SignupStatus.CONFIRMED]
            waiting = sorted((r for r in rows if r.status == SignupStatus.WAITLISTED), key=lambda r: r.queue_no)
            assert len(confirmed) == 7 and len(waiting) == 45
            assert [r.queue_no for r in waiting] == list(range(1, 46))
            assert [signups.waitlist_position(session, r) for r in waiting] == list(range(1, 46))
            stamps = [r.waitlisted_at for r in waiting]
            assert stamps == sorted(stamps) and max(r.confirmed_at for r in confirmed) <= stamps[0]
            # A seat frees: the first in the queue, and only them, is promoted.
            first = waiting[0]
            signups.cancel_signup(session, settings, confirmed[-1].id, confirmed[-1].user)
        with database.unit_of_work() as session:
            assert session.get(SignUp, first.id).status == SignupStatus.CONFIRMED
            assert session.scalar(select(func.count(SignUp.id)).where(
                SignUp.occurrence_id == occurrence_id, SignUp.status == SignupStatus.WAITLISTED)) == 44
    finally:
        from store.accounts.models import User
        from store.centres.models import Centre

        with database.unit_of_work() as session:
            session.execute(delete(User).where(User.id.in_(people)))
            session.execute(delete(Centre).where(Centre.id == centre.id))
        database.dispose()
