"""One definition of "placed": the overview, the match-graph JSON, the residents' list and the
spreadsheet agree, with groups in every state, and stay in agreement after the drawing was made."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from factories import login, make_centre, make_event, make_resident, make_user
from sqlalchemy import event

from store.accounts.models import Role
from store.groups.models import Group, GroupMember, GroupStatus, SeatStatus
from store.insight.placement import Placement, placements
from store.insight.snapshots import build_snapshot

S = SeatStatus


@pytest.fixture
def world(db, settings):
    """Residents R1..R10 and groups in every state (see the table in store/insight/placement.py)."""
    centre = make_centre(db, name="Hyde Park Hall")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    people = {i: make_resident(db, name=f"R{i} Person", show_name=True) for i in range(1, 11)}

    def group(status, seats, days_ahead, title):
        _, occurrence = make_event(db, settings, centre, organiser, title=title, days_ahead=abs(days_ahead))
        if days_ahead < 0:  # a date that has been
            occurrence.starts_at -= timedelta(days=2 * abs(days_ahead))
            occurrence.ends_at -= timedelta(days=2 * abs(days_ahead))
        g = Group(centre_id=centre.id, occurrence_id=occurrence.id, status=status, reason="Near each other")
        db.add(g)
        db.flush()
        for i, seat in seats:
            db.add(GroupMember(group_id=g.id, user_id=people[i].id, status=seat))
        db.flush()
        return g

    groups = {
        "proposed": group(GroupStatus.PROPOSED, [(1, S.OFFERED), (2, S.ACCEPTED), (3, S.DECLINED), (10, S.OFFERED)],
                          5, "Soup lunch"),
        "confirmed": group(GroupStatus.CONFIRMED, [(4, S.ACCEPTED), (5, S.WITHDRAWN)], 6, "Games afternoon"),
        "met": group(GroupStatus.MET, [(6, S.ACCEPTED), (7, S.OFFERED), (10, S.ACCEPTED)], -10, "Canal walk"),
        "dissolved": group(GroupStatus.DISSOLVED, [(8, S.WITHDRAWN)], 4, "Quiz night"),
    }
    return centre, organiser, people, groups


EXPECTED = {1: Placement.OFFERED, 2: Placement.ACCEPTED, 3: Placement.NOT_PLACED, 4: Placement.CONFIRMED,
            5: Placement.NOT_PLACED, 6: Placement.MET, 7: Placement.NOT_PLACED, 8: Placement.NOT_PLACED,
            9: Placement.NOT_PLACED, 10: Placement.OFFERED}


def _overview(client, centre):
    page = client.get(f"/organiser/centres/{centre.id}/").get_data(as_text=True)
    return {label.strip(): int(value) for value, label in
            re.findall(r'<p class="figure-number">([^<]+)</p><p>([^<(]+)', page) if value.strip().isdigit()}, page


def _check_agreement(client, db, centre, people, groups):
    figures, page = _overview(client, centre)
    data = client.get(f"/organiser/centres/{centre.id}/graph.json").get_json()
    rows = list(csv.DictReader(io.StringIO(client.get(f"/organiser/centres/{centre.id}/members.csv")
                                           .get_data(as_text=True))))
    listing = client.get(f"/organiser/centres/{centre.id}/members").get_data(as_text=True)
    truth = placements(db, [p.id for p in people.values()])
    unplaced = sum(1 for p in truth.values() if not p.placed)

    assert figures["not yet placed in a group"] == unplaced
    assert f"{unplaced} not yet placed" in page
    assert data["summary"]["unplaced"] == unplaced
    assert sum(1 for r in rows if r["placed"] == "no") == unplaced

    nodes = {n["label"]: n for n in data["nodes"]}
    by_name = {r["name_or_pseudonym"]: r for r in rows}
    group_ids = {g["id"] for g in data["groups"]}
    for i, person in people.items():
        placed = truth[person.id]
        node, row = nodes[f"R{i}"], by_name[f"R{i}"]
        assert node["placed"] is placed.placed and node["placement"] == placed.state.value, i
        assert (node["group"] is not None) is placed.placed, i  # a group exactly when placed
        assert row["placed"] == ("yes" if placed.placed else "no") and row["placement"] == placed.words, i
        assert placed.words in listing
        if placed.placed:
            assert node["group"] == f"g{placed.group_id}" and node["group"] in group_ids
            group = next(g for g in data["groups"] if g["id"] == node["group"])
            assert row["group"] == group["label"] and f"m{person.id}" in group["members"]
    assert data["words"]["placement"]["not_placed"] == "Not yet placed"
    return unplaced


def test_overview_graph_list_and_spreadsheet_agree_on_who_is_placed(client, db, settings, world):
    centre, organiser, people, groups = world
    assert {i: p.state for i, p in placements(db, {i: u.id for i, u in people.items()}.values()).items()} == {
        people[i].id: state for i, state in EXPECTED.items()}
    # someone in a live group and a group that met is shown with the live one
    assert placements(db, [people[10].id])[people[10].id].group_id == groups["proposed"].id
    build_snapshot(db, settings, centre)
    login(client, organiser.email)
    assert _check_agreement(client, db, centre, people, groups) == 5

    # the drawing is a day old, the day moved on: R9 is offered a seat, R2's group is confirmed
    db.add(GroupMember(group_id=groups["confirmed"].id, user_id=people[9].id, status=S.OFFERED))
    groups["proposed"].status = GroupStatus.CONFIRMED
    db.flush()
    assert _check_agreement(client, db, centre, people, groups) == 4
    data = client.get(f"/organiser/centres/{centre.id}/graph.json").get_json()
    assert {n["label"]: n["placement"] for n in data["nodes"]}["R2"] == "confirmed"


def test_the_groups_page_and_spreadsheet_read_groups_in_one_query(client, db, settings, world):
    centre, organiser, *_ = world
    login(client, organiser.email)
    statements = []
    connection = db.get_bind()

    def count(conn, cursor, statement, *args):
        if "event_occurrences" in statement:
            statements.append(statement)

    for path in ("/groups.csv", "/"):
        statements.clear()
        event.listen(connection, "before_cursor_execute", count)
        try:
            body = client.get(f"/organiser/centres/{centre.id}{path}").get_data(as_text=True)
        finally:
            event.remove(connection, "before_cursor_execute", count)
        for title in ("Soup lunch", "Games afternoon", "Canal walk", "Quiz night"):
            assert title in body, (path, title)
        # the groups with their dates and events in one query, not one look-up per group
        assert len([s for s in statements if "groups.reason" in s]) == 1, path
        assert [s for s in statements if "WHERE event_occurrences.id =" in s] == [], path
