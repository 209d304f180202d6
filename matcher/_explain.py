"""Plain-language reasons for a group: what its members share and how far the longest trip is."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from matcher.compat import unit_rows

__all__ = ["join_names", "shared_names", "reason", "reader_reason"]


def join_names(names: Sequence[str]) -> str:
    """Join names as English prose.

    Examples
    --------
    >>> join_names(["walking"]), join_names(["walking", "cooking"]), join_names(["a", "b", "c"])
    ('walking', 'walking and cooking', 'a, b and c')
    """
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def shared_names(X: np.ndarray, names: Sequence[str] | None, *, limit: int = 3) -> tuple[list, list]:
    """Columns every row has (> 0), and columns most rows have, strongest first (names or empty).

    Examples
    --------
    >>> shared_names(np.array([[1, 1, 0], [1, 0, 1], [1, 1, 0.0]]), ["walk", "cook", "chess"])
    (['walk'], ['cook'])
    """
    if names is None or X is None or X.size == 0 or X.shape[1] != len(names):
        return [], []
    X = np.where(np.isfinite(X), X, 0.0)
    answered = np.abs(X).sum(axis=1) > 0
    X = X[answered]
    if len(X) == 0:
        return [], []
    positive = X > 0
    count = positive.sum(axis=0)
    strength = np.where(positive, X, 0.0).sum(axis=0)
    order = np.lexsort((np.arange(len(names)), -strength, -count))
    everyone = [names[c] for c in order if count[c] == len(X)][:limit]
    most = [names[c] for c in order if len(X) / 2 < count[c] < len(X)][:limit]
    return everyone, most


def reason(
    interests: np.ndarray,
    values: np.ndarray | None,
    interest_names,
    value_names,
    farthest_km: float,
    *,
    venue=None,
    met_before: int = 0,
    match: float | None = None,
) -> str:
    """One or two sentences on why this group, for the organisers: shared interests and values,
    and the farthest trip. A resident reads :func:`reader_reason` instead, which names only
    what they themselves share with the group.

    Examples
    --------
    >>> reason(np.array([[1, 1, 0], [1, 1, 1.0]]), None, ["walking", "cooking", "chess"], None, 1.83)
    'You all enjoy walking and cooking; the farthest trip is 1.8 km.'
    >>> reason(np.array([[1, 0.0], [0.9, 0.1]]), None, None, None, 0.4, venue="Oak Hall")
    'Your interests are closely aligned; the farthest trip to Oak Hall is 0.4 km.'
    """
    parts = []
    everyone, most = shared_names(interests, interest_names)
    if everyone:
        parts.append(f"You all enjoy {join_names(everyone)}")
    elif most:
        parts.append(f"Most of you enjoy {join_names(most)}")
    else:
        if match is None:
            U, ok = unit_rows(interests)
            m = int(ok.sum())
            if m >= 2:
                S = U[ok] @ U[ok].T
                match = (S.sum() - np.trace(S)) / (m * (m - 1))
        if match is not None:  # a word, never a score: "18%" reads as a mark, and a poor one
            word = "closely aligned" if match >= 0.6 else "related" if match >= 0.3 else "varied"
            parts.append(f"Your interests are {word}")
    v_all, _ = shared_names(values, value_names)
    if v_all:
        parts.append(f"you all value {join_names(v_all)}")
    if met_before:
        parts.append(f"{met_before} pair{'s' if met_before > 1 else ''} of you have met before")
    where = "" if venue is None else f" to {venue}" if isinstance(venue, str) else f" to venue {venue}"
    parts.append(f"the farthest trip{where} is {farthest_km:.1f} km")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def reader_reason(
    mine: Sequence[str],
    others: Sequence[Sequence[str]],
    *,
    label=None,
    venue: str | None = None,
    trip_km: float | None = None,
    limit: int = 3,
) -> str:
    """Why this group, for one reader: only interests the reader picked, and only as far as the
    others share them; never a score. ``mine`` are the reader's interest keys, ``others`` each
    other member's; ``label`` turns a key into words.

    Examples
    --------
    >>> reader_reason(["walking", "chess"], [["walking", "dancing"], ["walking", "chess"]])
    'You all enjoy walking, and you share chess with one of the group.'
    >>> reader_reason(["chess"], [["dancing"], ["dancing"]], venue="Oak Hall", trip_km=0.44)
    'A chance to meet neighbours who live close by; Oak Hall is 0.4 km from you.'
    >>> reader_reason(["walking", "baking"], [["walking"], ["walking", "baking"], ["baking"]])
    'You and most of the group enjoy walking and baking.'
    """
    label = label or str
    others = [set(o) for o in others]
    n = len(others)
    mine = list(dict.fromkeys(mine))
    count = {key: sum(key in o for o in others) for key in mine}
    ranked = sorted((k for k in mine if count[k]), key=lambda k: (-count[k], mine.index(k)))
    everyone = [k for k in ranked if count[k] == n][:limit]
    most = [k for k in ranked if n / 2 < count[k] < n][:limit]
    some = [k for k in ranked if 0 < count[k] <= n / 2 and count[k] < n][:limit]
    clauses = []
    if everyone:
        clauses.append(f"You all enjoy {join_names([label(k) for k in everyone])}")
    if most:
        clauses.append(("most of you enjoy " if clauses else "You and most of the group enjoy ")
                       + join_names([label(k) for k in most]))
    if some and not most:
        who = "one of the group" if max(count[k] for k in some) == 1 else "some of the group"
        clauses.append(("you share " if clauses else "You share ")
                       + f"{join_names([label(k) for k in some])} with {who}")
    text = ", and ".join(clauses) if clauses else "A chance to meet neighbours who live close by"
    if trip_km is not None and venue:
        text += f"; {venue} is {trip_km:.1f} km from you"
    return text + "."
