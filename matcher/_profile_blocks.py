"""Building blocks of matcher.profiles: checking profiles, and the per-block transformers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import norm as sparse_norm
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import FunctionTransformer, normalize
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "LIST_KEYS",
    "NUMBER_KEYS",
    "profiles_to_frame",
    "ipsatise",
    "l2_rows",
    "unit_rows",
    "LabelBinarizer",
    "TextTfidf",
    "Standardise",
    "TypicalScale",
]

_TOLERANCE = 1e-10  # differences and norms below this are rounding, not answers

LIST_KEYS = ("interests", "availability", "wants")
NUMBER_KEYS = ("group_size", "new_faces")


def _missing(value: Any) -> bool:
    """True for an absent answer: None, NaN or pandas' NA (as a DataFrame of profiles holds)."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _labels(profile: Mapping[str, Any], key: str, row: int) -> list[str]:
    """Return the list of string labels under ``key`` (empty when absent)."""
    raw = profile.get(key)
    if _missing(raw):
        return []
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
        raise ValueError(f"profile {row}: {key!r} must be a list of strings, got {raw!r}")
    labels = list(raw)
    if not all(isinstance(label, str) for label in labels):
        raise ValueError(f"profile {row}: {key!r} must contain only strings, got {labels!r}")
    return labels


def _number(value: Any, what: str, row: int) -> float:
    """Return ``value`` as a finite float, ``nan`` for missing; raise on anything else."""
    if _missing(value):
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"profile {row}: {what} must be a number, got {value!r}")
    number = float(value)
    if math.isinf(number):
        raise ValueError(f"profile {row}: {what} must be finite, got {value!r}")
    return number


def profiles_to_frame(profiles: Any, value_keys: Sequence[str]) -> pd.DataFrame:
    """Check a sequence of profile mappings and lay it out as one row per profile."""
    if isinstance(profiles, pd.DataFrame):
        profiles = profiles.to_dict(orient="records")
    if isinstance(profiles, (str, bytes, Mapping)) or not isinstance(profiles, Iterable):
        raise TypeError("expected a sequence of profile mappings (dicts), "
                        f"got {type(profiles).__name__}")
    columns: dict[str, list[Any]] = {key: [] for key in (*LIST_KEYS, "about", *NUMBER_KEYS)}
    columns.update({key: [] for key in value_keys})
    for row, profile in enumerate(profiles):
        if not isinstance(profile, Mapping):
            raise TypeError(f"profile {row}: expected a mapping, got {type(profile).__name__}")
        for key in LIST_KEYS:
            columns[key].append(_labels(profile, key, row))
        about = profile.get("about")
        about = "" if _missing(about) else about
        if not isinstance(about, str):
            raise ValueError(f"profile {row}: 'about' must be text, got {about!r}")
        columns["about"].append(about)
        answers = profile.get("values")
        answers = {} if _missing(answers) else answers
        if not isinstance(answers, Mapping):
            raise ValueError(f"profile {row}: 'values' must be a mapping, got {answers!r}")
        for key in value_keys:
            columns[key].append(_number(answers.get(key), f"value {key!r}", row))
        size = _number(profile.get("group_size"), "'group_size'", row)
        if size <= 0:
            raise ValueError(f"profile {row}: 'group_size' must be positive, got {size!r}")
        columns["group_size"].append(size)
        new = _number(profile.get("new_faces"), "'new_faces'", row)
        if not 0.0 <= new <= 1.0 and not math.isnan(new):
            raise ValueError(f"profile {row}: 'new_faces' must lie in 0..1, got {new!r}")
        columns["new_faces"].append(new)
    return pd.DataFrame(columns)


def ipsatise(answers: Any) -> np.ndarray:
    """Subtract each row's mean over its answered values; unanswered values become 0."""
    answers = np.asarray(answers, dtype=np.float64)
    answered = ~np.isnan(answers)
    counts = answered.sum(axis=1, keepdims=True)
    totals = np.where(answered, answers, 0.0).sum(axis=1, keepdims=True)
    means = np.divide(totals, counts, out=np.zeros_like(totals), where=counts > 0)
    centred = np.where(answered, answers - means, 0.0)
    centred[np.abs(centred) <= _TOLERANCE * np.maximum(1.0, np.abs(means))] = 0.0  # rounding
    return centred


def l2_rows(X: Any) -> Any:
    """Scale each row to unit length; rows of norm below ``_TOLERANCE`` become exactly zero."""
    if X.shape[1] == 0:
        return X
    norms = sparse_norm(X, axis=1) if sparse.issparse(X) else np.linalg.norm(X, axis=1)
    tiny = np.flatnonzero(norms < _TOLERANCE)
    X = normalize(X, norm="l2", copy=True)
    if tiny.size:
        X = X.tolil() if sparse.issparse(X) else X
        X[tiny] = 0.0
        X = X.tocsr() if sparse.issparse(X) else X
    return X


def unit_rows() -> FunctionTransformer:
    """A pipeline step applying ``l2_rows`` (unlike ``Normalizer``, it takes zero-width blocks)."""
    return FunctionTransformer(l2_rows, accept_sparse=True, feature_names_out="one-to-one")


class LabelBinarizer(TransformerMixin, BaseEstimator):
    """One column of label lists -> a 0/1 matrix over a vocabulary (given, or learned in fit)."""

    def __init__(self, vocabulary: Sequence[str] | None = None, rarity: bool = False):
        self.vocabulary = vocabulary
        self.rarity = rarity

    def fit(self, X: Any, y: Any = None) -> LabelBinarizer:
        if self.vocabulary is None:
            self.classes_ = tuple(sorted({label for labels in X for label in labels}))
        else:
            self.classes_ = tuple(self.vocabulary)
            if (isinstance(self.vocabulary, str) or len(set(self.classes_)) != len(self.classes_)
                    or not all(isinstance(label, str) for label in self.classes_)):
                raise ValueError("a vocabulary must be a sequence of distinct strings, "
                                 f"got {self.vocabulary!r}")
        self.index_ = {label: i for i, label in enumerate(self.classes_)}
        self.weights_ = np.ones(len(self.classes_))
        if self.rarity:  # smoothed idf, as TfidfTransformer(smooth_idf=True) computes it
            counts = self._binarize(X).sum(axis=0)
            self.weights_ = np.log((1.0 + len(X)) / (1.0 + counts)) + 1.0
        return self

    def _binarize(self, X: Any) -> np.ndarray:
        out = np.zeros((len(X), len(self.classes_)), dtype=np.float64)
        for row, labels in enumerate(X):
            columns = [self.index_[label] for label in labels if label in self.index_]
            out[row, columns] = 1.0  # labels outside the vocabulary are ignored
        return out

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        return self._binarize(X) * self.weights_

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self)
        return np.asarray(self.classes_, dtype=object)


class TextTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF of one text column that tolerates a corpus with no usable words (0 columns)."""

    def __init__(self, max_features: int | None = 200):
        self.max_features = max_features

    def fit(self, X: Any, y: Any = None) -> TextTfidf:
        vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english",
                                     strip_accents="unicode", max_features=self.max_features)
        try:
            self.vectorizer_ = vectorizer.fit(list(X))
        except ValueError:  # "empty vocabulary": no profile says anything beyond stop words
            self.vectorizer_ = None
        return self

    def transform(self, X: Any) -> Any:
        check_is_fitted(self)
        if self.vectorizer_ is None:
            return sparse.csr_matrix((len(X), 0), dtype=np.float64)
        return self.vectorizer_.transform(list(X))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self)
        if self.vectorizer_ is None:
            return np.asarray([], dtype=object)
        return self.vectorizer_.get_feature_names_out()


class Standardise(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardise each column over its answered (non-NaN) entries; unanswered become exactly 0.

    A column nobody answered keeps mean 0 and scale 1; a constant column gets scale 1.
    """

    def fit(self, X: Any, y: Any = None) -> Standardise:
        X = np.asarray(X, dtype=np.float64)
        answered = ~np.isnan(X)
        counts = answered.sum(axis=0)
        filled = np.where(answered, X, 0.0)
        self.mean_ = np.divide(filled.sum(axis=0), counts, out=np.zeros(X.shape[1]),
                               where=counts > 0)
        spread = np.where(answered, X - self.mean_, 0.0)
        std = np.sqrt(np.divide(np.square(spread).sum(axis=0), counts,
                                out=np.zeros(X.shape[1]), where=counts > 0))
        self.scale_ = np.where(std > _TOLERANCE * np.maximum(1.0, np.abs(self.mean_)), std, 1.0)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        centred = np.asarray(X, dtype=np.float64) - self.mean_
        centred[np.abs(centred) <= _TOLERANCE * np.maximum(1.0, np.abs(self.mean_))] = 0.0
        return np.where(np.isnan(centred), 0.0, centred / self.scale_)


class TypicalScale(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Divide by the root-mean-square row norm of the fitted non-zero rows (1 if there are none).

    Unlike unit normalisation this keeps how strongly one person differs from another: a
    person whose centred values are flat gets a short values block, a decided one a long one.
    """

    def fit(self, X: Any, y: Any = None) -> TypicalScale:
        squares = np.square(np.asarray(X, dtype=np.float64)).sum(axis=1)
        squares = squares[squares > 0]
        self.scale_ = float(np.sqrt(squares.mean())) if squares.size else 1.0
        self.n_features_in_ = np.shape(X)[1]
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        return np.asarray(X, dtype=np.float64) / self.scale_
