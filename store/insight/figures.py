"""Organisers' figures: the figures over time, who has not been reached, reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import User
from store.centres.area import area_member_ids, area_profiles, organiser_label
from store.centres.models import Centre
from store.core.db import utcnow
from store.core.errors import HearthError
from store.events.models import Event, Occurrence, SignUp, SignupStatus
from store.groups.models import Group, GroupMember, GroupStatus, SeatStatus
from store.groups.safety import pause_by_organiser
from store.insight.models import ContactNote
from store.insight.placement import Placement, member_facts, placement_counts, placements
from store.social.models import Checkin, Report, ReportStatus

__all__ = [
    "InsightError",
    "UNREACHED_AFTER", "Figures", "figures", "weekly_series", "Unreached", "unreached", "note_contact",
    "centre_reports", "act_on_report",
]


class InsightError(HearthError):
    """Something an organiser can fix in what they wrote; the message is safe to show them."""

UNREACHED_AFTER = timedelta(days=7)

WEEKS = 12


@dataclass(frozen=True)
class Figures:
    """A centre's figures; ``not_placed`` and ``placement`` follow ``store.insight.placement``."""

    residents: int
    not_placed: int
    placement: dict[str, int]
    no_ties: int
    proposed: int
    confirmed: int
    met: int
    dissolved: int
    seats_offered: int
    seats_accepted: int
    repeat_attenders: int
    checkins: int
    mean_checkin: float | None
    often_isolated: int

    @property
    def acceptance_rate(self) -> float | None:
        return self.seats_accepted / self.seats_offered if self.seats_offered else None


def _latest_checkins(session: Session, ids: list[int]) -> dict[int, Checkin]:
    latest: dict[int, Checkin] = {}
    if not ids:
        return latest
    newest = func.row_number().over(partition_by=Checkin.user_id,
                                    order_by=(Checkin.created_at.desc(), Checkin.id.desc())).label("newest")
    ranked = select(Checkin.id, newest).where(Checkin.user_id.in_(ids)).subquery()
    for row in session.scalars(select(Checkin).join(ranked, ranked.c.id == Checkin.id).where(ranked.c.newest == 1)):
        latest[row.user_id] = row
    return latest


def figures(session: Session, centre: Centre) -> Figures:
    """The centre's figures, computed from the database as it is now."""
    ids = area_member_ids(session, centre)
    facts = member_facts(session, ids)
    states = placement_counts({uid: f.placement for uid, f in facts.items()})
    status_counts = Counter(session.scalars(select(Group.status).where(Group.centre_id == centre.id)))
    seat_counts = Counter(session.scalars(
        select(GroupMember.status).join(Group, GroupMember.group_id == Group.id).where(Group.centre_id == centre.id)))
    attended = Counter(session.scalars(
        select(SignUp.user_id).join(Occurrence, SignUp.occurrence_id == Occurrence.id)
        .join(Event, Occurrence.event_id == Event.id)
        .where(Event.centre_id == centre.id, SignUp.status == SignupStatus.ATTENDED)))
    latest = _latest_checkins(session, ids)
    totals = [c.total for c in latest.values()]
    offered = sum(seat_counts.values()) - seat_counts.get(SeatStatus.WITHDRAWN, 0)
    return Figures(
        residents=len(ids),
        not_placed=states[Placement.NOT_PLACED],
        placement={state.value: n for state, n in states.items()},
        no_ties=sum(1 for f in facts.values() if f.ties == 0),
        proposed=status_counts.get(GroupStatus.PROPOSED, 0),
        confirmed=status_counts.get(GroupStatus.CONFIRMED, 0),
        met=status_counts.get(GroupStatus.MET, 0),
        dissolved=status_counts.get(GroupStatus.DISSOLVED, 0),
        seats_offered=offered,
        seats_accepted=seat_counts.get(SeatStatus.ACCEPTED, 0),
        repeat_attenders=sum(1 for n in attended.values() if n >= 2),
        checkins=len(totals),
        mean_checkin=round(sum(totals) / len(totals), 2) if totals else None,
        often_isolated=sum(1 for c in latest.values() if c.often_isolated),
    )


def _week(moment: datetime) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday())


def weekly_series(session: Session, centre: Centre, *, now: datetime | None = None, weeks: int = WEEKS) -> list[dict]:
    """Per week (Mondays, oldest first): groups formed, groups met, seats accepted, and the mean
    check-in score of the area's residents (3 best to 9 worst; ``None`` when nobody answered)."""
    now = now or utcnow()
    start = _week(now) - timedelta(weeks=weeks - 1)
    since = datetime(start.year, start.month, start.day, tzinfo=now.tzinfo)
    rows: dict[date, dict] = {start + timedelta(weeks=k): {"formed": 0, "met": 0, "accepted": 0, "checkin": []}
                              for k in range(weeks)}
    for created, status, closed in session.execute(
            select(Group.created_at, Group.status, Group.closed_at).where(Group.centre_id == centre.id, Group.created_at >= since)):
        rows[_week(created)]["formed"] += 1
        if status == GroupStatus.MET and closed is not None and _week(closed) in rows:
            rows[_week(closed)]["met"] += 1
    for responded in session.scalars(
            select(GroupMember.responded_at).join(Group, GroupMember.group_id == Group.id)
            .where(Group.centre_id == centre.id, GroupMember.status == SeatStatus.ACCEPTED,
                   GroupMember.responded_at >= since)):
        rows[_week(responded)]["accepted"] += 1
    ids = area_member_ids(session, centre)
    if ids:
        for row in session.scalars(select(Checkin).where(Checkin.user_id.in_(ids), Checkin.created_at >= since)):
            rows[_week(row.created_at)]["checkin"].append(row.total)
    out = []
    for week, values in sorted(rows.items()):
        scores = values.pop("checkin")
        out.append({"week": week.isoformat(), **values,
                    "mean_checkin": round(sum(scores) / len(scores), 2) if scores else None})
    return out


@dataclass(frozen=True)
class Unreached:
    user_id: int
    label: str
    reasons: tuple[str, ...]
    joined: datetime
    may_contact: bool
    email: str | None
    last_note: str | None
    last_note_at: datetime | None


def unreached(session: Session, centre: Centre, secret: str, *, now: datetime | None = None) -> list[Unreached]:
    """Residents of the area who joined over a week ago and are not placed or never attended,
    or whose latest check-in says they often feel isolated (listed only if they agreed to be
    contacted). The email is shown only to reach those who asked for a call or visit."""
    now = now or utcnow()
    people = area_profiles(session, centre)
    ids = [u.id for u, _ in people]
    placed = {uid for uid, p in placements(session, ids).items() if p.placed}
    attended = set(session.scalars(select(SignUp.user_id).where(
        SignUp.status == SignupStatus.ATTENDED, SignUp.user_id.in_(ids)))) if ids else set()
    latest = _latest_checkins(session, ids)
    notes: dict[int, ContactNote] = {}
    for note in session.scalars(select(ContactNote).where(ContactNote.centre_id == centre.id).order_by(ContactNote.created_at)):
        notes[note.user_id] = note
    out = []
    for user, profile in people:
        checkin = latest.get(user.id)
        consent = bool(checkin and checkin.follow_up_consent)
        reasons = []
        if user.created_at <= now - UNREACHED_AFTER:
            if user.id not in placed:
                reasons.append("not yet placed in a group")
            if user.id not in attended:
                reasons.append("hasn't come to anything yet")
        if checkin is not None and checkin.often_isolated and consent:
            reasons.append("often feels isolated, and asked for a call or visit")
        if not reasons:
            continue
        note = notes.get(user.id)
        out.append(Unreached(user.id, organiser_label(user, profile, secret), tuple(reasons), user.created_at,
                             consent, user.email if consent else None,
                             note.note if note else None, note.created_at if note else None))
    out.sort(key=lambda r: (not r.may_contact, r.last_note_at is not None, r.joined))
    return out


def note_contact(session: Session, centre: Centre, organiser: User, user_id: int, note: str) -> ContactNote:
    """Record that the centre got in touch with a resident of its area."""
    note = (note or "").strip()
    if not note:
        raise InsightError("Please write a few words about the contact.")
    if len(note) > 2000:
        raise InsightError("Please keep the note under 2,000 characters.")
    if user_id not in set(area_member_ids(session, centre)):
        raise LookupError(user_id)
    row = ContactNote(centre_id=centre.id, user_id=user_id, organiser_id=organiser.id, note=note)
    session.add(row)
    session.flush()
    return row


def centre_reports(session: Session, centre_id: int, *, open_only: bool = False) -> list[Report]:
    """Reports filed about people in this centre's groups; newest first."""
    query = select(Report).where(Report.centre_id == centre_id).order_by(Report.created_at.desc(), Report.id.desc())
    if open_only:
        query = query.where(Report.status == ReportStatus.OPEN)
    return list(session.scalars(query))


def act_on_report(session: Session, settings: Settings, report: Report, organiser: User, *, note: str = "",
                  pause_days: int = 0, close: bool = False, now: datetime | None = None) -> list[int]:
    """Add a note, pause the reported person from matching for ``pause_days`` (an organiser's
    pause: ``store.groups.safety.pause_by_organiser``), and/or close. Returns the dates whose
    groups need rematching."""

    now = now or utcnow()
    note = (note or "").strip()
    if len(note) > 4000:
        raise InsightError("Please keep the note under 4,000 characters.")
    if note:
        stamp = now.strftime("%d %b %Y")
        report.organiser_note = (report.organiser_note + "\n" if report.organiser_note else "") + f"{stamp}: {note}"
    rematch: list[int] = []
    if pause_days:
        _, rematch = pause_by_organiser(session, settings, report.reported_id, days=pause_days, by=organiser, now=now)
    if close:
        report.status, report.closed_at = ReportStatus.CLOSED, now
    report.handled_by_id = organiser.id
    session.flush()
    return rematch
