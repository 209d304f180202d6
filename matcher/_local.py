"""Local search by moves and swaps with exact incremental gains, many group-disjoint changes per round.

A group of size ``s`` whose pair weights sum to ``P`` adds ``2 P / (s - 1)`` to the sum of
satisfactions, so every gain follows from the member-to-group sums ``R[i, g]``. ``R`` is kept up
to date column by column as changes are applied; changes touching disjoint groups do not affect
each other's gains, so each round applies the best of them together. In large regions a member
is moved to, or swapped with a member of, only the few groups that fit it best (largest ``R``).
"""

from __future__ import annotations

import numpy as np

from matcher._rules import Rules

__all__ = ["NEG", "value", "group_values", "local_search"]

NEG = -np.inf
FULL_SWAPS_UP_TO = 120
NEAR_GROUPS = 4


def value(s, P):
    """Sum of satisfactions of groups of sizes ``s`` and pair-weight sums ``P``.

    Examples
    --------
    >>> value(np.array([3.0, 1.0]), np.array([1.5, 0.0])).tolist()
    [1.5, 0.0]
    """
    s = np.asarray(s, dtype=float)
    return np.where(s >= 2, 2.0 * P / np.maximum(s - 1.0, 1.0), 0.0)


def group_values(W: np.ndarray, lab: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-group sizes ``s``, pair-weight sums ``P`` and member-to-group sums ``R``.

    Examples
    --------
    >>> W = np.array([[0, 1.0, 2.0], [1.0, 0, 3.0], [2.0, 3.0, 0]])
    >>> s, P, R = group_values(W, np.array([0, 0, 1]))
    >>> s.tolist(), P.tolist()
    ([2.0, 1.0], [1.0, 0.0])
    """
    m = len(lab)
    rows = np.flatnonzero(lab >= 0)
    G = int(lab.max()) + 1 if len(rows) else 0
    R = np.zeros((m, G))
    if not len(rows):
        return np.zeros(0), np.zeros(0), R
    rows = rows[np.argsort(lab[rows], kind="stable")]
    labels = lab[rows]
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    R[:, labels[starts]] = np.add.reduceat(W[:, rows], starts, axis=1)
    s, P = _sizes_and_sums(lab, R, G)
    return s, P, R


def _sizes_and_sums(lab, R, G):
    rows = np.flatnonzero(lab >= 0)
    s = np.bincount(lab[rows], minlength=G).astype(float)
    P = 0.5 * np.bincount(lab[rows], weights=R[rows, lab[rows]], minlength=G)
    return s, P


def _table(lab, G, width):
    """Members of each group as a padded ``(G, width)`` table (``-1`` = empty slot)."""
    rows = np.flatnonzero(lab >= 0)
    rows = rows[np.argsort(lab[rows], kind="stable")]
    labels = lab[rows]
    starts = np.searchsorted(labels, np.arange(G))
    T = np.full((G, width), -1, dtype=np.intp)
    T[labels, np.arange(len(rows)) - starts[labels]] = rows
    return T


def _full_swaps(W, R, lab, placed, a, Ria, c, gate):
    A = np.where(placed, c[a], 0.0)[:, None] * (R[:, a].T - Ria[:, None] - W)
    sw = A + A.T
    valid = np.triu(lab[:, None] != lab[None, :], 1)
    both = placed[:, None] & placed[None, :]
    if gate is None:
        valid &= both
    else:
        out_in = placed[:, None] & ~placed[None, :] & gate
        valid &= both | (out_in | out_in.T)
    sw[~valid] = NEG
    si, sj = np.nonzero(sw > 0)
    return si, sj, sw[si, sj]


def _best_groups(R, t):
    """For each member, the ``t`` groups with the largest member-to-group sums."""
    m, G = R.shape
    t = min(t, G)
    rows = np.arange(m)
    best = np.empty((m, t), dtype=np.intp)
    Rc = R.copy()
    for k in range(t):
        best[:, k] = Rc.argmax(axis=1)
        Rc[rows, best[:, k]] = NEG
    return best


def _full_moves(R, lab, placed, a, s, P, cur, rem, lo, hi):
    idx = np.arange(len(lab))
    mv = rem[:, None] + (value(s[None, :] + 1, P[None, :] + R) - cur[None, :])
    mv[placed & (s[a] - 1 < lo)] = NEG
    mv[:, s + 1 > hi] = NEG
    mv[idx[placed], lab[placed]] = NEG
    mi, mg = np.nonzero(mv > 0)
    return mi, mg, mv[mi, mg]


def _near_moves(R, lab, placed, a, s, P, cur, rem, lo, hi, best):
    """Moves of each member to one of the groups that fit it best."""
    I = np.repeat(np.arange(len(lab)), best.shape[1])
    B = best.ravel()
    d = rem[I] + value(s[B] + 1, P[B] + R[I, B]) - cur[B]
    ok = (B != lab[I]) & (s[B] + 1 <= hi) & ~(placed[I] & (s[a[I]] - 1 < lo)) & (d > 0)
    return I[ok], B[ok], d[ok]


def _near_swaps(W, R, lab, placed, a, Ria, c, gate, table, best):
    """Swaps of each member with the members of the groups that fit it best."""
    J = table[best].reshape(len(lab), -1)
    I = np.repeat(np.arange(len(lab)), J.shape[1])
    J = J.ravel()
    keep = (J >= 0) & (lab[I] != lab[J])
    I, J = I[keep], J[keep]
    pi = placed[I]
    if gate is None:
        I, J, pi = I[pi], J[pi], pi[pi]
    else:
        ok = pi | gate[J, I]
        I, J, pi = I[ok], J[ok], pi[ok]
    w = W[I, J]
    gain_i = np.where(pi, c[a[I]] * (R[J, a[I]] - Ria[I] - w), 0.0)
    gain_j = c[a[J]] * (R[I, a[J]] - Ria[J] - w)
    d = gain_i + gain_j
    pos = d > 0
    return I[pos], J[pos], d[pos]


def _apply(W, R, lab, order, kind, first, second, rules, table):
    """Apply candidates best first, skipping any touching a group already changed this round."""
    touched: set = set()
    busy: set = set()
    applied = 0
    for t in order:
        i = int(first[t])
        if kind[t]:
            j = int(second[t])
            ga, gb = int(lab[i]), int(lab[j])
            if i in busy or j in busy or ga in touched or gb in touched:
                continue
            if not rules.trivial:
                new_a = [r for r in table[ga] if r >= 0 and r != i] + [j] if ga >= 0 else None
                new_b = [r for r in table[gb] if r >= 0 and r != j] + [i] if gb >= 0 else None
                if (new_a is not None and not rules.check(sorted(new_a))) or (
                        new_b is not None and not rules.check(sorted(new_b))):
                    continue
            lab[i], lab[j] = gb, ga
            diff = W[:, i] - W[:, j]
            if ga >= 0:
                R[:, ga] -= diff
            if gb >= 0:
                R[:, gb] += diff
            busy.update((i, j))
        else:
            gb = int(second[t])
            ga = int(lab[i])
            if i in busy or gb in touched or ga in touched:
                continue
            if not rules.trivial:
                if not rules.check(sorted([r for r in table[gb] if r >= 0] + [i])):
                    continue
                if ga >= 0 and not rules.check(sorted(r for r in table[ga] if r >= 0 and r != i)):
                    continue
            lab[i] = gb
            R[:, gb] += W[:, i]
            if ga >= 0:
                R[:, ga] -= W[:, i]
            busy.add(i)
        touched.update((ga, gb))
        touched.discard(-1)
        applied += 1
    return applied


def local_search(W, lab, lo, hi, rules: Rules, *, gate=None, max_rounds=None, eps=1e-9):
    """Apply improving moves and swaps, best first and group-disjoint per round, until none is left.

    ``gate[i, j]`` (optional) allows the swap of placed ``i`` out for unplaced ``j``. Groups keep
    their labels and never shrink below ``lo`` nor grow above ``hi``.

    Examples
    --------
    >>> rules = Rules.__new__(Rules); rules.trivial = True
    >>> W = np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0.0]])
    >>> local_search(W, np.array([0, 1, 0, 1]), 2, 2, rules).tolist()
    [1, 1, 0, 0]
    """
    lab = np.asarray(lab, dtype=np.intp).copy()
    m = len(lab)
    if not (lab >= 0).any():
        return lab
    idx = np.arange(m)
    s, P, R = group_values(W, lab)
    G = len(s)
    width = int(max(hi, s.max()))
    rounds = max_rounds if max_rounds is not None else 20 * m + 10
    for r in range(rounds):
        if r and r % 16 == 0:
            s, P, R = group_values(W, lab)
        placed = lab >= 0
        cur = value(s, P)
        a = np.where(placed, lab, 0)
        Ria = np.where(placed, R[idx, a], 0.0)
        rem = np.where(placed, value(s[a] - 1, P[a] - Ria) - cur[a], 0.0)
        c = np.where(s >= 2, 2.0 / np.maximum(s - 1.0, 1.0), 0.0)
        table = _table(lab, G, width)
        if m <= FULL_SWAPS_UP_TO:
            mi, mg, md = _full_moves(R, lab, placed, a, s, P, cur, rem, lo, hi)
            si, sj, sd = _full_swaps(W, R, lab, placed, a, Ria, c, gate)
        else:
            best = _best_groups(R, NEAR_GROUPS)
            mi, mg, md = _near_moves(R, lab, placed, a, s, P, cur, rem, lo, hi, best)
            si, sj, sd = _near_swaps(W, R, lab, placed, a, Ria, c, gate, table, best)
        big = md > eps
        mi, mg, md = mi[big], mg[big], md[big]
        big = sd > eps
        si, sj, sd = si[big], sj[big], sd[big]
        if not len(mi) and not len(si):
            break
        delta = np.concatenate([md, sd])
        kind = np.concatenate([np.zeros(len(mi), bool), np.ones(len(si), bool)])
        first = np.concatenate([mi, si])
        second = np.concatenate([mg, sj])
        keep = min(len(delta), 4 * G + 16)
        top = np.argpartition(-delta, keep - 1)[:keep] if keep < len(delta) else np.arange(len(delta))
        top = top[np.lexsort((top, -delta[top]))]
        if not _apply(W, R, lab, top, kind, first, second, rules, table):
            break
        s, P = _sizes_and_sums(lab, R, G)
    return lab
