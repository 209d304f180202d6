"""ProfileVectorizer: a scikit-learn estimator turning resident profiles into normalised vectors."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted

from matcher._profile_blocks import (
    LIST_KEYS,
    NUMBER_KEYS,
    LabelBinarizer,
    Standardise,
    TextTfidf,
    TypicalScale,
    ipsatise,
    profiles_to_frame,
    unit_rows,
)

__all__ = ["SCHWARTZ_VALUES", "BLOCKS", "ProfileVectorizer"]

SCHWARTZ_VALUES: tuple[str, ...] = (
    "self_direction", "stimulation", "hedonism", "achievement", "power",
    "security", "conformity", "tradition", "benevolence", "universalism",
)
"""Default ``value_keys``: Schwartz's ten basic values in their circular order."""

BLOCKS: tuple[str, ...] = ("interests", "text", "values", "availability", "preferences")
"""The blocks of the output vector, in column order."""

_SCHEMA = "pv1"  # bump when the construction of the vector changes

class ProfileVectorizer(TransformerMixin, BaseEstimator):
    """Turn resident profiles into one L2-normalised vector each, built from five blocks.

    A profile is a mapping; every key is optional and unknown keys are ignored:
    ``interests`` (tag slugs), ``about`` (free text), ``values`` (value key -> mean score; any
    finite scale, Hearth uses 1..6), ``availability`` (slot keys), ``wants`` (activity kinds),
    ``group_size`` (preferred size, > 0) and ``new_faces`` (0 familiar .. 1 new). None or NaN
    counts as unanswered; a wrongly typed or out-of-range answer raises ``ValueError`` naming
    the profile's position. A ``DataFrame`` with these columns is accepted too.

    The blocks, in column order (see ``feature_slices_``):

    - ``interests``: tags binarized over the vocabulary, weighted by rarity (smoothed idf);
    - ``text``: TF-IDF of ``about`` (sublinear tf, English stop words, ``max_text_features``);
    - ``values``: ipsatised (each person's mean over the values they answered is subtracted, as
      the Schwartz literature recommends), unanswered values set to 0 (neutral), then divided by
      each value's spread over the fitted profiles; answering everything 6 is the same as
      answering everything 2 (all zeros);
    - ``availability``: 0/1 per slot;
    - ``preferences``: 0/1 per activity kind, plus ``group_size`` and ``new_faces``
      standardised (missing answers become the mean, i.e. 0).

    The set-like blocks (interests, text, availability) are L2-normalised per row. The graded
    blocks (values, preferences) are divided by their typical row norm over the fitted profiles,
    so that how decided a person is still counts: flat values give a short values block. Each
    block is multiplied by its weight and the whole row is L2-normalised. A profile with nothing
    in any block (or only in blocks of weight 0) gives the zero vector, never NaN. Tags, slots
    and kinds outside the vocabulary, value keys outside ``value_keys`` and words outside the
    text vocabulary are ignored. One caveat of normalising: if values are a profile's only
    content, a change that merely rescales its centred answers ((2, 1) -> (2, -1)) leaves the
    vector as it was; with anything else in the profile, every changed answer shows.

    Underneath is a ``Pipeline`` (profiles -> ``DataFrame`` -> ``ColumnTransformer`` of the five
    blocks -> row normalisation) held in ``pipeline_``. There is no randomness, so no
    ``random_state``: the result is deterministic.

    scikit-learn conventions: ``__init__`` only stores parameters; ``fit`` returns ``self``;
    learned attributes end in ``_``; ``transform`` raises ``NotFittedError`` before ``fit``;
    ``clone`` and pickling work and a pickle round trip gives identical vectors. Because the
    input is a list of dicts, not a numeric array, ``check_estimator`` cannot drive it; the
    estimator declares ``input_tags.dict`` and the test suite runs scikit-learn's own
    data-independent checks (default-constructible parameters, no attributes set in
    ``__init__``, get/set_params, repr, cloneable) plus its own for fit-returns-self, unfitted
    errors, pickling and determinism on profile data.

    Parameters
    ----------
    tags, slots, activity_kinds : sequence of str or None, default None
        Fixed vocabularies for interests, availability and wants; None learns them in ``fit``
        (sorted union of the labels seen).
    value_keys : sequence of str or None, default None
        The value keys read from ``values``; None means ``SCHWARTZ_VALUES``.
    interest_weight, text_weight, values_weight, availability_weight, preference_weight : float
        Non-negative weight of each block in the combined vector.
    max_text_features : int or None, default 200
        Size of the text vocabulary (the most frequent terms); None keeps every term.

    Attributes
    ----------
    pipeline_ : Pipeline
        The fitted pipeline; ``pipeline_.transform(profiles)`` equals ``transform(profiles)``.
    feature_slices_ : dict of str -> slice
        Columns of each block in the output.
    tags_, slots_, activity_kinds_, value_keys_ : tuple of str
        The vocabularies used.
    n_features_out_ : int
        Number of output columns.
    version_ : str
        Short hash of the parameters and everything learned; tag stored vectors with it.

    Examples
    --------
    >>> profiles = [
    ...     {"interests": ["cooking", "walking"], "about": "I love baking bread",
    ...      "values": {"benevolence": 6, "power": 2}, "availability": ["mon_evening"]},
    ...     {"interests": ["walking", "chess"], "wants": ["exercise"], "group_size": 4},
    ...     {},
    ... ]
    >>> vectorizer = ProfileVectorizer().fit(profiles)
    >>> vectors = vectorizer.transform(profiles)
    >>> vectors.shape == (3, vectorizer.n_features_out_)
    True
    >>> np.round(np.linalg.norm(vectors, axis=1), 6).tolist()
    [1.0, 1.0, 0.0]
    >>> vectorizer.tags_
    ('chess', 'cooking', 'walking')
    >>> list(vectorizer.feature_slices_)
    ['interests', 'text', 'values', 'availability', 'preferences']
    """

    def __init__(
        self,
        *,
        tags: Sequence[str] | None = None,
        slots: Sequence[str] | None = None,
        activity_kinds: Sequence[str] | None = None,
        value_keys: Sequence[str] | None = None,
        interest_weight: float = 1.0,
        text_weight: float = 0.5,
        values_weight: float = 1.0,
        availability_weight: float = 0.5,
        preference_weight: float = 0.5,
        max_text_features: int | None = 200,
    ):
        self.tags = tags
        self.slots = slots
        self.activity_kinds = activity_kinds
        self.value_keys = value_keys
        self.interest_weight = interest_weight
        self.text_weight = text_weight
        self.values_weight = values_weight
        self.availability_weight = availability_weight
        self.preference_weight = preference_weight
        self.max_text_features = max_text_features

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.dict = True
        tags.input_tags.string = True
        return tags

    def _weights(self) -> dict[str, float]:
        weights = {
            "interests": self.interest_weight, "text": self.text_weight,
            "values": self.values_weight, "availability": self.availability_weight,
            "preferences": self.preference_weight,
        }
        for name, weight in weights.items():
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) \
                    or not math.isfinite(weight) or weight < 0:
                raise ValueError(f"the {name} weight must be a finite number >= 0, got {weight!r}")
        return {name: float(weight) for name, weight in weights.items()}

    def _value_keys(self) -> tuple[str, ...]:
        keys = tuple(SCHWARTZ_VALUES if self.value_keys is None else self.value_keys)
        reserved = {*LIST_KEYS, "about", *NUMBER_KEYS}
        if len(set(keys)) != len(keys) or reserved & set(keys) or not keys:
            raise ValueError(f"value_keys must be distinct, non-empty and avoid {sorted(reserved)}, "
                             f"got {self.value_keys!r}")
        return keys

    def _build(self, value_keys: tuple[str, ...]) -> Pipeline:
        preferences = Pipeline([
            ("parts", ColumnTransformer([
                ("wants", LabelBinarizer(self.activity_kinds), "wants"),
                ("scales", Standardise(), list(NUMBER_KEYS)),
            ], sparse_threshold=0)),
            ("typical", TypicalScale()),
        ])
        blocks = ColumnTransformer([
            ("interests", Pipeline([
                ("binarize", LabelBinarizer(self.tags, rarity=True)),
                ("normalize", unit_rows()),
            ]), "interests"),
            ("text", TextTfidf(self.max_text_features), "about"),
            ("values", Pipeline([
                ("ipsatise", FunctionTransformer(ipsatise, feature_names_out="one-to-one")),
                ("scale", StandardScaler(with_mean=False)),
                ("typical", TypicalScale()),
            ]), list(value_keys)),
            ("availability", Pipeline([
                ("binarize", LabelBinarizer(self.slots)),
                ("normalize", unit_rows()),
            ]), "availability"),
            ("preferences", preferences, ["wants", *NUMBER_KEYS]),
        ], transformer_weights=self._weights(), sparse_threshold=0)
        return Pipeline([
            ("profiles", FunctionTransformer(
                profiles_to_frame, kw_args={"value_keys": value_keys}, validate=False)),
            ("blocks", blocks),
            ("normalize", unit_rows()),
        ])

    def fit(self, X: Any, y: Any = None) -> ProfileVectorizer:
        """Learn the vocabularies, rarity weights and scales from a sequence of profiles.

        Parameters
        ----------
        X : sequence of mapping
            The profiles (at least one).
        y : None
            Ignored.

        Returns
        -------
        ProfileVectorizer
            ``self``, fitted.

        Examples
        --------
        >>> ProfileVectorizer().fit([{"interests": ["chess"]}]).tags_
        ('chess',)
        """
        value_keys = self._value_keys()
        if self.max_text_features is not None and (
                isinstance(self.max_text_features, bool)
                or not isinstance(self.max_text_features, int) or self.max_text_features < 1):
            raise ValueError(f"max_text_features must be a positive int or None, "
                             f"got {self.max_text_features!r}")
        frame = profiles_to_frame(X, value_keys)
        if len(frame) == 0:
            raise ValueError("ProfileVectorizer needs at least one profile to fit")
        pipeline = self._build(value_keys)
        pipeline.fit(frame)
        blocks = pipeline.named_steps["blocks"]
        self.pipeline_ = pipeline
        self.feature_slices_ = {name: blocks.output_indices_[name] for name in BLOCKS}
        self.tags_ = blocks.named_transformers_["interests"].named_steps["binarize"].classes_
        self.slots_ = blocks.named_transformers_["availability"].named_steps["binarize"].classes_
        self.activity_kinds_ = (blocks.named_transformers_["preferences"]
                                .named_steps["parts"].named_transformers_["wants"].classes_)
        self.value_keys_ = value_keys
        self.n_features_out_ = int(max(s.stop for s in self.feature_slices_.values()))
        self.version_ = self._fingerprint()
        return self

    def _fingerprint(self) -> str:
        """Hash the parameters and every learned quantity into a short, stable version tag."""
        blocks = self.pipeline_.named_steps["blocks"].named_transformers_
        text = blocks["text"].vectorizer_
        prefs = blocks["preferences"].named_steps["parts"].named_transformers_["scales"]

        def numbers(array: Any) -> list[float]:
            return [float(f"{x:.10g}") for x in np.asarray(array, dtype=np.float64).ravel()]

        state = {
            "schema": _SCHEMA,
            "params": {k: list(v) if isinstance(v, (tuple, list)) else v
                       for k, v in sorted(self.get_params(deep=False).items())},
            "tags": list(self.tags_), "slots": list(self.slots_),
            "kinds": list(self.activity_kinds_), "values": list(self.value_keys_),
            "interest_idf": numbers(blocks["interests"].named_steps["binarize"].weights_),
            "text_terms": [] if text is None else list(text.get_feature_names_out()),
            "text_idf": [] if text is None else numbers(text.idf_),
            "value_scale": numbers(blocks["values"].named_steps["scale"].scale_),
            "value_typical": numbers(blocks["values"].named_steps["typical"].scale_),
            "pref_typical": numbers(blocks["preferences"].named_steps["typical"].scale_),
            "pref_mean": numbers(prefs.mean_),
            "pref_scale": numbers(prefs.scale_),
        }
        digest = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()
        return f"{_SCHEMA}-{digest[:12]}"

    @property
    def version(self) -> str:
        """The fitted ``version_`` tag; changes when the parameters or anything learned change.

        Examples
        --------
        >>> a = ProfileVectorizer().fit([{"interests": ["chess"]}])
        >>> b = ProfileVectorizer(text_weight=0.1).fit([{"interests": ["chess"]}])
        >>> a.version.startswith("pv1-"), a.version == b.version
        (True, False)
        """
        check_is_fitted(self)
        return self.version_

    def transform(self, X: Any) -> np.ndarray:
        """Return one row per profile: unit length, or all zeros for an empty profile.

        Parameters
        ----------
        X : sequence of mapping
            The profiles.

        Returns
        -------
        ndarray of shape (n_profiles, n_features_out_)

        Examples
        --------
        >>> vectorizer = ProfileVectorizer().fit([{"interests": ["chess", "yoga"]}])
        >>> float(vectorizer.transform([{"interests": ["yoga", "unknown_tag"]}]).max())
        1.0
        """
        check_is_fitted(self)
        return np.asarray(self.pipeline_.transform(X), dtype=np.float64)

    def transform_parts(self, X: Any) -> dict[str, np.ndarray]:
        """Return each block separately, before the block weights and the final normalisation.

        Rows of interests, text and availability have unit length (or are zero); values and
        preferences keep their magnitude (about 1 for a typical profile). A cosine per block,
        the matcher's compatibility, does not depend on the block weights.

        Parameters
        ----------
        X : sequence of mapping
            The profiles.

        Returns
        -------
        dict of str -> ndarray
            Block name (``BLOCKS``) -> array of shape (n_profiles, width of the block).

        Examples
        --------
        >>> vectorizer = ProfileVectorizer().fit([{"availability": ["mon_morning", "tue_evening"]}])
        >>> parts = vectorizer.transform_parts([{"availability": ["tue_evening"]}])
        >>> parts["availability"].tolist()
        [[0.0, 1.0]]
        >>> parts["interests"].shape
        (1, 0)
        """
        check_is_fitted(self)
        frame = self.pipeline_.named_steps["profiles"].transform(X)
        blocks = self.pipeline_.named_steps["blocks"]
        parts = {}
        for name, transformer, columns in blocks.transformers_:
            if name not in BLOCKS:
                continue
            block = transformer.transform(frame[columns])
            block = block.toarray() if sparse.issparse(block) else np.asarray(block)
            parts[name] = block.astype(np.float64, copy=False)
        return {name: parts[name] for name in BLOCKS}

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Return the output column names, prefixed by block (``interests__chess``).

        Parameters
        ----------
        input_features : None
            Ignored; the input is profiles, not named columns.

        Returns
        -------
        ndarray of str

        Examples
        --------
        >>> vectorizer = ProfileVectorizer().fit([{"interests": ["chess"], "wants": ["meal"]}])
        >>> [n for n in vectorizer.get_feature_names_out() if not n.startswith("values")]
        ['interests__chess', 'preferences__wants__meal', 'preferences__scales__group_size', 'preferences__scales__new_faces']
        """
        check_is_fitted(self)
        return np.asarray(self.pipeline_.named_steps["blocks"].get_feature_names_out(), dtype=object)
