"""A small town lived through the real operations, for the connectedness tests.

Four neighbours (a, b, c, d) meet as a group, give their "meet again" answers, and then come to
two more dates, checked in by the organiser:

- a and b met 3 times and both would meet again: the one recurring tie;
- a and c met 3 times, but only a would meet again (one-sided);
- a and d would both meet again, but met only twice (d came to one of the two dates);
- six more residents never met anyone; one resident lives far away (another centre's area).

Before the twelve weeks began, a and c answered the check-in as lonely as can be (9 and 8), so
the most isolated fifth (2 of 10) is a and c: one of them (a) now has a recurring tie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import select

from store.accounts.models import Role, User
from store.centres.models import Centre
from store.core.db import utcnow
from store.events.models import Occurrence, SignUp, SignupStatus
from store.events.signups import check_in, sign_up
from store.groups.feedback import save_feedback
from store.groups.matching import run_matching
from store.groups.models import Group, GroupStatus
from store.groups.offers import close_finished_groups, respond
from store.social.models import Checkin
from store.social.operations import record_checkin

__all__ = ["Town", "build_town", "a_week_later"]


@dataclass
class Town:
    centre: Centre
    organiser: User
    a: User
    b: User
    c: User
    d: User
    others: list[User]
    far: User
    now: datetime


def _monday(moment: datetime) -> datetime:
    day = moment - timedelta(days=moment.weekday())
    return day.replace(hour=0, minute=0, second=0, microsecond=0)


def build_town(db, settings) -> Town:
    centre = make_centre(db, name="Woodhouse Community Centre")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, first = make_event(db, settings, centre, organiser, days_ahead=3, title="Tuesday supper")
    for i in range(4):  # neighbours who are in the area but meet nobody
        make_resident(db, name=f"Person{i} Surname")
    run_matching(db, settings, first.id)
    group = db.scalars(select(Group).where(Group.occurrence_id == first.id)).one()
    for seat in group.seats:
        respond(db, settings, group.id, seat.user, accept=True)
    assert group.status == GroupStatus.CONFIRMED
    close_finished_groups(db, settings, now=first.ends_at + timedelta(hours=1))
    a, b, c, d = sorted((s.user for s in group.seats), key=lambda u: u.id)
    answers = {a: {b.id: True, c.id: True, d.id: True}, b: {a.id: True}, c: {a.id: False}, d: {a.id: True}}
    for person, again in answers.items():
        save_feedback(db, group.id, person, attended=True, meet_again=again, now=first.ends_at + timedelta(hours=2))
    for days, comers in ((4, (a, b, c, d)), (5, (a, b, c))):
        _, occurrence = make_event(db, settings, centre, organiser, days_ahead=days, title=f"Walk {days}",
                                   kind="exercise", tags=("walking",))
        for person in comers:
            signup = sign_up(db, settings, occurrence.id, person)
            check_in(db, occurrence, signup.id, SignupStatus.ATTENDED, now=occurrence.starts_at)
    others = [make_resident(db, name=f"Other{i} Surname") for i in range(6)]
    far = make_resident(db, near=(51.5074, -0.1278), name="Faraway Person")
    now = utcnow() + timedelta(days=7)
    before = _monday(now) - timedelta(weeks=12)
    record_checkin(db, a, companionship=3, left_out=3, isolated=3, now=before)
    record_checkin(db, c, companionship=3, left_out=2, isolated=3, now=before)
    record_checkin(db, a, companionship=2, left_out=2, isolated=2, now=now - timedelta(days=1))
    db.flush()
    return Town(centre, organiser, a, b, c, d, others, far, now)


def a_week_later(db, town: Town) -> Town:
    """Move the town's dates a week back, so that pages (which measure at the real now) see the
    meetings as past: as if the week had gone by. Only timestamps move; who met whom stays."""
    week = timedelta(days=7)
    for occurrence in db.scalars(select(Occurrence)):
        occurrence.starts_at, occurrence.ends_at = occurrence.starts_at - week, occurrence.ends_at - week
        occurrence.local_date = occurrence.local_date - week
    for signup in db.scalars(select(SignUp).where(SignUp.checked_in_at.is_not(None))):
        signup.checked_in_at = signup.checked_in_at - week
    for checkin in db.scalars(select(Checkin)):
        checkin.created_at = checkin.created_at - week
    db.flush()
    town.now = town.now - week
    return town
