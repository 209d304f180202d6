"""Time to the first interactive render of a 5,000-member match graph in Chromium: Hearth's viewer
beside sigma.js alone drawing the same graph.

Run: ``.venv/bin/python -m bench.graph_render [--members 5000] [--edges 12000] [--runs 5]``.

Both pages are served by one small Flask app with Hearth's content policy, load the same vendored
graphology and sigma from ``web/static/vendor`` and fetch the same synthetic JSON (deterministic
seed, positions precomputed). The Hearth page runs ``web/static/js/graph.js`` (controls, filters,
reducers, summary); the baseline runs ``bench/graph_render_baseline.js`` (graph built, ``new
Sigma``, nothing else). Each run is a fresh browser context (cold cache). A script injected before
the page's own waits for the viewer's ``hearth:graph-ready`` event, sets the camera (a zoom), and
stops the clock at sigma's next ``afterRender``: that is "drawn and answering a zoom". Times are
``performance.now()``, from navigation start. Runs alternate between the two pages; one warm-up of
each is discarded; the table reports medians. Smoothness: then a one-second zoom-and-pan camera
animation runs half a second later and the mean time per frame sigma drew is reported.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import statistics
import threading
from pathlib import Path

from bench.report import report

__all__ = ["synthetic_graph", "main"]

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "web" / "static"
BASELINE_JS = Path(__file__).resolve().parent / "graph_render_baseline.js"
TARGET_MS = 1500.0
KINDS = ("meal", "exercise", "event")
STATUSES = ("proposed", "confirmed", "met", "dissolved")

_HEAD = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="/static/css/hearth.css">
  <link rel="stylesheet" href="/static/css/graph.css">
  <link rel="icon" href="/static/img/hearth.svg" type="image/svg+xml">
  <script src="/static/vendor/graphology/graphology.umd.min.js" defer></script>
  <script src="/static/vendor/sigma/sigma.min.js" defer></script>
  <script src="{script}" defer></script>
</head>
"""
HEARTH_PAGE = _HEAD.format(title="Match graph", script="/static/js/graph.js") + """<body><main class="wrap">
  <h1>Who Hearth is reaching</h1>
  <div id="match-graph" class="match-graph" data-graph-url="/bench/graph.json"></div>
</main></body></html>
"""
# The baseline draws into a box of the same size as the viewer's drawing area (.mg-stage).
BASELINE_PAGE = _HEAD.format(title="sigma alone", script="/bench/baseline.js") + """<body><main class="wrap">
  <h1>sigma alone</h1>
  <div class="mg-stage" data-graph-url="/bench/graph.json"></div>
</main></body></html>
"""

# Injected before any page script (not subject to the page's CSP).
CLOCK = """
window.__bench = {};
document.addEventListener("hearth:graph-ready", (event) => {
  const sigma = event.detail.sigma;
  window.__bench.ready = performance.now();
  const camera = sigma.getCamera();
  sigma.once("afterRender", () => { window.__bench.interactive = performance.now(); });
  camera.setState({ ratio: camera.getState().ratio * 0.8 });
});
"""

# Smoothness, once the page has settled: frames sigma draws during a one-second zoom-and-pan.
SMOOTHNESS = """async () => {
  const sigma = document.querySelector("[data-graph-url]").hearthGraph.sigma;
  let frames = 0;
  const onFrame = () => { frames += 1; };
  sigma.on("afterRender", onFrame);
  const start = performance.now();
  await sigma.getCamera().animate({ x: 0.6, y: 0.4, ratio: 0.3 }, { duration: 1000 });
  sigma.off("afterRender", onFrame);
  window.__bench.frames = frames;
  window.__bench.frame_ms = (performance.now() - start) / Math.max(frames, 1);
}"""

COLLECT = """() => {
  const root = document.querySelector("[data-graph-url]");
  const json = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/bench/graph.json"));
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    interactive: window.__bench.interactive,
    frames: window.__bench.frames,
    frame_ms: window.__bench.frame_ms,
    ready: window.__bench.ready,
    json_loaded: json ? json.responseEnd : null,
    dom_ready: nav ? nav.domContentLoadedEventEnd : null,
    nodes: root.hearthGraph.sigma.getGraph().order,
    edges: root.hearthGraph.sigma.getGraph().size,
    renderer: (() => {
      const gl = root.hearthGraph.sigma.getCanvases().nodes.getContext("webgl2");
      const info = gl && gl.getExtension("WEBGL_debug_renderer_info");
      return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : "unknown";
    })(),
  };
}"""


def synthetic_graph(members: int = 5000, edges: int = 12000, *, seed: int = 20261125) -> dict:
    """A match graph in the viewer's JSON format (web/static/js/GRAPH_FORMAT.md), deterministic.

    Members sit in neighbourhood clusters (communities) with positions precomputed; about nine in
    ten are placed in groups of four to six inside their community; ties join some members of a
    group, suggestions join members of one community, up to ``edges`` edges in all.
    """
    rng = random.Random(seed)
    n_comm = max(1, members // 80)
    centres = [(rng.uniform(-1000, 1000), rng.uniform(-1000, 1000)) for _ in range(n_comm)]
    by_comm: list[list[int]] = [[] for _ in range(n_comm)]
    nodes = []
    for i in range(members):
        c = rng.randrange(n_comm)
        by_comm[c].append(i)
        cx, cy = centres[c]
        nodes.append({
            "id": f"m{i}", "label": f"Neighbour {1000 + i}",
            "x": round(rng.gauss(cx, 60), 2), "y": round(rng.gauss(cy, 60), 2), "size": 3.0,
            "group": None, "community": c, "kinds": sorted(rng.sample(KINDS, rng.randint(0, 2))),
            "placed": False, "ties": 0, "last_attended": None,
        })
    groups, edge_set, out_edges = [], set(), []

    def add_edge(a: int, b: int, kind: str) -> None:
        key = (min(a, b), max(a, b))
        if a == b or key in edge_set or len(out_edges) >= edges:
            return
        edge_set.add(key)
        out_edges.append({"source": f"m{a}", "target": f"m{b}", "kind": kind, "weight": round(rng.random(), 3)})
        if kind == "tie":
            nodes[a]["ties"] += 1
            nodes[b]["ties"] += 1

    for c, ids in enumerate(by_comm):
        rng.shuffle(ids)
        placed = ids[: int(len(ids) * 0.9)]
        at = 0
        while len(placed) - at >= 4:
            size = min(rng.randint(4, 6), len(placed) - at)
            chunk = placed[at:at + size]
            at += size
            gid = f"g{len(groups)}"
            day = 1 + len(groups) % 28
            kind = rng.choice(KINDS)
            status = rng.choice(STATUSES)
            groups.append({"id": gid, "label": f"{kind.title()} group {len(groups) + 1}, {day} Dec", "kind": kind,
                           "date": f"2026-12-{day:02d}T18:00:00+00:00", "status": status,
                           "score": round(rng.uniform(0.4, 0.95), 3), "reason": "Close by, with shared interests",
                           "members": [f"m{i}" for i in chunk]})
            for i in chunk:
                nodes[i].update(group=gid, placed=True)
                if status == "met":
                    nodes[i]["last_attended"] = f"2026-11-{day:02d}"
            for a in range(len(chunk)):
                for b in range(a + 1, len(chunk)):
                    if rng.random() < 0.35:
                        add_edge(chunk[a], chunk[b], "tie")
    comms = [ids for ids in by_comm if len(ids) > 1]
    while len(out_edges) < edges and comms:
        ids = rng.choice(comms)
        add_edge(rng.choice(ids), rng.choice(ids), "suggestion")
    unplaced = sum(1 for n in nodes if not n["placed"])
    return {
        "summary": {"members": members, "groups": len(groups), "unplaced": unplaced,
                    "generated_at": "2026-11-25T21:00:00+00:00"},
        "nodes": nodes, "groups": groups, "edges": out_edges,
        "links": {"csv": "/bench/members.csv", "list": "/bench/members"},
    }


def _app(graph_json: bytes):
    from flask import Flask, Response

    from web.security import CSP

    app = Flask("graph_render_bench", static_folder=str(STATIC), static_url_path="/static")
    app.add_url_rule("/bench/hearth", "hearth", lambda: Response(HEARTH_PAGE, mimetype="text/html"))
    app.add_url_rule("/bench/sigma", "sigma", lambda: Response(BASELINE_PAGE, mimetype="text/html"))
    app.add_url_rule("/bench/graph.json", "graph", lambda: Response(graph_json, mimetype="application/json"))
    app.add_url_rule("/bench/baseline.js", "baseline",
                     lambda: Response(BASELINE_JS.read_bytes(), mimetype="text/javascript"))

    @app.after_request
    def strict(response):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["Cache-Control"] = "no-store"
        return response

    return app


def _measure(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.add_init_script(CLOCK)
        page.goto(url)
        page.wait_for_function("() => window.__bench && window.__bench.interactive", timeout=60_000)
        page.wait_for_timeout(500)
        page.evaluate(SMOOTHNESS)
        result = page.evaluate(COLLECT)
        result["errors"] = problems
        return result
    finally:
        context.close()


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=12000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    graph = synthetic_graph(args.members, args.edges, seed=args.seed)
    payload = json.dumps(graph, separators=(",", ":")).encode()
    server = make_server("127.0.0.1", 0, _app(payload), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    pages = {"sigma alone (baseline)": base + "/bench/sigma", "Hearth viewer": base + "/bench/hearth"}
    runs: dict[str, list[dict]] = {name: [] for name in pages}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--no-first-run"],
            )
            version = browser.version
            for url in pages.values():  # warm-up: disk cache of the OS, JIT of the browser process
                _measure(browser, url)
            for _ in range(args.runs):
                for name, url in pages.items():
                    runs[name].append(_measure(browser, url))
            browser.close()
    finally:
        server.shutdown()
        thread.join(timeout=10)

    base_ms = _median(runs["sigma alone (baseline)"], "interactive")
    rows = []
    for name, measured in runs.items():
        interactive = _median(measured, "interactive")
        rows.append({
            "page": name,
            "interactive_ms": round(interactive, 1),
            "min_ms": round(min(r["interactive"] for r in measured), 1),
            "max_ms": round(max(r["interactive"] for r in measured), 1),
            "json_loaded_ms": round(_median(measured, "json_loaded"), 1),
            "drawn_ms": round(_median(measured, "ready"), 1),
            "frame_ms": round(_median(measured, "frame_ms"), 1),
            "frames_per_s": round(1000 / _median(measured, "frame_ms"), 1),
            "vs_sigma": round(interactive / base_ms, 3),
            "target_ms": TARGET_MS,
            "meets_target": interactive < TARGET_MS,
            "nodes": measured[0]["nodes"],
            "edges": measured[0]["edges"],
            "errors": sum(len(r["errors"]) for r in measured),
        })
    first = runs["Hearth viewer"][0]
    report(
        "graph_render",
        rows,
        columns=["page", "interactive_ms", "min_ms", "max_ms", "json_loaded_ms", "drawn_ms", "vs_sigma",
                 "meets_target", "frame_ms", "frames_per_s", "nodes", "edges", "errors"],
        meta={
            "what": "median time from navigation start to sigma's first render after a zoom (drawn and interactive)",
            "frame_ms": "then the mean time per frame drawn during a 1 s zoom-and-pan camera animation (elapsed / frames), median over runs",
            "members": args.members, "edges_requested": args.edges, "seed": args.seed, "runs": args.runs,
            "groups": len(graph["groups"]), "json_bytes": len(payload),
            "browser": f"Chromium {version}", "renderer": first["renderer"],
            "flags": "--no-sandbox --disable-gpu (WebGL through SwiftShader software rendering)",
            "viewport": "1280x900", "target_ms": TARGET_MS,
            "runs_ms": {name: [round(r["interactive"], 1) for r in measured] for name, measured in runs.items()},
            "sigma": "3.0.3", "graphology": "0.26.0",
            "load_average_after": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
