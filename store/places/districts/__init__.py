"""Bundled postcode districts: a representative point for each, read from the CSVs in this folder.

The data, its source and its licence are described in ``SOURCES.md`` beside this file. A district
is several kilometres across, so a point from here is only ever "near LS6", never an address.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

__all__ = ["bundled_districts"]

_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def bundled_districts() -> dict[str, tuple[float, float]]:
    """``{"LS6": (53.82014, -1.57066), ...}`` for every district that ships with Hearth."""
    found: dict[str, tuple[float, float]] = {}
    for path in sorted(_HERE.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                found[row["district"].strip().upper()] = (float(row["lat"]), float(row["lon"]))
    return found
