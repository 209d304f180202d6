"""Queries per page: each busy page stays under a small, documented number of SQL statements, and
the number does not grow with how much the town holds (no query per row).

A regression (a loop that loads rows one by one, a relationship read lazily in a template) fails
here rather than only showing up in a benchmark. The budgets are deliberately a little above
today's counts; the README's "Speed" section lists them.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from factories import login, make_centre, make_event, make_resident, make_user
from sqlalchemy import event as sa_event
from sqlalchemy import select

from store.accounts.models import Role
from store.events.signups import sign_up
from store.groups.matching import run_matching
from store.groups.models import Group

# The most statements each page may run for a logged-in person (session and user loading included).
BUDGET = {
    "resident home": 19,  # 3 of them the resident's own connections (attendance, meet-again, check-ins)
    "group page": 18,
    "events search": 6,
    "events search, not cached": 12,
    "event page": 15,
    "my events": 8,
    "messages": 10,
    "organiser home": 12,
    "organiser overview": 23,  # the figures counted by the database: none per resident
    "date roster": 17,  # the date's groups, standing ones marked (store.groups.continuing)
    "members": 18,
    "connections": 14,
    "impact summary": 14,
}
# How many more statements a page may run when the town holds several times as much.
GROWTH = 2


@contextmanager
def counting(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


def build_town(db, settings, *, events: int, residents: int):
    """A centre with ``events`` dated events, ``residents`` residents signed up to them, and a group."""
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    people = [make_resident(db, name=f"Resident{i} Surname") for i in range(residents)]
    made = [make_event(db, settings, centre, organiser, days_ahead=2 + i % 5, title=f"Supper {i}",
                       hour=10 + i % 8) for i in range(events)]
    for i, (_, occurrence) in enumerate(made):
        for person in people[: 3 + i % 4]:
            sign_up(db, settings, occurrence.id, person)
    _, first = made[0]
    run_matching(db, settings, first.id)
    db.commit()
    group = db.scalars(select(Group).where(Group.occurrence_id == first.id)).first()
    return centre, organiser, people, made, group


def pages_for(app, db, town):
    """Each page's statement count, as one resident and one organiser of the town."""
    centre, organiser, people, made, group = town
    event, occurrence = made[0]
    member = group.seats[0].user if group is not None else people[0]
    engine = db.get_bind().engine
    counts: dict[str, int] = {}

    client = None

    def visit(name, path, *, warm_with=None):
        client.get(warm_with or path)  # warm: caches that a running server keeps filled
        with counting(engine) as statements:
            response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        counts[name] = len(statements)

    client = app.test_client()
    login(client, member.email)
    visit("resident home", "/")
    if group is not None:
        visit("group page", f"/groups/{group.id}")
    visit("events search", "/events/?kind=meal")
    visit("events search, not cached", "/events/?kind=meal&sort=soonest", warm_with="/events/?kind=event")
    visit("event page", f"/events/{event.id}")
    visit("my events", "/events/mine")
    visit("messages", "/messages")
    client = app.test_client()
    login(client, organiser.email)
    visit("organiser home", "/organiser/")
    visit("organiser overview", f"/organiser/centres/{centre.id}/")
    visit("date roster", f"/organiser/events/{event.id}/dates/{occurrence.id}")
    visit("members", f"/organiser/centres/{centre.id}/members")
    visit("connections", f"/organiser/centres/{centre.id}/connections")
    visit("impact summary", f"/organiser/centres/{centre.id}/impact")
    return counts


@pytest.fixture
def small_and_large(app, db, settings):
    small = pages_for(app, db, build_town(db, settings, events=2, residents=6))
    large = pages_for(app, db, build_town(db, settings, events=10, residents=24))
    return small, large


def test_each_busy_page_stays_within_its_budget(small_and_large):
    _, large = small_and_large
    over = {name: (count, BUDGET[name]) for name, count in large.items() if count > BUDGET[name]}
    assert not over, f"pages over their query budget (count, budget): {over}"


def test_no_page_runs_a_query_per_row(small_and_large):
    small, large = small_and_large
    grew = {name: (small[name], large[name]) for name in small if large[name] > small[name] + GROWTH}
    assert not grew, f"pages whose queries grow with the town (small, large): {grew}"



def _resident_in_groups(db, settings, groups: int):
    """A resident offered a place in ``groups`` groups (on as many dates), each with three others
    and a meeting note, and one group that met and waits for their "How did it go?"."""
    from store.groups.models import GroupMember, GroupStatus, MeetingNote, SeatStatus

    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    me = make_resident(db, name="Reader Person")
    others = [make_resident(db, name=f"Other{i} Person") for i in range(3)]
    for i in range(groups + 1):
        _, occurrence = make_event(db, settings, centre, organiser, days_ahead=2 + i, title=f"Lunch {i}")
        met = i == groups
        group = Group(centre_id=centre.id, occurrence_id=occurrence.id,
                      status=GroupStatus.MET if met else GroupStatus.PROPOSED, reason="You all like cooking.")
        db.add(group)
        db.flush()
        for person in (me, *others):
            db.add(GroupMember(group_id=group.id, user_id=person.id,
                               status=SeatStatus.ACCEPTED if met else SeatStatus.OFFERED))
        db.add(MeetingNote(occurrence_id=occurrence.id, group_id=group.id, group_key=str(group.id),
                           text="Look for the Hearth sign."))
    db.commit()
    return me


def test_the_home_page_and_the_groups_list_cost_the_same_for_one_group_or_five(app, db, settings):
    """The groups a resident sees are read a few statements at a time, not a few per group."""
    engine = db.get_bind().engine
    counts = {}
    for n in (1, 5):
        me = _resident_in_groups(db, settings, n)
        client = app.test_client()
        login(client, me.email)
        for path in ("/", "/groups/"):
            client.get(path)
            with counting(engine) as statements:
                page = client.get(path)
            assert page.status_code == 200
            assert all(f"Lunch {i}" in page.get_data(as_text=True) for i in range(n + 1)), path  # every group shown
            counts[(path, n)] = len(statements)
    assert counts[("/", 5)] <= counts[("/", 1)] + 1, counts
    assert counts[("/groups/", 5)] <= counts[("/groups/", 1)] + 1, counts


def _centre_with_residents(db, settings, residents: int, *, at: tuple[float, float]):
    """A centre whose area holds ``residents`` residents, each with a check-in, a tie to the next
    one and a seat in one of the centre's groups (one that met, one still proposed)."""
    from datetime import timedelta

    from store.core.db import utcnow
    from store.groups.models import GroupMember, GroupStatus, SeatStatus
    from store.social.models import Checkin, Tie

    centre = make_centre(db, lat=at[0], lon=at[1])
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    people = [make_resident(db, near=at, name=f"Near{i} Person") for i in range(residents)]
    groups = []
    for k, status in enumerate((GroupStatus.MET, GroupStatus.PROPOSED)):
        _, occurrence = make_event(db, settings, centre, organiser, days_ahead=3 + k, title=f"Supper {k}")
        group = Group(centre_id=centre.id, occurrence_id=occurrence.id, status=status, reason="Near each other")
        db.add(group)
        db.flush()
        groups.append(group)
    now = utcnow()
    for i, person in enumerate(people):
        db.add(GroupMember(group_id=groups[i % 2].id, user_id=person.id,
                           status=SeatStatus.ACCEPTED if i % 3 else SeatStatus.OFFERED))
        db.add(Checkin(user_id=person.id, companionship=1 + i % 3, left_out=2, isolated=1 + i % 3,
                       created_at=now - timedelta(days=i % 20)))
        if i:
            a, b = sorted((people[i - 1].id, person.id))
            db.add(Tie(user_a_id=a, user_b_id=b, strength=0.5, times_met=1))
    db.commit()
    return centre, organiser


def test_the_overview_costs_the_same_for_few_residents_or_many(app, db, settings):
    """The overview's figures are counted by the database: the statements a visit runs do not
    grow with the residents of the area, their seats, ties or check-ins."""
    engine = db.get_bind().engine
    counts = {}
    for n, at in ((3, (53.8113, -1.5660)), (18, (53.4808, -2.2426))):  # two towns apart
        centre, organiser = _centre_with_residents(db, settings, n, at=at)
        client = app.test_client()
        login(client, organiser.email)
        path = f"/organiser/centres/{centre.id}/"
        client.get(path)
        with counting(engine) as statements:
            page = client.get(path)
        assert page.status_code == 200
        assert f'<p class="figure-number">{n}</p><p>residents in the area' in page.get_data(as_text=True)
        counts[n] = len(statements)
    assert counts[18] == counts[3], counts
    assert counts[18] <= BUDGET["organiser overview"], counts
