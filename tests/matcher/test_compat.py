"""Compatibility and distance helpers agree with plain-loop definitions and geopy."""

from __future__ import annotations

import math

import numpy as np
from geopy.distance import great_circle
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.compat import (
    availability_overlap,
    compatibility_matrix,
    compatibility_pairs,
    cosine_matrix,
    haversine_km,
    haversine_matrix,
)

coords = st.tuples(st.floats(-80, 80), st.floats(-179, 179))


@settings(max_examples=60, deadline=None)
@given(coords, coords)
def test_haversine_matches_geopy_great_circle(p, q):
    ours = float(haversine_km(p[0], p[1], q[0], q[1]))
    assert math.isclose(ours, great_circle(p, q).km, rel_tol=1e-6, abs_tol=1e-6)


def test_haversine_matrix_is_symmetric_with_zero_diagonal():
    rng = np.random.default_rng(0)
    D = haversine_matrix(rng.uniform(50, 52, 7), rng.uniform(-1, 1, 7))
    assert np.allclose(D, D.T) and np.allclose(np.diag(D), 0)


def _cos(a, b):
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(x * x for x in b))
    return 0.0 if na == 0 or nb == 0 else sum(x * y for x, y in zip(a, b)) / (na * nb)


def _plain(interests, values, availability, i, j):
    parts = []
    if any(interests[i]) and any(interests[j]):
        parts.append(_cos(interests[i], interests[j]))
    if values is not None:
        vi, vj = values[i], values[j]
        if not any(math.isnan(x) for x in vi + vj) and any(vi) and any(vj):
            parts.append(_cos(vi, vj))
    if availability is not None:
        ai, aj = availability[i], availability[j]
        if any(ai) and any(aj):
            inter = sum(a and b for a, b in zip(ai, aj))
            union = sum(a or b for a, b in zip(ai, aj))
            parts.append(inter / union)
    return sum(parts) / len(parts) if parts else 0.0


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 7), st.integers(0, 2**31 - 1), st.booleans(), st.booleans())
def test_compatibility_is_the_mean_of_the_parts_both_have(n, seed, with_values, with_slots):
    rng = np.random.default_rng(seed)
    interests = (rng.random((n, 4)) * (rng.random((n, 4)) < 0.7)).tolist()
    values = None
    if with_values:
        values = rng.normal(size=(n, 3))
        values[rng.random(n) < 0.3] = np.nan
        values = values.tolist()
    slots = (rng.random((n, 5)) < 0.4).tolist() if with_slots else None
    C = compatibility_matrix(interests, values, slots)
    I, J = np.triu_indices(n, 1)
    pairs = compatibility_pairs(I, J, interests, values, slots)
    for k, (i, j) in enumerate(zip(I, J)):
        expected = _plain(interests, values, slots, i, j)
        assert math.isclose(C[i, j], expected, abs_tol=1e-9)
        assert math.isclose(pairs[k], expected, abs_tol=1e-9)
    assert np.allclose(C, C.T)


def test_interest_only_compatibility_is_cosine():
    X = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 1.0], [3.0, 0.0, 1.0]])
    assert np.allclose(compatibility_matrix(X), cosine_matrix(X))


def test_availability_overlap_edge_cases():
    assert availability_overlap([[False, False]], [[True, False]]).tolist() == [0.0]
    assert availability_overlap([[True, True]], [[True, True]]).tolist() == [1.0]
