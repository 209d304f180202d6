"""Tests of ``python -m matcher recommend``: good files give JSON, bad files a located error."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from matcher import cli_recommend
from matcher.csvio import InputError

ROOT = Path(__file__).resolve().parents[2]

MEMBERS = """id,lat,lon,interests,availability,travel_km
ann,45.68,-111.04,walking;cooking,sat_morning;mon_evening,5
bob,,,chess,,
cat,,,,,
"""
EVENTS = """id,title,description,tags,lat,lon,start,host
w1,Morning walk,"A walk by the river,
with coffee after",walking,45.68,-111.04,2026-04-20T09:00-06:00,Walkers
c1,Chess club,Chess and cake,chess,,,2026-04-27T18:00-06:00,Chess
w2,Hill walk,Walking up the hill,walking,45.69,-111.05,2026-05-02T09:00-06:00,Walkers
k1,Soup night,Cooking together,cooking,45.70,-111.06,2026-05-04T18:00-06:00,Kitchen
c2,Chess again,Chess,chess,,,2026-05-05T18:00-06:00,Chess
"""
ATTENDANCE = """member_id,event_id
ann,w1
bob,w1
bob,c1
"""


def write(tmp: Path, members=MEMBERS, events=EVENTS, attendance=ATTENDANCE) -> list[str]:
    paths = []
    for name, text in (("members.csv", members), ("events.csv", events),
                       ("attendance.csv", attendance)):
        if text is not None:
            (tmp / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp / name))
    return ["--members", paths[0], "--events", paths[1], "--attendance", paths[2]]


def cli(args: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "matcher", "recommend", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)


def test_good_files_give_ranked_json(tmp_path):
    done = cli(write(tmp_path) + ["--as-of", "2026-04-28T01:00Z", "--k", "2"])
    assert done.returncode == 0, done.stderr
    recs = json.loads(done.stdout)["recommendations"]
    assert list(recs) == ["ann", "bob", "cat"]
    for member, items in recs.items():
        assert 1 <= len(items) <= 2
        assert {i["id"] for i in items} <= {"w2", "k1", "c2"}  # only events after --as-of
        assert all(set(i) == {"id", "score", "reason"} and i["reason"] for i in items)
        scores = [i["score"] for i in items]
        assert scores == sorted(scores, reverse=True)
    assert "c2" in {i["id"] for i in recs["bob"]}
    assert recs["ann"][0]["id"] == "w2"


def run_direct(tmp_path, **files):
    argv = ["recommend", *write(tmp_path, **files)]
    parser = argparse.ArgumentParser()
    cli_recommend.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_run_without_as_of_ranks_unattended_events(tmp_path):
    recs = run_direct(tmp_path)["recommendations"]
    assert "w1" not in {i["id"] for i in recs["ann"]}
    assert {i["id"] for i in recs["cat"]} == {"w1", "c1", "w2", "k1", "c2"}


def test_members_may_lack_every_optional_column(tmp_path):
    recs = run_direct(tmp_path, members="id\nann\nzed\n", attendance="member_id,event_id\n")
    assert set(recs["recommendations"]) == {"ann", "zed"}


@pytest.mark.parametrize("which, text, line, column", [
    ("members", "id,lat,lon\nann,45.6,-111\nbob,north,-111\n", 3, "lat"),
    ("members", "id,lat,lon\nann,95,-111\n", 2, "lat"),
    ("members", "id,lat,lon\nann,45.6,\n", 2, "lon"),
    ("members", "id,availability\nann,someday\n", 2, "availability"),
    ("members", "id\nann\nann\n", 3, "id"),
    ("members", "name\nann\n", 1, "id"),
    ("events", EVENTS.replace("2026-05-04T18:00-06:00", "next week"), 6, "start"),
    ("events", EVENTS.replace("c2,Chess again", ",Chess again"), 7, "id"),
    ("attendance", "member_id,event_id\nann,w1\nann,nope\n", 3, "event_id"),
    ("attendance", "member_id,event_id,at\nann,w1,yesterday\n", 2, "at"),
])
def test_bad_files_name_file_line_and_column(tmp_path, which, text, line, column):
    with pytest.raises(InputError) as info:
        run_direct(tmp_path, **{which: text})
    assert str(info.value).startswith(f"{which}.csv, line {line}, column '{column}': ")


@pytest.mark.parametrize("which, text, where", [
    ("members", "id,lat,lon\nann,45.6,-111\nbob,north,-111\n", "members.csv, line 3, column 'lat'"),
    ("attendance", "member_id,event_id\nann,w1\nann,nope\n",
     "attendance.csv, line 3, column 'event_id'"),
])
def test_bad_files_exit_2_from_the_command_line(tmp_path, which, text, where):
    done = cli(write(tmp_path, **{which: text}))
    assert done.returncode == 2, done.stdout
    assert where in done.stderr and done.stdout == ""


def test_missing_file_is_named(tmp_path):
    write(tmp_path)
    (tmp_path / "events.csv").unlink()
    with pytest.raises(InputError, match="events.csv: no such file"):
        run_direct(tmp_path, events=None)


@pytest.mark.parametrize("option", [["--k", "0"], ["--as-of", "soon"]])
def test_bad_options_are_usage_errors(tmp_path, option, capsys):
    parser = argparse.ArgumentParser()
    cli_recommend.register(parser.add_subparsers(dest="command"))
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["recommend", *write(tmp_path), *option])
    assert info.value.code == 2


def test_large_inputs_show_progress(tmp_path, capsys):
    members = "id\n" + "".join(f"m{i}\n" for i in range(250))
    out = run_direct(tmp_path, members=members)
    assert "ranking events" in capsys.readouterr().err
    assert len(out["recommendations"]) == 250
