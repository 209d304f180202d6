"""Building blocks of event ranking: recency decay, graph walks and MMR.

Distances come from :mod:`matcher.compat` and time slots from :mod:`matcher.slots`, the one home of each.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import sparse

__all__ = ["recency_weights", "personalized_pagerank", "mmr_select"]


def recency_weights(ages_days, half_life_days: float) -> np.ndarray:
    """Decay weights ``0.5 ** (age / half_life)``; a non-positive half-life means no decay.

    Examples
    --------
    >>> recency_weights([0, 30, 60], 30).tolist()
    [1.0, 0.5, 0.25]
    """
    ages = np.maximum(np.asarray(ages_days, dtype=float), 0.0)
    if half_life_days is None or half_life_days <= 0:
        return np.ones_like(ages)
    return np.power(0.5, ages / float(half_life_days))


def personalized_pagerank(
    adjacency: sparse.spmatrix,
    personalization: np.ndarray,
    *,
    alpha: float = 0.85,
    max_iter: int = 50,
    tol: float = 1e-9,
) -> np.ndarray:
    """Personalised PageRank by power iteration on a weighted undirected adjacency matrix.

    It matches ``networkx.pagerank(G, alpha, personalization=...)``, including the rule that a
    node without edges sends its mass back to the personalisation, but runs on a sparse matrix,
    so one can be built per query in a few milliseconds.

    Parameters
    ----------
    adjacency : sparse matrix, shape (n, n)
        Symmetric non-negative edge weights.
    personalization : array, shape (n,)
        Non-negative restart weights (need not sum to one; all-zero gives the uniform vector).
    alpha : float
        Probability of following an edge at each step.

    Returns
    -------
    ndarray, shape (n,)
        The stationary distribution (sums to one).

    Examples
    --------
    >>> from scipy import sparse
    >>> A = sparse.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
    >>> np.round(personalized_pagerank(A, np.array([1.0, 0, 0])), 3).tolist()
    [0.345, 0.459, 0.195]
    """
    A = sparse.csr_matrix(adjacency, dtype=float)
    n = A.shape[0]
    s = np.asarray(personalization, dtype=float)
    s = s / s.sum() if s.sum() > 0 else np.full(n, 1.0 / n)
    out = np.asarray(A.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    P = sparse.diags(inv) @ A  # row-stochastic where defined
    PT = sparse.csr_matrix(P.T)
    x = s.copy()
    for _ in range(max_iter):
        x_new = alpha * (PT @ x + x[dangling].sum() * s) + (1 - alpha) * s
        if np.abs(x_new - x).sum() < n * tol:
            x = x_new
            break
        x = x_new
    return x / x.sum()


def mmr_select(
    relevance: Sequence[float],
    similarity: np.ndarray,
    k: int,
    *,
    lambda_: float = 0.85,
) -> list[int]:
    """Pick ``k`` items by maximal marginal relevance (Carbonell and Goldstein, 1998).

    Each step takes the item maximising ``lambda_ * relevance - (1 - lambda_) * max similarity
    to the items already taken``; ties go to the lower index, so the result is deterministic.
    ``lambda_ = 1`` is a plain sort by relevance.

    Examples
    --------
    >>> sim = np.array([[1, .9, 0], [.9, 1, 0], [0, 0, 1]])
    >>> mmr_select([1.0, 0.95, 0.7], sim, 2, lambda_=0.5)
    [0, 2]
    >>> mmr_select([1.0, 0.95, 0.7], sim, 2, lambda_=1.0)
    [0, 1]
    """
    rel = np.asarray(relevance, dtype=float)
    n = rel.size
    k = max(0, min(int(k), n))
    if lambda_ >= 1.0:
        return [int(i) for i in np.lexsort((np.arange(n), -rel))[:k]]
    sim = np.asarray(similarity, dtype=float)
    chosen: list[int] = []
    max_sim = np.zeros(n)
    free = np.ones(n, dtype=bool)
    for _ in range(k):
        gain = lambda_ * rel - (1 - lambda_) * max_sim
        gain[~free] = -np.inf
        best = int(np.argmax(gain))
        chosen.append(best)
        free[best] = False
        max_sim = np.maximum(max_sim, sim[best])
    return chosen
