"""Commands: bad input gets one clear line and exit code 2; ``hearth COMMAND`` works as the README
says; ``hearth match`` reports what every region did."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import func, select

from matcher.cli import main as matcher_main
from reliability.helpers import ROOT, hearth_env
from store.accounts.models import Role
from store.groups.models import Group
from store.places.models import Postcode

BINARY = bytes(range(256)) * 4


@pytest.fixture
def members(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("id,lat,lon,interests\n" + "".join(f"m{i},51.5,-0.1,walk\n" for i in range(4)))
    return str(path)


@pytest.mark.parametrize("flag,value,message", [
    ("--seed", "-1", "the seed must be a whole number from 0 to 4294967295"),
    ("--seed", "4294967296", "the seed must be a whole number"),
    ("--seed", "x", "the seed must be a whole number"),
    ("--distance-weight", "nan", "the distance weight must be a number from 0 to 10"),
    ("--distance-weight", "inf", "the distance weight must be a number from 0 to 10"),
    ("--distance-weight", "-1", "the distance weight must be a number from 0 to 10"),
    ("--distance-weight", "abc", "the distance weight must be a number from 0 to 10"),
    ("--size", "2-99999999", "LARGEST <= 100"),
])
def test_matcher_refuses_bad_numbers_in_one_line(capsys, members, flag, value, message):
    with pytest.raises(SystemExit) as stop:
        matcher_main(["groups", "--members", members, flag, value])
    captured = capsys.readouterr()
    assert stop.value.code == 2 and captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err and captured.err.startswith("python -m matcher")


def test_matcher_seed_of_zero_and_no_distance_weight_still_work(capsys, members):
    assert matcher_main(["groups", "--members", members, "--seed", "0", "--distance-weight", "0"]) == 0
    assert '"members"' in capsys.readouterr().out


def test_a_binary_file_is_refused_in_one_line(runner, db, tmp_path):
    centre = make_centre(db, name="Hyde Park Hall")
    binary = tmp_path / "photo.csv"
    binary.write_bytes(BINARY)
    for args in (["load-postcodes", str(binary)], ["load-neighbourhoods", "--centre", centre.slug, str(binary)]):
        result = runner.invoke(args=["hearth", *args])
        assert result.exit_code == 2, result.output
        assert result.output.strip() == f"Error: {binary} is not a CSV text file (it is not UTF-8). Nothing was loaded."
    assert db.scalar(select(func.count()).select_from(Postcode)) == 0


def _console_script() -> list[str]:
    script = Path(sys.executable).with_name("hearth")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from web.console import main; main()"]


def test_hearth_command_works_as_the_readme_says(tmp_path, fresh_url):
    postcodes = tmp_path / "postcodes.csv"
    postcodes.write_text("postcode,lat,lon\nLS6 1AA,53.8195,-1.5775\nLS6 2BB,53.8200,-1.5780\n")
    env = hearth_env(fresh_url, tmp_path / "instance")
    for prefix in ([], ["hearth"]):  # `hearth load-postcodes` and the longer `hearth hearth load-postcodes`
        done = subprocess.run([*_console_script(), *prefix, "load-postcodes", str(postcodes)], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Loaded 2 postcodes from" in done.stdout
    done = subprocess.run([*_console_script(), "--help"], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    for command in ("load-postcodes", "load-neighbourhoods", "match", "create-admin", "db"):
        assert f"  {command} " in done.stdout


def test_hearth_match_reports_what_the_regions_did(runner, db, settings):
    centre = make_centre(db, name="Big Hall")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    make_event(db, settings, centre, organiser)
    for near in ((53.8195, -1.5775), (53.7720, -1.5650)):
        for _ in range(4):
            make_resident(db, near=near, offset_km=0.2, travel_km=10.0)
    result = runner.invoke(args=["hearth", "match", "--centre", centre.slug, "--region-size", "5"])
    assert result.exit_code == 0, result.output
    assert "2 group(s) offered to 8 people in 2 regions; 0 could not be placed this time." in result.output
    assert db.scalar(select(func.count()).select_from(Group)) == 2


def test_a_shared_out_run_adds_up_its_regions(app, db, settings):
    centre = make_centre(db, name="Big Hall")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    for near in ((53.8195, -1.5775), (53.7720, -1.5650)):
        for _ in range(4):
            make_resident(db, near=near, offset_km=0.2, travel_km=10.0)
    counts = app.extensions["hearth.queue"].enqueue("run_match", occurrence.id, None, "new", 5)()
    assert counts["regions"] == 2 and counts["groups"] == 2 and counts["offered"] == 8 and counts["unplaced"] == 0
