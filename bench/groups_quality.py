"""Group formation against the exact optimum on small instances, beside the usual baselines.

For n = 12, 16, 20 members (synthetic neighbours around Manchester's real coordinates) over
several seeds, the optimum of Hearth's objective is found by set partitioning over every group
of allowed size (PuLP with its bundled CBC; ``sol_status`` must say optimal). Each method's
grouping is scored by the same :func:`matcher.objective.score_grouping` and reported as percent
of the optimum (mean and worst instance) with its time.

Run from the repository root: ``python -m bench.groups_quality [--sizes 12,16,20] [--seeds 5]``.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Callable, Sequence

import numpy as np

from bench.groups_baselines import (
    city_members,
    exact_optimum,
    kmc_groups,
    kmc_local_search,
    louvain_split,
    random_groups,
)
from bench.report import report
from matcher.groups import form_groups
from matcher.members import Members
from matcher.objective import score_grouping

__all__ = ["methods", "run", "main"]


def methods(lo: int, hi: int, lam: float) -> dict[str, Callable[[Members, int], list]]:
    """Each method as ``f(members, seed) -> list of groups of rows``."""

    def hearth(m, seed):
        return [list(g.rows) for g in form_groups(m, size=(lo, hi), distance_weight=lam, seed=seed).groups]

    def kmc_ls(m, seed):
        return kmc_local_search(m, kmc_groups(m, lo, hi, seed, lam), lo, hi, lam)

    return {
        "hearth": hearth,
        "random": lambda m, seed: random_groups(len(m), lo, hi, seed),
        "k-means-constrained": lambda m, seed: kmc_groups(m, lo, hi, seed, lam),
        "k-means-constrained + local search": kmc_ls,
        "louvain + split": lambda m, seed: louvain_split(m, lo, hi, seed, lam),
    }


def run(sizes: Sequence[int] = (12, 16, 20), seeds: int = 5, *, lo: int = 4, hi: int = 8,
        lam: float = 0.05, time_limit: int = 600) -> tuple[list[dict], list[dict]]:
    """Measure every method on every instance; return (summary rows, per-instance records)."""
    table = methods(lo, hi, lam)
    warm = city_members(2 * hi, 99)
    for method in table.values():
        method(warm, 0)
    records = []
    for n in sizes:
        for seed in range(seeds):
            members = city_members(n, seed)
            t0 = time.perf_counter()
            _, optimum = exact_optimum(members, lo, hi, lam, time_limit=time_limit)
            record = {"n": n, "seed": seed, "optimum": optimum, "exact_s": time.perf_counter() - t0}
            for name, method in table.items():
                t0, c0 = time.perf_counter(), time.process_time()
                groups = method(members, seed)
                elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
                value = score_grouping(members, groups, distance_weight=lam).mean
                record[name] = {"value": value, "pct": 100.0 * value / optimum, "s": elapsed, "cpu_s": cpu}
            records.append(record)
    rows = []
    for name in table:
        pct = np.array([r[name]["pct"] for r in records])
        secs = np.array([r[name]["s"] for r in records])
        row = {"method": name, "mean %": float(pct.mean()), "worst %": float(pct.min())}
        for n in sizes:
            row[f"n={n} %"] = float(np.mean([r[name]["pct"] for r in records if r["n"] == n]))
        cpu = np.array([r[name]["cpu_s"] for r in records])
        row.update({"mean s": float(secs.mean()), "max s": float(secs.max()),
                    "mean cpu s": float(cpu.mean()), "max cpu s": float(cpu.max())})
        rows.append(row)
    exact = np.array([r["exact_s"] for r in records])
    rows.append({"method": "exact (CBC)", "mean %": 100.0, "worst %": 100.0,
                 **{f"n={n} %": 100.0 for n in sizes}, "mean s": float(exact.mean()),
                 "max s": float(exact.max())})
    return rows, records


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print one table and write ``bench/results/groups_quality.json``."""
    parser = argparse.ArgumentParser(prog="python -m bench.groups_quality",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="12,16,20", help="comma-separated member counts")
    parser.add_argument("--seeds", type=int, default=5, help="instances per size")
    parser.add_argument("--size", default="4-8", help="group size range")
    parser.add_argument("--distance-weight", type=float, default=0.05)
    parser.add_argument("--name", default="groups_quality", help="result file name")
    args = parser.parse_args(argv)
    lo, hi = (int(x) for x in args.size.split("-"))
    sizes = [int(x) for x in args.sizes.split(",")]
    rows, records = run(sizes, args.seeds, lo=lo, hi=hi, lam=args.distance_weight)
    report(args.name, rows, meta={
        "what": "percent of the exact optimum of Hearth's objective (mean satisfaction); "
                "wall and CPU seconds per instance (CBC runs in a subprocess: its CPU is not counted)",
        "load_average_after": os.getloadavg(),
        "sizes": sizes, "seeds": args.seeds, "group_size": [lo, hi], "distance_weight": args.distance_weight,
        "target": "hearth >= 99.9 % mean and >= 99 % worst, well under a second each",
        "instances": records})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
