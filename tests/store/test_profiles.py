"""Profiles in the store: answers page by page, coarse homes, vectors that survive a restart, the demo."""

from __future__ import annotations

import time
from datetime import date, timedelta

import numpy as np
import pytest
from geopy.distance import geodesic
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import func, select

import store.profiles.vectors as profile_vectors
from store.demo.town import build_demo_town
from store.places.geocoding import Place
from store.places.neighbourhoods import load_neighbourhoods, load_postcodes
from store.places.points import GRID_M, coarsen, distance_km, is_coarse
from store.profiles import taxonomy as tx
from store.profiles.answers import ProfileError, matcher_profile
from store.profiles.homes import coarse_place, confirm_home, understand_home
from store.profiles.models import Profile, StoredVectorizer
from store.profiles.operations import (
    get_profile,
    home_point,
    matchable_user_ids,
    save_step,
)
from store.profiles.vectors import (
    current_vectorizer,
    load_vectors,
    refit_due,
    refit_if_due,
    refit_vectors,
    vector_of,
)
from tests.factories import make_centre, make_user

HOODS = "name,lat,lon\nHeadingley,53.8195,-1.5775\nHyde Park,53.8113,-1.5660\nBeeston,53.7720,-1.5650\n"


@pytest.fixture
def leeds(db):
    load_neighbourhoods(db, make_centre(db), HOODS)
    load_postcodes(db, "postcode,lat,lon\nLS6 3AA,53.82213,-1.57904\n")
    return db


# -- the grid ------------------------------------------------------------------------------
@given(st.floats(-80, 80), st.floats(-179.9, 179.9))
@hsettings(max_examples=300, deadline=None)
def test_coarse_points_sit_on_the_grid_near_the_original(lat, lon):
    grid = coarsen(lat, lon)
    assert is_coarse(*grid) and coarsen(*grid) == grid
    assert distance_km((lat, lon), grid) * 1000 <= GRID_M * 0.75  # half a cell's diagonal, with margin


def test_home_point_and_distances(leeds):
    user = make_user(leeds)
    assert home_point(leeds, user.id) is None
    confirm_home(leeds, user.id, Place("near Headingley, Leeds", 53.82213, -1.57904, 100))
    point = home_point(leeds, user.id)
    assert point != (53.82213, -1.57904) and is_coarse(*point)
    # the one distance (great circle) is within half a per cent of the ellipsoid's
    assert distance_km(point, (53.8113, -1.5660)) == pytest.approx(geodesic(point, (53.8113, -1.5660)).km, rel=5e-3)


def test_the_finer_of_place_and_neighbourhood_is_kept(leeds, settings):
    town = understand_home(leeds, settings, "Leeds")
    assert town.precision_m == 10000
    user = make_user(leeds)
    profile = confirm_home(leeds, user.id, town, "Beeston")
    assert profile.place_label == "near Beeston, Leeds" and profile.home_precision_m == 1000
    assert distance_km((profile.home_lat, profile.home_lon), (53.7720, -1.5650)) < 0.4

    postcode = understand_home(leeds, settings, "LS6 3AA")
    assert postcode.label == "near Headingley, Leeds" and "LS6" not in postcode.label
    profile = confirm_home(leeds, user.id, postcode, "Headingley")
    assert profile.home_precision_m == GRID_M  # the postcode was finer than the neighbourhood
    assert (profile.home_lat, profile.home_lon) == coarsen(53.82213, -1.57904)


def test_understood_places_are_already_coarse(leeds, settings):
    for query in ("LS6 3AA", "Headingley", "Leeds", "Springfield, IL"):
        place = understand_home(leeds, settings, query)
        assert is_coarse(place.lat, place.lon), query


def test_a_fine_answer_is_described_by_area_only(leeds):
    place = coarse_place(leeds, Place("12, Otley Road, Headingley, Leeds, LS6 3AA", 53.82213, -1.57904, 15))
    assert place.label == "near Headingley, Leeds" and place.precision_m == GRID_M


def test_a_neighbourhood_not_offered_is_refused_and_nothing_changes(leeds, settings):
    user = make_user(leeds)
    confirm_home(leeds, user.id, understand_home(leeds, settings, "Headingley"))
    with pytest.raises(ProfileError) as error:
        confirm_home(leeds, user.id, understand_home(leeds, settings, "Leeds"), "Atlantis")
    assert "neighbourhood" in error.value.problems
    assert get_profile(leeds, user.id).place_label == "near Headingley, Leeds"


# -- answers -------------------------------------------------------------------------------
def test_answers_are_saved_page_by_page(db):
    user = make_user(db)
    save_step(db, user.id, "interests", {"interests": ["walking", "baking", "walking"], "about": "  Hi  "})
    save_step(db, user.id, "meeting", {"availability": ["sat_morning", "mon_evening"], "group_size": "5",
                                       "travel_km": "2.25", "new_faces": "balanced"})
    profile = get_profile(db, user.id)
    assert profile.interests == ["baking", "walking"]  # questionnaire order, no repeats
    assert profile.about == "Hi"
    assert profile.availability == ["mon_evening", "sat_morning"]
    assert profile.group_size == 5 and profile.travel_km == 2.2 and profile.frequency is None
    assert profile.steps_done == ["interests", "meeting"]


@pytest.mark.parametrize("step,answers,field", [
    ("interests", {"interests": ["not_a_tag"]}, "interests"),
    ("interests", {"interests": "walking"}, "interests"),
    ("interests", {"about": "x" * 1001}, "about"),
    ("values", {"value_answers": {"be1": 0}}, "value_answers"),
    ("values", {"value_answers": {"be1": True}}, "value_answers"),
    ("values", {"value_answers": {"zz9": 3}}, "value_answers"),
    ("meeting", {"travel_km": float("nan")}, "travel_km"),
    ("meeting", {"travel_km": 0.1}, "travel_km"),
    ("meeting", {"group_size": 4}, "group_size"),
    ("meeting", {"travel_mode": "rocket"}, "travel_mode"),
    ("needs", {"paused_until": date.today()}, "paused_until"),
    ("needs", {"paused_until": date.today() + timedelta(days=400)}, "paused_until"),
    ("needs", {"paused_until": "2030-01-01"}, "paused_until"),
    ("needs", {"is_admin": True}, "form"),
    ("nowhere", {}, "step"),
])
def test_bad_answers_leave_the_profile_as_it_was(db, step, answers, field):
    user = make_user(db)
    save_step(db, user.id, "interests", {"interests": ["chess"]})
    refit_if_due(db)
    before = bytes(get_profile(db, user.id).vector)
    with pytest.raises(ProfileError) as error:
        save_step(db, user.id, step, answers)
    assert field in error.value.problems and all(error.value.problems.values())
    profile = get_profile(db, user.id)
    assert profile.interests == ["chess"] and bytes(profile.vector) == before


def test_matching_only_includes_those_who_said_yes_and_are_not_paused(db):
    people = [make_user(db) for _ in range(4)]
    for person in people:
        confirm_home(db, person.id, Place("near Headingley, Leeds", 53.8195, -1.5775, 1000))
    save_step(db, people[0].id, "needs", {"include_in_matching": True})
    save_step(db, people[1].id, "needs", {"include_in_matching": False})
    save_step(db, people[2].id, "needs", {"include_in_matching": True,
                                          "paused_until": date.today() + timedelta(days=3)})
    assert matchable_user_ids(db) == [people[0].id]
    assert people[2].id in matchable_user_ids(db, today=date.today() + timedelta(days=4))


# -- vectors -------------------------------------------------------------------------------
def test_saving_refreshes_the_vector_with_its_version(db):
    user = make_user(db)
    profile = save_step(db, user.id, "interests", {"interests": ["chess"], "about": "board games"})
    assert vector_of(profile) is None and refit_due(db)  # nothing fitted by a save, not even the first
    assert refit_if_due(db) and not refit_due(db)
    first = vector_of(profile)
    assert profile.vector_version == current_vectorizer(db).version
    assert np.isclose(np.linalg.norm(first), 1.0)
    save_step(db, user.id, "meeting", {"availability": ["mon_morning"]})
    assert not np.allclose(vector_of(profile), first)  # one changed answer changes the vector


def test_a_restart_gives_the_same_vectors(db, monkeypatch):
    users = [make_user(db) for _ in range(3)]
    for user, tags in zip(users, (["chess"], ["walking", "baking"], ["yoga"])):
        save_step(db, user.id, "interests", {"interests": tags})
    version, count = refit_vectors(db)
    before = {p.user_id: vector_of(p) for p in db.scalars(select(Profile))}
    monkeypatch.setattr(profile_vectors, "_loaded", {})  # as a fresh process would be
    vectorizer = current_vectorizer(db)
    assert vectorizer.version == version and count == 3
    for profile in db.scalars(select(Profile)):
        assert np.array_equal(vectorizer.transform([matcher_profile(profile)])[0], before[profile.user_id])
    ids, matrix, loaded_version = load_vectors(db)
    assert ids == sorted(before) and loaded_version == version and matrix.shape[0] == 3


def test_refit_command_recomputes_every_vector(runner, db):
    users = [make_user(db) for _ in range(3)]
    for user in users:
        save_step(db, user.id, "interests", {"interests": ["chess"]})
    save_step(db, users[0].id, "interests", {"interests": ["walking"], "about": "long walks"})
    db.commit()
    result = runner.invoke(args=["hearth", "refit-vectors"])
    assert result.exit_code == 0, result.output
    assert "Refitted on 3 profiles" in result.output
    version = current_vectorizer(db).version
    assert db.scalar(select(func.count()).select_from(Profile).where(Profile.vector_version != version)) == 0


def test_refit_with_no_profiles(runner, db):
    result = runner.invoke(args=["hearth", "refit-vectors"])
    assert result.exit_code == 0 and "nothing to refit" in result.output


# -- the demo town -------------------------------------------------------------------------
def test_the_demo_town_has_varied_profiles_with_coarse_homes_and_vectors(db, settings):
    started = time.perf_counter()
    result = build_demo_town(db, settings, residents=120, history_weeks=0)  # the past: test_demo_history.py
    assert time.perf_counter() - started < 15
    profiles = list(db.scalars(select(Profile)))
    assert len(profiles) == len(result.residents) == 120
    version = current_vectorizer(db).version
    assert all(p.vector_version == version and p.has_home and is_coarse(p.home_lat, p.home_lon) for p in profiles)
    assert all(p.place_label.startswith("near ") and p.neighbourhood for p in profiles)
    assert len({tuple(p.interests) for p in profiles}) > 100
    assert len({p.neighbourhood for p in profiles}) > 10
    assert 0.8 < sum(p.include_in_matching for p in profiles) / len(profiles) < 1.0
    assert any(p.access_needs for p in profiles) and any(p.dietary for p in profiles)
    assert len({tuple(p.availability) for p in profiles}) > 80
    assert db.scalar(select(func.count()).select_from(StoredVectorizer)) == 1
    rosa = get_profile(db, result.residents[0].id)
    assert rosa.include_in_matching and rosa.paused_until is None


# -- properties of the answer checks -------------------------------------------------------
_ANYTHING = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 100) | st.floats(allow_nan=True) | st.text(max_size=12)
    | st.dates(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_FIELDS = ["interests", "about", "value_answers", "availability", "wants", "group_size", "frequency", "new_faces",
           "travel_km", "travel_mode", "access_needs", "dietary", "languages", "include_in_matching",
           "show_first_name", "paused_until"]


@given(st.sampled_from(["interests", "values", "meeting", "needs"]),
       st.dictionaries(st.sampled_from(_FIELDS), _ANYTHING, max_size=5))
@hsettings(max_examples=400, deadline=None)
def test_any_tampered_answers_give_a_clear_error_or_clean_values(step, answers):
    from store.profiles.answers import clean_step

    try:
        clean = clean_step(step, answers)
    except ProfileError as error:
        assert error.problems and all(isinstance(m, str) and m for m in error.problems.values())
        return
    assert set(clean) <= set(_FIELDS)


@given(st.lists(st.sampled_from(list(tx.INTEREST_TAGS)), max_size=8),
       st.dictionaries(st.sampled_from([i.key for i in tx.VALUE_ITEMS]), st.integers(1, 6), max_size=20))
@hsettings(max_examples=100, deadline=None)
def test_valid_answers_round_trip(interests, values):
    from store.profiles.answers import clean_step

    assert clean_step("interests", {"interests": interests})["interests"] == \
        [t for t in tx.INTEREST_TAGS if t in set(interests)]
    assert clean_step("values", {"value_answers": values})["value_answers"] == dict(sorted(values.items()))


def test_a_young_vectorizer_is_due_a_refit_as_profiles_double(db):
    users = [make_user(db) for _ in range(4)]
    save_step(db, users[0].id, "interests", {"interests": ["chess"]})
    assert refit_if_due(db)
    first = current_vectorizer(db).version
    save_step(db, users[1].id, "interests", {"interests": ["walking"], "about": "walks by the river"})
    assert current_vectorizer(db).version == first and refit_due(db)  # the save itself fits nothing
    assert refit_if_due(db)
    second = current_vectorizer(db).version
    assert second != first
    assert {p.vector_version for p in db.scalars(select(Profile))} == {second}  # everyone recomputed
    save_step(db, users[2].id, "interests", {"interests": ["yoga"]})
    assert not refit_due(db)  # 3 < 2 x 2: no refit yet
    assert get_profile(db, users[2].id).vector_version == second  # the stored vectorizer transformed it
    save_step(db, users[3].id, "interests", {"interests": ["baking"]})
    assert refit_if_due(db) and current_vectorizer(db).version != second
