"""Plain-language reasons for event recommendations, built from the signals that carried them."""

from __future__ import annotations

import math
from typing import Mapping, Sequence

from matcher.slots import slot_label, when_words

__all__ = ["explain", "join_words"]


def join_words(words: Sequence[str]) -> str:
    """Join words as in prose: ``a``, ``a and b``, ``a, b and c``.

    Examples
    --------
    >>> join_words(["walking", "cooking", "music"])
    'walking, cooking and music'
    """
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _people(n: int, what: str) -> str:
    return f"{n} {'person' if n == 1 else 'people'} {what} {'is' if n == 1 else 'are'} going"


def explain(detail: Mapping[str, object], contributions: Mapping[str, float], *, say_when: bool = True) -> str:
    """Write the reason for one recommendation.

    Parameters
    ----------
    detail : mapping
        Facts about the member and the event: ``distance_km`` (float or None),
        ``location_inferred`` (bool), ``topics`` (list of str), ``slot`` (str), ``time_source``
        ("availability" or None), ``days`` (calendar days until the start, on the event's own
        clock: :func:`matcher.slots.days_until`), ``ties_going``, ``host_visits``, ``going``
        (int), ``host`` (str or None).
    contributions : mapping of str to float
        Each signal's weighted contribution to the score; the strongest ones are mentioned first,
        and a signal with no contribution is not mentioned.
    say_when : bool
        Whether the reason may say how soon the event is ("coming up in 3 days"). A reason that
        is stored and read on later days should not: the page works "in N days" out as it is shown.

    Returns
    -------
    str
        One or two sentences, e.g. ``"Close to you (1.2 km) and about walking and cooking;
        3 people you've met are going."``

    Examples
    --------
    >>> explain({"distance_km": 1.2, "topics": ["walking", "cooking"], "ties_going": 3},
    ...         {"distance": 0.3, "content": 0.2, "ties": 0.1})
    "Close to you (1.2 km) and about walking and cooking; 3 people you've met are going."
    >>> explain({"topics": ["walking"], "days": 3}, {"content": 0.2, "soon": 0.1})
    'About walking; coming up in 3 days.'
    >>> explain({"topics": ["walking"], "days": 3}, {"content": 0.2, "soon": 0.1}, say_when=False)
    'About walking.'
    >>> explain({}, {})
    'An upcoming event you have not tried yet.'
    """
    about: list[tuple[float, str]] = []
    people: list[tuple[float, str]] = []

    def c(name: str) -> float:
        value = float(contributions.get(name, 0.0) or 0.0)
        return value if math.isfinite(value) else 0.0

    dist = detail.get("distance_km")
    if c("distance") > 0 and dist is not None and math.isfinite(float(dist)):
        where = "where you usually go" if detail.get("location_inferred") else "you"
        about.append((c("distance"), f"close to {where} ({float(dist):.1f} km)"))
    topics = list(detail.get("topics") or [])[:2]
    if c("content") > 0 and topics:
        about.append((c("content"), f"about {join_words(topics)}"))
    slot = detail.get("slot")
    if c("time") > 0 and slot and detail.get("time_source"):
        about.append((c("time"), f"on {slot_label(str(slot))}, when you're free"))
    days = detail.get("days")
    if say_when and c("soon") > 0 and days is not None and float(days) < 7:
        about.append((c("soon"), f"coming up {when_words(int(days))}"))
    host_visits = int(detail.get("host_visits") or 0)
    if c("host") > 0 and host_visits > 0:
        host = detail.get("host")
        by = f"by {host}, " if host else "by organisers "
        times = "once" if host_visits == 1 else f"{host_visits} times"
        about.append((c("host"), f"{by}whose events you've been to {times}"))
    ties = int(detail.get("ties_going") or 0)
    if (c("ties") > 0 or c("graph") > 0) and ties > 0:
        people.append((c("ties") + c("graph"), _people(ties, "you've met")))
    going = int(detail.get("going") or 0)
    if c("popularity") > 0 and going > 0 and ties == 0:
        crowd = "1 person is" if going == 1 else f"{going} people are"
        people.append((c("popularity"), f"{crowd} going"))
    if not about and not people and c("graph") > 0:
        about.append((c("graph"), "popular with people who go where you go"))

    about.sort(key=lambda item: -item[0])
    about = about[:2]
    apart = ("on ", "coming up")
    plain = [text for _, text in about if not text.startswith(apart)]
    parts = [join_words(plain)] if plain else []
    parts += [text for _, text in about if text.startswith(apart)]
    parts += [text for _, text in people[:1]]
    if not parts:
        return "An upcoming event you have not tried yet."
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."
