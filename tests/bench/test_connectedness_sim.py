"""The connectedness bench's mechanics on a 100-resident, 3-week town (not its target)."""

from __future__ import annotations

import pytest

from bench.connectedness import ARMS, measures, simulate, summarise, svg_chart
from config import load_settings


@pytest.fixture(scope="module")
def runs():
    return {arm: simulate(arm, residents=100, weeks=3, seed=1) for arm in ARMS}


def test_the_newcomers_and_isolated_first_priorities_are_on_unless_turned_off():
    assert load_settings(environ={}).match_newcomers_first is True
    assert load_settings(environ={"HEARTH_MATCH_NEWCOMERS_FIRST": "0"}).match_newcomers_first is False
    assert load_settings(environ={}).match_isolated_first is True
    assert load_settings(environ={"HEARTH_MATCH_ISOLATED_FIRST": "0"}).match_isolated_first is False


def test_events_only_forms_no_groups_and_its_people_meet_at_tables(runs):
    raw = runs["events only"]
    assert raw["groups"] == [] and raw["placed"] == [] and raw["counts"]["signups"] > 0
    assert raw["attendance"] and all(key[1] == "t" for key, _, _ in raw["attendance"])
    assert measures(raw)["never_placed"] == 1.0


def test_random_groups_ignore_compatibility_and_hearth_keeps_its_floor(runs):
    floor = load_settings(environ={}).group_floor / 100
    hearth = [g for g in runs["hearth"]["groups"] if not g["continues"]]
    randoms = runs["random groups"]["groups"]
    assert hearth and randoms
    assert all(g["compat"] >= floor for g in hearth)  # the matcher offers nothing below the floor
    assert {g["reason"] for g in randoms} == {"Chosen at random."}
    # At 100 residents a date has so few candidates that the matcher has little to choose from, so
    # the groups' common interests are alike in both arms (about 0.21); at 300 Hearth's are 0.31
    # against 0.23 (see the bench's report). Here: random groups are not more alike than Hearth's.
    mean = lambda gs: sum(g["compat"] for g in gs) / len(gs)  # noqa: E731
    assert mean(randoms) <= mean(hearth) + 0.02


def test_hearth_places_the_never_placed_and_the_isolated(runs):
    raw = runs["hearth"]
    assert raw["counts"]["accepted"] > 0 and measures(raw)["never_placed"] < 1.0
    grouped = {key for key, _, _ in raw["attendance"] if key[1] == "g"}
    assert grouped


def test_without_standing_groups_none_continues(runs):
    assert runs["no standing groups"]["counts"]["continued"] == 0
    assert runs["no isolated first"]["groups"]


def test_the_summary_and_chart(runs, tmp_path):
    rows = summarise([{"arm": a, "seed": 1, "seconds": r["seconds"], **measures(r)} for a, r in runs.items()])
    assert [r["arm"] for r in rows] == list(ARMS)
    assert all(len(r["curve"]) == 3 for r in rows)
    svg = svg_chart(rows, tmp_path / "c.svg").read_text()
    assert svg.startswith("<svg") and "week" in svg and "recurring ties per resident" in svg
