"""Profile vectors as the matcher wants them: the interest and values blocks, with their names."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from store.profiles.taxonomy import VALUE_LABELS, interest_label
from store.profiles.vectors import current_vectorizer, load_vectors

__all__ = ["ProfileBlocks", "profile_blocks"]


@dataclass
class ProfileBlocks:
    """Vectors by user id, sliced into the blocks compatibility is computed on."""

    vectors: dict[int, np.ndarray]
    slices: dict[str, slice]
    interest_names: tuple[str, ...]
    value_names: tuple[str, ...]
    _dim: int = field(default=0)

    def _block(self, ids: list[int], name: str) -> np.ndarray:
        part = self.slices.get(name)
        if part is None:
            return np.zeros((len(ids), 1))
        width = len(range(*part.indices(self._dim)))
        rows = [self.vectors.get(i) for i in ids]
        return np.array([r[part] if r is not None and len(r) == self._dim else np.zeros(width) for r in rows]).reshape(len(ids), width)

    def interests(self, ids: list[int]) -> np.ndarray:
        return self._block(ids, "interests")

    def values(self, ids: list[int]) -> np.ndarray:
        """Value blocks; a person who answered none gets a row of NaN (unknown, not "neutral")."""
        block = self._block(ids, "values")
        empty = ~np.any(block != 0, axis=1)
        block[empty] = np.nan
        return block


def profile_blocks(session: Session, user_ids: list[int]) -> ProfileBlocks:
    """The vectors of ``user_ids`` made by the vectorizer in use, sliced into blocks with names.

    Vectors from an older vectorizer are left out (unknown); ``refit_vectors`` brings them back.
    """
    vectorizer = current_vectorizer(session)
    if vectorizer is None:
        return ProfileBlocks({}, {}, (), (), 1)
    ids, matrix, _version = load_vectors(session, user_ids)
    slices = dict(vectorizer.feature_slices_)
    names = [n.split("__", 1)[-1] for n in vectorizer.get_feature_names_out()]
    interest_names = tuple(interest_label(n).lower() for n in names[slices["interests"]]) if "interests" in slices else ()
    value_names = tuple(VALUE_LABELS.get(n, n).lower() for n in names[slices["values"]]) if "values" in slices else ()
    return ProfileBlocks(dict(zip(ids, matrix)), slices, interest_names, value_names, int(vectorizer.n_features_out_))
