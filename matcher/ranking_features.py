"""The content side of event ranking: TF-IDF of event tags and text, and member profiles in it."""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["normalize_tag", "tag_analyzer", "ContentModel", "weighted_location"]

_SPACES = re.compile(r"[\s_-]+")


def normalize_tag(tag: str) -> str:
    """Lower-case a tag and collapse spaces, hyphens and underscores to one space.

    Examples
    --------
    >>> normalize_tag("  Board-Games ")
    'board games'
    """
    return _SPACES.sub(" ", str(tag).strip().lower()).strip()


def tag_analyzer(tags: Sequence[str]) -> list[str]:
    """The analyzer of the tag block: each distinct normalised tag is one token.

    Examples
    --------
    >>> tag_analyzer(["Walking", "walking", "Cooking"])
    ['walking', 'cooking']
    """
    out: list[str] = []
    for tag in tags:
        norm = normalize_tag(tag)
        if norm and norm not in out:
            out.append(norm)
    return out


def weighted_location(lat: np.ndarray, lon: np.ndarray, weights: np.ndarray):
    """The weighted coordinate-wise median of the known points, or ``None`` if there are none.

    A median rather than a mean, so a member who mostly goes out in one town and once in
    another is placed in the first.

    Examples
    --------
    >>> weighted_location(np.array([45.0, 45.1, 47.0]), np.array([-111.0, -111.1, -114.0]),
    ...                   np.array([1.0, 1.0, 1.0]))
    (45.1, -111.1)
    """
    ok = np.isfinite(lat) & np.isfinite(lon) & (weights > 0)
    if not ok.any():
        return None

    def median(values: np.ndarray, w: np.ndarray) -> float:
        order = np.argsort(values, kind="stable")
        cum = np.cumsum(w[order])
        return float(values[order][np.searchsorted(cum, cum[-1] / 2.0)])

    return median(lat[ok], weights[ok]), median(lon[ok], weights[ok])


def _unit_rows(X: sparse.csr_matrix) -> sparse.csr_matrix:
    """Scale each row to unit L2 length (all-zero rows stay zero); works with no columns."""
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel()) if X.shape[1] else \
        np.zeros(X.shape[0])
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sparse.csr_matrix(sparse.diags(inv) @ X)


class ContentModel:
    """TF-IDF of events (a tag block and a word block, stacked and L2-normalised).

    Parameters
    ----------
    tag_weight : float
        Weight of the tag block relative to the word block (title, description and tags).

    Examples
    --------
    >>> from types import SimpleNamespace as E
    >>> events = [E(title="Morning walk", description="", tags=("walking",)),
    ...           E(title="Chess club", description="", tags=("chess",))]
    >>> model = ContentModel().fit(events)
    >>> profile = model.profile(["walking"], [], np.array([]))
    >>> np.round(model.X_ @ profile, 2).tolist()
    [0.79, 0.0]
    """

    def __init__(self, tag_weight: float = 1.0):
        self.tag_weight = tag_weight

    def fit(self, events: Sequence) -> "ContentModel":
        """Fit both vectorizers on the events and store their matrix ``X_``; returns ``self``."""
        self._interest_cache, self._dense = {}, None
        self.tags_ = TfidfVectorizer(analyzer=tag_analyzer, sublinear_tf=True)
        self.words_ = TfidfVectorizer(stop_words="english", sublinear_tf=True, max_df=0.5,
                                      max_features=30000, dtype=np.float64)
        tag_docs = [list(e.tags) for e in events]
        word_docs = [" ".join([e.title or "", e.description or "", " ".join(e.tags)])
                     for e in events]
        T = self._fit_one(self.tags_, tag_docs, len(events))
        W = self._fit_one(self.words_, word_docs, len(events))
        if W.shape[1] == 0 and len(events) > 0 and any(d.strip() for d in word_docs):
            # every word appears in more than half the events: keep them all
            self.words_.set_params(max_df=1.0)
            W = self._fit_one(self.words_, word_docs, len(events))
        self.names_ = list(self._names(self.tags_)) + list(self._names(self.words_))
        self.n_tags_ = T.shape[1]
        self.X_ = _unit_rows(sparse.hstack([self.tag_weight * T, W], format="csr"))
        return self

    @staticmethod
    def _fit_one(vectorizer, docs, n):
        try:
            return vectorizer.fit_transform(docs).tocsr()
        except ValueError:  # empty vocabulary
            vectorizer.vocabulary_ = {}
            return sparse.csr_matrix((n, 0))

    @staticmethod
    def _names(vectorizer) -> Sequence[str]:
        return vectorizer.get_feature_names_out() if vectorizer.vocabulary_ else []

    def _transform(self, vectorizer, docs) -> sparse.csr_matrix:
        if not vectorizer.vocabulary_:
            return sparse.csr_matrix((len(docs), 0))
        return vectorizer.transform(docs).tocsr()

    def interests(self, tags: Sequence[str]) -> np.ndarray:
        """A member's stated interests in the event space (unit length, or zeros).

        Examples
        --------
        >>> from types import SimpleNamespace as E
        >>> m = ContentModel().fit([E(title="Walk", description="", tags=("walking",))])
        >>> round(float(np.linalg.norm(m.interests(["walking"]))), 6)
        1.0
        """
        if not tags:
            return np.zeros(self.X_.shape[1])
        key = tuple(tags)
        cache = self.__dict__.setdefault("_interest_cache", {})
        if key not in cache:
            self.prime_interests([key])
        return cache[key].copy()

    def prime_interests(self, many: Sequence[Sequence[str]]) -> None:
        """Work out the interest vectors of many members in one pass (each row is transformed on
        its own, so a vector is the same as :meth:`interests` alone gives); later calls read them."""
        cache = self.__dict__.setdefault("_interest_cache", {})
        keys = list(dict.fromkeys(tuple(t) for t in many if t and tuple(t) not in cache))
        if not keys:
            return
        T = self._transform(self.tags_, [list(k) for k in keys])
        W = self._transform(self.words_, [" ".join(k) for k in keys])
        V = sparse.hstack([self.tag_weight * T, W]).toarray()
        for key, v in zip(keys, V):
            norm = np.linalg.norm(v)
            cache[key] = v / norm if norm > 0 else v

    def profile(self, tags: Sequence[str], history: Sequence[int], weights: np.ndarray,
                interest_weight: float = 1.0) -> np.ndarray:
        """Stated interests plus the recency-weighted mean of past events, unit length (or zeros).

        Examples
        --------
        >>> from types import SimpleNamespace as E
        >>> m = ContentModel().fit([E(title="Walk", description="", tags=("walking",))])
        >>> round(float(np.linalg.norm(m.profile([], [0], np.array([1.0])))), 6)
        1.0
        """
        v = interest_weight * self.interests(tags)
        history = np.asarray(history, dtype=int)
        if history.size and float(np.sum(weights)) > 0:
            past = np.asarray(self.X_[history].T @ np.asarray(weights, dtype=float)).ravel()
            norm = np.linalg.norm(past)
            if norm > 0:
                v = v + past / norm
        norm = np.linalg.norm(v)
        return v / norm if norm > 0 else v

    def similarity(self, idx: np.ndarray) -> np.ndarray:
        """Cosine similarity between the given events, as a dense matrix.

        Examples
        --------
        >>> from types import SimpleNamespace as E
        >>> m = ContentModel().fit([E(title="Walk", description="", tags=("walking",))] * 2)
        >>> np.round(m.similarity(np.array([0, 1])), 2).tolist()
        [[1.0, 1.0], [1.0, 1.0]]
        """
        X = self.X_[np.asarray(idx, dtype=int)]
        return np.asarray((X @ X.T).toarray())

    def top_terms(self, event: int, profile: np.ndarray, n: int = 2) -> list[str]:
        """The terms that contribute most to the event's match with the profile, tags first.

        Examples
        --------
        >>> from types import SimpleNamespace as E
        >>> m = ContentModel().fit([E(title="Walk", description="", tags=("walking",)),
        ...                         E(title="Chess", description="", tags=("chess",))])
        >>> m.top_terms(0, m.interests(["walking"]))
        ['walking']
        """
        dense = self.__dict__.get("_dense")
        if dense is None:
            dense = self._dense = self.X_.toarray()
        contrib = dense[int(event)] * profile
        floor = 0.1 * contrib.sum()  # a term must carry a tenth of the match to be named
        is_word = np.arange(contrib.size) >= self.n_tags_
        order = np.lexsort((np.arange(contrib.size), -contrib, is_word))  # shared tags first
        out: list[str] = []
        for j in order:
            if len(out) >= n:
                break
            if contrib[j] <= 0 or contrib[j] < floor:
                continue
            name = str(self.names_[j])
            if not any(name in o or o in name for o in out):
                out.append(name)
        return out
