"""The demo town's past weeks, lived through the product: the connections pages have true figures to
show (recurring ties, the isolated fifth, check-ins getting better) and a group keeps meeting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from store.core.db import utcnow
from store.demo.town import build_demo_town
from store.demo.weeks import RUNNING
from store.events.models import Event, Occurrence, SignUp, SignupStatus
from store.groups.candidates import upcoming_slots
from store.groups.matching import run_matching
from store.groups.models import ACTIVE_GROUPS, Group, GroupMember, GroupStatus, MeetAgain, SeatStatus
from store.insight.connectedness import centre_connectedness, own_connectedness
from store.social.models import Checkin

#: Moments the demo may be built at (UTC, the town's winter time): which dates are lived through,
#: which are on today and which are matched already all turn on the day and the hour.
MOMENTS = {
    "monday-morning": datetime(2026, 11, 30, 8, 15, tzinfo=timezone.utc),
    "tuesday-after-lunch": datetime(2026, 12, 1, 14, 40, tzinfo=timezone.utc),  # the lunch club just over
    "tuesday-evening": datetime(2026, 12, 1, 18, 30, tzinfo=timezone.utc),  # lived through: said how it went
    "friday-evening": datetime(2026, 12, 4, 19, 5, tzinfo=timezone.utc),
    "sunday-night": datetime(2026, 12, 6, 23, 50, tzinfo=timezone.utc),
}


@pytest.mark.parametrize("moment", [None, *MOMENTS], ids=["now", *MOMENTS])
def test_the_demo_has_lived_weeks_recurring_ties_and_a_standing_group(db, settings, moment):
    now = MOMENTS[moment] if moment else utcnow()
    result = build_demo_town(db, settings, now=now)  # as many residents as `hearth demo` makes
    for occurrence in upcoming_slots(db, now=now):  # as `hearth demo` then does
        run_matching(db, settings, occurrence.id, now=now)

    # attendance as the product records it: checked in at the door, and "I went" after a group
    past = select(Occurrence.id).where(Occurrence.ends_at < now)
    assert db.scalar(select(func.count()).where(SignUp.status == SignupStatus.ATTENDED,
                                                SignUp.occurrence_id.in_(past))) > 50
    assert db.scalar(select(func.count()).where(SignUp.status == SignupStatus.NO_SHOW)) > 0
    assert db.scalar(select(func.count()).select_from(Group).where(Group.status == GroupStatus.MET)) >= 5
    # "I went" from most who came to the groups that met (a count would move with the time of day
    # the demo is built, which decides the dates lived through)
    came = select(func.count()).select_from(GroupMember).join(Group).where(
        Group.status == GroupStatus.MET, GroupMember.status == SeatStatus.ACCEPTED)
    went = db.scalar(came.where(GroupMember.attended.is_(True)))
    assert went >= 10 and went > db.scalar(came) / 2
    yes = db.scalar(select(func.count()).where(MeetAgain.again.is_(True)))
    answers = db.scalar(select(func.count()).select_from(MeetAgain))
    assert answers > 50 and 0.55 < yes / answers < 0.95  # mostly yes, not always
    assert db.scalar(select(func.max(MeetAgain.created_at))) < now  # answered when the weeks were lived

    figures = centre_connectedness(db, result.centres[0])
    assert figures.recurring_ties > 0 and figures.with_a_tie > 0
    assert 0 < figures.fifth_with_a_tie < figures.fifth_size  # some of the isolated fifth, not all
    assert figures.weeks[-1].recurring_ties == figures.recurring_ties > figures.weeks[0].recurring_ties == 0
    assert figures.first_checkin is not None and figures.last_checkin is not None
    assert own_connectedness(db, result.residents[0].id).recurring_ties > 0  # Rosa, whom everyone logs in as

    # the weekly check-in gets better for some of those who keep meeting people
    scores: dict[int, list[int]] = {}
    for uid, a, b, c in db.execute(select(Checkin.user_id, Checkin.companionship, Checkin.left_out, Checkin.isolated)
                                   .order_by(Checkin.created_at)):
        scores.setdefault(uid, []).append(a + b + c)
    assert len(scores) > 20 and sum(s[-1] < s[0] for s in scores.values()) >= 5

    # a group that keeps meeting has a date the weeks did not live through: to come, on today, or
    # just over (on a Tuesday afternoon the lunch group met today; next week's is offered once they
    # have said how it went)
    standing = db.scalars(select(Group).join(Occurrence, Group.occurrence_id == Occurrence.id)
                          .where(Group.continues_id.is_not(None), Group.status.in_(ACTIVE_GROUPS),
                                 Occurrence.ends_at > now - timedelta(hours=2))).all()
    assert standing
    assert db.get(Group, standing[0].continues_id).status == GroupStatus.MET

    # a lunch to come whose groups were due (three days before) has them, as a deployment's daily
    # matching would have made them: tomorrow's date is not left without groups
    dates = db.scalars(select(Occurrence).join(Event).where(Event.title.in_(RUNNING), Occurrence.ends_at > now,
                                                            Occurrence.starts_at <= now + timedelta(days=3))).all()
    for date in dates:
        assert db.scalar(select(func.count()).select_from(Group).where(Group.occurrence_id == date.id)), date.starts_at

    again = build_demo_town(db, settings, now=now)  # idempotent: finds the town, changes nothing
    assert not again.created
