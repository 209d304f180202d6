"""Group search on one region: hardest-first greedy construction, then batched moves and swaps.

Everything works on a dense pair-weight matrix ``W`` (the objective's ``C + S - lam * D``, with
``-BIG`` for pairs that may never share a group) and a label vector (``-1`` = unplaced). The sum
of satisfactions of a group of size ``s`` whose pair weights add up to ``P`` is
``2 P / (s - 1)``, so the gain of a move or a swap needs only the member-to-group sums
``R = W @ onehot(labels)``; moves and swaps touching disjoint groups are independent, so each
round applies the best of them together.
"""

from __future__ import annotations

import numpy as np

from matcher._local import NEG, group_values, local_search
from matcher._local import value as _value
from matcher._rules import BIG, Rules

__all__ = ["group_values", "total_value", "construct", "fill", "solve"]

def total_value(W: np.ndarray, lab: np.ndarray) -> float:
    """Sum of all members' satisfactions for labels ``lab``.

    Examples
    --------
    >>> W = np.array([[0, 1.0, 0.5], [1.0, 0, 0.0], [0.5, 0.0, 0]])
    >>> total_value(W, np.array([0, 0, 0]))
    1.5
    """
    s, P, _ = group_values(W, lab)
    return float(_value(s, P).sum())


def construct(W, ok, lo, hi, rules: Rules, order, rng, *, target=None, noise=0.0, lab=None):
    """Grow groups greedily from the hardest-to-place free member, to ``target`` members each.

    Examples
    --------
    >>> W = np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0.0]])
    >>> rules = Rules.__new__(Rules); rules.trivial = True
    >>> construct(W, W > -1, 2, 2, rules, [0, 1, 2, 3], np.random.default_rng(0)).tolist()
    [0, 0, 1, 1]
    """
    m = W.shape[0]
    lab = np.full(m, -1, dtype=np.intp) if lab is None else lab.copy()
    target = lo if target is None else int(target)
    free = lab < 0
    g = int(lab.max()) + 1 if m else 0
    for seed in order:
        if not free[seed]:
            continue
        group = [int(seed)]
        cand = free & ok[seed]
        cand[seed] = False
        score = W[seed].copy()
        if noise:
            score = score + rng.normal(0.0, noise, m)
        while len(group) < target and cand.any():
            c = int(np.argmax(np.where(cand, score, NEG)))
            cand[c] = False
            if rules.trivial or rules.check(group + [c]):
                group.append(c)
                cand &= ok[c]
                score += W[c]
        if len(group) >= lo:
            lab[group] = g
            free[group] = False
            g += 1
    return lab


def fill(W, ok, lab, lo, hi, rules: Rules, order, rng):
    """Place unplaced members: new groups among them first, then into groups with room.

    Examples
    --------
    >>> rules = Rules.__new__(Rules); rules.trivial = True
    >>> W = np.ones((5, 5)) - np.eye(5)
    >>> fill(W, W > -1, np.array([0, 0, 0, 0, -1]), 2, 8, rules, range(5), None).tolist()
    [0, 0, 0, 0, 0]
    """
    lab = construct(W, ok, lo, hi, rules, [i for i in order if lab[i] < 0], rng, lab=lab)
    for j in order:
        if lab[j] >= 0:
            continue
        s, P, R = group_values(W, lab)
        gain = _value(s + 1, P + R[j]) - _value(s, P)
        gain[s + 1 > hi] = NEG
        for g in np.argsort(-gain, kind="stable"):
            if not np.isfinite(gain[g]):
                break
            rows = np.flatnonzero(lab == g).tolist()
            if ok[j, rows].all() and (rules.trivial or rules.check(rows + [int(j)])):
                lab[j] = g
                break
    return lab


def _kick(lab, ok, lo, hi, rules: Rules, rng, strength: int):
    """Random feasible changes (swaps, moves, a split or a merge of groups) to leave a local optimum."""
    lab = lab.copy()
    placed = np.flatnonzero(lab >= 0)
    if len(placed) < 2:
        return lab
    for _ in range(strength):
        sizes = np.bincount(lab[placed])
        trial = lab.copy()
        kind = rng.random()
        if kind < 0.15 and (sizes >= 2 * lo).any():
            g = int(rng.choice(np.flatnonzero(sizes >= 2 * lo)))
            rows = rng.permutation(np.flatnonzero(lab == g))
            trial[rows[: len(rows) // 2]] = len(sizes)
            touched = (g, len(sizes))
        elif kind < 0.3 and len(sizes) > 1:
            a, b = rng.choice(len(sizes), 2, replace=False)
            if sizes[a] + sizes[b] > hi:
                continue
            trial[lab == b] = a
            trial[trial > b] -= 1
            touched = (int(a) - (a > b),)
        else:
            i, j = rng.choice(placed, 2, replace=False)
            ga, gb = lab[i], lab[j]
            if ga == gb:
                continue
            if kind < 0.6 and sizes[ga] > lo and sizes[gb] < hi:
                trial[i] = gb
            else:
                trial[i], trial[j] = gb, ga
            touched = (ga, gb)
        groups = [np.flatnonzero(trial == g) for g in touched]
        pairs_ok = all(ok[np.ix_(g, g)].all() for g in groups)
        if pairs_ok and (rules.trivial or all(rules.check(g.tolist()) for g in groups)):
            lab = trial
    return lab


def solve(W, lo, hi, rules: Rules, order, rng, *, restarts=1, kicks=0, init=None, gate=None, first=None):
    """Best labels over greedy restarts (varying the target size) and random kicks.

    Solutions are compared by the number placed, then the number placed among ``first`` (a
    boolean mask of members to place first), then the total satisfaction.

    Examples
    --------
    >>> rules = Rules.__new__(Rules); rules.trivial = True
    >>> W = np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0.0]])
    >>> lab = solve(W, 2, 2, rules, [0, 1, 2, 3], np.random.default_rng(0))
    >>> bool(lab[0] == lab[1] and lab[2] == lab[3])
    True
    """
    ok = W > -BIG / 2
    best, best_key = None, None

    def consider(lab):
        nonlocal best, best_key
        placed = lab >= 0
        s, P, _ = group_values(W, lab)
        if (P < -BIG / 4).any():
            return
        key = (int(placed.sum()), int(placed[first].sum()) if first is not None else 0, total_value(W, lab))
        better = best_key is None or key[:2] > best_key[:2]
        if better or (key[:2] == best_key[:2] and key[2] > best_key[2] + 1e-12):
            best, best_key = lab, key

    def polish(lab):
        lab = fill(W, ok, lab, lo, hi, rules, order, rng)
        lab = local_search(W, lab, lo, hi, rules, gate=gate)
        return _compact(lab)

    if init is not None:
        consider(polish(np.asarray(init, dtype=np.intp)))
    sizes = list(range(lo, hi + 1))
    for r in range(restarts if init is None else restarts - 1):
        target = sizes[r % len(sizes)]
        lab = construct(W, ok, lo, hi, rules, order, rng, target=target, noise=0.0 if r < len(sizes) else 0.1)
        consider(polish(lab))
    if best is None:
        return np.full(W.shape[0], -1, dtype=np.intp)
    current, current_value = best, best_key[2]
    for k in range(kicks):
        lab = polish(_kick(current, ok, lo, hi, rules, rng, 1 + k % 3))
        consider(lab)
        value = total_value(W, lab)
        if (lab >= 0).sum() >= (current >= 0).sum() and value >= current_value - 0.01 * abs(current_value):
            current, current_value = lab, value
        if k % 20 == 19:
            current, current_value = best, best_key[2]
    return best if best is not None else np.full(W.shape[0], -1, dtype=np.intp)


def _compact(lab):
    """Renumber labels 0..G-1 in order of first appearance, keeping -1."""
    out = np.full(len(lab), -1, dtype=np.intp)
    seen: dict = {}
    for i, g in enumerate(lab.tolist()):
        if g >= 0:
            out[i] = seen.setdefault(g, len(seen))
    return out
