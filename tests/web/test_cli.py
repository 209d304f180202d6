"""The `flask hearth ...` commands: clear messages and exit code 2 on bad input."""

from __future__ import annotations

from sqlalchemy import func, select

from store.accounts.models import Role, User
from store.centres.models import Centre


def test_create_admin_centre_and_organiser(runner, db):
    result = runner.invoke(args=["hearth", "create-admin", "--email", "boss@example.org", "--name", "Bo", "--password", "a long admin passphrase"])
    assert result.exit_code == 0, result.output
    assert db.scalar(select(User.role).where(User.email == "boss@example.org")) == Role.ADMIN
    result = runner.invoke(args=["hearth", "create-centre", "--name", "Meanwood Centre", "--lat", "53.83", "--lon", "-1.57"])
    assert result.exit_code == 0, result.output
    assert "Europe/London" in result.output
    result = runner.invoke(args=["hearth", "create-organiser", "--email", "org@example.org", "--name", "Orla", "--centre", "meanwood-centre", "--password", "a long organiser phrase"])
    assert result.exit_code == 0, result.output
    organiser = db.scalar(select(User).where(User.email == "org@example.org"))
    centre = db.scalar(select(Centre).where(Centre.slug == "meanwood-centre"))
    assert organiser.organises(centre.id) and organiser.role == Role.ORGANISER


def test_bad_input_exits_2_with_a_message(runner, db):
    result = runner.invoke(args=["hearth", "create-admin", "--email", "boss@example.org", "--name", "Bo", "--password", "short"])
    assert result.exit_code == 2 and "at least 10 characters" in result.output
    result = runner.invoke(args=["hearth", "create-organiser", "--email", "o@example.org", "--name", "O", "--centre", "nowhere", "--password", "a long organiser phrase"])
    assert result.exit_code == 2 and "no centre called 'nowhere'" in result.output
    assert db.scalar(select(User).where(User.email == "o@example.org")) is None
    result = runner.invoke(args=["hearth", "create-centre", "--name", "Half", "--lat", "53"])
    assert result.exit_code == 2


def test_demo_town_is_real_and_idempotent(runner, db):
    result = runner.invoke(args=["hearth", "demo", "--residents", "40"])
    assert result.exit_code == 0, result.output
    assert "Created the demo town of Leeds (53.7965, -1.5478)" in result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Building the demo town of Leeds ... done")
    steps = [line for line in lines if " ... " in line]
    assert [s.split(" ... ")[0].split(" for ")[0] for s in steps] == [
        "Building the demo town of Leeds", "Forming groups", "Recommending events to every resident",
        "Drawing the match graph of 3 centres"]
    assert all(s.split(" ... ")[1].startswith("done") for s in steps)
    assert len(lines) <= 12  # a line per step, not a line per job
    assert "admin@demo.example.org" in result.output
    centres = db.scalars(select(Centre)).all()
    assert len(centres) == 3
    for centre in centres:  # all within a few km of the real Leeds
        assert abs(centre.lat - 53.80) < 0.1 and abs(centre.lon + 1.55) < 0.1
    count = db.scalar(select(func.count()).select_from(User))
    again = runner.invoke(args=["hearth", "demo"])
    assert again.exit_code == 0 and "already there" in again.output
    assert db.scalar(select(func.count()).select_from(User)) == count


def test_unknown_demo_town_is_a_clear_error(runner, db):
    result = runner.invoke(args=["hearth", "demo", "--town", "Xyzzyville"])
    assert result.exit_code == 2 and "no bundled neighbourhoods" in result.output
    assert "Building the demo town of Xyzzyville ... stopped" in result.output


def test_migrate_says_what_it_did_in_one_line(runner, db):
    result = runner.invoke(args=["hearth", "migrate"])
    assert result.exit_code == 0 and result.output == "The database is up to date.\n"
