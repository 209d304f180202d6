"""Seats held for group offers, blocks and pauses in live groups, and cancelled dates.

Each test names the rule from the README ("Seats and offers", "Blocks, reports and pauses").
"""

from __future__ import annotations

import pytest
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import select

from store.accounts.models import Role
from store.events.models import SignUp, SignupStatus
from store.events.signups import cancel_signup, seats_taken, sign_up, signup_for
from store.events.words import calendar_status, resident_seat_words
from store.groups.dates import cancel_date, cancel_place
from store.groups.matching import run_matching
from store.groups.models import Group, GroupStatus, SeatStatus
from store.groups.offers import respond
from store.groups.safety import (
    block_person,
    lift_organiser_pause,
    pause_by_organiser,
    people_not_grouped_with,
    report_and_maybe_block,
)
from store.groups.words import resident_seat_words as group_words
from store.messages.models import Message
from store.social.operations import unblock


@pytest.fixture
def world(db, settings):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    return centre, organiser


def _group(db):
    return db.scalars(select(Group)).one()


def _status(db, occurrence, user_id):
    row = signup_for(db, occurrence.id, user_id)
    db.refresh(row) if row is not None else None
    return row.status if row is not None else None


def test_an_offer_holds_a_seat_and_a_yes_confirms_it(db, settings, world):
    centre, organiser = world
    _, occurrence = make_event(db, settings, centre, organiser, capacity=6)
    people = [make_resident(db) for _ in range(5)]
    run_matching(db, settings, occurrence.id)
    group = _group(db)
    assert seats_taken(db, occurrence.id) == len(group.seats) == 5
    assert {_status(db, occurrence, s.user_id) for s in group.seats} == {SignupStatus.HELD}
    outsider = make_user(db)
    sign_up(db, settings, occurrence.id, outsider)  # the last seat
    late = make_user(db)
    assert sign_up(db, settings, occurrence.id, late).status == SignupStatus.WAITLISTED  # holds count
    for seat in group.seats[:4]:
        respond(db, settings, group.id, seat.user, accept=True)
    db.refresh(group)
    assert group.status == GroupStatus.CONFIRMED
    assert all(_status(db, occurrence, s.user_id) == SignupStatus.CONFIRMED for s in group.accepted)
    assert people  # everyone offered came from the residents


def test_a_no_gives_the_held_seat_to_the_waiting_list(db, settings, world):
    centre, organiser = world
    _, occurrence = make_event(db, settings, centre, organiser, capacity=5)
    [make_resident(db) for _ in range(5)]
    run_matching(db, settings, occurrence.id)
    group = _group(db)
    waiting = make_user(db)
    assert sign_up(db, settings, occurrence.id, waiting).status == SignupStatus.WAITLISTED
    seat = group.seats[0]
    respond(db, settings, group.id, seat.user, accept=False)
    assert _status(db, occurrence, seat.user_id) is None  # back to where they were: not signed up
    assert _status(db, occurrence, waiting.id) == SignupStatus.CONFIRMED
    assert seats_taken(db, occurrence.id) <= occurrence.event.capacity
    assert group_words(seat).short == "You said no"


def test_nobody_is_offered_a_group_on_a_full_date(db, settings, world):
    centre, organiser = world
    _, occurrence = make_event(db, settings, centre, organiser, capacity=2)
    for user in (make_user(db), make_user(db)):
        sign_up(db, settings, occurrence.id, user)
    waiting = [make_resident(db) for _ in range(5)]
    for user in waiting:
        assert sign_up(db, settings, occurrence.id, user).status == SignupStatus.WAITLISTED
    counts = run_matching(db, settings, occurrence.id)
    assert counts["groups"] == 0 and db.scalars(select(Group)).all() == []


def test_a_waiting_resident_offered_a_group_says_yes_and_has_a_seat(db, settings, world):
    """Defect 1: the group page said "You're coming", the event page "number 6 on the waiting
    list" and the calendar TENTATIVE. Now the yes is a seat, and all three agree."""
    centre, organiser = world
    _, occurrence = make_event(db, settings, centre, organiser, capacity=5)
    filler = make_user(db)
    sign_up(db, settings, occurrence.id, filler)
    people = [make_resident(db) for _ in range(4)]
    waiting = make_resident(db)
    for user in people:
        sign_up(db, settings, occurrence.id, user)
    assert sign_up(db, settings, occurrence.id, waiting).status == SignupStatus.WAITLISTED
    cancel_signup(db, settings, signup_for(db, occurrence.id, filler.id).id, filler)  # a seat frees
    assert _status(db, occurrence, waiting.id) == SignupStatus.CONFIRMED  # promoted, as before
    run_matching(db, settings, occurrence.id)
    group = _group(db)
    for seat in group.seats:
        respond(db, settings, group.id, seat.user, accept=True)
    db.refresh(group)
    mine = next(s for s in group.seats if s.user_id == waiting.id)
    status = _status(db, occurrence, waiting.id)
    assert group.status == GroupStatus.CONFIRMED and status == SignupStatus.CONFIRMED
    assert "confirmed" in group_words(mine).sentence and "seat" in resident_seat_words(status)
    assert calendar_status(status) == "CONFIRMED"


def test_blocking_takes_the_other_person_out_quietly_and_refills(db, settings, world):
    """Defect 2: Rosa blocks Shirley and reports Lucy with "never group me"; both leave the
    group, are never told why, and Rosa can see and undo both blocks."""
    centre, organiser = world
    _, occurrence = make_event(db, settings, centre, organiser)
    [make_resident(db) for _ in range(5)]
    run_matching(db, settings, occurrence.id)
    group = _group(db)
    people = [make_resident(db) for _ in range(3)]  # not placed yet: they can take the places
    rosa, shirley, lucy = (s.user for s in group.seats[:3])
    block_person(db, settings, rosa, shirley.id, group_id=group.id)
    report_and_maybe_block(db, settings, rosa, lucy.id, "Unkind remarks", centre_id=centre.id,
                           group_id=group.id, never_group=True)
    db.refresh(group)
    live = {s.user_id for s in group.active_seats}
    assert rosa.id in live and shirley.id not in live and lucy.id not in live
    assert len(live) == 5 and len(live & {p.id for p in people}) == 2  # refilled like declines
    for gone in (shirley, lucy):
        seat = next(s for s in group.seats if s.user_id == gone.id)
        assert seat.status == SeatStatus.WITHDRAWN and group_words(seat).short == "The group changed"
        bodies = " ".join(m.body for m in db.scalars(select(Message).where(Message.user_id == gone.id)))
        assert "block" not in bodies.lower() and "report" not in bodies.lower()
    listed = people_not_grouped_with(db, rosa.id)
    assert len(listed) == 2 and all(p.where_met for p in listed)
    unblock(db, rosa, listed[0].block_id)
    assert len(people_not_grouped_with(db, rosa.id)) == 1
    with pytest.raises(LookupError):
        unblock(db, shirley, listed[1].block_id)  # only one's own
    assert people


def test_an_organisers_pause_empties_unconfirmed_groups_and_can_be_lifted(db, settings, world):
    centre, organiser = world
    _, occurrence = make_event(db, settings, centre, organiser)
    [make_resident(db) for _ in range(5)]
    run_matching(db, settings, occurrence.id)
    group = _group(db)
    lucy = group.seats[0].user
    until, _ = pause_by_organiser(db, settings, lucy.id, days=30, by=organiser)
    db.refresh(group)
    assert lucy.id not in {s.user_id for s in group.active_seats}
    assert _status(db, occurrence, lucy.id) is None  # her held seat was given back
    profile = lucy.profile if hasattr(lucy, "profile") else None
    assert profile is None or profile.paused_until is None
    assert lift_organiser_pause(db, lucy.id) and not lift_organiser_pause(db, lucy.id)
    assert until


def test_a_cancelled_date_lets_its_groups_go_and_frees_holds(db, settings, world):
    centre, organiser = world
    _, occurrence = make_event(db, settings, centre, organiser)
    [make_resident(db) for _ in range(5)]
    run_matching(db, settings, occurrence.id)
    group = _group(db)
    cancel_date(db, settings, occurrence, by=organiser)
    db.refresh(group)
    assert group.status == GroupStatus.DISSOLVED
    assert db.scalars(select(SignUp).where(SignUp.status == SignupStatus.HELD)).all() == []


def test_cancelling_ones_place_leaves_the_group_first(db, settings, world):
    centre, organiser = world
    _, occurrence = make_event(db, settings, centre, organiser)
    [make_resident(db) for _ in range(6)]
    run_matching(db, settings, occurrence.id)
    group = _group(db)
    seat = group.seats[0]
    respond(db, settings, group.id, seat.user, accept=True)
    signup = signup_for(db, occurrence.id, seat.user_id)
    cancelled, _ = cancel_place(db, settings, signup.id, seat.user)
    assert cancelled.status == SignupStatus.CANCELLED
    db.refresh(seat)
    assert seat.status == SeatStatus.DECLINED
    with pytest.raises(LookupError):
        cancel_place(db, settings, signup.id, make_user(db))
