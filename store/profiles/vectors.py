"""Profile vectors: the fitted ProfileVectorizer kept in the database, vectors refreshed on save.

The newest ``profile_vectorizers`` row is the one in use, so every web worker and job computes
the same vectors, and a restart changes nothing. Each stored vector carries the version of the
vectorizer that made it; ``refit_vectors`` (``flask hearth refit-vectors``, the ``refit_vectors``
job) fits a new one on every profile and recomputes all vectors in the same unit of work.

Saving an answer never fits anything: :func:`refresh_vector` only transforms the one profile
with the stored vectorizer, and says whether a refit is due (:func:`refit_due`: none fitted yet,
or a young one that has seen under half of today's profiles). The page then queues the job after
its commit; :func:`refit_if_due` does the same work in place, for jobs, commands and tests.
"""

from __future__ import annotations

import pickle
import threading
from typing import Callable, Iterable

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.profiles import ProfileVectorizer
from store.profiles import taxonomy as tx
from store.profiles.answers import matcher_profile
from store.profiles.models import Profile, StoredVectorizer

__all__ = [
    "AUTO_REFIT_UP_TO", "new_vectorizer", "current_vectorizer", "store_vectorizer", "vector_of", "refresh_vector",
    "refit_due", "refit_if_due", "refresh_vectors", "refit_vectors", "load_vectors",
]

_DTYPE = np.dtype("<f8")

AUTO_REFIT_UP_TO = 2000

"""Up to this many profiles, a refit is due each time their number doubles (the job does it)."""


def new_vectorizer() -> ProfileVectorizer:
    """An unfitted vectorizer over the questionnaire's fixed vocabularies (store.taxonomy)."""
    return ProfileVectorizer(
        tags=tx.INTEREST_TAGS,
        slots=tx.SLOT_KEYS,
        activity_kinds=tuple(k for k, _ in tx.ACTIVITY_KINDS),
        value_keys=tx.VALUES,
    )

_loaded: dict[str, ProfileVectorizer] = {}

_loaded_lock = threading.Lock()


def current_vectorizer(session: Session) -> ProfileVectorizer | None:
    """The vectorizer in use (the newest stored), unpickled once per process; ``None`` if none yet."""
    newest = select(StoredVectorizer.id, StoredVectorizer.version).order_by(StoredVectorizer.id.desc()).limit(1)
    row = session.execute(newest).first()
    if row is None:
        return None
    with _loaded_lock:  # the version is a hash of everything fitted, so it names the object
        vectorizer = _loaded.get(row.version)
    if vectorizer is None:
        fitted = session.scalar(select(StoredVectorizer.fitted).where(StoredVectorizer.id == row.id))
        vectorizer = pickle.loads(fitted)  # our own rows, written by store_vectorizer
        with _loaded_lock:
            _loaded[row.version] = vectorizer
    return vectorizer


def store_vectorizer(session: Session, vectorizer: ProfileVectorizer, profiles_seen: int) -> StoredVectorizer:
    """Keep a fitted vectorizer as the one in use (an identical one already stored is reused)."""
    version = vectorizer.version
    existing = session.scalar(select(StoredVectorizer).where(StoredVectorizer.version == version))
    if existing is not None:
        if existing.id != session.scalar(select(func.max(StoredVectorizer.id))):
            session.delete(existing)  # make it the newest again
            session.flush()
        else:
            return existing
    row = StoredVectorizer(version=version, fitted=pickle.dumps(vectorizer, protocol=5),
                           profiles_seen=profiles_seen)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a concurrent first save stored the same fit
        row = session.scalar(select(StoredVectorizer).where(StoredVectorizer.version == version))
    return row


def _all_profiles(session: Session):

    return session.scalars(select(Profile).order_by(Profile.id))


def _first_vectorizer(session: Session) -> ProfileVectorizer:
    """Fit the very first vectorizer on whatever profiles exist (a refit later learns more)."""
    answers = [matcher_profile(p) for p in _all_profiles(session)] or [{}]
    vectorizer = new_vectorizer().fit(answers)
    store_vectorizer(session, vectorizer, len(answers))
    return vectorizer


def _encode(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=_DTYPE).tobytes()


def vector_of(profile) -> np.ndarray | None:
    """The stored vector of a profile as a float array, or ``None`` before the first save."""
    if profile.vector is None:
        return None
    return np.frombuffer(profile.vector, dtype=_DTYPE).copy()


def _outgrown(session: Session) -> bool:
    """Whether a young vectorizer has seen under half of today's profiles (then a refit is due)."""

    seen = session.scalar(select(StoredVectorizer.profiles_seen).order_by(StoredVectorizer.id.desc()).limit(1))
    count = session.scalar(select(func.count()).select_from(Profile)) or 0
    return seen is not None and count <= AUTO_REFIT_UP_TO and count >= 2 * max(seen, 1)


def refit_due(session: Session) -> bool:
    """Whether the vectorizer should be refitted: none is fitted yet, or, while Hearth is young
    (up to ``AUTO_REFIT_UP_TO`` profiles), the number of profiles has doubled since the last fit,
    so that early vectors do not rest on a handful of people's answers."""
    return current_vectorizer(session) is None or _outgrown(session)


def refresh_vector(session: Session, profile) -> bool:
    """Recompute one profile's vector with the stored vectorizer: a transform, never a fit.

    Before any vectorizer is fitted the vector stays empty (the refit gives it one). Returns
    :func:`refit_due`, for the caller to queue the ``refit_vectors`` job after its commit.
    """
    vectorizer = current_vectorizer(session)
    if vectorizer is not None:
        profile.vector = _encode(vectorizer.transform([matcher_profile(profile)])[0])
        profile.vector_version = vectorizer.version
    session.flush()
    return vectorizer is None or _outgrown(session)


def refit_if_due(session: Session) -> bool:
    """Refit now if :func:`refit_due` (for jobs, commands and tests; a page queues the job)."""
    if not refit_due(session):
        return False
    refit_vectors(session)
    return True


def refresh_vectors(session: Session, profiles: Iterable, *, batch: int = 500,
                    progress: Callable[[int], None] | None = None) -> int:
    """Recompute many profiles' vectors in batches with the vectorizer in use; returns how many."""
    vectorizer = current_vectorizer(session) or _first_vectorizer(session)
    profiles = list(profiles)
    for start in range(0, len(profiles), batch):
        chunk = profiles[start:start + batch]
        vectors = vectorizer.transform([matcher_profile(p) for p in chunk])
        for profile, vector in zip(chunk, vectors):
            profile.vector = _encode(vector)
            profile.vector_version = vectorizer.version
        session.flush()
        if progress is not None:
            progress(len(chunk))
    return len(profiles)


def refit_vectors(session: Session, *, progress: Callable[[int], None] | None = None) -> tuple[str, int]:
    """Fit a new vectorizer on every profile and recompute every vector with it.

    Returns (version, number of profiles). With no profiles yet, nothing changes.
    """
    profiles = list(_all_profiles(session))
    if not profiles:
        vectorizer = current_vectorizer(session)
        return (vectorizer.version if vectorizer else ""), 0
    vectorizer = new_vectorizer().fit([matcher_profile(p) for p in profiles])
    store_vectorizer(session, vectorizer, len(profiles))
    refresh_vectors(session, profiles, progress=progress)
    return vectorizer.version, len(profiles)


def load_vectors(session: Session, user_ids: Iterable[int] | None = None) -> tuple[list[int], np.ndarray, str]:
    """(user ids, one vector per row, version) for the profiles made by the vectorizer in use.

    Profiles whose vector is missing or from an older vectorizer are left out; run
    ``refit_vectors`` (or save the profile) to bring them in.
    """

    vectorizer = current_vectorizer(session)
    if vectorizer is None:
        return [], np.zeros((0, 0)), ""
    query = select(Profile.user_id, Profile.vector).where(
        Profile.vector_version == vectorizer.version, Profile.vector.is_not(None)
    ).order_by(Profile.user_id)
    if user_ids is not None:
        query = query.where(Profile.user_id.in_(list(user_ids)))
    rows = session.execute(query).all()
    if not rows:
        return [], np.zeros((0, vectorizer.n_features_out_)), vectorizer.version
    matrix = np.vstack([np.frombuffer(v, dtype=_DTYPE) for _, v in rows])
    return [uid for uid, _ in rows], matrix, vectorizer.version
