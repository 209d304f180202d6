"""The organiser's match-graph viewer (web/static/js/graph.js) in Chromium, under the strict CSP.

A minimal Flask app made here serves Hearth's real ``web/static`` folder with Hearth's own
content policy (``web.security.CSP``), plus a test page and its JSON; production code has no
such routes. WebGL runs on SwiftShader (software rendering), which ``--disable-gpu`` leaves on.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from flask import Flask, Response, jsonify
from werkzeug.serving import make_server

from web.security import CSP

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Match graph · Hearth</title>
  <link rel="stylesheet" href="/static/css/hearth.css">
  <link rel="stylesheet" href="/static/css/graph.css">
  <link rel="icon" href="/static/img/hearth.svg" type="image/svg+xml">
  <script src="/static/vendor/graphology/graphology.umd.min.js" defer></script>
  <script src="/static/vendor/sigma/sigma.min.js" defer></script>
  <script src="/static/js/graph.js" defer></script>
</head>
<body>
  <main id="main" class="wrap">
    <h1>Who Hearth is reaching</h1>
    <div id="match-graph" class="match-graph" data-graph-url="{url}"></div>
  </main>
</body>
</html>
"""


def _member(i, label, x, y, group, kinds, ties, last=None, community=0):
    return {"id": f"m{i}", "label": label, "x": x, "y": y, "size": 8, "group": group, "community": community,
            "kinds": kinds, "placed": group is not None, "ties": ties, "last_attended": last}


GRAPH = {
    "summary": {"members": 12, "groups": 3, "unplaced": 2, "generated_at": "2026-11-25T21:00:00+00:00"},
    "nodes": [
        _member(1, "Neighbour 4821", 0, 0, "g1", ["meal"], 1, "2026-11-20"),
        _member(2, "Neighbour 1193", 10, 5, "g1", ["meal", "exercise"], 2, "2026-11-20"),
        _member(3, "Maya", 20, 0, "g1", ["meal"], 2, "2026-11-14"),
        _member(4, "Neighbour 3307", 10, -10, "g1", ["meal"], 1, community=1),
        _member(5, "Neighbour 5502", 60, 40, "g2", ["exercise"], 1, "2026-11-22", community=1),
        _member(6, "Neighbour 7718", 75, 55, "g2", ["exercise"], 2, "2026-11-22T10:30:00+00:00", community=1),
        _member(7, "Neighbour 7720", 90, 40, "g2", ["exercise"], 1, None, community=1),
        _member(8, "Neighbour 2040", -60, 50, "g3", ["event"], 0, None, community=2),
        _member(9, "Neighbour 2041", -75, 65, "g3", ["event"], 0, None, community=2),
        _member(10, "Neighbour 2042", -90, 50, "g3", ["event"], 0, None, community=2),
        _member(11, "Neighbour 9001", -30, -60, None, ["meal"], 0, community=3),
        _member(12, "Neighbour 9002", 40, -60, None, [], 0, community=3),
    ],
    "groups": [
        {"id": "g1", "label": "Friday supper, 5 Dec", "kind": "meal", "date": "2026-12-05T18:30:00+00:00",
         "status": "confirmed", "score": 0.82, "fit": "a strong fit (82%)", "reason": "Live close by and all enjoy cooking",
         "members": ["m1", "m2", "m3", "m4"]},
        {"id": "g2", "label": "Saturday walk, 13 Dec", "kind": "exercise", "date": "2026-12-13",
         "status": "met", "score": 0.74, "fit": "a strong fit (74%)", "reason": "Free on Saturday mornings, like the canal path",
         "members": ["m5", "m6", "m7"]},
        {"id": "g3", "label": "Board games, 20 Jan", "kind": "event", "date": "2027-01-20",
         "status": "proposed", "score": 0.61, "fit": "a strong fit (61%)", "reason": "New faces who like games", "members": ["m8", "m9", "m10"]},
    ],
    "edges": [
        {"source": "m1", "target": "m2", "kind": "tie", "weight": 1.0},
        {"source": "m2", "target": "m3", "kind": "tie", "weight": 2.0},
        {"source": "m3", "target": "m4", "kind": "tie", "weight": 1.0},
        {"source": "m5", "target": "m6", "kind": "tie", "weight": 1.0},
        {"source": "m6", "target": "m7", "kind": "tie", "weight": 1.0},
        {"source": "m4", "target": "m5", "kind": "suggestion", "weight": 0.5},
        {"source": "m8", "target": "m9", "kind": "suggestion", "weight": 0.7},
        {"source": "m9", "target": "m10", "kind": "suggestion", "weight": 0.6},
        {"source": "m10", "target": "m11", "kind": "suggestion", "weight": 0.4},
        {"source": "m11", "target": "m1", "kind": "suggestion", "weight": 0.5},
        {"source": "m12", "target": "m3", "kind": "suggestion", "weight": 0.3},
    ],
    "links": {"csv": "/_test/members.csv", "list": "/_test/members"},
}

# A label that looks like markup must be shown as text, never run.
TRICKY = {
    **GRAPH,
    "nodes": [dict(GRAPH["nodes"][0], label='<img src=x onerror="window.__ran=1">')] + GRAPH["nodes"][1:],
    "groups": [dict(GRAPH["groups"][0], label="<b>Supper</b>", reason="<script>window.__ran=1</script>")]
    + GRAPH["groups"][1:],
}

# A member not placed whose JSON still names a group (as older snapshots did): the viewer must
# neither colour them nor show the group, and must say what the server's words say.
MIXED = {
    **GRAPH,
    "nodes": GRAPH["nodes"][:11] + [dict(GRAPH["nodes"][11], group="g3", placed=False, placement="not_placed")],
    "words": {"placement": {"not_placed": "Not yet placed", "confirmed": "In a confirmed group",
                            "met": "Has met with a group", "offered": "Offered a group, no answer yet"}},
}
MIXED["nodes"][0] = dict(MIXED["nodes"][0], placement="confirmed")

VIEWER = "document.getElementById('match-graph').hearthGraph"

# Counts taken from what sigma itself will draw (its display data after our reducers).
SIGMA_COUNTS = """() => {
  const s = %s.sigma, g = s.getGraph();
  return {
    nodes: g.filterNodes(n => !s.getNodeDisplayData(n).hidden).length,
    edges: g.filterEdges(e => !s.getEdgeDisplayData(e).hidden).length,
  };
}""" % VIEWER

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""


def viewer_app() -> Flask:
    """Hearth's static files under Hearth's content policy, and the test page with its JSON."""
    app = Flask("graph_viewer_test", static_folder=str(STATIC), static_url_path="/static")
    app.add_url_rule("/_test/graph", "page",
                     lambda: Response(PAGE.replace("{url}", "/_test/graph.json"), mimetype="text/html"))
    app.add_url_rule("/_test/tricky", "tricky",
                     lambda: Response(PAGE.replace("{url}", "/_test/tricky.json"), mimetype="text/html"))
    app.add_url_rule("/_test/tricky.json", "tricky_graph", lambda: jsonify(TRICKY))
    app.add_url_rule("/_test/broken", "broken",
                     lambda: Response(PAGE.replace("{url}", "/_test/gone.json"), mimetype="text/html"))
    app.add_url_rule("/_test/graph.json", "graph", lambda: jsonify(GRAPH))
    app.add_url_rule("/_test/mixed", "mixed",
                     lambda: Response(PAGE.replace("{url}", "/_test/mixed.json"), mimetype="text/html"))
    app.add_url_rule("/_test/mixed.json", "mixed_graph", lambda: jsonify(MIXED))

    @app.after_request
    def strict(response):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return app


@pytest.fixture(scope="module")
def viewer_server():
    server = make_server("127.0.0.1", 0, viewer_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def graph_page(viewer_server, page):
    """The viewer on a test page, loaded and ready; fails the test on any console error or CSP report."""

    problems = []

    def on_console(msg):
        # Chromium's own WebGL driver notes (sigma reads pixels to find the node under the
        # pointer: "GPU stall due to ReadPixels") are performance hints, not faults of the page.
        if msg.type == "error" or (msg.type == "warning" and "GL Driver Message (OpenGL, Performance" not in msg.text):
            problems.append(f"console {msg.type}: {msg.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.add_init_script(WATCH_CSP)

    page.set_viewport_size({"width": 1280, "height": 1400})  # the whole drawing in view, for clicks
    response = page.goto(viewer_server + "/_test/graph")
    assert response.headers["content-security-policy"] == CSP
    page.locator("#match-graph[data-graph-state=ready]").wait_for()
    page.problems = problems
    yield page
    assert page.evaluate("window.__cspViolations") == []
    assert problems == [], "\n".join(problems)


def _node_point(page, node):
    """Where ``node`` is on screen: sigma's graph-to-viewport position plus the canvas offset."""
    return page.evaluate(
        """(node) => {
          const s = %s.sigma, attrs = s.getGraph().getNodeAttributes(node);
          const p = s.graphToViewport({x: attrs.x, y: attrs.y});
          const box = s.getContainer().getBoundingClientRect();
          return {x: box.left + p.x, y: box.top + p.y};
        }""" % VIEWER,
        node,
    )


def _wait_camera_still(page):
    page.wait_for_function("() => !%s.sigma.getCamera().isAnimated()" % VIEWER)


def test_the_graph_renders_with_a_summary_and_links(graph_page):
    page = graph_page
    assert page.locator("#match-graph canvas").count() >= 2  # sigma's WebGL layers and its label layer
    assert page.evaluate("%s.sigma.getGraph().order" % VIEWER) == 12
    assert page.evaluate("%s.sigma.getGraph().size" % VIEWER) == 11
    assert page.evaluate(SIGMA_COUNTS) == {"nodes": 12, "edges": 11}
    # sigma really drew through WebGL (SwiftShader under --disable-gpu)
    assert page.evaluate("%s.sigma.getCanvases().nodes.getContext('webgl2') !== null" % VIEWER)
    assert page.get_by_text("12 members, 3 groups, 2 not yet placed").is_visible()
    assert page.get_by_role("link", name="See everyone as a list").get_attribute("href") == "/_test/members"
    assert page.get_by_role("link", name="Download the list (CSV)").get_attribute("href") == "/_test/members.csv"
    assert page.get_by_text("Showing 12 of 12 neighbours and 11 connections.").is_visible()
    # labels are exactly those the JSON gave
    labels = page.evaluate("%s.sigma.getGraph().mapNodes((n, a) => a.label)" % VIEWER)
    assert sorted(labels) == sorted(n["label"] for n in GRAPH["nodes"])


def test_search_finds_highlights_and_centres_a_member(graph_page):
    page = graph_page
    page.get_by_label("Find a neighbour or a group").fill("maya")
    result = page.get_by_role("button", name="Maya (neighbour)")
    result.wait_for()
    assert page.get_by_text("1 neighbour found.").is_visible()
    assert page.evaluate("%s.sigma.getNodeDisplayData('m3').highlighted" % VIEWER) is True
    assert page.evaluate("%s.sigma.getNodeDisplayData('m5').highlighted" % VIEWER) is not True

    result.click()
    panel = page.get_by_role("complementary", name="Maya")
    panel.wait_for()
    _wait_camera_still(page)
    centred = page.evaluate(
        """() => { const s = %s.sigma, d = s.getNodeDisplayData('m3'), c = s.getCamera().getState();
                   return Math.hypot(d.x - c.x, d.y - c.y); }""" % VIEWER
    )
    assert centred < 1e-6
    assert page.evaluate("%s.sigma.getCamera().getState().ratio" % VIEWER) < 1


def test_filters_change_what_is_drawn(graph_page):
    page = graph_page
    page.get_by_label("Suggestions").uncheck()
    assert page.evaluate(SIGMA_COUNTS) == {"nodes": 12, "edges": 5}
    assert page.get_by_text("Showing 12 of 12 neighbours and 5 connections.").is_visible()
    page.get_by_label("Suggestions").check()

    page.get_by_label("Events").uncheck()  # m8, m9, m10 only do events
    assert page.evaluate(SIGMA_COUNTS) == {"nodes": 9, "edges": 8}
    page.get_by_label("Events").check()

    page.get_by_label("Ties (have met)").uncheck()
    page.get_by_label("Ties (have met)").check()
    assert page.evaluate(SIGMA_COUNTS) == {"nodes": 12, "edges": 11}

    # Only the walk on 13 Dec falls in range; people not yet in a group stay in view.
    page.get_by_label("From", exact=True).fill("2026-12-10")
    page.get_by_label("To", exact=True).fill("2026-12-31")
    visible = page.evaluate("%s.sigma.getGraph().filterNodes(n => !%s.sigma.getNodeDisplayData(n).hidden)" % (VIEWER, VIEWER))
    assert sorted(visible) == ["m11", "m12", "m5", "m6", "m7"]
    assert page.evaluate(SIGMA_COUNTS) == {"nodes": 5, "edges": 2}
    assert page.get_by_text("Showing 5 of 12 neighbours and 2 connections.").is_visible()

    # someone filtered out can still be found, and the panel says why they are not drawn
    page.get_by_label("Find a neighbour or a group").fill("Maya")
    page.get_by_role("button", name="Maya (neighbour)").click()
    panel = page.get_by_role("complementary", name="Maya")
    panel.wait_for()
    assert "Hidden from the drawing by the filters you chose." in panel.inner_text()


def test_colour_toggle_switches_between_group_and_community(graph_page):
    page = graph_page
    colours = "() => ['m1', 'm4', 'm11'].map(n => %s.sigma.getNodeDisplayData(n).color)" % VIEWER
    by_group = page.evaluate(colours)
    assert by_group[2] == "#6b6b6b"  # not yet placed
    page.get_by_label("Community (people closely linked)").check()
    by_community = page.evaluate(colours)
    assert by_community != by_group
    assert by_community[2] == "#6b6b6b"  # grey means "not yet placed" in either colouring, as the key says
    assert "#6b6b6b" not in by_community[:2]
    page.get_by_label("Group", exact=True).check()
    assert page.evaluate(colours) == by_group


def test_clicking_a_member_then_their_group_opens_the_panel(graph_page):
    page = graph_page
    point = _node_point(page, "m6")
    page.mouse.click(point["x"], point["y"])
    panel = page.get_by_role("complementary", name="Neighbour 7718")
    panel.wait_for()
    text = panel.inner_text()
    assert "Saturday walk, 13 Dec" in text
    assert "2 people they have met" in text
    assert "22 Nov 2026" in text  # last attended
    assert "Not yet placed" not in text
    assert page.evaluate("%s.sigma.getNodeDisplayData('m6').highlighted" % VIEWER) is True
    # neighbours stay bright, the rest fades
    assert page.evaluate("%s.sigma.getNodeDisplayData('m1').color" % VIEWER) == "#e4ddd6"
    assert page.evaluate("%s.sigma.getNodeDisplayData('m5').color" % VIEWER) != "#e4ddd6"

    panel.get_by_role("button", name="Saturday walk, 13 Dec").click()
    group = page.get_by_role("complementary", name="Saturday walk, 13 Dec")
    group.wait_for()
    text = group.inner_text()
    assert "Has met" in text and "Free on Saturday mornings" in text and "a strong fit (74%)" in text
    assert "0.74" not in text  # the fit in words, never the raw score
    assert group.get_by_role("button", name="Neighbour 7720").is_visible()

    # a click on a member not yet placed, once the whole graph is back in view
    page.get_by_role("button", name="Show everything").click()
    _wait_camera_still(page)
    point = _node_point(page, "m12")
    page.mouse.click(point["x"], point["y"])
    lonely = page.get_by_role("complementary", name="Neighbour 9002")
    lonely.wait_for()
    assert "Not yet placed" in lonely.inner_text() and "Hasn't said yet" in lonely.inner_text()


def test_keyboard_alone_finds_a_member_and_zooms(graph_page):
    page = graph_page
    search = page.get_by_label("Find a neighbour or a group")
    search.focus()
    page.keyboard.type("Neighbour 20")
    page.get_by_text("3 neighbours found.").wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "Neighbour 2041 (neighbour)"
    page.keyboard.press("Enter")
    panel = page.get_by_role("complementary", name="Neighbour 2041")
    panel.wait_for()
    assert page.evaluate("document.activeElement.id").endswith("panel-heading")
    assert "Board games, 20 Jan" in panel.inner_text()
    page.keyboard.press("Escape")
    assert page.locator("aside.mg-panel").is_hidden()

    # a group through the search box, with Enter on the input
    search.fill("board games")
    page.get_by_role("button", name="Board games, 20 Jan (group)").wait_for()
    search.press("Enter")
    group = page.get_by_role("complementary", name="Board games, 20 Jan")
    group.wait_for()
    assert "Suggested, waiting for replies" in group.inner_text()
    page.get_by_role("button", name="Close details").press("Enter")

    _wait_camera_still(page)
    page.get_by_role("button", name="Show everything").focus()
    page.keyboard.press("Enter")
    _wait_camera_still(page)
    ratio = "%s.sigma.getCamera().getState().ratio" % VIEWER
    assert page.evaluate(ratio) == pytest.approx(1)
    page.get_by_role("button", name="Zoom in").focus()
    page.keyboard.press("Enter")
    _wait_camera_still(page)
    assert page.evaluate(ratio) < 1
    page.locator(".mg-stage").focus()
    page.keyboard.press("0")
    _wait_camera_still(page)
    assert page.evaluate(ratio) == pytest.approx(1)


def test_viewer_fits_a_narrow_phone_with_the_panel_under_the_drawing(graph_page):
    page = graph_page
    page.set_viewport_size({"width": 320, "height": 640})
    page.get_by_label("Find a neighbour or a group").fill("Maya")
    page.get_by_role("button", name="Maya (neighbour)").click()
    page.get_by_role("complementary", name="Maya").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    stage = page.locator(".mg-stage").bounding_box()
    panel = page.locator("aside.mg-panel").bounding_box()
    assert panel["y"] >= stage["y"] + stage["height"]


def test_a_graph_that_cannot_load_says_so_kindly(viewer_server, page):
    page.goto(viewer_server + "/_test/broken")
    page.locator("#match-graph[data-graph-state=error]").wait_for()
    assert page.get_by_text("We couldn't load the match graph just now.").is_visible()
    assert page.locator("#match-graph").get_attribute("aria-busy") is None


def test_labels_that_look_like_markup_are_shown_as_text(viewer_server, page):
    page.goto(viewer_server + "/_test/tricky")
    page.locator("#match-graph[data-graph-state=ready]").wait_for()
    page.get_by_label("Find a neighbour or a group").fill("<img")
    page.get_by_role("button", name='<img src=x onerror="window.__ran=1"> (neighbour)').click()
    page.get_by_role("complementary", name='<img src=x onerror="window.__ran=1">').wait_for()
    page.get_by_role("button", name="<b>Supper</b>").click()
    group = page.get_by_role("complementary", name="<b>Supper</b>")
    group.wait_for()
    assert "<script>window.__ran=1</script>" in group.inner_text()
    assert page.locator("#match-graph img, #match-graph b, #match-graph script").count() == 0
    assert page.evaluate("window.__ran") is None


def test_a_member_not_placed_is_grey_and_their_panel_says_so(viewer_server, page):
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.goto(viewer_server + "/_test/mixed")
    page.locator("#match-graph[data-graph-state=ready]").wait_for()
    colour = "(n) => %s.sigma.getNodeDisplayData(n).color" % VIEWER
    assert page.evaluate(colour, "m12") == "#6b6b6b"
    assert page.get_by_text("Grey: not yet placed in a group").is_visible()
    page.get_by_label("Community (people closely linked)").check()
    assert page.evaluate(colour, "m12") == "#6b6b6b"
    page.get_by_label("Find a neighbour or a group").fill("Neighbour 9002")
    page.get_by_role("button", name="Neighbour 9002 (neighbour)").click()
    panel = page.get_by_role("complementary", name="Neighbour 9002")
    panel.wait_for()
    text = panel.inner_text()
    assert "Not yet placed" in text and "None at the moment" in text
    assert "Board games" not in text  # no group for someone not placed
    page.get_by_role("button", name="Close details").click()
    page.get_by_label("Find a neighbour or a group").fill("Neighbour 4821")
    page.get_by_role("button", name="Neighbour 4821 (neighbour)").click()
    placed = page.get_by_role("complementary", name="Neighbour 4821")
    placed.wait_for()
    assert "In a confirmed group" in placed.inner_text() and "Friday supper, 5 Dec" in placed.inner_text()
    assert page.evaluate(colour, "m1") != "#6b6b6b"
