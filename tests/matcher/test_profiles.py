"""Property and convention tests for matcher.profiles.ProfileVectorizer."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks as checks
from sklearn.utils import get_tags

from matcher.profiles import BLOCKS, SCHWARTZ_VALUES, ProfileVectorizer

__all__: list[str] = []

TAGS = ["cooking", "walking", "chess", "yoga", "singing", "gardening", "quizzes", "baking"]
SLOTS = [f"{day}_{part}" for day in ("mon", "wed", "sat") for part in ("morning", "evening")]
KINDS = ["meal", "event", "exercise"]
WORDS = ["bread", "garden", "chess", "walks", "music", "neighbours", "cooking", "choir"]

scores = st.integers(min_value=1, max_value=6)
profiles = st.fixed_dictionaries({}, optional={
    "interests": st.lists(st.sampled_from(TAGS), max_size=5),
    "about": st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join),
    "values": st.dictionaries(st.sampled_from(SCHWARTZ_VALUES), scores, max_size=10),
    "availability": st.lists(st.sampled_from(SLOTS), max_size=6),
    "wants": st.lists(st.sampled_from(KINDS), max_size=3, unique=True),
    "group_size": st.integers(min_value=2, max_value=12),
    "new_faces": st.floats(min_value=0.0, max_value=1.0),
})
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CORPUS = [
    {"interests": ["cooking", "baking", "walking"], "about": "Bread, cakes and long walks",
     "values": {"benevolence": 6, "tradition": 5, "power": 1, "stimulation": 2},
     "availability": ["mon_morning", "wed_morning"], "wants": ["meal"], "group_size": 4,
     "new_faces": 0.2},
    {"interests": ["chess", "quizzes"], "about": "Chess club regular, quiz team captain",
     "values": {"achievement": 6, "stimulation": 5, "security": 2},
     "availability": ["sat_evening"], "wants": ["event"], "group_size": 6, "new_faces": 0.8},
    {"interests": ["yoga", "walking", "gardening"], "about": "My allotment and morning yoga",
     "values": {key: 4 for key in SCHWARTZ_VALUES} | {"universalism": 6},
     "availability": ["mon_evening", "wed_evening"], "wants": ["exercise", "meal"],
     "group_size": 8},
    {"interests": ["singing"], "about": "Choir on Wednesdays"},
]


@pytest.fixture(scope="module")
def fitted() -> ProfileVectorizer:
    return ProfileVectorizer().fit(CORPUS)


@pytest.fixture(scope="module")
def fixed() -> ProfileVectorizer:
    """Vocabularies given as parameters, so every tag and slot of the strategies is known."""
    return ProfileVectorizer(tags=TAGS, slots=SLOTS, activity_kinds=KINDS).fit(CORPUS)


@FAST
@given(profile=profiles)
def test_rows_are_unit_length_or_exactly_zero(fitted: ProfileVectorizer, profile: dict) -> None:
    vector = fitted.transform([profile])[0]
    assert np.all(np.isfinite(vector))
    norm = np.linalg.norm(vector)
    assert norm == pytest.approx(1.0) or not vector.any()
    parts = fitted.transform_parts([profile])
    for name in ("interests", "text", "availability"):
        assert np.linalg.norm(parts[name]) == pytest.approx(1.0) or not parts[name].any()
    assert all(np.all(np.isfinite(part)) for part in parts.values())


def test_empty_profile_gives_zero_vector(fitted: ProfileVectorizer) -> None:
    vectors = fitted.transform([{}, {"interests": [], "about": "", "values": {}}])
    assert vectors.shape == (2, fitted.n_features_out_)
    assert not vectors.any()


def test_rounding_noise_never_survives_as_a_direction() -> None:
    # A mean like 0.21000578... is not recovered exactly by floating point; unanswered and
    # at-the-mean answers must still give exact zeros, not a 1e-17 vector.
    corpus = [{}, {}, {"wants": ["meal"], "group_size": 2, "new_faces": 0.21000578480651294},
              {"values": {"power": 2.2, "security": 2.2, "tradition": 2.2}}]
    vectorizer = ProfileVectorizer().fit(corpus)
    vectors = vectorizer.transform([{}, {"new_faces": 0.21000578480651294}, corpus[3]])
    assert not vectors.any()
    assert not any(part.any() for part in vectorizer.transform_parts([{}]).values())


@FAST
@given(corpus=st.lists(profiles, min_size=1, max_size=6), probe=profiles)
def test_deterministic_across_fits(corpus: list[dict], probe: dict) -> None:
    first = ProfileVectorizer().fit(corpus)
    second = ProfileVectorizer().fit(corpus)
    assert first.version_ == second.version_
    np.testing.assert_array_equal(first.transform([probe, *corpus]),
                                  second.transform([probe, *corpus]))


@FAST
@given(profile=profiles, unseen=st.lists(st.sampled_from(["juggling", "kayaking", "origami"]),
                                         min_size=1, max_size=3))
def test_unseen_labels_are_ignored(fitted: ProfileVectorizer, profile: dict, unseen: list) -> None:
    extended = dict(profile)
    extended["interests"] = [*profile.get("interests", []), *unseen]
    extended["availability"] = [*profile.get("availability", []), "sun_afternoon"]
    extended["wants"] = [*profile.get("wants", []), "holiday"]
    np.testing.assert_array_equal(fitted.transform([profile]), fitted.transform([extended]))


@FAST
@given(profile=profiles, tag=st.sampled_from(TAGS))
def test_toggling_one_interest_changes_the_vector(
        fixed: ProfileVectorizer, profile: dict, tag: str) -> None:
    interests = set(profile.get("interests", []))
    changed = dict(profile, interests=sorted(interests ^ {tag}))
    before, after = fixed.transform([profile, changed])
    assert not np.allclose(before, after)


@FAST
@given(profile=profiles, slot=st.sampled_from(SLOTS))
def test_toggling_one_slot_changes_the_vector(
        fixed: ProfileVectorizer, profile: dict, slot: str) -> None:
    changed = dict(profile, availability=sorted(set(profile.get("availability", [])) ^ {slot}))
    before, after = fixed.transform([profile, changed])
    assert not np.allclose(before, after)


@FAST
@given(answers=st.dictionaries(st.sampled_from(SCHWARTZ_VALUES), scores, min_size=2),
       key=st.sampled_from(SCHWARTZ_VALUES), delta=st.sampled_from([-2, -1, 1, 2]))
def test_changing_one_value_answer_changes_the_vector(
        fitted: ProfileVectorizer, answers: dict, key: str, delta: int) -> None:
    # The profile also has an interest: were values its only content, the final normalisation
    # would hide a change that only rescales the centred values (2, 1) -> (2, -1).
    answers = dict(answers)
    answers.setdefault(key, 3)
    changed = dict(answers, **{key: answers[key] + delta})
    before, after = fitted.transform([{"interests": ["chess"], "values": answers},
                                      {"interests": ["chess"], "values": changed}])
    assert not np.allclose(before, after)


def test_centring_makes_all_sixes_equal_all_twos(fitted: ProfileVectorizer) -> None:
    sixes = {"values": {key: 6 for key in SCHWARTZ_VALUES}, "interests": ["chess"]}
    twos = {"values": {key: 2 for key in SCHWARTZ_VALUES}, "interests": ["chess"]}
    parts = fitted.transform_parts([sixes, twos])
    np.testing.assert_array_equal(parts["values"][0], parts["values"][1])
    assert not parts["values"].any()
    np.testing.assert_array_equal(*fitted.transform([sixes, twos]))


def test_values_block_reflects_priorities_not_response_style(fitted: ProfileVectorizer) -> None:
    high = {key: 5 for key in SCHWARTZ_VALUES} | {"benevolence": 6, "power": 4}
    low = {key: 2 for key in SCHWARTZ_VALUES} | {"benevolence": 3, "power": 1}
    values = fitted.transform_parts([{"values": high}, {"values": low}])["values"]
    np.testing.assert_allclose(values[0], values[1])
    names = fitted.get_feature_names_out()[fitted.feature_slices_["values"]]
    assert values[0][list(names).index("values__benevolence")] > 0


def test_decided_values_weigh_more_than_flat_ones(fitted: ProfileVectorizer) -> None:
    decided = {key: 3 for key in SCHWARTZ_VALUES} | {"benevolence": 5, "power": 1}
    mild = {key: 3 for key in SCHWARTZ_VALUES} | {"benevolence": 4, "power": 2}
    values = fitted.transform_parts([{"values": decided}, {"values": mild}])["values"]
    assert np.linalg.norm(values[0]) > np.linalg.norm(values[1]) > 0
    cosine = values[0] @ values[1] / np.linalg.norm(values[0]) / np.linalg.norm(values[1])
    assert cosine == pytest.approx(1.0)


def test_feature_slices_cover_the_output_in_block_order(fitted: ProfileVectorizer) -> None:
    slices = fitted.feature_slices_
    assert list(slices) == list(BLOCKS)
    stops = [0] + [slices[name].stop for name in BLOCKS]
    assert [slices[name].start for name in BLOCKS] == stops[:-1]
    assert stops[-1] == fitted.n_features_out_ == len(fitted.get_feature_names_out())
    parts = fitted.transform_parts(CORPUS)
    assert {name: part.shape[1] for name, part in parts.items()} == {
        name: s.stop - s.start for name, s in slices.items()}


def test_block_weights_scale_the_parts(fitted: ProfileVectorizer) -> None:
    only_values = ProfileVectorizer(interest_weight=0, text_weight=0, availability_weight=0,
                                    preference_weight=0).fit(CORPUS)
    vectors = only_values.transform(CORPUS)
    parts = only_values.transform_parts(CORPUS)
    norms = np.linalg.norm(parts["values"], axis=1, keepdims=True)
    expected = np.divide(parts["values"], norms, out=np.zeros_like(parts["values"]), where=norms > 0)
    np.testing.assert_allclose(vectors[:, only_values.feature_slices_["values"]], expected)
    outside = np.delete(vectors, np.r_[only_values.feature_slices_["values"]], axis=1)
    assert not outside.any()


def test_fixed_vocabularies_and_text_free_corpus() -> None:
    vectorizer = ProfileVectorizer(tags=TAGS, slots=SLOTS, activity_kinds=KINDS)
    vectorizer.fit([{"about": "the and of"}])  # only stop words: the text block is empty
    assert vectorizer.tags_ == tuple(TAGS) and vectorizer.slots_ == tuple(SLOTS)
    assert vectorizer.feature_slices_["text"].stop == vectorizer.feature_slices_["text"].start
    assert vectorizer.transform([{"about": "bread"}]).shape == (1, vectorizer.n_features_out_)


@pytest.mark.parametrize("bad, message", [
    ({"interests": "cooking"}, "list of strings"),
    ({"interests": [3]}, "only strings"),
    ({"values": {"power": "high"}}, "must be a number"),
    ({"values": {"power": float("inf")}}, "finite"),
    ({"group_size": 0}, "positive"),
    ({"new_faces": 1.5}, "0..1"),
    ({"about": 7}, "text"),
])
def test_bad_profiles_are_refused_with_their_index(
        fitted: ProfileVectorizer, bad: dict, message: str) -> None:
    with pytest.raises(ValueError, match=rf"profile 1: .*{message}"):
        fitted.transform([{}, bad])


@pytest.mark.parametrize("params", [
    {"interest_weight": -1}, {"text_weight": float("nan")}, {"max_text_features": 0},
    {"tags": ["chess", "chess"]}, {"tags": "chess"}, {"slots": [1, 2]},
    {"value_keys": ["about"]}, {"value_keys": []},
])
def test_bad_parameters_are_refused_in_fit(params: dict) -> None:
    estimator = ProfileVectorizer(**params)  # __init__ only stores
    with pytest.raises(ValueError):
        estimator.fit(CORPUS)


def test_dataframe_input_with_missing_answers_matches_dicts(fitted: ProfileVectorizer) -> None:
    frame = pd.DataFrame(CORPUS)  # absent answers become NaN
    assert frame.isna().any().any()
    np.testing.assert_array_equal(fitted.transform(frame), fitted.transform(CORPUS))


def test_fit_needs_profiles() -> None:
    with pytest.raises(ValueError, match="at least one"):
        ProfileVectorizer().fit([])
    with pytest.raises(TypeError):
        ProfileVectorizer().fit({"interests": ["chess"]})


# scikit-learn conventions. check_estimator generates numeric arrays, which this estimator does
# not take, so we run scikit-learn's data-independent checks and test the rest on profiles.
@pytest.mark.parametrize("check", [
    checks.check_parameters_default_constructible,
    checks.check_no_attributes_set_in_init,
    checks.check_get_params_invariance,
    checks.check_set_params,
    checks.check_estimator_repr,
    checks.check_estimator_cloneable,
    checks.check_do_not_raise_errors_in_init_or_set_params,
])
def test_sklearn_data_independent_checks(check) -> None:
    check("ProfileVectorizer", ProfileVectorizer())


def test_declares_dict_input() -> None:
    tags = get_tags(ProfileVectorizer())
    assert tags.input_tags.dict and not tags.input_tags.two_d_array and tags.requires_fit


def test_fit_returns_self_and_stores_nothing_in_init() -> None:
    estimator = ProfileVectorizer(text_weight=0.3)
    assert vars(estimator) == estimator.get_params(deep=False)
    assert estimator.fit(CORPUS) is estimator
    learned = [name for name in vars(estimator) if name.endswith("_")]
    assert {"pipeline_", "feature_slices_", "tags_", "version_"} <= set(learned)
    assert estimator.get_params(deep=False)["text_weight"] == 0.3


def test_not_fitted_errors() -> None:
    estimator = ProfileVectorizer()
    for call in (lambda: estimator.transform(CORPUS), lambda: estimator.transform_parts(CORPUS),
                 estimator.get_feature_names_out, lambda: estimator.version):
        with pytest.raises(NotFittedError):
            call()


def test_clone_and_set_params_round_trip(fitted: ProfileVectorizer) -> None:
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "pipeline_")
    copy.set_params(**fitted.get_params())
    np.testing.assert_array_equal(copy.fit(CORPUS).transform(CORPUS), fitted.transform(CORPUS))


def test_pickle_round_trip_gives_identical_vectors(fitted: ProfileVectorizer) -> None:
    restored = pickle.loads(pickle.dumps(fitted))
    assert restored.version == fitted.version
    np.testing.assert_array_equal(restored.transform(CORPUS), fitted.transform(CORPUS))
    for name, part in restored.transform_parts(CORPUS).items():
        np.testing.assert_array_equal(part, fitted.transform_parts(CORPUS)[name])


@pytest.mark.parametrize("params", [
    {"interest_weight": 2.0}, {"text_weight": 0.0}, {"max_text_features": 3},
    {"tags": TAGS}, {"value_keys": SCHWARTZ_VALUES[:5]},
])
def test_version_changes_with_parameters(fitted: ProfileVectorizer, params: dict) -> None:
    assert ProfileVectorizer(**params).fit(CORPUS).version != fitted.version


def test_version_changes_with_what_was_learned(fitted: ProfileVectorizer) -> None:
    assert ProfileVectorizer().fit(CORPUS[:3]).version != fitted.version
    assert ProfileVectorizer().fit(list(CORPUS)).version == fitted.version
