"""How a resident's own connectedness reads to them (and only to them), in kind words."""

from __future__ import annotations

__all__ = ["resident_connection_words"]


def _score(value: float) -> str:
    return f"{round(value, 1):g}"


def resident_connection_words(own) -> dict[str, str]:
    """A resident's :class:`store.insight.connectedness.OwnConnectedness` as two sentences:
    ``ties`` and ``checkin``. Nothing is ever a judgement; a low count is a beginning.

    >>> from store.insight.connectedness import OwnConnectedness
    >>> resident_connection_words(OwnConnectedness(2, 5, [("2026-11-16", 6.0), ("2026-11-23", 4.0)]))["ties"]
    "You have 2 neighbours you keep meeting: you've met three or more times and you'd both like to meet again."
    """
    if own.recurring_ties:
        who = "1 neighbour" if own.recurring_ties == 1 else f"{own.recurring_ties} neighbours"
        ties = (f"You have {who} you keep meeting: you've met three or more times and you'd both like to "
                "meet again.")
    elif own.people_met:
        met = "1 neighbour" if own.people_met == 1 else f"{own.people_met} neighbours"
        ties = (f"You've met {met} so far. Friendships grow from meeting the same people a few times: "
                "when you've met someone three times and you'd both like to meet again, we'll count them here.")
    else:
        ties = ("When you start meeting neighbours at a group or an event, the people you keep seeing "
                "will show here.")
    scores = [(week, mean) for week, mean in own.weeks if mean is not None]
    if not scores:
        checkin = "Your check-ins over the weeks will show here, if you'd like to answer them."
    elif len(scores) == 1:
        checkin = (f"You've checked in once in these twelve weeks (a score of {_score(scores[0][1])}; 3 means rarely "
                   "lonely). Check in again next week to see how things change.")
    else:
        first, last = scores[0][1], scores[-1][1]
        if last < first:
            trend = "you've been feeling less lonely lately. We're glad"
        elif last > first:
            trend = "things have felt lonelier lately. You're welcome at any of the centre's events, whenever you like"
        else:
            trend = "things have felt much the same"
        checkin = (f"Over the {len(scores)} weeks you checked in, your score went from {_score(first)} to {_score(last)} "
                   f"(3 means rarely lonely, 9 often): {trend}.")
    return {"ties": ties, "checkin": checkin}
