"""Guests counted against capacity, going counts and names, keyword search, and the words pages share."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, timedelta

import pytest
from event_factories import NOW, details, make_event, share_first_name
from factories import make_centre, make_user
from sqlalchemy import delete, func, select
from sqlalchemy.pool import NullPool

from store.core.db import Database
from store.events import admin as event_admin
from store.events import signups
from store.events.holds import hold_seat
from store.events.models import TAKES_SEAT, EventError, SeatCount, SignUp, SignupStatus, Venue
from store.events.search import EventQuery, search_events
from store.events.words import change_told_words, going_words
from store.insight import rosters


def _taken(db, occurrence_id):
    return db.scalar(select(func.coalesce(func.sum(1 + SignUp.guests), 0)).where(
        SignUp.occurrence_id == occurrence_id, SignUp.status.in_(TAKES_SEAT)))


def test_a_guest_takes_a_seat_and_cancelling_frees_both(db, settings):
    event = make_event(db, settings, capacity=3, max_guests=1)
    occurrence = event.occurrences[0]
    pat, sam, kim = (make_user(db) for _ in range(3))
    with_guest = signups.sign_up(db, settings, occurrence.id, pat, guests=1, now=NOW)
    assert with_guest.status == SignupStatus.CONFIRMED and signups.seats_taken(db, occurrence.id) == 2
    sam_row = signups.sign_up(db, settings, occurrence.id, sam, guests=1, now=NOW)  # one seat left, two needed
    assert sam_row.status == SignupStatus.WAITLISTED and sam_row.guests == 1
    kim_row = signups.sign_up(db, settings, occurrence.id, kim, now=NOW)  # room for one, but Sam waits first
    assert kim_row.status == SignupStatus.WAITLISTED
    assert signups.seat_summary(db, [occurrence.id])[occurrence.id] == SeatCount(going=2, held=0, waiting=2)
    signups.cancel_signup(db, settings, with_guest.id, pat, now=NOW)
    assert with_guest.guests == 0
    # Both seats came free: Sam and guest take two, Kim the third.
    assert sam_row.status == SignupStatus.CONFIRMED and kim_row.status == SignupStatus.CONFIRMED
    assert signups.seats_taken(db, occurrence.id) == 3 == _taken(db, occurrence.id)


def test_guests_follow_the_events_setting(db, settings):
    none = make_event(db, settings).occurrences[0]
    two = make_event(db, settings, max_guests=2).occurrences[0]
    person = make_user(db)
    with pytest.raises(EventError, match="doesn't take guests") as caught:
        signups.sign_up(db, settings, none.id, person, guests=1, now=NOW)
    assert caught.value.field == "guests"
    with pytest.raises(EventError, match="from the list"):
        signups.sign_up(db, settings, two.id, person, guests=3, now=NOW)
    with pytest.raises(EventError, match="from the list"):
        signups.sign_up(db, settings, two.id, person, guests=-1, now=NOW)
    assert db.scalar(select(func.count(SignUp.id)).where(SignUp.user_id == person.id)) == 0
    assert signups.sign_up(db, settings, two.id, person, guests=2, now=NOW).seats == 3
    with pytest.raises(EventError, match="from 0 to 2 guests"):
        make_event(db, settings, max_guests=3)


def test_a_hold_for_a_group_counts_a_waiting_guest(db, settings):
    event = make_event(db, settings, capacity=2, max_guests=1)
    occurrence = event.occurrences[0]
    first, second = make_user(db), make_user(db)
    signups.sign_up(db, settings, occurrence.id, first, now=NOW)
    waiting = signups.sign_up(db, settings, occurrence.id, second, guests=1, now=NOW)
    assert waiting.status == SignupStatus.WAITLISTED
    with pytest.raises(EventError):  # one seat free, but they and their guest need two
        hold_seat(db, occurrence, second.id, group_id=None)
    assert signups.seats_taken(db, occurrence.id) == 1


def test_capacity_cannot_drop_below_seats_with_guests(db, settings):
    event = make_event(db, settings, capacity=4, max_guests=2)
    signups.sign_up(db, settings, event.occurrences[0].id, make_user(db), guests=2, now=NOW)
    organiser = event.centre.organisers[0]
    with pytest.raises(EventError, match="3 seats are already taken"):
        event_admin.update_event(db, settings, event, details(capacity=2, max_guests=2), by=organiser, now=NOW)


def test_going_names_only_where_agreed_and_the_roster_shows_guests(db, settings):
    event = make_event(db, settings, capacity=10, max_guests=1)
    occurrence = event.occurrences[0]
    pat, private = make_user(db, name="Pat Jones"), make_user(db, name="Wendy Private")
    share_first_name(db, pat)
    signups.sign_up(db, settings, occurrence.id, pat, guests=1, now=NOW)
    signups.sign_up(db, settings, occurrence.id, private, now=NOW)
    names = signups.going_names(db, [occurrence.id])[occurrence.id]
    assert names == [("Pat", 1)]
    count = signups.seat_summary(db, [occurrence.id])[occurrence.id]
    assert going_words(event.capacity, count, names) == "3 going, 7 seats left. Coming: Pat (+1 guest) and 1 other."
    text = rosters.roster_csv(rosters.roster_table(db, settings, occurrence))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "Pat (+1 guest)" and "Wendy" not in text


def test_saving_changes_says_who_was_told(db, settings):
    event = make_event(db, settings)
    organiser = event.centre.organisers[0]
    change = event_admin.update_event(db, settings, event, details(description="Soup"), by=organiser, now=NOW)
    assert (change.told, change.signed_up) == (0, 0)
    assert "Nobody had signed up yet" in change_told_words(change.told, change.signed_up)
    signups.sign_up(db, settings, event.occurrences[0].id, make_user(db), now=NOW)
    change = event_admin.update_event(db, settings, event, details(description="Bread"), by=organiser, now=NOW)
    assert (change.told, change.signed_up) == (0, 1)
    assert "nobody needed a message" in change_told_words(change.told, change.signed_up)
    change = event_admin.update_event(db, settings, event, details(title="Soup club"), by=organiser, now=NOW)
    assert (change.told, change.signed_up) == (1, 1)
    assert "told the person signed up" in change_told_words(change.told, change.signed_up)


def test_access_notes_are_kept_and_checked(db, settings):
    event = make_event(db, settings, step_free=True, access_notes="  Ramp at the side door.  ")
    assert event.access_notes == "Ramp at the side door."
    assert event_admin.details_of(event).access_notes == "Ramp at the side door."
    with pytest.raises(EventError) as caught:
        make_event(db, settings, access_notes="x" * 1001)
    assert caught.value.field == "access_notes"


def _search(db, **kw):
    return search_events(db, EventQuery(**kw), now=NOW)


def test_keyword_search_over_title_description_place_kind_and_topics(db, settings):
    hall = make_centre(db, name="Hyde Park Community Hall")
    walk = make_event(db, settings, centre=hall, title="Morning walk", kind="exercise", tags=("walking",),
                      description="A gentle stroll by the lake.", recurrence="weekly", repeat_until=date(2027, 4, 6))
    soup = make_event(db, settings, centre=hall, title="Soup lunch", description="Bring a bowl; 50% off seconds")
    church = make_event(db, settings, title="Bingo", kind="event")
    church.venue = Venue(centre_id=church.centre_id, name="St Mark's Church Hall", address="Woodhouse Lane, Leeds",
                         lat=53.81, lon=-1.55)
    db.flush()
    ours = {walk.id, soup.id, church.id}
    found = lambda **kw: {h.event_id for h in _search(db, **kw).hits} & ours
    assert found(text="walk") == {walk.id}
    assert found(text="LAKE") == {walk.id}
    assert found(text="exercise") == {walk.id}          # the kind's key
    assert found(text="shared meal") == {soup.id}       # the kind's label, both words
    assert found(text="hyde park") == {walk.id, soup.id}  # the centre is the place
    assert found(text="st mark's") == {church.id}      # the venue's name
    assert found(text="woodhouse") == {church.id}      # the venue's address
    assert found(text="50%") == {soup.id} and found(text="5_%") == set()  # no wildcards leak
    assert found(text="walk soup") == set()             # every word must match
    assert found(text="walk", kinds=("meal",)) == set()  # combined with the filters
    page = _search(db, text="walk")
    assert page.total == 1 and len(page.hits[0].dates) == 3


@pytest.mark.parametrize("text, words", [("x" * 101, "up to 100"), ("a\x00b", "special character"),
                                         ("a b c d e f g h i", "at most 8")])
def test_keyword_search_refuses_bad_input_clearly(db, text, words):
    with pytest.raises(EventError, match=words) as caught:
        _search(db, text=text)
    assert caught.value.field == "q"


def _race(url, settings, occurrence_id, people):
    database = Database(url, poolclass=NullPool)
    barrier = threading.Barrier(len(people))
    errors: list[str] = []

    def one(user_id: int, guests: int) -> None:
        try:
            barrier.wait(timeout=30)
            with database.unit_of_work() as session:
                from store.accounts.models import User

                signups.begin_seat_change(session)
                signups.sign_up(session, settings, occurrence_id, session.get(User, user_id), guests=guests)
        except BaseException as exc:  # reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=one, args=p) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    database.dispose()
    return errors


def test_guests_never_overbook_under_concurrent_sign_ups(database_url, settings):
    """Real engine, real threads: thirty people, some with one or two guests, race for 11 seats."""
    database = Database(database_url)
    with database.unit_of_work() as session:
        centre = make_centre(session)
        event = make_event(session, settings, centre=centre, capacity=11, max_guests=2,
                           start_date=date.today() + timedelta(days=5), now=None)
        occurrence_id = event.occurrences[0].id
        racers = [(make_user(session).id, n % 3) for n in range(30)]
        people = [uid for uid, _ in racers] + [u.id for u in centre.organisers]
    try:
        assert _race(database_url, settings, occurrence_id, racers) == []
        with database.unit_of_work() as session:
            rows = session.scalars(select(SignUp).where(SignUp.occurrence_id == occurrence_id)).all()
            seated = [r for r in rows if r.status == SignupStatus.CONFIRMED]
            assert sum(r.seats for r in seated) <= 11
            assert signups.seats_taken(session, occurrence_id) == sum(r.seats for r in seated)
            waiting = sorted((r for r in rows if r.status == SignupStatus.WAITLISTED), key=lambda r: r.queue_no)
            assert len(seated) + len(waiting) == 30 and [r.queue_no for r in waiting] == list(range(1, len(waiting) + 1))
            # Cancelling frees the person's and their guests' seats; the queue moves in order, never past 11.
            for row in seated:
                signups.cancel_signup(session, settings, row.id, row.user)
        with database.unit_of_work() as session:
            assert signups.seats_taken(session, occurrence_id) <= 11
            rows = session.scalars(select(SignUp).where(SignUp.occurrence_id == occurrence_id)).all()
            assert any(r.status == SignupStatus.CONFIRMED for r in rows)
    finally:
        from store.accounts.models import User
        from store.centres.models import Centre

        with database.unit_of_work() as session:
            session.execute(delete(User).where(User.id.in_(people)))
            session.execute(delete(Centre).where(Centre.id == centre.id))
        database.dispose()
