"""``python -m matcher groups`` end to end: good files give the documented JSON, bad ones exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.cli import main

ROOT = Path(__file__).resolve().parents[2]

MEMBERS = """id,lat,lon,interests,values,availability,travel_km,needs,placed_before,prefers_new
a,51.500,-0.120,walking;cooking,family;nature,sat-am;sun-pm,3,step_free,yes,0.5
b,51.501,-0.121,walking;cooking,nature,sat-am,,vegan,no,
c,51.502,-0.119,walking;music,nature;family,sat-am,5,,no,1
d,51.503,-0.122,walking;cooking,,sat-am;sun-pm,2,,yes,
e,51.510,-0.130,chess;music,tradition,sun-pm,,,no,
f,51.511,-0.131,chess;music,tradition,sun-pm,,,no,
g,51.512,-0.129,chess;reading,tradition,sun-pm,,,no,
h,51.513,-0.128,chess;music,tradition,,,,no,
i,51.600,-0.500,chess,,,1,,no,
"""
VENUES = "id,lat,lon,features\nhall,51.501,-0.120,step_free;vegan\ncafe,51.511,-0.130,\n"


def run(tmp_path, *args, env_extra=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "matcher", "groups", *args], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=120)


def run_here(capsys, *args):
    """The same command in this process (``matcher.cli.main``), to keep the suite fast."""
    code = main(["groups", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_groups_with_every_file(tmp_path):
    members = write(tmp_path, "members.csv", MEMBERS)
    venues = write(tmp_path, "venues.csv", VENUES)
    ties = write(tmp_path, "ties.csv", "a,b,strength\na,c,0.9\ne,g,\n")
    blocks = write(tmp_path, "blocks.csv", "a,b\na,b\ne,f\n")
    past = write(tmp_path, "past.csv", "group_id,member_id\n1,a\n1,c\n1,d\n2,g\n2,h\n")
    proc = run(tmp_path, "--members", members, "--venues", venues, "--ties", ties, "--blocks", blocks,
               "--past-groups", past, "--size", "3-5", "--distance-weight", "0.1", "--mode", "deepen",
               "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"groups", "unplaced", "objective"}
    assert set(out["objective"]) == {"mean", "worst_tenth", "unplaced"}
    seen = [m for g in out["groups"] for m in g["members"]] + out["unplaced"]
    assert sorted(seen) == list("abcdefghi")
    for g in out["groups"]:
        assert 3 <= len(g["members"]) <= 5 and g["venue"] in {"hall", "cafe"}
        assert not {"a", "b"} <= set(g["members"]) and not {"e", "f"} <= set(g["members"])
        assert g["reason"].endswith("km.") and isinstance(g["score"], float)
    assert "i" in out["unplaced"]
    assert out["objective"]["unplaced"] == len(out["unplaced"])


def test_vector_members_and_defaults_are_deterministic(tmp_path, capsys):
    rows = ["id,lat,lon,vector"] + [f"p{i},40.7{i % 10},-74.0{i % 7},{i % 3};{(i + 1) % 4};1" for i in range(30)]
    members = write(tmp_path, "members.csv", "\n".join(rows) + "\n")
    code, first, _ = run_here(capsys, "--members", members)
    again, second, _ = run_here(capsys, "--members", members)
    assert code == 0 == again
    assert first == second
    out = json.loads(first)
    assert out["unplaced"] == [] and all(4 <= len(g["members"]) <= 8 for g in out["groups"])


BAD = [
    ("members.csv", "id,lat,lon,interests\na,51.5,-0.1,x\nb,north,-0.1,y\n", "members.csv, line 3, column 'lat'"),
    ("members.csv", "id,lat,lon,interests\na,95,-0.1,x\n", "members.csv, line 2, column 'lat'"),
    ("members.csv", "id,lon,interests\na,-0.1,x\n", "members.csv, line 1, column 'lat'"),
    ("members.csv", "id,lat,lon\na,51.5,-0.1\n", "members.csv, line 1, column 'interests'"),
    ("members.csv", "id,lat,lon,vector\na,51.5,-0.1,1;2\nb,51.5,-0.1,1;2;3\n", "members.csv, line 3, column 'vector'"),
    ("members.csv", "id,lat,lon,interests\na,51.5,-0.1,x\na,51.5,-0.1,y\n", "members.csv, line 3, column 'id'"),
    ("members.csv", "id,lat,lon,interests,travel_km\na,51.5,-0.1,x,far\n", "members.csv, line 2, column 'travel_km'"),
    ("members.csv", "id,lat,lon,interests,placed_before\na,51.5,-0.1,x,maybe\n", "line 2, column 'placed_before'"),
]


def test_bad_file_in_a_subprocess_exits_2(tmp_path):
    name, text, message = BAD[0]
    proc = run(tmp_path, "--members", write(tmp_path, name, text))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("name,text,message", BAD)
def test_bad_members_file_exits_2_naming_file_line_column(tmp_path, capsys, name, text, message):
    code, out, err = run_here(capsys, "--members", write(tmp_path, name, text))
    assert code == 2 and message in err and out == ""


@pytest.mark.parametrize("flag,name,text,message", [
    ("--ties", "ties.csv", "a,b,strength\na,b,lots\n", "ties.csv, line 2, column 'strength'"),
    ("--blocks", "blocks.csv", "a\nb\n", "blocks.csv, line 1, column 'b'"),
    ("--past-groups", "past.csv", "group_id,member_id\n1,\n", "past.csv, line 2, column 'member_id'"),
    ("--venues", "venues.csv", "id,lat,lon\nhall,51.5,west\n", "venues.csv, line 2, column 'lon'"),
])
def test_bad_side_files_exit_2(tmp_path, capsys, flag, name, text, message):
    members = write(tmp_path, "members.csv", MEMBERS)
    code, _, err = run_here(capsys, "--members", members, flag, write(tmp_path, name, text))
    assert code == 2 and message in err


def test_missing_file_and_bad_size(tmp_path, capsys):
    code, _, err = run_here(capsys, "--members", str(tmp_path / "nope.csv"))
    assert code == 2 and "nope.csv: no such file" in err
    members = write(tmp_path, "members.csv", MEMBERS)
    with pytest.raises(SystemExit) as exc:
        main(["groups", "--members", members, "--size", "5-3"])
    assert exc.value.code == 2


def test_large_input_shows_progress_on_stderr(tmp_path):
    rows = ["id,lat,lon,vector"] + [f"p{i},{51 + (i % 97) / 500},{(i % 89) / 400},{i % 5};{i % 3};1"
                                    for i in range(1200)]
    proc = run(tmp_path, "--members", write(tmp_path, "members.csv", "\n".join(rows) + "\n"))
    assert proc.returncode == 0, proc.stderr
    assert "forming groups" in proc.stderr
    assert len(json.loads(proc.stdout)["groups"]) >= 1200 // 8
