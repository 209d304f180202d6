"""After the meeting: met groups, private feedback turned into ties, check-ins, reminders, leaving."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import func, select

from store.accounts.models import Role, User
from store.events.reminders import send_checkin_invitations, send_event_reminders
from store.groups.feedback import save_feedback
from store.groups.matching import run_matching
from store.groups.models import Group, GroupMember, GroupStatus, MeetAgain
from store.groups.offers import GroupError, close_finished_groups, respond
from store.leaving.operations import delete_account
from store.messages.models import Message, Notice
from store.recommendations.operations import (
    recommendations_for,
    refresh_recommendations,
)
from store.social.models import Checkin, Tie
from store.social.operations import checkin_trend


@pytest.fixture
def confirmed(db, settings):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    people = [make_resident(db) for _ in range(4)]
    run_matching(db, settings, occurrence.id)
    group = db.scalars(select(Group)).one()
    for seat in group.seats:
        respond(db, settings, group.id, seat.user, accept=True)
    assert group.status == GroupStatus.CONFIRMED
    return group, occurrence, people


def test_meeting_closes_and_asks_once(db, settings, confirmed):
    group, occurrence, _ = confirmed
    after = occurrence.ends_at + timedelta(hours=1)
    counts = close_finished_groups(db, settings, now=after)
    assert counts == {"met": 1, "lapsed": 0, "prompts": 4}
    assert group.status == GroupStatus.MET
    assert close_finished_groups(db, settings, now=after)["prompts"] == 0


def test_feedback_becomes_private_ties(db, settings, confirmed):
    group, occurrence, _ = confirmed
    close_finished_groups(db, settings, now=occurrence.ends_at + timedelta(hours=1))
    a, b, c, d = [s.user for s in group.seats]
    save_feedback(db, group.id, a, attended=True, meet_again={b.id: True, c.id: False}, checkin=(1, 2, 3),
                  follow_up_consent=True)
    save_feedback(db, group.id, b, attended=True, meet_again={a.id: True})
    tie = db.scalar(select(Tie).where(Tie.user_a_id == min(a.id, b.id), Tie.user_b_id == max(a.id, b.id)))
    assert tie.times_met == 1 and tie.strength == 1.0  # 0.5 + 0.5 + 0.2, capped at 1
    ac = db.scalar(select(Tie).where(Tie.user_a_id == min(a.id, c.id), Tie.user_b_id == max(a.id, c.id)))
    assert ac.strength == 0.0  # "not really" never goes below zero
    assert db.scalar(select(func.count()).select_from(MeetAgain)) == 3
    assert [ci.total for ci in checkin_trend(db, a.id)] == [6]
    with pytest.raises(GroupError):
        save_feedback(db, group.id, a, attended=True, meet_again={})
    with pytest.raises(LookupError):
        save_feedback(db, group.id, make_user(db), attended=True, meet_again={})


def test_feedback_waits_for_the_meeting(db, settings, confirmed):
    group, _, _ = confirmed
    with pytest.raises(GroupError, match="once the meeting is over"):
        save_feedback(db, group.id, group.seats[0].user, attended=True, meet_again={})


def test_reminders_go_once_per_sign_up(db, settings, confirmed):
    group, occurrence, _ = confirmed
    early = occurrence.starts_at - timedelta(hours=47)
    assert send_event_reminders(db, settings, now=early) == 4
    assert send_event_reminders(db, settings, now=early) == 0
    late = occurrence.starts_at - timedelta(hours=1)
    assert send_event_reminders(db, settings, now=late) == 4
    assert db.scalar(select(func.count()).select_from(Notice).where(Notice.key.like("reminder:%"))) == 8


def test_weekly_checkin_invitation_once_a_week(db, settings, confirmed):
    assert send_checkin_invitations(db, settings) == 4
    assert send_checkin_invitations(db, settings) == 0


def test_deleting_an_account_frees_the_seat_and_removes_everything(db, settings, confirmed):
    group, occurrence, people = confirmed
    leaver = group.seats[0].user
    leaver_id = leaver.id
    rematch = delete_account(db, settings, leaver)
    assert rematch == [occurrence.id]  # four minus one is below the minimum: dissolved kindly
    assert db.get(User, leaver_id) is None
    assert db.scalar(select(GroupMember).where(GroupMember.user_id == leaver_id)) is None
    assert db.scalar(select(Message).where(Message.user_id == leaver_id)) is None
    assert group.status == GroupStatus.DISSOLVED


def test_recommendations_are_stored_with_reasons(db, settings):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    make_event(db, settings, centre, organiser, title="Cooking club", kind="meal")
    make_event(db, settings, centre, organiser, title="Chess evening", kind="event", days_ahead=4)
    person = make_resident(db, interests=("cooking",))
    assert refresh_recommendations(db, user_ids=[person.id]) == 1
    recs = recommendations_for(db, person.id)
    assert recs and all(r.reason for r in recs)
    assert recs[0].occurrence.event.title == "Cooking club"
    assert recommendations_for(db, organiser.id) == []
    assert db.scalar(select(func.count()).select_from(Checkin)) == 0


def test_unanswered_offers_lapse_before_the_day(db, settings):
    from store.groups.models import SeatStatus
    from store.groups.offers import lapse_unanswered_offers

    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    for _ in range(5):
        make_resident(db)
    run_matching(db, settings, occurrence.id)
    group = db.scalars(select(Group)).one()
    for seat in group.seats[:4]:
        respond(db, settings, group.id, seat.user, accept=True)
    late = group.seats[4]
    assert lapse_unanswered_offers(db, settings)["lapsed_offers"] == 0  # days away: still open
    near = occurrence.starts_at - timedelta(hours=6)
    assert lapse_unanswered_offers(db, settings, now=near)["lapsed_offers"] == 1
    assert late.status == SeatStatus.WITHDRAWN and group.status == GroupStatus.CONFIRMED
    assert lapse_unanswered_offers(db, settings, now=near)["lapsed_offers"] == 0
