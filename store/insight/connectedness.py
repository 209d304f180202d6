"""Connectedness for a centre and for one resident: loads plain data, measures with matcher.connectedness.

The definitions (recurring tie, the isolated fifth, diversity, the check-in trend) live in
:mod:`matcher.connectedness`, which a bench calls with its own plain data. This module only loads
the rows those functions take, in a handful of queries, and shapes the result for the pages:

- attendance: ``(occurrence id, user id, starts_at)`` for every date the people asked about
  attended (a sign-up checked in as attended, or "I went" in a group's feedback), with everyone
  else who attended those dates;
- answers: the "would you meet again?" rows (``store.groups.models.MeetAgain``) either way;
- check-ins: ``(created_at, total)`` (``store.social.models.Checkin``, 3 to 9);
- labels: each person's neighbourhood and interest cluster (the questionnaire heading holding
  most of their interests, ties broken alphabetically).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select, union, union_all
from sqlalchemy.orm import Session

from matcher import connectedness as measures
from store.centres.area import area_profiles
from store.centres.models import Centre
from store.core.db import utcnow
from store.events.models import Occurrence, SignUp, SignupStatus
from store.groups.models import Group, GroupMember, MeetAgain
from store.profiles.models import Profile
from store.profiles.taxonomy import INTEREST_GROUP_OF
from store.social.models import Checkin

__all__ = ["WEEKS", "Town", "load_town", "interest_cluster", "Week", "CentreConnectedness",
           "centre_connectedness", "OwnConnectedness", "own_connectedness"]

#: Weeks shown on the pages (as the overview's twelve-week figures).
WEEKS = 12


@dataclass
class Town:
    """The plain data the measures take, for ``people`` (and whoever they met)."""

    people: list[int]
    attendance: list[tuple[int, int, datetime]] = field(default_factory=list)
    answers: list[tuple[int, int, bool, datetime]] = field(default_factory=list)
    checkins: dict[int, list[tuple[datetime, int]]] = field(default_factory=dict)
    neighbourhood: dict[int, str] = field(default_factory=dict)
    cluster: dict[int, str] = field(default_factory=dict)


def interest_cluster(interests) -> str | None:
    """The questionnaire heading most of someone's interests sit under (``None`` without any).

    >>> interest_cluster(["cooking", "baking", "walking"])
    'food'
    """
    groups = Counter(INTEREST_GROUP_OF[t] for t in (interests or []) if t in INTEREST_GROUP_OF)
    if not groups:
        return None
    return min(groups, key=lambda g: (-groups[g], g))


def _attended(ids_clause):
    """Union of (occurrence, user, starts_at) from checked-in sign-ups and group attendance."""
    signed = (select(SignUp.occurrence_id.label("occurrence_id"), SignUp.user_id.label("user_id"),
                     Occurrence.starts_at.label("starts_at"))
              .join(Occurrence, SignUp.occurrence_id == Occurrence.id)
              .where(SignUp.status == SignupStatus.ATTENDED, ids_clause(SignUp.user_id, SignUp.occurrence_id)))
    grouped = (select(Group.occurrence_id, GroupMember.user_id, Occurrence.starts_at)
               .join(Group, GroupMember.group_id == Group.id).join(Occurrence, Group.occurrence_id == Occurrence.id)
               .where(GroupMember.attended.is_(True), ids_clause(GroupMember.user_id, Group.occurrence_id)))
    return signed, grouped


def load_town(session: Session, people, *, profiles: dict[int, Profile] | None = None, labels: bool = True) -> Town:
    """Everything the measures need about ``people``, in three to four queries (none per person);
    ``labels=False`` skips the neighbourhoods and interest clusters (diversity needs them)."""
    ids = sorted(set(people))
    town = Town(ids)
    if not ids:
        return town
    mine_signed, mine_grouped = _attended(lambda user, occ: user.in_(ids))
    theirs = union(select(mine_signed.subquery().c.occurrence_id),
                   select(mine_grouped.subquery().c.occurrence_id)).subquery()
    everyone_signed, everyone_grouped = _attended(lambda user, occ: occ.in_(select(theirs.c.occurrence_id)))
    town.attendance = [(int(o), int(u), t) for o, u, t in session.execute(union_all(everyone_signed, everyone_grouped))]
    town.answers = [(int(r), int(e), bool(a), t) for r, e, a, t in session.execute(
        select(MeetAgain.rater_id, MeetAgain.ratee_id, MeetAgain.again, MeetAgain.created_at)
        .where(or_(MeetAgain.rater_id.in_(ids), MeetAgain.ratee_id.in_(ids))).order_by(MeetAgain.id))]
    for uid, *items, created in session.execute(
            select(Checkin.user_id, Checkin.companionship, Checkin.left_out, Checkin.isolated, Checkin.created_at)
            .where(Checkin.user_id.in_(ids)).order_by(Checkin.created_at, Checkin.id)):
        town.checkins.setdefault(int(uid), []).append((created, sum(items)))
    if not labels:
        return town
    known = dict(profiles or {})
    wanted = ({u for _, u, _ in town.attendance} | set(ids)) - set(known)
    if wanted:
        known.update({p.user_id: p for p in session.scalars(select(Profile).where(Profile.user_id.in_(sorted(wanted))))})
    for uid, profile in known.items():
        town.neighbourhood[uid] = profile.neighbourhood or None
        town.cluster[uid] = interest_cluster(profile.interests)
    return town


def _monday(moment: datetime) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday())


def _weeks(now: datetime, weeks: int) -> list[datetime]:
    first = _monday(now) - timedelta(weeks=weeks - 1)
    return [datetime(first.year, first.month, first.day, tzinfo=now.tzinfo) + timedelta(weeks=k) for k in range(weeks)]


@dataclass(frozen=True)
class Week:
    """One week of a centre's curve: recurring ties standing at its end, the check-in mean."""

    week: str
    recurring_ties: int
    mean_checkin: float | None
    checkins: int


@dataclass(frozen=True)
class CentreConnectedness:
    """A centre's connectedness now and over the last weeks; counts only, nobody named."""

    residents: int
    recurring_ties: int
    with_a_tie: int
    fifth_size: int
    fifth_with_a_tie: int
    fifth_with_a_tie_at_start: int
    diversity: float | None
    diverse_people: int
    weeks: list[Week]

    @property
    def first_checkin(self) -> Week | None:
        return next((w for w in self.weeks if w.mean_checkin is not None), None)

    @property
    def last_checkin(self) -> Week | None:
        return next((w for w in reversed(self.weeks) if w.mean_checkin is not None), None)


def _latest_score(checkins: list[tuple[datetime, int]], at: datetime) -> int | None:
    scores = [s for t, s in checkins if t <= at]
    return scores[-1] if scores else None


def centre_connectedness(session: Session, centre: Centre, *, now: datetime | None = None,
                         weeks: int = WEEKS) -> CentreConnectedness:
    """The measures for a centre's area residents: recurring ties among them and with anyone
    they met, the isolated fifth as it stood when the weeks began, and the weekly curves."""
    now = now or utcnow()
    people = area_profiles(session, centre)
    ids = [u.id for u, _ in people]
    town = load_town(session, ids, profiles={u.id: p for u, p in people})
    starts = _weeks(now, weeks)
    start = starts[0]
    mine = set(ids)

    def standing(at: datetime) -> set[tuple]:
        """Recurring ties at ``at`` with at least one of the centre's residents in them."""
        return {t for t in measures.recurring_ties(town.attendance, town.answers, at=at) if t[0] in mine or t[1] in mine}

    ties, before = standing(now), standing(start)
    fifth = measures.isolated_fifth(
        ids, measures.people_met(town.attendance, ids, at=start),
        {uid: s for uid in ids if (s := _latest_score(town.checkins.get(uid, []), start)) is not None})
    curve = [len(standing(end)) for end in [s + timedelta(weeks=1) for s in starts[:-1]] + [now]]
    scores = [(t, s) for uid in ids for t, s in town.checkins.get(uid, [])]
    means = measures.weekly_means([(t, s) for t, s in scores if t >= start], starts)
    diversity = measures.tie_diversity(ties, town.neighbourhood, town.cluster)
    diversity = {p: v for p, v in diversity.items() if p in mine}
    tied, _ = measures.share_with_a_tie(ids, ties)
    return CentreConnectedness(
        residents=len(ids), recurring_ties=len(ties), with_a_tie=tied, fifth_size=len(fifth),
        fifth_with_a_tie=measures.share_with_a_tie(fifth, ties)[0],
        fifth_with_a_tie_at_start=measures.share_with_a_tie(fifth, before)[0],
        diversity=measures.mean_diversity(diversity),
        diverse_people=sum(1 for v in diversity.values() if v is not None),
        weeks=[Week(s.date().isoformat(), n, m, k) for s, n, (m, k) in zip(starts, curve, means)],
    )


@dataclass(frozen=True)
class OwnConnectedness:
    """One resident's own figures: their recurring ties and their check-in scores by week."""

    recurring_ties: int
    people_met: int
    weeks: list[tuple[str, float | None]]


def own_connectedness(session: Session, user_id: int, *, now: datetime | None = None,
                      weeks: int = WEEKS) -> OwnConnectedness:
    """The asking resident's own measures (only their own: pass ``current_user.id``)."""
    now = now or utcnow()
    town = load_town(session, [user_id], labels=False)
    ties = {t for t in measures.recurring_ties(town.attendance, town.answers, at=now) if user_id in t}
    met = measures.people_met(town.attendance, [user_id], at=now).get(user_id, 0)
    starts = _weeks(now, weeks)
    means = measures.weekly_means([(t, s) for t, s in town.checkins.get(user_id, []) if t >= starts[0]], starts)
    return OwnConnectedness(len(ties), met, [(s.date().isoformat(), m) for s, (m, _) in zip(starts, means)])
