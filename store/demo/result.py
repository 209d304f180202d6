"""What building the demo town gives back: its logins, centres, residents and their homes."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from store.accounts.models import User
from store.centres.models import Centre
from store.places.towns import Town

__all__ = ["DemoLogin", "DemoResult", "jitter"]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


@dataclass
class DemoResult:
    town: Town
    created: bool
    logins: list[DemoLogin]
    centres: list[Centre] = field(default_factory=list)
    residents: list[User] = field(default_factory=list)
    homes: dict[int, tuple[str, float, float]] = field(default_factory=dict)


def jitter(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    """A point scattered up to about ``km`` around (lat, lon), denser near the middle."""
    distance = km * math.sqrt(rng.random())
    bearing = rng.random() * 2 * math.pi
    dlat = distance * math.cos(bearing) / 111.0
    dlon = distance * math.sin(bearing) / (111.0 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon
