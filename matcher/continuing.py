"""Topping up a group that keeps meeting: add the most compatible newcomers to a fixed core.

A standing group (a group whose members want to meet again) arrives with a fixed core of
members; when the core is below the smallest group size, newcomers fill the gap. The rule:
repeatedly add, among the members to place first (``placed_before`` false, as
:func:`matcher.groups.form_groups` places them first) if any can join, else among the others, the
candidate with the largest mean pair weight (``C + S - lam * D`` of
:mod:`matcher.objective`) to the members already in the group, among candidates blocked with
nobody in it and for whom the grown group still meets the hard constraints of
:class:`matcher._rules.Rules` (travel, shared slot, venue needs). Pure and deterministic: ties
go to the earlier member of ``members``.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from matcher._rules import Rules
from matcher.members import Members, Venues, make_history
from matcher.objective import pair_weights, social_pairs

__all__ = ["fill_group"]


def fill_group(
    members: Members,
    core: Sequence,
    *,
    size: tuple[int, int],
    blocks: Iterable[tuple] | None = None,
    ties: Iterable[tuple] | None = None,
    past_groups: Iterable[Iterable] | None = None,
    venues: Venues | None = None,
    mode: str = "new",
    distance_weight: float = 0.05,
    familiarity_weight: float = 0.5,
) -> list | None:
    """The ids of the newcomers that bring ``core`` up to ``size[0]``, best first, or ``None``
    when no such set exists (the core itself breaks a hard rule, or too few fit).

    Parameters
    ----------
    members : Members
        The core's members and everyone who could join them.
    core : sequence of ids
        The members who stay together; all must be in ``members``.
    size : (int, int)
        Smallest and largest group size; a core already at the smallest gets nobody.
    blocks, ties, past_groups, venues, mode, distance_weight, familiarity_weight
        As for :func:`matcher.groups.form_groups`.

    Examples
    --------
    >>> m = Members.from_arrays("abcde", [51.5] * 5, [-0.1] * 5,
    ...                         [[1, 0], [1, 0], [1, 0], [0, 1], [1, 0]])
    >>> fill_group(m, ["a", "b"], size=(4, 6))
    ['c', 'e']
    >>> fill_group(m, ["a", "b"], size=(4, 6), blocks=[("a", "c")])
    ['e', 'd']
    >>> fill_group(m, ["a", "b", "c", "e"], size=(4, 6))
    []
    >>> first = Members.from_arrays("abcde", [51.5] * 5, [-0.1] * 5, [[1, 0], [1, 0], [1, 0], [0, 1], [1, 0]],
    ...                             placed_before=[True, True, True, False, True])
    >>> fill_group(first, ["a", "b"], size=(4, 6))
    ['d', 'c']
    """
    lo, hi = int(size[0]), int(size[1])
    index = {uid: k for k, uid in enumerate(members.ids)}
    rows = [index[uid] for uid in core]
    if len(rows) > hi:
        return None
    history = make_history(members, ties=ties, blocks=blocks, past_groups=past_groups)
    social = social_pairs(members, history, mode=mode, familiarity_weight=familiarity_weight)
    W, _ = pair_weights(members, distance_weight=distance_weight, social=social)
    rules = Rules(members, venues)
    bad = rules.forbidden_pairs()
    bad[history.block_i, history.block_j] = True
    bad[history.block_j, history.block_i] = True
    if bad[np.ix_(rows, rows)].any() or not rules.check(rows):
        return None
    added: list[int] = []
    while len(rows) < lo:
        options = [k for k in range(len(members)) if k not in rows and not bad[k, rows].any()]
        options.sort(key=lambda k: (bool(members.placed_before[k]), -float(W[k, rows].mean()), k))
        pick = next((k for k in options if rules.check(rows + [k])), None)
        if pick is None:
            return None
        rows.append(pick)
        added.append(pick)
    return [members.ids[k] for k in added]
