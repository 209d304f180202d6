"""In a real browser, the organiser's view on the real app: the match graph renders from the
snapshot job, search and filters work, a member's and a group's panels open, the figures match the
database, the CSV export parses, and another centre's organiser is refused."""

from __future__ import annotations

import csv
import io
import re

from browsing import log_in
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import func, select

from store.accounts.models import Role, User
from store.groups.matching import run_matching
from store.groups.models import Group
from store.insight.snapshots import build_snapshot


def test_graph_figures_csv_and_refusal(live_server, browser):
    url = live_server.url
    settings = live_server.app.extensions["hearth.settings"]
    with live_server.database.unit_of_work() as session:
        centre = make_centre(session, name="Hyde Park Community Hall", lat=53.8113, lon=-1.5660)
        organiser = make_user(session, role=Role.ORGANISER, centre=centre, email="olu@example.org")
        make_user(session, role=Role.ORGANISER, centre=make_centre(session, name="Far Hall"), email="far@example.org")
        _, occurrence = make_event(session, settings, centre, organiser)
        for i in range(9):
            make_resident(session, name=f"Rowan{i}", show_name=i < 5, email=f"r{i}@example.org")
        run_matching(session, settings, occurrence.id)
        centre_id = centre.id
    with live_server.database.unit_of_work() as session:
        groups = session.scalar(select(func.count()).select_from(Group))

    page = browser.new_context().new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, url, "olu@example.org")
    page.goto(url + f"/organiser/centres/{centre_id}/graph")
    page.get_by_role("button", name="Draw it now").click()
    page.get_by_text("Drawing the match graph now").wait_for()
    page.goto(url + f"/organiser/centres/{centre_id}/graph")
    page.locator("#match-graph[data-graph-state=ready]").wait_for()
    assert page.evaluate("document.getElementById('match-graph').hearthGraph.graph.order") == 9
    summary = page.locator("#match-graph").inner_text()
    assert "9 members" in summary

    page.get_by_label("Find a neighbour or a group").fill("Rowan1")
    page.get_by_role("button", name="Rowan1 (neighbour)").click()
    panel = page.get_by_role("complementary", name="Rowan1")
    panel.wait_for()
    before = page.evaluate("document.getElementById('match-graph').hearthGraph.visibleCounts()")
    page.get_by_label("Suggestions").uncheck()
    after = page.evaluate("document.getElementById('match-graph').hearthGraph.visibleCounts()")
    assert after != before
    page.get_by_label("Suggestions").check()
    group_button = panel.get_by_role("button", name=re.compile("Friday supper"))
    group_button.click()
    page.get_by_role("complementary", name=re.compile("Friday supper")).wait_for()
    assert not [e for e in errors if "Content Security Policy" in e]

    page.goto(url + f"/organiser/centres/{centre_id}/")
    found = dict((label.strip(), value) for value, label in
                 re.findall(r'<p class="figure-number">([^<]+)</p><p>([^<(]+)', page.content()))
    assert found["residents in the area"] == "9"
    assert found["group proposed" if groups == 1 else "groups proposed"] == str(groups)
    csv_text = page.request.get(url + f"/organiser/centres/{centre_id}/members.csv").text()
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(rows) == 9 and {r["name_or_pseudonym"] for r in rows} >= {"Rowan0", "Rowan4"}
    assert not any(r["name_or_pseudonym"] in ("Rowan5", "Rowan8") for r in rows)

    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/unreached", "/reports", "/runs", "/members"):
        page.goto(url + f"/organiser/centres/{centre_id}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path

    far = browser.new_context().new_page()
    log_in(far, url, "far@example.org")
    response = far.goto(url + f"/organiser/centres/{centre_id}/graph")
    assert response.status == 403
    assert "isn't open to you" in far.content()


def test_a_resident_not_placed_is_grey_and_every_page_says_so(live_server, browser):
    url = live_server.url
    settings = live_server.app.extensions["hearth.settings"]
    with live_server.database.unit_of_work() as session:
        centre = make_centre(session, name="Hyde Park Community Hall", lat=53.8113, lon=-1.5660)
        organiser = make_user(session, role=Role.ORGANISER, centre=centre, email="olu@example.org")
        _, occurrence = make_event(session, settings, centre, organiser)
        for i in range(6):
            make_resident(session, name=f"Rowan{i}", show_name=True, email=f"r{i}@example.org")
        make_resident(session, name="Solo", show_name=True, consent=False, email="solo@example.org")
        run_matching(session, settings, occurrence.id)
        build_snapshot(session, settings, centre)
        centre_id = centre.id
        solo = session.scalar(select(User).where(User.email == "solo@example.org")).id
        rowan = session.scalar(select(User).where(User.email == "r0@example.org")).id

    page = browser.new_context().new_page()
    log_in(page, url, "olu@example.org")
    page.goto(url + f"/organiser/centres/{centre_id}/graph")
    page.locator("#match-graph[data-graph-state=ready]").wait_for()
    assert "1 not yet placed" in page.locator("#match-graph").inner_text()
    colour = "(n) => document.getElementById('match-graph').hearthGraph.sigma.getNodeDisplayData(n).color"
    assert page.evaluate(colour, f"m{solo}") == "#6b6b6b"
    assert page.evaluate(colour, f"m{rowan}") != "#6b6b6b"
    assert page.get_by_text("Grey: not yet placed in a group").is_visible()
    page.get_by_label("Community (people closely linked)").check()
    assert page.evaluate(colour, f"m{solo}") == "#6b6b6b"

    page.get_by_label("Find a neighbour or a group").fill("Solo")
    page.get_by_role("button", name="Solo (neighbour)").click()
    panel = page.get_by_role("complementary", name="Solo")
    panel.wait_for()
    assert "Not yet placed" in panel.inner_text() and "None at the moment" in panel.inner_text()
    page.get_by_role("button", name="Close details").click()
    page.get_by_label("Find a neighbour or a group").fill("Rowan0")
    page.get_by_role("button", name="Rowan0 (neighbour)").click()
    placed = page.get_by_role("complementary", name="Rowan0")
    placed.wait_for()
    assert "Offered a group, no answer yet" in placed.inner_text() and "Friday supper" in placed.inner_text()

    page.goto(url + f"/organiser/centres/{centre_id}/")
    found = dict((label.strip(), value) for value, label in
                 re.findall(r'<p class="figure-number">([^<]+)</p><p>([^<(]+)', page.content()))
    assert found["not yet placed in a group"] == "1"
    rows = list(csv.DictReader(io.StringIO(page.request.get(url + f"/organiser/centres/{centre_id}/members.csv").text())))
    assert [r["name_or_pseudonym"] for r in rows if r["placed"] == "no"] == ["Solo"]
