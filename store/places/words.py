"""Places in words: what this deployment can find, examples that work here, and how a person was placed.

Every page that asks for a place shows :func:`place_examples` and every "not found" says
:func:`what_we_can_find`, both built from the data this deployment really has (loaded and
bundled postcode districts, centre neighbourhoods, towns), so that an example never fails.
:func:`how_we_placed_you` tells the resident how close the point we found is, in one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.places.districts import bundled_districts
from store.places.models import Neighbourhood, Postcode
from store.places.points import distance_km, nearest_town

__all__ = ["Coverage", "coverage", "district_ranges", "what_we_can_find", "place_examples", "place_hint",
           "not_found_words", "how_we_placed_you"]


@dataclass(frozen=True)
class Coverage:
    """What the offline gazetteer can find here: districts, neighbourhoods, a town."""

    districts: tuple[str, ...]
    neighbourhoods: tuple[str, ...]
    town: str | None
    online: bool


def _district_sort(code: str) -> tuple[str, int, str]:
    match = re.fullmatch(r"([A-Z]+)(\d+)([A-Z]?)", code)
    return (match.group(1), int(match.group(2)), match.group(3)) if match else (code, 0, "")


def coverage(session: Session, settings: Settings) -> Coverage:
    """The places this deployment knows, the ones nearest its first neighbourhood first."""
    hoods = session.execute(select(Neighbourhood.name, Neighbourhood.lat, Neighbourhood.lon)
                            .order_by(Neighbourhood.id)).all()
    loaded = set(session.scalars(select(Postcode.outward).distinct()))
    districts = sorted(loaded | set(bundled_districts()), key=_district_sort)
    names = tuple(dict.fromkeys(h.name for h in hoods))
    anchor = (hoods[0].lat, hoods[0].lon) if hoods else None
    if anchor is None and districts and districts[0] in bundled_districts():
        anchor = bundled_districts()[districts[0]]
    if anchor is not None and districts:
        points = {**bundled_districts()}
        known = [d for d in districts if d in points]
        if known:  # the district around the first neighbourhood leads the examples
            nearest = min(known, key=lambda d: distance_km(anchor, points[d]))
            districts = [nearest] + [d for d in districts if d != nearest]
    town = nearest_town(*anchor) if anchor is not None else None
    return Coverage(tuple(districts), names, town, settings.geocoder == "nominatim")


def district_ranges(districts: tuple[str, ...] | list[str]) -> str:
    """``"LS1 to LS29"`` for a run of districts, runs joined: ``"LS1 to LS12, LS15 and BD1"``."""
    runs: list[list[tuple[str, int, str]]] = []
    for code in sorted(districts, key=_district_sort):
        key = _district_sort(code)
        last = runs[-1][-1] if runs else None
        if last is not None and key[0] == last[0] and not key[2] and not last[2] and key[1] == last[1] + 1:
            runs[-1].append(key)
        else:
            runs.append([key])
    words = [f"{r[0][0]}{r[0][1]}{r[0][2]}" if len(r) == 1 else f"{r[0][0]}{r[0][1]} to {r[-1][0]}{r[-1][1]}"
             for r in runs]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _quoted(names: list[str]) -> str:
    names = [f"“{n}”" for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def what_we_can_find(session: Session, settings: Settings, found: Coverage | None = None) -> str:
    """``"postcodes in LS1 to LS29, neighbourhoods such as Headingley and Hyde Park, and towns such as Leeds"``."""
    found = found or coverage(session, settings)
    if found.online:
        return "an address, a postcode, a neighbourhood or a town"
    kinds = []
    if found.districts:
        kinds.append(f"postcodes in {district_ranges(found.districts)}")
    if found.neighbourhoods:
        named = list(found.neighbourhoods[:2])
        kinds.append("neighbourhoods such as " + " and ".join(named) if len(found.neighbourhoods) > 1
                     else f"the neighbourhood {named[0]}")
    kinds.append(f"towns such as {found.town}" if found.town else "towns and cities")
    if len(kinds) <= 2:
        return " and ".join(kinds)
    return ", ".join(kinds[:-1]) + ", and " + kinds[-1]


def place_examples(session: Session, settings: Settings, found: Coverage | None = None) -> list[str]:
    """Examples that this deployment finds: a full postcode, a district, a neighbourhood, a town."""
    found = found or coverage(session, settings)
    examples: list[str] = []
    if found.districts:  # never a loaded postcode, which could be someone's home: any postcode finds its district
        examples += [f"{found.districts[0]} 3AA", found.districts[0]]
    if found.neighbourhoods:
        examples.append(found.neighbourhoods[0])
    if found.town:
        examples.append(found.town)
    return examples


def place_hint(session: Session, settings: Settings) -> str:
    """The hint under a place box: ``For example “LS6 3AA”, “LS6”, “Headingley” or “Leeds”.``"""
    examples = place_examples(session, settings)
    return f"For example {_quoted(examples)}." if examples else "For example your postcode or your town."


def not_found_words(session: Session, settings: Settings) -> str:
    """What a person reads when nothing matched: what we can find here, with examples."""
    found = coverage(session, settings)
    examples = place_examples(session, settings, found)
    tail = f" (for example {_quoted(examples)})" if examples else ""
    return (f"We couldn't find that place. Here we can find {what_we_can_find(session, settings, found)}. "
            f"Please check the spelling, or try one of those{tail}.")


def how_we_placed_you(place: Any, *, can_choose: bool = True) -> str:
    """One sentence or two on how close ``place`` is, by what was recognised (``place.kind``); may be empty.

    ``can_choose`` says whether the page offers neighbourhoods to choose from.
    """
    kind = getattr(place, "kind", "")
    name = place.label.removeprefix("near ").split(",")[0]
    closer = " Choosing your neighbourhood below brings it closer." if can_choose else ""
    if kind == "postcode_in_district":
        return ("We don't have a list of every postcode here, so we've placed you in the middle of your "
                f"postcode district, {name}.{closer}")
    if kind == "postcode_district":
        return f"That's the middle of the {name} postcode district.{closer}"
    if kind == "street_unknown":
        then = ("choose your neighbourhood below, or search again with your postcode" if can_choose
                else "search again with your postcode")
        return (f"We don't know street names here, so for now we've placed you in the middle of {name}. "
                f"For a closer match, {then}.")
    if kind in ("town", "city"):
        return f"That's the middle of the town.{closer}"
    return ""
