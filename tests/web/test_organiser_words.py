"""Organisers read what happened in words: no "occurrence=61", no raw objective or score, no
"(s)" plurals, and every number with its meaning (runs, overview, residents' list, spreadsheets)."""

from __future__ import annotations

import csv
import html
import io
import re

from factories import login, make_centre, make_event, make_resident, make_user
from sqlalchemy import select

from store.accounts.models import Role
from store.core.jobruns import finish_run, start_run
from store.groups.matching import run_matching
from store.groups.models import Group
from store.insight.words import organiser_fit_words, organiser_kinds_words, organiser_run_result
from store.social.models import Report


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _visible(page: str) -> str:
    """The page's text, without tags, scripts or attribute values."""
    return re.sub(r"<[^>]+>", " ", page)


def _world(db, settings, *, people=7):
    centre = make_centre(db, name="Hyde Park Hall")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser, title="Friday supper")
    for i in range(people):
        make_resident(db, name=f"Pat{i} Person", wants=("meal", "event"))
    run = start_run(db, kind="match", key=f"occurrence={occurrence.id}", centre_id=centre.id)
    counts = run_matching(db, settings, occurrence.id, run_id=run.id)
    finish_run(db, run, counts)
    return centre, organiser, occurrence, run, counts


def test_the_runs_page_says_what_happened(client, db, settings):
    centre, organiser, occurrence, run, counts = _world(db, settings)
    assert counts["candidates"] == 7 and "objective" in counts
    login(client, organiser.email)
    page = _visible(_text(client.get(f"/organiser/centres/{centre.id}/runs")))
    assert "occurrence=" not in page and "candidates:" not in page and "objective" not in page
    assert str(counts["objective"]) not in page and "regions" not in page and "(s)" not in page
    assert "Matching for Friday supper, " in page
    groups = db.scalars(select(Group).where(Group.run_id == run.id)).all()
    assert "7 neighbours could come;" in page
    if len(groups) == 1:
        size = len(groups[0].seats)
        assert f"1 group of {size} formed, {organiser_fit_words(groups[0].score)}" in page
    assert re.search(r"a (strong|good|fair|loose) fit \(\d+%\)", page)
    assert "Fit is how much a group's members have in common" in page


def test_too_few_to_group_is_explained():
    from store.core.models import JobRun, RunStatus

    run = JobRun(kind="match", key="occurrence=9", status=RunStatus.SUCCEEDED,
                 counts={"candidates": 3, "groups": 0, "offered": 0, "unplaced": 3, "regions": 1})
    assert organiser_run_result(run, []) == ("3 neighbours could come; none of them could be placed, "
                                             "because a group needs at least 4.")
    run.counts = {"candidates": 0, "groups": 0, "offered": 0, "unplaced": 0, "regions": 1}
    assert "Nobody new could come" in organiser_run_result(run, [])
    run.counts = {"candidates": 0, "groups": 0, "skipped": "not open"}
    assert "already started or was cancelled" in organiser_run_result(run, [])


def test_overview_list_and_spreadsheets_use_words(client, db, settings):
    centre, organiser, occurrence, _, _ = _world(db, settings)
    reporter, reported = make_resident(db, name="Rep Orter"), make_resident(db, name="Re Ported")
    db.add(Report(reporter_id=reporter.id, reported_id=reported.id, centre_id=centre.id, reason="Rude."))
    db.flush()
    login(client, organiser.email)
    page = _visible(_text(client.get(f"/organiser/centres/{centre.id}/")))
    assert "1 open report to read" in page and "(s)" not in page
    group = db.scalars(select(Group).where(Group.centre_id == centre.id)).first()
    assert f"{group.score:.2f}" not in page
    assert organiser_fit_words(group.score).capitalize() in page
    assert "Proposed: 0 of" in page  # the group's state as organisers read it everywhere
    assert "Week starting (day/month)" in page and "Check-in score" in page and ">Groups<" in _text(
        client.get(f"/organiser/centres/{centre.id}/")).replace("> Groups <", ">Groups<")

    page = _visible(_text(client.get(f"/organiser/centres/{centre.id}/members")))
    assert "Shared meals and social events" in page and "meal, event" not in page
    rows = list(csv.DictReader(io.StringIO(client.get(f"/organiser/centres/{centre.id}/members.csv").get_data(as_text=True))))
    assert {r["enjoys"] for r in rows[:7]} == {"Shared meals and social events"}
    rows = list(csv.DictReader(io.StringIO(client.get(f"/organiser/centres/{centre.id}/groups.csv").get_data(as_text=True))))
    assert rows and all(re.fullmatch(r"a (strong|good|fair|loose) fit \(\d+%\)", r["fit"]) for r in rows)
    assert all(r["status"].startswith("Proposed:") for r in rows) and "score" not in rows[0]


def test_the_words_functions():
    assert organiser_kinds_words(["meal"]) == "Shared meals"
    assert organiser_kinds_words(["meal", "exercise"]) == "Shared meals and exercising together"
    assert organiser_fit_words(0.5) == "a strong fit (50%)" and organiser_fit_words(1.7) == "a strong fit (100%)"
    assert organiser_fit_words(0.06) == "a fair fit (6%)"
