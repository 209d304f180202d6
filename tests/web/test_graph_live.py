"""The match graph shows the area as it is now: the nightly drawing gives positions, and the page
overlays today's state, so an acceptance, a new resident and a removal show without a new
snapshot; names follow today's consent."""

from __future__ import annotations

from factories import login, make_centre, make_event, make_resident, make_user
from sqlalchemy import func, select

from store.accounts.models import Role
from store.groups.matching import run_matching
from store.groups.models import Group, GroupMember
from store.groups.offers import respond
from store.insight.models import GraphSnapshot
from store.insight.snapshots import build_snapshot
from store.profiles.operations import get_profile


def _graph(client, centre):
    response = client.get(f"/organiser/centres/{centre.id}/graph.json")
    assert response.status_code == 200
    data = response.get_json()
    return data, {n["id"]: n for n in data["nodes"]}


def test_acceptance_new_resident_and_removal_show_without_a_new_snapshot(client, db, settings):
    centre = make_centre(db, name="Hyde Park Hall")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    people = [make_resident(db, name=f"Rowan{i} Person", show_name=True) for i in range(6)]
    run_matching(db, settings, occurrence.id)
    build_snapshot(db, settings, centre)
    snapshots = db.scalar(select(func.count()).select_from(GraphSnapshot))
    login(client, organiser.email)
    data, nodes = _graph(client, centre)
    seat = db.scalar(select(GroupMember).join(Group).where(GroupMember.user_id == people[0].id))
    me = f"m{people[0].id}"
    assert nodes[me]["placement"] == "offered"

    # 1. an acceptance
    respond(db, settings, seat.group_id, people[0], accept=True)
    # 2. a resident who joins the area after the drawing, in no group yet
    newcomer = make_resident(db, name="Newcomer Person", show_name=True)
    # 3. a resident who moves away (their home is now far from the centre)
    gone = people[5]
    profile = get_profile(db, gone.id)
    profile.home_lat, profile.home_lon = 51.5, -0.12
    # 4. a resident who no longer shares their first name
    get_profile(db, people[1].id).show_first_name = False
    db.flush()

    data, nodes = _graph(client, centre)
    assert db.scalar(select(func.count()).select_from(GraphSnapshot)) == snapshots  # no new drawing
    assert nodes[me]["placed"] is True and nodes[me]["placement"] == "accepted" and nodes[me]["new"] is False
    fresh = nodes[f"m{newcomer.id}"]
    assert fresh["new"] is True and fresh["placed"] is False and fresh["label"] == "Newcomer"
    assert isinstance(fresh["x"], float) and isinstance(fresh["y"], float)
    assert (fresh["x"], fresh["y"]) not in {(n["x"], n["y"]) for k, n in nodes.items() if k != fresh["id"]}
    assert f"m{gone.id}" not in nodes
    assert all(f"m{gone.id}" not in (e["source"], e["target"]) for e in data["edges"])
    assert all(f"m{gone.id}" not in g["members"] for g in data["groups"])
    assert nodes[f"m{people[1].id}"]["label"].startswith("Neighbour ")
    assert data["summary"]["members"] == len(data["nodes"]) == 6 and data["summary"]["joined_since"] == 1
    assert data["summary"]["unplaced"] == sum(1 for n in data["nodes"] if not n["placed"])
    # the residents' list says the same
    page = client.get(f"/organiser/centres/{centre.id}/members").get_data(as_text=True)
    assert "Newcomer" in page and "Rowan5" not in page


def test_the_graph_words_are_plain(client, db, settings):
    centre = make_centre(db, name="Hyde Park Hall")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    for i in range(5):
        make_resident(db, name=f"Ash{i} Person", wants=("meal", "event"))
    run_matching(db, settings, occurrence.id)
    build_snapshot(db, settings, centre)
    login(client, organiser.email)
    data, _ = _graph(client, centre)
    assert data["words"]["kinds"]["meal"] == "Shared meals"
    assert data["groups"] and all(g["fit"].endswith("%)") and " fit (" in g["fit"] for g in data["groups"])
