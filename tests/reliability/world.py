"""A small committed world for the reliability tests: one centre, one date, many residents to match."""

from __future__ import annotations

from dataclasses import dataclass

from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import func, select

from store.accounts.models import Role
from store.core.db import Database
from store.core.models import JobRun, RunStatus
from store.groups.models import Group, GroupMember
from store.messages.models import Message

__all__ = ["World", "build_world", "match_runs", "placements"]


@dataclass(frozen=True)
class World:
    centre_id: int
    centre_slug: str
    organiser_email: str
    occurrence_id: int
    residents: int


def build_world(database: Database, settings, residents: int = 200) -> World:
    """Commit a centre with an organiser, a date three days ahead and ``residents`` people near it."""
    with database.unit_of_work() as session:
        centre = make_centre(session, name="Hyde Park Hall")
        organiser = make_user(session, role=Role.ORGANISER, centre=centre)
        _, occurrence = make_event(session, settings, centre, organiser, capacity=residents + 10)
        for _ in range(residents):
            make_resident(session, offset_km=2.0, travel_km=10.0)
        return World(centre.id, centre.slug, organiser.email, occurrence.id, residents)


def match_runs(database: Database) -> list[JobRun]:
    with database.unit_of_work(writer=False) as session:
        return list(session.scalars(select(JobRun).where(JobRun.kind == "match").order_by(JobRun.id)))


def placements(database: Database) -> dict:
    """What matching left behind: groups, members placed (and how often), group offers sent."""
    with database.unit_of_work(writer=False) as session:
        members = list(session.scalars(select(GroupMember.user_id)))
        return {
            "groups": session.scalar(select(func.count()).select_from(Group)),
            "placed": len(members),
            "distinct": len(set(members)),
            "offers": session.scalar(select(func.count()).select_from(Message).where(Message.kind == "group")),
            "running": session.scalar(select(func.count()).select_from(JobRun).where(
                JobRun.status == RunStatus.RUNNING)),
        }
