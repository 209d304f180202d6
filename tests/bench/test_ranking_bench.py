"""A toy-size run of the event-ranking benchmark on synthetic data (no real data needed)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd

from bench import ranking as bench
from bench.meetup import Dataset, load_davis, strip_html
from bench.ranking_tune import collect, quality, search
from matcher.ranking import Attendance, Event, Member

START = datetime(2015, 1, 5, 18, tzinfo=timezone.utc)


def synthetic_town(seed: int = 0) -> Dataset:
    """Three hosts meeting weekly for 12 weeks; each member mostly follows one host."""
    rng = np.random.default_rng(seed)
    topics = {"walkers": ("walking",), "cooks": ("cooking",), "chess": ("chess",)}
    events = [Event(f"{host}-{week}", f"{host} week {week}", f"about {topics[host][0]}",
                    topics[host], 45.6 + 0.01 * i, -111.0, START + timedelta(weeks=week, days=i),
                    host)
              for week in range(12) for i, host in enumerate(topics)]
    rows = []
    for m in range(24):
        home = list(topics)[m % 3]
        for e in events:
            p = 0.6 if e.host == home else 0.05
            if rng.random() < p:
                at = e.start - timedelta(days=float(rng.integers(1, 6)))
                rows.append((f"m{m}", e.id, e.start.timestamp(), at.timestamp()))
    yes = pd.DataFrame(rows, columns=["member_id", "event_id", "start", "at"])
    attendance = [Attendance(m, e, datetime.fromtimestamp(a, tz=timezone.utc))
                  for m, e, _, a in rows]
    members = [Member(f"m{m}", topics[list(topics)[m % 3]]) for m in range(24)]
    return Dataset("synthetic", events, attendance, members, yes)


def test_queries_hide_the_latest_event_at_the_moment_of_choice():
    data = synthetic_town()
    q = bench.queries(data)
    assert len(q) == data.rsvps.groupby("member_id").size().ge(2).sum()
    latest = data.rsvps.groupby("member_id")["start"].max()
    assert (q.set_index("member_id")["start"] == latest.loc[q["member_id"]]).all()
    assert (q["as_of"] <= q["start"]).all() and (q["history"] >= 1).all()


def test_every_method_runs_and_hearth_finds_the_habit():
    data = synthetic_town()
    q = bench.queries(data)
    for signups in (False, True):
        res = bench.evaluate(data, q, signups=signups)
        assert set(res["method"]) == set(bench.METHODS)
        summary = {r["method"]: r for r in bench._summary("toy", "p", res, bench.METHODS)}
        assert all(0.0 <= r["HR@10"] <= 1.0 and r["NDCG@10"] <= r["HR@10"]
                   for r in summary.values())
        assert summary["hearth"]["NDCG@10"] > summary["random"]["NDCG@10"]
        assert summary["hearth"]["HR@10"] >= 0.8


def test_windowed_offer_drops_queries_alike_for_all_methods():
    data = synthetic_town()
    q = bench.queries(data)
    res = bench.evaluate(data, q, window_days=3.0, signups=False)
    counts = res.groupby("method").size()
    assert counts.nunique() == 1 and 0 < counts.iloc[0] < len(q)
    assert (res["offer"] <= 9).all()
    assert bench.evaluate(data, q, window_days=1e-3).empty


def test_static_leave_one_out_on_davis():
    data = load_davis()
    q = bench.every_record(data).head(6)
    res = bench.evaluate_static(data, q, methods={"random": None, "co-attendance": {"ties": 1}})
    assert len(res) == 12 and set(res["hit"]) <= {0.0, 1.0}


def test_tuner_pieces_on_the_toy_town():
    data = synthetic_town()
    rows = collect(data, bench.queries(data), signups=True)
    hr, ndcg = quality({"host": 1.0, "soon": 1.0}, rows)
    assert 0 < ndcg <= hr <= 1
    weights = search([rows], {"soon": 1.0}, rounds=1)
    assert sum(quality(weights, rows)) >= hr + ndcg


def test_main_writes_one_table(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HEARTH_DATA_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setattr(bench, "every_record", lambda d: bench.queries(d))  # keep it small
    assert bench.main(["--out-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "skipping meetup-bozeman" in out and "skipping meetup-la" in out
    payload = json.loads((tmp_path / "ranking.json").read_text())
    assert {r["method"] for r in payload["rows"]} == set(bench.METHODS)
    assert strip_html("<b>x</b>") == "x"
