"""One home per rule: the ranker, the matcher, the store and the snapshots use the very same defaults,
the same distance function and the same time slot."""

from __future__ import annotations

import argparse
import inspect
import re
from datetime import date, datetime, time, timezone
from pathlib import Path

import numpy as np
import pytest
from factories import make_centre, make_event, make_resident, make_user

import matcher.compat
import matcher.defaults as defaults
import matcher.ranking_query
import store.groups.candidates as candidates
import store.insight.snapshots as snapshots
import store.places.points
from matcher.cli_groups import register
from matcher.groups import form_groups
from matcher.members import Members
from matcher.ranking import Event, EventRanker, Member
from matcher.slots import SLOTS, time_slot
from store.accounts.models import Role
from store.events.models import Occurrence
from store.events.times import local_datetime
from store.profiles import taxonomy
from store.profiles.operations import get_profile
from store.recommendations.operations import rank_event

ROOT = Path(__file__).resolve().parents[2]


def test_the_defaults_are_the_same_objects_everywhere():
    assert candidates.DEFAULT_TRAVEL_KM is defaults.TRAVEL_KM
    assert snapshots.TRAVEL_KM is defaults.TRAVEL_KM
    assert inspect.signature(EventRanker).parameters["travel_km"].default is defaults.TRAVEL_KM
    assert candidates.MATCH_SIZE is defaults.GROUP_SIZE
    assert inspect.signature(form_groups).parameters["size"].default is defaults.GROUP_SIZE
    assert taxonomy.prefers_new(None) is defaults.PREFERS_NEW
    assert Members.from_arrays([1], [0.0], [0.0], [[1.0]]).prefers_new[0] == defaults.PREFERS_NEW
    assert taxonomy.new_faces_weight("more_new") == defaults.PREFERS_NEW  # the questionnaire's own words
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    assert parser.parse_args(["groups", "--members", "m.csv"]).size is defaults.GROUP_SIZE


def test_one_distance_function():
    assert store.places.points.distance_km is matcher.compat.distance_km
    assert candidates.distance_km is matcher.compat.distance_km
    assert matcher.ranking_query.haversine_km is matcher.compat.haversine_km
    # nobody else carries an Earth radius or a haversine of their own
    pattern = re.compile(r"6371|6_371|\basin\(|arcsin\(|geodesic\(")
    found = []
    for folder in ("matcher", "store", "web", "jobs"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == ROOT / "matcher" / "compat.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_a_resident_with_no_travel_limit_gets_the_same_range_from_the_ranker():
    start = datetime(2026, 5, 9, 10, tzinfo=timezone.utc)
    # an event exactly TRAVEL_KM north of the member: the distance signal halves there
    north = defaults.TRAVEL_KM / matcher.compat.distance_km((51.0, 0.0), (52.0, 0.0))
    ranker = EventRanker(weights={"distance": 1.0}).fit([Event("e", start=start, lat=51.0 + north, lon=0.0)],
                                                          [], [Member("m", lat=51.0, lon=0.0)])
    rec = ranker.rank("m", as_of=start.replace(day=1))[0]
    assert rec.signals["distance"] == pytest.approx(0.5)


def test_the_store_and_the_ranker_put_a_date_in_the_same_slot(db, settings):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    event, occurrence = make_event(db, settings, centre, organiser)
    # 01:00 on a Tuesday in London, in summer (00:00 UTC): Monday night, for everyone
    occurrence.starts_at = local_datetime(date(2026, 5, 5), time(1, 0), "Europe/London")
    event.timezone = "Europe/London"
    db.flush()
    assert candidates.slot_key(occurrence) == "mon_evening"
    ranked = rank_event(db.get(Occurrence, occurrence.id))
    assert time_slot(ranked.start) == "mon_evening"
    ranker = EventRanker().fit([ranked])
    assert SLOTS[int(ranker.slot_[0])] == "mon_evening"


def test_a_profile_with_no_answers_is_a_candidate_with_the_defaults(db, settings):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    person = make_resident(db, offset_km=defaults.TRAVEL_KM - 1.0, travel_km=None)
    profile = get_profile(db, person.id)
    assert profile.travel_km is None and profile.new_faces is None
    found = {c.user_id: c for c in candidates.candidates_for(db, occurrence)}
    assert found[person.id].travel_km == defaults.TRAVEL_KM
    assert found[person.id].prefers_new == defaults.PREFERS_NEW
    assert np.isclose(found[person.id].km_to_venue,
                      matcher.compat.distance_km((profile.home_lat, profile.home_lon), occurrence.event.point))
