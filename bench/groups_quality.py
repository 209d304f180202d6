"""Group formation against the exact optimum on 60 slots of three city shapes, with and without constraints.

The instances (:mod:`bench.groups_instances`): clustered neighbourhoods, a uniform spread and a
dense centre with suburbs; 8 to 30 members, 8 to 32 interest dimensions, with and without
values, availability, blocks and travel limits (some with venues). The optimum of Hearth's
objective is found by PuLP with its bundled CBC over every allowed group (``sol_status`` must
say optimal), in the search's order of preference (most placed first, then the best mean
satisfaction). Hearth runs as it ships (``exact="auto"``, one second for the exact path) and
with the search alone (``exact=False``); each grouping is scored by the same
:func:`matcher.objective.score_grouping` and reported as percent of the optimum (mean and worst
instance), with its time and how often Hearth proved its grouping optimal.

Run from the repository root: ``python -m bench.groups_quality [--per-shape 20] [--exact-seconds 1]``.
CBC's optima (minutes each for the larger slots) are kept in ``results/groups_quality_optima.json``
with a fingerprint of each instance, and reused only for the very same instance; ``--fresh-optima``
solves them all again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from bench.groups_instances import SHAPES, Instance, instances, reference_optimum
from bench.report import report
from matcher.groups import form_groups
from matcher.objective import score_grouping

__all__ = ["run", "main"]

OPTIMA = Path(__file__).resolve().parent / "results" / "groups_quality_optima.json"
HEARTH = "hearth (exact auto)"
SEARCH = "hearth search only"


def _measure(inst: Instance, **kw) -> dict:
    t0, c0 = time.perf_counter(), time.process_time()
    result = form_groups(inst.members, **inst.options(), **kw)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    value = score_grouping(inst.members, [list(g.rows) for g in result.groups], distance_weight=inst.lam).mean
    return {"value": value, "placed": len(inst.members) - len(result.unplaced), "s": elapsed, "cpu_s": cpu,
            "proven": bool(result.proven_optimal), "gap": result.gap, "status": result.exact_status}


def fingerprint(inst: Instance) -> str:
    """A digest of everything the optimum depends on (members, options, objective weight): a
    stored optimum is used only for the very same instance."""
    return hashlib.sha256(pickle.dumps((inst.members, inst.options()), protocol=4)).hexdigest()


def run(cases: Sequence[Instance] | None = None, *, exact_seconds: float = 1.0,
        time_limit: int = 600, optima: dict | None = None) -> tuple[list[dict], list[dict]]:
    """Measure Hearth on every instance against the CBC optimum; return (summary rows, records).

    ``optima`` (name -> {"fingerprint", "optimum", "placed", "seconds"}) holds optima CBC proved
    in an earlier run; an instance whose fingerprint matches is not solved again, and every
    instance solved here is added to it."""
    cases = instances() if cases is None else list(cases)
    optima = {} if optima is None else optima
    warm = cases[0]
    form_groups(warm.members, **warm.options(), exact_time_limit=exact_seconds)
    records = []
    for inst in cases:
        digest = fingerprint(inst)
        known = optima.get(inst.name)
        if known is not None and known.get("fingerprint") == digest:
            optimum, most, seconds, source = known["optimum"], known["placed"], known["seconds"], "stored"
        else:
            t0 = time.perf_counter()
            _, optimum, most = reference_optimum(inst, time_limit=time_limit)
            seconds, source = time.perf_counter() - t0, "solved now"
            optima[inst.name] = {"fingerprint": digest, "optimum": optimum, "placed": most, "seconds": seconds}
        record = {"name": inst.name, "shape": inst.shape, "n": len(inst.members), "dim": inst.dim,
                  "size": list(inst.size), "flags": [k for k, v in inst.flags.items() if v],
                  "optimum": optimum, "optimum_placed": most, "exact_s": seconds, "optimum_from": source}
        for name, kw in ((HEARTH, {"exact": "auto", "exact_time_limit": exact_seconds}),
                         (SEARCH, {"exact": False})):
            m = _measure(inst, **kw)
            m["pct"] = 100.0 * m["value"] / optimum if optimum else 100.0
            m["placed_all"] = m["placed"] == most
            record[name] = m
        records.append(record)
    rows = []
    for name in (HEARTH, SEARCH):
        pct = np.array([r[name]["pct"] for r in records])
        secs = np.array([r[name]["s"] for r in records])
        row = {"method": name, "mean %": float(pct.mean()), "worst %": float(pct.min())}
        for shape in SHAPES:
            here = [r[name]["pct"] for r in records if r["shape"] == shape]
            if here:
                row[f"{shape} %"] = float(np.mean(here))
        row.update({"placed as optimum": sum(r[name]["placed_all"] for r in records),
                    "proven": sum(r[name]["proven"] for r in records), "instances": len(records),
                    "mean s": float(secs.mean()), "max s": float(secs.max())})
        rows.append(row)
    exact = np.array([r["exact_s"] for r in records])
    rows.append({"method": "optimum (PuLP + CBC)", "mean %": 100.0, "worst %": 100.0,
                 **{f"{s} %": 100.0 for s in SHAPES if any(r["shape"] == s for r in records)},
                 "placed as optimum": len(records), "proven": len(records), "instances": len(records),
                 "mean s": float(exact.mean()), "max s": float(exact.max())})
    return rows, records


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print one table and write ``bench/results/groups_quality.json``."""
    parser = argparse.ArgumentParser(prog="python -m bench.groups_quality", description=__doc__.split("\n")[0])
    parser.add_argument("--per-shape", type=int, default=20, help="instances per city shape (3 shapes)")
    parser.add_argument("--exact-seconds", type=float, default=1.0, help="time for Hearth's exact path")
    parser.add_argument("--name", default="groups_quality", help="result file name")
    parser.add_argument("--fresh-optima", action="store_true",
                        help=f"solve every optimum again with CBC (else reuse {OPTIMA.name} where the instance is the same)")
    args = parser.parse_args(argv)
    optima = {} if args.fresh_optima or not OPTIMA.exists() else json.loads(OPTIMA.read_text())
    rows, records = run(instances(args.per_shape), exact_seconds=args.exact_seconds, optima=optima)
    OPTIMA.write_text(json.dumps(optima, indent=1, sort_keys=True) + "\n")
    report(args.name, rows, meta={
        "optima": f"{sum(r['optimum_from'] == 'stored' for r in records)} of {len(records)} CBC optima reused "
                  f"from {OPTIMA.name} (same instance fingerprint); the rest solved in this run",
        "what": "percent of the exact optimum of Hearth's objective (mean satisfaction, most placed first); "
                "wall seconds per instance; 'proven' counts instances where Hearth proved its grouping optimal",
        "load_average_after": os.getloadavg(), "per_shape": args.per_shape, "exact_seconds": args.exact_seconds,
        "target": "hearth >= 99.9 % mean and >= 99.5 % worst; proven optimal wherever the exact path finishes",
        "instances": records})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
