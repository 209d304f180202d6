"""Checking the questionnaire's answers page by page, and turning a profile into the matcher's input."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any, Mapping

from store.core.errors import HearthError
from store.profiles import taxonomy as tx

__all__ = [
    "STEPS", "STEP_TITLES", "ABOUT_MAX", "TRAVEL_KM_MIN", "TRAVEL_KM_MAX", "PAUSE_MAX_DAYS", "ProfileError",
    "clean_step", "value_scores", "matcher_profile",
]

STEPS: tuple[str, ...] = ("where", "interests", "values", "meeting", "needs")

"""The questionnaire's pages, in order; only ``where`` cannot be skipped."""

STEP_TITLES: dict[str, str] = {
    "where": "Where you live",
    "interests": "What you enjoy",
    "values": "What matters to you",
    "meeting": "When and how you'd like to meet",
    "needs": "What helps you, and your choices",
}

ABOUT_MAX = 1000

TRAVEL_KM_MIN = 0.5

TRAVEL_KM_MAX = 50.0

PAUSE_MAX_DAYS = 366

_KEYS = {
    "interests": set(tx.INTEREST_TAGS),
    "availability": set(tx.SLOT_KEYS),
    "wants": {k for k, _ in tx.ACTIVITY_KINDS},
    "access_needs": {k for k, _ in tx.ACCESS_NEEDS},
    "dietary": {k for k, _ in tx.DIETARY},
    "languages": {k for k, _ in tx.LANGUAGES},
}

_ONE_OF = {
    "frequency": {k for k, _ in tx.FREQUENCIES},
    "new_faces": {k for k, _ in tx.NEW_FACES},
    "travel_mode": {k for k, _ in tx.TRAVEL_MODES},
}

_FIELDS = {
    "interests": ("interests", "about"),
    "values": ("value_answers",),
    "meeting": ("availability", "wants", "group_size", "frequency", "new_faces", "travel_km", "travel_mode"),
    "needs": ("access_needs", "dietary", "languages", "include_in_matching", "show_first_name", "paused_until"),
}

_ITEMS = {item.key for item in tx.VALUE_ITEMS}

_ITEMS_OF = {value: tuple(i.key for i in tx.items_for_value(value)) for value in tx.VALUES}


class ProfileError(HearthError):
    """Answers that cannot be saved; ``problems`` maps each field to a message for the resident."""

    def __init__(self, problems: Mapping[str, str]):
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


def _choices(field: str, raw: Any, problems: dict[str, str]) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, (str, bytes)) or not hasattr(raw, "__iter__"):
        problems[field] = "Please choose from the options shown."
        return []
    picked = list(raw)
    if not all(isinstance(k, str) and k in _KEYS[field] for k in picked):
        problems[field] = "Please choose from the options shown."
        return []
    picked = list(dict.fromkeys(picked))
    order = {k: i for i, k in enumerate(_ordered(field))}
    return sorted(picked, key=order.__getitem__)


def _ordered(field: str) -> tuple[str, ...]:
    return {
        "interests": tx.INTEREST_TAGS, "availability": tx.SLOT_KEYS,
        "wants": tuple(k for k, _ in tx.ACTIVITY_KINDS), "access_needs": tuple(k for k, _ in tx.ACCESS_NEEDS),
        "dietary": tuple(k for k, _ in tx.DIETARY), "languages": tuple(k for k, _ in tx.LANGUAGES),
    }[field]


def _one_of(field: str, raw: Any, problems: dict[str, str]) -> str | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str) or raw not in _ONE_OF[field]:
        problems[field] = "Please choose one of the options shown."
        return None
    return raw


def _group_size(raw: Any, problems: dict[str, str]) -> int | None:
    if raw in (None, ""):
        return None
    sizes = {size for size, _ in tx.GROUP_SIZES}
    try:
        size = int(raw)
    except (TypeError, ValueError):
        size = None
    if isinstance(raw, bool) or size not in sizes or (isinstance(raw, float) and raw != size):
        problems["group_size"] = "Please choose one of the group sizes shown."
        return None
    return size


def _travel_km(raw: Any, problems: dict[str, str]) -> float | None:
    if raw in (None, ""):
        return None
    try:
        km = float(raw)
    except (TypeError, ValueError):
        km = math.nan
    if isinstance(raw, bool) or not math.isfinite(km) or not TRAVEL_KM_MIN <= km <= TRAVEL_KM_MAX:
        problems["travel_km"] = (f"Please give a distance between {TRAVEL_KM_MIN:g} and "
                                 f"{TRAVEL_KM_MAX:g} km, or leave it empty.")
        return None
    return round(km, 1)


def _value_answers(raw: Any, problems: dict[str, str]) -> dict[str, int]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems["value_answers"] = "Please answer with the choices shown."
        return {}
    answers: dict[str, int] = {}
    for key, score in raw.items():
        if score in (None, ""):
            continue
        if key not in _ITEMS or isinstance(score, bool) or not isinstance(score, int) \
                or not tx.VALUE_SCALE_MIN <= score <= tx.VALUE_SCALE_MAX:
            problems["value_answers"] = (f"Each answer is a number from {tx.VALUE_SCALE_MIN} to "
                                         f"{tx.VALUE_SCALE_MAX}; please choose from the scale shown.")
            return {}
        answers[key] = score
    return dict(sorted(answers.items()))


def _pause(raw: Any, problems: dict[str, str], today: date) -> date | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, date):
        problems["paused_until"] = "Please give a date like 2027-03-01, or leave it empty."
        return None
    if raw <= today:
        problems["paused_until"] = "Please choose a date after today, or leave it empty to stay in matching."
    elif raw > today + timedelta(days=PAUSE_MAX_DAYS):
        problems["paused_until"] = "Please choose a date within the next year; you can always pause again."
    return raw


def clean_step(step: str, answers: Mapping[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """Check one page's answers; return the values to store, or raise :class:`ProfileError`.

    Missing keys are unanswered (empty lists, ``None``); unknown keys are refused.
    """
    if step not in _FIELDS:
        raise ProfileError({"step": "That page of the questionnaire does not exist."})
    unknown = set(answers) - set(_FIELDS[step])
    if unknown:
        raise ProfileError({"form": "The form sent answers we don't recognise. Please reload the page and try again."})
    problems: dict[str, str] = {}
    get = answers.get
    if step == "interests":
        about = get("about") or ""
        if not isinstance(about, str):
            problems["about"] = "Please write a few words as text."
            about = ""
        about = about.strip()
        if len(about) > ABOUT_MAX:
            problems["about"] = f"Please keep this under {ABOUT_MAX} characters (it's {len(about)} now)."
        clean = {"interests": _choices("interests", get("interests"), problems), "about": about}
    elif step == "values":
        clean = {"value_answers": _value_answers(get("value_answers"), problems)}
    elif step == "meeting":
        clean = {
            "availability": _choices("availability", get("availability"), problems),
            "wants": _choices("wants", get("wants"), problems),
            "group_size": _group_size(get("group_size"), problems),
            "frequency": _one_of("frequency", get("frequency"), problems),
            "new_faces": _one_of("new_faces", get("new_faces"), problems),
            "travel_km": _travel_km(get("travel_km"), problems),
            "travel_mode": _one_of("travel_mode", get("travel_mode"), problems),
        }
    else:
        clean = {
            "access_needs": _choices("access_needs", get("access_needs"), problems),
            "dietary": _choices("dietary", get("dietary"), problems),
            "languages": _choices("languages", get("languages"), problems),
            "include_in_matching": bool(get("include_in_matching")),
            "show_first_name": bool(get("show_first_name")),
            "paused_until": _pause(get("paused_until"), problems, today or date.today()),
        }
    if problems:
        raise ProfileError(problems)
    return clean


def value_scores(value_answers: Mapping[str, int]) -> dict[str, float]:
    """Mean answer per Schwartz value over the items answered (values with no answer are left out).

    >>> value_scores({"be1": 6, "be2": 5, "po1": 2})
    {'power': 2.0, 'benevolence': 5.5}
    """
    scores: dict[str, float] = {}
    for value in tx.VALUES:
        answered = [value_answers[key] for key in _ITEMS_OF[value] if key in value_answers]
        if answered:
            scores[value] = sum(answered) / len(answered)
    return scores


def matcher_profile(profile: Any) -> dict[str, Any]:
    """The mapping ``matcher.profiles.ProfileVectorizer`` reads, from a stored profile."""
    return {
        "interests": list(profile.interests or []),
        "about": profile.about or "",
        "values": value_scores(profile.value_answers or {}),
        "availability": list(profile.availability or []),
        "wants": list(profile.wants or []),
        "group_size": profile.group_size,
        "new_faces": tx.new_faces_weight(profile.new_faces) if profile.new_faces else None,
    }
