"""A centre's job runs as organisers read them: what each was for and what it did, in words
(``store.insight.words``), from the runs, the dates they name and the groups they formed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.core.jobruns import recent_runs, run_status_words
from store.core.models import JobRun
from store.events.models import Event, Occurrence
from store.groups.models import Group, GroupMember
from store.insight.members import group_label
from store.insight.words import RunGroup, organiser_run_result, organiser_run_title

__all__ = ["RunLine", "run_dates", "run_groups", "centre_runs"]


@dataclass(frozen=True)
class RunLine:
    """One row of the runs page: the run, and its title, status and result in words."""

    run: JobRun
    title: str
    status: str
    result: str


def _occurrence_ids(runs: list[JobRun]) -> set[int]:
    ids = set()
    for run in runs:
        head = (run.key or "").split(":", 1)[0]
        name, _, value = head.partition("=")
        if run.kind == "match" and name == "occurrence" and value.isdigit():
            ids.add(int(value))
    return ids


def run_dates(session: Session, runs: list[JobRun]) -> dict[int, str]:
    """The names of the dates matching runs were for ("Tuesday lunch club, Tuesday 8 December at
    12:30"), by occurrence id, in one query."""
    ids = _occurrence_ids(runs)
    if not ids:
        return {}
    rows = session.execute(select(Occurrence, Event).join(Event, Occurrence.event_id == Event.id)
                           .where(Occurrence.id.in_(ids))).all()
    return {o.id: group_label(e, o) for o, e in rows}


def run_groups(session: Session, runs: list[JobRun]) -> dict[int, list[RunGroup]]:
    """The groups each run formed (how many were offered a seat, and the score), by run id."""
    ids = [r.id for r in runs if r.kind == "match"]
    out: dict[int, list[RunGroup]] = defaultdict(list)
    if not ids:
        return out
    rows = session.execute(
        select(Group.run_id, Group.id, Group.score, func.count(GroupMember.id))
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(Group.run_id.in_(ids)).group_by(Group.run_id, Group.id, Group.score).order_by(Group.id)
    ).all()
    for run_id, _, score, size in rows:
        out[run_id].append(RunGroup(int(size), float(score)))
    return out


def centre_runs(session: Session, centre_id: int, *, limit: int = 40) -> list[RunLine]:
    """The centre's recent runs, newest first, each put into words."""
    runs = recent_runs(session, centre_id=centre_id, limit=limit)
    dates = run_dates(session, runs)
    groups = run_groups(session, runs)
    return [RunLine(r, organiser_run_title(r, dates), run_status_words(r), organiser_run_result(r, groups.get(r.id)))
            for r in runs]
