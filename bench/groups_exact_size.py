"""Up to which slot size the exact path proves its grouping optimal within one second, on this machine.

Two kinds of slot, both with the groups of 4 to 8 that Hearth forms for a date: ``open`` (members
anywhere within a few km, no limits: every set of 4 to 8 is a possible group, the hardest case)
and ``store`` (as the store plans a date: everyone travels at most 3 km to the event's one
venue). For each member count and seed, ``form_groups(exact=True, exact_time_limit=limit)``
runs after the search; the table counts the slots proven optimal and the time taken (search
and exact path together). The store's ``HEARTH_MATCH_EXACT_UP_TO`` default comes from here.

Run from the repository root: ``python -m bench.groups_exact_size [--sizes 8,12,...] [--seeds 3] [--limit 1]``.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Sequence

import numpy as np

from bench.groups_baselines import city_members
from bench.report import report
from matcher.groups import form_groups
from matcher.members import Members, Venues

__all__ = ["run", "main", "slot"]

SIZES = (8, 12, 16, 20, 24, 28, 32, 40, 50, 60)


def slot(n: int, seed: int, kind: str) -> tuple[Members, Venues | None]:
    """A slot of ``n`` members: ``open`` (no limits) or ``store`` (3 km to one central venue)."""
    m = city_members(n, seed, spread_km=1.5)
    if kind == "open":
        return m, None
    venue = Venues.from_arrays(["hall"], [float(np.mean(m.lat))], [float(np.mean(m.lon))])
    return Members.from_arrays(m.ids, m.lat, m.lon, m.interests, travel_km=np.full(n, 3.0)), venue


def run(sizes: Sequence[int] = SIZES, seeds: int = 3, *, limit: float = 1.0,
        kinds: Sequence[str] = ("open", "store")) -> list[dict]:
    """One row per (kind, n): slots proven optimal within ``limit`` seconds, and times."""
    form_groups(slot(8, 99, "open")[0], exact=True, exact_time_limit=limit)
    rows = []
    for kind in kinds:
        for n in sizes:
            proven, secs, statuses = 0, [], set()
            for seed in range(seeds):
                members, venues = slot(n, seed, kind)
                t0 = time.perf_counter()
                result = form_groups(members, venues=venues, exact=True, exact_time_limit=limit)
                secs.append(time.perf_counter() - t0)
                proven += bool(result.proven_optimal)
                statuses.add(result.exact_status.split(":")[0].split(" (")[0])
            rows.append({"kind": kind, "n": n, "proven": proven, "instances": seeds,
                         "mean s": float(np.mean(secs)), "max s": float(np.max(secs)),
                         "how": "; ".join(sorted(statuses))})
    return rows


def proven_up_to(rows: Sequence[dict], kind: str) -> int:
    """The largest n such that every slot of that size and all smaller ones was proven."""
    best = 0
    for row in sorted((r for r in rows if r["kind"] == kind), key=lambda r: r["n"]):
        if row["proven"] < row["instances"]:
            break
        best = row["n"]
    return best


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print one table and write ``bench/results/groups_exact_size.json``."""
    parser = argparse.ArgumentParser(prog="python -m bench.groups_exact_size", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated member counts")
    parser.add_argument("--seeds", type=int, default=3, help="slots per size")
    parser.add_argument("--limit", type=float, default=1.0, help="seconds for the exact path")
    parser.add_argument("--name", default="groups_exact_size", help="result file name")
    args = parser.parse_args(argv)
    rows = run([int(x) for x in args.sizes.split(",")], args.seeds, limit=args.limit)
    report(args.name, rows, meta={
        "what": "slots proven optimal by form_groups(exact=True) within the time limit; seconds per slot "
                "(search and exact path)", "limit_s": args.limit, "seeds": args.seeds, "group_size": [4, 8],
        "proven_up_to": {k: proven_up_to(rows, k) for k in ("open", "store")},
        "load_average_after": os.getloadavg()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
