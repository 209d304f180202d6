"""Choosing Hearth's ranking weights on tuning halves only (``python -m bench.ranking_tune``).

Members whose id hashes even (``bench.ranking.in_tuning_half``), in Montana and in a seeded
sample of Los Angeles, are the only queries looked at; the held-out halves and Davis never are. Signals are computed once per query by the
library's own ``score_candidates`` and recombined here, so a search over weights is cheap.
"""

from __future__ import annotations

import argparse
import math
from datetime import datetime, timezone
from typing import Mapping, Sequence

import numpy as np

from bench.meetup import Dataset, load_bozeman, load_la
from bench.ranking import RANKER_PARAMS, K, in_tuning_half, queries
from bench.report import data_dir
from matcher.ranking import DEFAULT_WEIGHTS, SIGNALS, Attendance, EventRanker
from matcher.ranking_query import score_candidates

__all__ = ["collect", "quality", "search", "main"]


def collect(data: Dataset, q, *, signups: bool, **params) -> list[tuple[np.ndarray, int]]:
    """Per query: the candidates' signal matrix (columns in ``SIGNALS`` order) and the target row.

    Examples
    --------
    >>> from bench.meetup import load_davis
    >>> d = load_davis()
    >>> rows = collect(d, queries(d), signups=False)
    >>> rows[0][0].shape[1] == len(SIGNALS)
    True
    """
    attendance = data.attendance if signups else [Attendance(a.member_id, a.event_id)
                                                  for a in data.attendance]
    ranker = EventRanker(**{**RANKER_PARAMS, **params}).fit(data.events, attendance, data.members)
    out = []
    for row in q.itertuples(index=False):
        as_of = datetime.fromtimestamp(row.as_of, tz=timezone.utc)
        s = score_candidates(ranker, row.member_id, None, as_of)
        ids = [ranker.events_[i].id for i in s["candidates"]]
        if row.event_id in ids:
            out.append((np.column_stack([s[name] for name in SIGNALS]), ids.index(row.event_id)))
    return out


def quality(weights: Mapping[str, float], rows) -> tuple[float, float]:
    """Hit rate and NDCG at ``K`` of a weighting, ties to the sooner event as in ``rank``.

    Examples
    --------
    >>> quality({"soon": 1.0}, [(np.eye(len(SIGNALS))[:3], 0)])
    (1.0, 1.0)
    """
    w = np.array([weights.get(s, 0.0) for s in SIGNALS])
    hits = ndcg = 0.0
    for X, target in rows:
        rel = X @ w
        better = np.sum(rel > rel[target]) + np.sum(rel[:target] == rel[target])
        if better < K:
            hits += 1.0
            ndcg += 1.0 / math.log2(better + 2)
    n = max(len(rows), 1)
    return hits / n, ndcg / n


def search(sets: Sequence, start: Mapping[str, float], rounds: int = 3) -> dict[str, float]:
    """Coordinate ascent on the mean of HR@10 and NDCG@10 over the given query sets."""

    def objective(w):
        return float(np.mean([sum(quality(w, rows)) / 2 for rows in sets]))

    best = dict(start)
    best_value = objective(best)
    grid = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
    for _ in range(rounds):
        improved = False
        for s in SIGNALS:
            for value in grid:
                trial = dict(best, **{s: value})
                v = objective(trial)
                if v > best_value + 1e-9:
                    best, best_value, improved = trial, v, True
        if not improved:
            break
    return {s: float(best.get(s, 0.0)) for s in SIGNALS}


def main(argv: Sequence[str] | None = None) -> int:
    """Search weights and a few parameters on the tuning halves; print what was chosen."""
    parser = argparse.ArgumentParser(prog="python -m bench.ranking_tune", description=__doc__)
    parser.add_argument("--la-queries", type=int, default=1000,
                        help="Los Angeles tuning members sampled (seeded) to bound the run")
    args = parser.parse_args(argv)
    montana = load_bozeman(data_dir() / "meetup-bozeman")
    q = queries(montana)
    q = q[q["member_id"].map(in_tuning_half)].reset_index(drop=True)
    la = load_la(data_dir() / "meetup-la")
    qla = queries(la)
    qla = qla[qla["member_id"].map(in_tuning_half)]
    qla = qla.sample(min(args.la_queries, len(qla)), random_state=0).reset_index(drop=True)
    print(f"tuning on {len(q)} Montana and {len(qla)} Los Angeles queries (tuning halves)")
    results = []
    for half_life in (90.0, 180.0, 365.0, 730.0):
        for soon_days in (14.0, 30.0, 60.0):
            params = {"half_life_days": half_life, "soon_days": soon_days}
            sets = [collect(montana, q, signups=False, **params),
                    collect(montana, q, signups=True, **params),
                    collect(la, qla, signups=True, **params)]
            weights = search(sets, DEFAULT_WEIGHTS)
            value = float(np.mean([sum(quality(weights, rows)) / 2 for rows in sets]))
            results.append((value, params, weights))
            print(f"{params} -> {value:.4f} {weights}", flush=True)
    value, params, weights = max(results, key=lambda r: r[0])
    print(f"\nbest {value:.4f} with {params}\nweights {weights}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
