"""Organisers' figures: the figures over time, who has not been reached, reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import User
from store.centres.area import area_member_ids, area_profiles, organiser_label
from store.centres.models import Centre
from store.core.db import among, utcnow
from store.core.errors import HearthError
from store.events.models import Event, Occurrence, SignUp, SignupStatus
from store.groups.models import Group, GroupMember, GroupStatus, SeatStatus
from store.groups.safety import pause_by_organiser
from store.insight.models import ContactNote
from store.insight.placement import Placement, count_placements, count_with_ties, placements
from store.social.isolation import latest_checkins, latest_ranked
from store.social.models import Checkin, Report, ReportStatus

__all__ = [
    "InsightError",
    "UNREACHED_AFTER", "Figures", "figures", "weekly_series", "week_of", "Unreached", "unreached", "note_contact",
    "centre_reports", "count_open_reports", "act_on_report",
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


def _latest_checkin_totals(session: Session, ids: list[int]) -> tuple[int, int, int]:
    """Over each resident's latest check-in: how many answered, the sum of their totals and
    how many often feel isolated (``Checkin.total`` and ``Checkin.often_isolated`` in SQL)."""
    if not ids:
        return 0, 0, 0
    ranked = latest_ranked(session, ids)
    answered, total, isolated = session.execute(
        select(func.count(), func.coalesce(func.sum(Checkin.total), 0),
               func.coalesce(func.sum(case((Checkin.often_isolated, 1), else_=0)), 0))
        .join(ranked, ranked.c.id == Checkin.id).where(ranked.c.newest == 1)).one()
    return int(answered), int(total), int(isolated)


def figures(session: Session, centre: Centre, *, ids: list[int] | None = None) -> Figures:
    """The centre's figures, computed from the database as it is now: each one counted by the
    database (a few rows back however many residents the area holds). ``ids`` are the area's
    residents (:func:`area_member_ids`) when the caller has read them already."""
    ids = area_member_ids(session, centre) if ids is None else ids
    states = count_placements(session, ids)
    status_counts = dict(session.execute(
        select(Group.status, func.count()).where(Group.centre_id == centre.id).group_by(Group.status)).all())
    seat_counts = dict(session.execute(
        select(GroupMember.status, func.count()).join(Group, GroupMember.group_id == Group.id)
        .where(Group.centre_id == centre.id).group_by(GroupMember.status)).all())
    came = (select(SignUp.user_id).join(Occurrence, SignUp.occurrence_id == Occurrence.id)
            .join(Event, Occurrence.event_id == Event.id)
            .where(Event.centre_id == centre.id, SignUp.status == SignupStatus.ATTENDED)
            .group_by(SignUp.user_id).having(func.count() >= 2).subquery())
    repeat = session.scalar(select(func.count()).select_from(came))
    answered, total, isolated = _latest_checkin_totals(session, ids)
    offered = sum(seat_counts.values()) - seat_counts.get(SeatStatus.WITHDRAWN, 0)
    return Figures(
        residents=len(ids),
        not_placed=states[Placement.NOT_PLACED],
        placement={state.value: n for state, n in states.items()},
        no_ties=len(ids) - count_with_ties(session, ids),
        proposed=status_counts.get(GroupStatus.PROPOSED, 0),
        confirmed=status_counts.get(GroupStatus.CONFIRMED, 0),
        met=status_counts.get(GroupStatus.MET, 0),
        dissolved=status_counts.get(GroupStatus.DISSOLVED, 0),
        seats_offered=offered,
        seats_accepted=seat_counts.get(SeatStatus.ACCEPTED, 0),
        repeat_attenders=repeat,
        checkins=answered,
        mean_checkin=round(total / answered, 2) if answered else None,
        often_isolated=isolated,
    )


def week_of(moment: datetime) -> date:
    """The Monday of the week ``moment`` falls in (the weeks of :func:`weekly_series`)."""
    day = moment.date()
    return day - timedelta(days=day.weekday())


_week = week_of


def weekly_series(session: Session, centre: Centre, *, now: datetime | None = None, weeks: int = WEEKS,
                  ids: list[int] | None = None) -> list[dict]:
    """Per week (Mondays, oldest first): groups formed, groups met, seats accepted, and the mean
    check-in score of the area's residents (3 best to 9 worst; ``None`` when nobody answered).
    ``ids`` are the area's residents when the caller has read them already."""
    now = now or utcnow()
    start = _week(now) - timedelta(weeks=weeks - 1)
    since = datetime(start.year, start.month, start.day, tzinfo=now.tzinfo)
    rows: dict[date, dict] = {start + timedelta(weeks=k): {"formed": 0, "met": 0, "accepted": 0, "checkin": (0, 0)}
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
    ids = area_member_ids(session, centre) if ids is None else ids
    if ids:
        # the week of each check-in, worked out by the database: the k-th Monday it falls after
        mondays = [since + timedelta(weeks=k) for k in range(1, weeks + 1)]
        week = case(*((Checkin.created_at < monday, k) for k, monday in enumerate(mondays)), else_=None).label("week")
        for k, answered, total in session.execute(
                select(week, func.count(), func.sum(Checkin.total))
                .where(among(session, Checkin.user_id, ids), Checkin.created_at >= since).group_by(week)):
            if k is not None:
                rows[start + timedelta(weeks=int(k))]["checkin"] = (int(answered), int(total))
    out = []
    for week_of, values in sorted(rows.items()):
        answered, total = values.pop("checkin")
        out.append({"week": week_of.isoformat(), **values,
                    "mean_checkin": round(total / answered, 2) if answered else None})
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
        SignUp.status == SignupStatus.ATTENDED, among(session, SignUp.user_id, ids)))) if ids else set()
    latest = latest_checkins(session, ids)
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


def count_open_reports(session: Session, centre_id: int) -> int:
    """How many of :func:`centre_reports` are open (counted, not loaded)."""
    return session.scalar(select(func.count(Report.id)).where(Report.centre_id == centre_id,
                                                              Report.status == ReportStatus.OPEN))


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
