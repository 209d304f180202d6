"""Consistency tests for the questionnaire taxonomy in store/taxonomy.py."""

from __future__ import annotations

import keyword
from collections import Counter

import pytest

from store.profiles import taxonomy

__all__: list[str] = []

CHOICE_LISTS = {
    name: getattr(taxonomy, name)
    for name in ("WEEKDAYS", "DAY_PARTS", "SLOTS", "ACTIVITY_KINDS", "FREQUENCIES", "NEW_FACES",
                 "TRAVEL_MODES", "ACCESS_NEEDS", "DIETARY", "LANGUAGES")
}


def _is_slug(key: str) -> bool:
    return key.isidentifier() and key == key.lower() and not keyword.iskeyword(key)


def test_about_sixty_unique_interest_tags_in_about_twelve_groups() -> None:
    tags = taxonomy.INTEREST_TAGS
    assert 55 <= len(tags) <= 70
    assert len(set(tags)) == len(tags)
    assert 10 <= len(taxonomy.INTEREST_GROUPS) <= 14
    assert all(len(group.tags) >= 3 for group in taxonomy.INTEREST_GROUPS)
    group_keys = [group.key for group in taxonomy.INTEREST_GROUPS]
    assert len(set(group_keys)) == len(group_keys)


def test_interest_slugs_and_labels() -> None:
    for group in taxonomy.INTEREST_GROUPS:
        assert _is_slug(group.key) and group.label.strip()
        for slug, label in group.tags:
            assert _is_slug(slug), slug
            assert label.strip() and label[0].isupper(), slug
            assert taxonomy.INTEREST_GROUP_OF[slug] == group.key
            assert taxonomy.interest_label(slug) == label
    assert set(taxonomy.INTEREST_LABELS) == set(taxonomy.INTEREST_TAGS)


def test_the_ten_schwartz_values_each_have_two_items() -> None:
    assert taxonomy.VALUES == (
        "self_direction", "stimulation", "hedonism", "achievement", "power",
        "security", "conformity", "tradition", "benevolence", "universalism",
    )
    per_value = Counter(item.value for item in taxonomy.VALUE_ITEMS)
    assert per_value == {value: 2 for value in taxonomy.VALUES}
    keys = [item.key for item in taxonomy.VALUE_ITEMS]
    assert len(set(keys)) == len(keys) and all(_is_slug(key) for key in keys)
    texts = [item.text for item in taxonomy.VALUE_ITEMS]
    assert len(set(texts)) == len(texts)
    assert all(text.endswith(".") and len(text) > 20 for text in texts)
    for value in taxonomy.VALUES:
        assert taxonomy.VALUE_LABELS[value].strip()
        assert len(taxonomy.items_for_value(value)) == 2


def test_value_scale_is_six_points() -> None:
    assert [score for score, _ in taxonomy.VALUE_SCALE] == [1, 2, 3, 4, 5, 6]
    assert taxonomy.VALUE_SCALE[0][1] == "Not like me at all"
    assert taxonomy.VALUE_SCALE[-1][1] == "Very much like me"
    assert (taxonomy.VALUE_SCALE_MIN, taxonomy.VALUE_SCALE_MAX) == (1, 6)


def test_slots_are_weekday_by_part_of_day() -> None:
    assert len(taxonomy.SLOTS) == 21
    assert taxonomy.SLOT_KEYS[0] == "mon_morning" and taxonomy.SLOT_KEYS[-1] == "sun_evening"
    assert dict(taxonomy.SLOTS)["wed_afternoon"] == "Wednesday afternoon"


@pytest.mark.parametrize("name", sorted(CHOICE_LISTS))
def test_choice_lists_have_unique_slug_keys_and_labels(name: str) -> None:
    choices = CHOICE_LISTS[name]
    keys = [key for key, _ in choices]
    assert len(set(keys)) == len(keys) and keys
    assert all(_is_slug(key) for key in keys), keys
    assert all(label.strip() for _, label in choices)


def test_required_choices_are_present() -> None:
    assert [key for key, _ in taxonomy.ACTIVITY_KINDS] == ["meal", "event", "exercise"]
    assert [key for key, _ in taxonomy.TRAVEL_MODES] == ["walk", "bus", "car"]
    assert [key for key, _ in taxonomy.ACCESS_NEEDS] == ["step_free", "hearing_loop", "quiet"]
    assert {"vegetarian", "vegan", "halal", "kosher"} <= dict(taxonomy.DIETARY).keys()
    assert all(len(code) == 2 for code, _ in taxonomy.LANGUAGES)
    assert "en" in dict(taxonomy.LANGUAGES)
    sizes = [size for size, _ in taxonomy.GROUP_SIZES]
    assert sizes == sorted(sizes) and all(isinstance(size, int) and size >= 2 for size in sizes)


def test_new_faces_runs_from_familiar_to_new() -> None:
    weights = [taxonomy.new_faces_weight(key) for key, _ in taxonomy.NEW_FACES]
    assert weights[0] == 0.0 and weights[-1] == 1.0 and weights == sorted(weights)
    assert taxonomy.NEW_FACES[0][0] == "mostly_familiar"


def test_helpers_and_exports() -> None:
    assert taxonomy.interest_label("no_such_tag") == "No such tag"
    assert taxonomy.label_of(taxonomy.DIETARY, "halal") == "Halal"
    assert taxonomy.label_of(taxonomy.DIETARY, "unknown") == "unknown"
    assert all(hasattr(taxonomy, name) for name in taxonomy.__all__)
    assert taxonomy.__doc__ and "\n" not in taxonomy.__doc__.strip()
