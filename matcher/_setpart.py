"""Set partitioning over the feasible groups: an LP bound by pricing, then HiGHS's MILP on what is left.

One binary variable per column (feasible group). The search's order of preference is kept
exactly: most members placed first, then most members placed who were never placed before
(``first``), then the largest sum of satisfactions. The three are folded into one objective
with tier weights wide enough that no gain in a lower tier pays for a loss in a higher one:
``value + M2 * first + M * size`` with ``M2 > 2 V`` and ``M > (n + 1) M2``, where ``V`` bounds
the sum of satisfactions of any grouping. When a grouping placing everyone is known (the
search found one) the member rows are equalities (a true partition) and only the value counts.

Handing HiGHS tens of thousands of columns at once is slow (its MIP set-up alone takes seconds),
so the model is solved in two steps that lose nothing:

1. The LP relaxation over *all* columns by pricing: solve it on a few columns (the incumbent's
   groups), take the duals ``y``, add the columns of largest reduced cost ``c_g - y(g)``, repeat
   until none is positive. Then ``z_LP = sum(y)`` bounds every grouping, and any grouping
   ``x`` has ``value(x) <= z_LP + sum_g rc_g x_g`` with every ``rc_g <= 0``.
2. So a grouping better than the incumbent (value ``z_inc``) uses only columns with
   ``rc_g >= z_inc - z_LP``. If ``z_LP`` meets the incumbent it is proven optimal at once;
   otherwise ``scipy.optimize.milp`` (HiGHS) solves the model on those columns only, which is
   exact for the whole model. Its dual bound (or ``z_LP``) is the bound when it stops early.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from matcher._columns import Columns

__all__ = ["Solved", "solve_partition"]

#: Tolerances, absolute on the (tiered) objective: HiGHS's MIP gap (its relative gap is 0, as
#: the tier weights make the objective large), and the slack on reduced costs and bounds.
ABS_GAP = 1e-7
TOL = 1e-7
#: Columns added per pricing round.
PRICE_BATCH = 300
#: HiGHS options passed verbatim (its symmetry detection and feasibility jump cost more than
#: they save on these small models).
HIGHS_EXTRA = {"mip_detect_symmetry": False, "mip_heuristic_run_feasibility_jump": False}


@dataclass(frozen=True)
class Solved:
    """The result: chosen columns (rows each), proof, an upper bound on the tiered objective, and words."""

    groups: list
    optimal: bool
    bound: float | None
    message: str


def _lp(coef, A, n, everyone):
    """Maximise ``coef @ x`` over the columns of ``A``; returns (value, x, duals y >= 0 or free)."""
    kw = {"A_eq": A, "b_eq": np.ones(n)} if everyone else {"A_ub": A, "b_ub": np.ones(n)}
    res = linprog(-coef, bounds=(0, None), method="highs", **kw)
    if res.status != 0:
        return None
    marg = res.eqlin.marginals if everyone else res.ineqlin.marginals
    return -float(res.fun), res.x, -np.asarray(marg, dtype=float)


def tier_weights(n: int, value_bound: float, everyone: bool) -> tuple[float, float]:
    """``(M, M2)``: the weights of a placed member and of a placed newcomer (0, 0 for a partition).

    Examples
    --------
    >>> tier_weights(4, 3.0, False), tier_weights(4, 3.0, True)
    ((46.0, 9.0), (0.0, 0.0))
    """
    if everyone:
        return 0.0, 0.0
    M2 = 2.0 * (float(value_bound) + 1.0) + 1.0
    return (n + 1) * M2 + 1.0, M2


def solve_partition(cols: Columns, coef: np.ndarray, incumbent: list, *, everyone: bool,
                    time_limit: float) -> Solved:
    """Maximise ``coef`` (tiered, one per column of ``cols``) over partitions (or packings).

    ``incumbent`` lists column indices of a known feasible grouping (the search's): the first
    LP and the reduced-cost test start from it. With ``everyone`` every member's row is an
    equality, which needs the incumbent to place everyone.

    Examples
    --------
    >>> from matcher._columns import Columns
    >>> cols = Columns(4, (np.array([[0, 1], [2, 3], [0, 2], [1, 3]]),), (np.array([2.0, 2.0, 1.0, 1.0]),))
    >>> s = solve_partition(cols, np.array([2.0, 2.0, 1.0, 1.0]), [2, 3], everyone=True, time_limit=5)
    >>> sorted(g.tolist() for g in s.groups), s.optimal, s.bound
    ([[0, 1], [2, 3]], True, 4.0)
    """
    deadline = time.perf_counter() + float(time_limit)
    n = cols.n
    K = cols.count
    if K == 0:
        return Solved([], True, 0.0, "no feasible group")
    inc = sorted(set(int(k) for k in incumbent))

    def groups(chosen):
        return [cols.group(int(k)) for k in chosen]

    z_inc = float(coef[inc].sum()) if inc else 0.0
    active = np.zeros(K, dtype=bool)
    active[inc] = True
    active[np.argsort(-coef)[: min(K, PRICE_BATCH)]] = True
    while True:
        if time.perf_counter() > deadline:
            return Solved(groups(inc), False, None, "time limit reached while bounding")
        idx = np.flatnonzero(active)
        lp = _lp(coef[idx], cols.matrix(idx), n, everyone)
        if lp is None:
            return Solved(groups(inc), False, None, "the LP relaxation failed")
        z_lp, x, y = lp
        rc = coef - cols.sums(y)
        entering = np.flatnonzero((rc > TOL) & ~active)
        if not len(entering):
            break
        top = entering[np.argsort(-rc[entering])[:PRICE_BATCH]]
        active[top] = True
    if z_lp <= z_inc + TOL:
        return Solved(groups(inc), True, z_lp, "proven optimal by the LP bound")
    if np.all((x < TOL) | (x > 1 - TOL)):
        chosen = idx[x > 0.5]
        return Solved(groups(chosen), True, z_lp, "proven optimal: the LP optimum is a grouping")
    keep = np.flatnonzero(rc >= z_inc - z_lp - TOL)
    left = deadline - time.perf_counter()
    if left <= 0.005:
        return Solved(groups(inc), False, z_lp, "time limit reached before the MILP")
    A = cols.matrix(keep)
    cons = LinearConstraint(A, np.ones(n) if everyone else np.zeros(n), np.ones(n))
    options = {"time_limit": left, "mip_rel_gap": 0.0, "mip_abs_gap": ABS_GAP, "presolve": False, **HIGHS_EXTRA}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = milp(-coef[keep], integrality=np.ones(len(keep)), bounds=Bounds(0, 1), constraints=[cons],
                   options=options)
    dual = getattr(res, "mip_dual_bound", None)
    bound = min(z_lp, -float(dual)) if dual is not None and np.isfinite(dual) else z_lp
    if res.x is None:
        return Solved(groups(inc), False, max(bound, z_inc), f"MILP stopped: {res.message}")
    chosen = keep[res.x > 0.5]
    value = float(coef[chosen].sum())
    found = groups(chosen) if value > z_inc + 1e-12 else groups(inc)
    if res.status == 0:
        return Solved(found, True, max(value, z_inc), "proven optimal by the MILP")
    return Solved(found, False, max(bound, value, z_inc), f"MILP stopped: {res.message}")
