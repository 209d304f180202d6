"""Whether an event meets a person's needs: the one rule for search, matching and recommendations.

The rule:

* **Access** (``step_free``, ``hearing_loop``, ``quiet``): every access need a resident ticked must
  be offered by the event, whatever its kind. It is the same test as the search page's access
  filter (:func:`offers_clause` is its SQL form), so nothing the filter hides is ever suggested.
* **Food**, for meals only: every dietary need must be among the meal's options, where a vegan
  meal also suits vegetarians and the dairy-free. "Another allergy (tell the host)" is not a
  filter: it asks the resident to speak to the host, and no tick box on an event can promise it.
  Other kinds of event (a walk, a talk) are not about food, so diets do not narrow them.
* **Language** is not a need here: "Languages you speak" lists what someone can share, and most
  residents speak the event's language without ticking it; excluding on it would hide almost
  everything from someone who ticked only Polish. The event page shows the language instead.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from store.events.models import ACCESS_FEATURES, Event
from store.profiles.models import Profile

__all__ = ["NOT_A_FILTER", "ALSO_SUITS", "event_offers", "person_needs", "meets_needs", "offers_clause"]

#: Needs a resident can state that no event can promise by a tick box.
NOT_A_FILTER = frozenset({"other_allergy"})

#: A dietary option that also suits other diets.
ALSO_SUITS = {"vegan": ("vegetarian", "dairy_free")}


def event_offers(event: Event) -> frozenset[str]:
    """What an event (its meeting place and, for meals, its food) offers, in the words of needs.

    >>> sorted(event_offers(Event(step_free=True, quiet=False, hearing_loop=False, dietary=["vegan"])))
    ['dairy_free', 'step_free', 'vegan', 'vegetarian']
    """
    offers = {name for name in ACCESS_FEATURES if getattr(event, name)}
    for diet in event.dietary or ():
        offers.add(diet)
        offers.update(ALSO_SUITS.get(diet, ()))
    return frozenset(offers)


def person_needs(profile: Profile | None, kind: str) -> frozenset[str]:
    """What an event of ``kind`` must offer for this person: access always, diets for meals.

    >>> p = Profile(access_needs=["step_free"], dietary=["halal", "other_allergy"])
    >>> sorted(person_needs(p, "meal")), sorted(person_needs(p, "exercise"))
    (['halal', 'step_free'], ['step_free'])
    """
    if profile is None:
        return frozenset()
    needs = {n for n in (profile.access_needs or ()) if n in ACCESS_FEATURES}
    if kind == "meal":
        needs.update(d for d in (profile.dietary or ()) if d not in NOT_A_FILTER)
    return frozenset(needs)


def meets_needs(profile: Profile | None, event: Event) -> bool:
    """Whether ``event`` meets every need ``profile`` stated (someone with no profile needs nothing).

    >>> meets_needs(Profile(access_needs=["step_free"]), Event(kind="event", step_free=False, dietary=[]))
    False
    """
    return person_needs(profile, event.kind) <= event_offers(event)


def offers_clause(access: tuple[str, ...] | list[str] | frozenset[str]) -> list[ColumnElement[bool]]:
    """SQL conditions for "the event offers each of these access features" (the search filter)."""
    return [getattr(Event, name).is_(True) for name in access if name in ACCESS_FEATURES]
