"""The demo's past weeks, lived through the product's own operations, each step at its own time.

For every date of the running events (:data:`RUNNING`) that has already
happened, in the order of time (and for a date to come, the steps before it whose time has come):

* six days before, its regulars (and a few others) sign up (``sign_up``);
* three days before, matching forms and offers groups (``run_matching``: standing groups first);
* two days before, the people offered a seat answer (``respond``; a "no" lets the seat be refilled);
* at the door the organiser checks people in (``check_in``: most came, some did not);
* an hour after, the groups that met are closed (``close_finished_groups``);
* the next day (for yesterday's date, that evening) most members say whether they went and whom they would meet again
  (``save_feedback``): mostly yes between people with interests in common (and some chemistry
  both feel, so the two answers mostly agree).

Whoever answers the weekly check-in (``record_checkin``) does so from before the weeks began;
the scores of people who keep meeting others get better. The messages, groups and seats these
steps write carry the step's time, as if the weeks had been lived; messages older than a few days
are delivered and read. Deterministic for a seed (no wall-clock reads but ``now``).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import User
from store.events.models import Event, EventError, Occurrence, SignUp, SignupStatus
from store.events.signups import check_in, roster, sign_up
from store.groups.candidates import slot_key
from store.groups.feedback import save_feedback
from store.groups.matching import run_matching
from store.groups.models import ACTIVE_GROUPS, Group, GroupMember, GroupStatus, MeetAgain, SeatStatus
from store.groups.offers import close_finished_groups, respond
from store.messages.models import Message, Notice
from store.places.points import distance_km
from store.profiles.models import Profile
from store.social.operations import record_checkin

__all__ = ["HISTORY_WEEKS", "RUNNING", "live_past_weeks", "lived_through", "signed_up_by_history"]

#: The weekly event already running when the demo begins (at the organiser's centre): posted
#: ``history_weeks`` ago, so its past dates are there to be lived through by this module.
#: The rest of the programme is new. One, so that building the demo stays quick (each lived date costs
#: about a second: it goes through every operation of a real week).
RUNNING = frozenset({"Tuesday lunch club"})

#: How long ago the running events were posted: the weeks lived through before today.
HISTORY_WEEKS = 8

#: The steps of one date, as (name, offset from its start, or from its end for the last two).
_STEPS = (("sign_up", timedelta(days=-6)), ("match", timedelta(days=-3)), ("answer", timedelta(days=-2)),
          ("check_in", timedelta(minutes=5)), ("close", timedelta(hours=1)), ("feedback", timedelta(hours=18)))

_FROM_END = {"close", "feedback"}

#: The steps before a date: taken for a date to come too, once their time has come.
_BEFORE = ("sign_up", "match", "answer")

#: The last step happened this long before the demo is built.
_LAST = timedelta(minutes=10)

#: Messages older than this when the demo is built have been read.
_READ_AFTER = timedelta(days=3)


def _fits(profile: Profile, event: Event, occurrence: Occurrence) -> bool:
    """Whether the resident would come to the event at all: near enough, free then, the right kind."""
    point = event.point
    if not profile.has_home or point is None:
        return False
    if distance_km((profile.home_lat, profile.home_lon), point) > float(profile.travel_km or 3.0):
        return False
    slot = slot_key(occurrence)
    liked = set(profile.interests or ()) & set(event.tags)
    return (not profile.availability or slot in profile.availability) and \
        (event.kind in (profile.wants or ()) or bool(liked))


def _regulars(rng: random.Random, event: Event, profiles: dict[int, Profile]) -> list[int]:
    """The people who come to an event most weeks: some of those it fits, within its seats, most
    of them people who like what it offers (a cooking lunch's regulars mostly like cooking), as
    word of mouth brings to a club those it suits."""
    first = next(iter(event.occurrences), None)
    fits = sorted(uid for uid, p in profiles.items() if first is not None and _fits(p, event, first))
    wanted = min(len(fits), max(3, int(event.capacity * 0.35)))
    tags = set(event.tags)
    keen = sorted(fits, key=lambda uid: (-len(tags & set(profiles[uid].interests or ())), uid))[: wanted * 2]
    return sorted(rng.sample(keen, wanted))


class _People:
    """The residents by id, each read when a step needs them (steps keep the session small)."""

    def __init__(self, session: Session, ids: list[int]):
        self.session, self.ids = session, sorted(ids)

    def __getitem__(self, uid: int) -> User:
        return self.session.get(User, uid)

    def __iter__(self):
        return iter(self.ids)


class _Chemistry:
    """Whether one resident would meet another again: shared interests and a pair's chemistry
    (which both feel, so the two answers mostly agree), with a little of each person's own mood."""

    def __init__(self, profiles: dict[int, Profile], seed: int):
        self.interests = {uid: set(p.interests or ()) for uid, p in profiles.items()}
        self.seed = seed

    def again(self, rng: random.Random, rater: int, ratee: int) -> bool:
        a, b = self.interests.get(rater, set()), self.interests.get(ratee, set())
        shared = len(a & b) / len(a | b) if a | b else 0.0
        low, high = sorted((rater, ratee))
        chemistry = random.Random(self.seed * 1_000_003 + low * 7919 + high).random()
        return 0.5 * min(1.0, 3 * shared) + 0.5 * chemistry + rng.gauss(0.0, 0.08) > 0.22


_DATED = (Message, Notice, Group, GroupMember, MeetAgain)


def _max_ids(session: Session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.coalesce(func.max(t.id), 0))) for t in _DATED)


def _date_rows(session: Session, before: tuple[int, ...], at: datetime, now: datetime) -> None:
    """Give the rows one step wrote the step's time (their defaults read the clock)."""
    messages, notices, groups, seats, answers = before
    read = at if at < now - _READ_AFTER else None
    session.execute(update(Message).where(Message.id > messages).values(created_at=at, delivered_at=at, read_at=read),
                    execution_options={"synchronize_session": False})
    session.execute(update(Notice).where(Notice.id > notices).values(created_at=at),
                    execution_options={"synchronize_session": False})
    session.execute(update(Group).where(Group.id > groups).values(created_at=at),
                    execution_options={"synchronize_session": False})
    session.execute(update(GroupMember).where(GroupMember.id > seats).values(offered_at=at),
                    execution_options={"synchronize_session": False})
    session.execute(update(MeetAgain).where(MeetAgain.id > answers).values(created_at=at),
                    execution_options={"synchronize_session": False})


def _sign_up(session, settings, rng, occurrence, regulars, others, users, at, rosa) -> int:
    capacity = occurrence.event.capacity
    coming = [u for u in regulars if u == rosa or rng.random() < 0.75]
    coming += [u for u in others if rng.random() < 0.02]
    rng.shuffle(coming)
    coming = coming[: int(capacity * 0.6)]
    done = 0
    for n, uid in enumerate(coming):
        try:
            sign_up(session, settings, occurrence.id, users[uid], now=at + timedelta(minutes=7 * n))
        except EventError:  # closed or already full: they just don't come
            continue
        done += 1
    return done


def _answer(session, settings, rng, occurrence, users, at, rosa) -> None:
    for _ in range(4):  # a "no" may offer the seat to someone else, who answers too
        seats = session.scalars(
            select(GroupMember).join(Group, GroupMember.group_id == Group.id)
            .where(Group.occurrence_id == occurrence.id, Group.status.in_(ACTIVE_GROUPS),
                   GroupMember.status == SeatStatus.OFFERED).order_by(GroupMember.id)).all()
        if not seats:
            return
        for seat in seats:
            if seat.status != SeatStatus.OFFERED or seat.group.status not in ACTIVE_GROUPS:
                continue
            yes = seat.user_id == rosa or rng.random() < (0.97 if seat.group.continues_id else 0.93)
            respond(session, settings, seat.group_id, users[seat.user_id], accept=yes, now=at)


def _check_in(session, rng, occurrence, at, rosa) -> None:
    for signup in roster(session, occurrence.id):
        if signup.status == SignupStatus.CONFIRMED:
            came = signup.user_id == rosa or rng.random() < 0.88
            check_in(session, occurrence, signup.id, SignupStatus.ATTENDED if came else SignupStatus.NO_SHOW, now=at)


def _feedback(session, rng, chemistry, occurrence, users, at, rosa) -> int:
    went = set(session.scalars(select(SignUp.user_id).where(SignUp.occurrence_id == occurrence.id,
                                                            SignUp.status == SignupStatus.ATTENDED)))
    answered = 0
    for group in session.scalars(select(Group).where(Group.occurrence_id == occurrence.id,
                                                     Group.status == GroupStatus.MET).order_by(Group.id)):
        for seat in group.accepted:
            if seat.user_id != rosa and rng.random() > 0.85:
                continue  # not everyone says how it went
            me = seat.user_id
            again = {s.user_id: chemistry.again(rng, me, s.user_id) for s in group.accepted
                     if s.user_id != me and s.user_id in went} if me in went else {}
            save_feedback(session, group.id, users[me], attended=me in went, meet_again=again, now=at)
            answered += 1
    return answered


def _weekly_checkins(session, rng, users, met_by, rosa, weeks, now) -> int:
    """The weekly check-in of the residents who answer it, from before the weeks began: the
    scores of those who keep coming (``met_by``: the dates they came to) get better."""
    count = 0
    begun = now - timedelta(weeks=weeks + 4)
    start = datetime.combine(begun.date() - timedelta(days=begun.weekday()), time(9, 0), tzinfo=begun.tzinfo)
    for uid in users:
        if uid != rosa and rng.random() > (0.6 if uid in met_by else 0.25):  # who comes answers more
            continue
        base = [rng.choice((2, 2, 3, 3, 3, 1)) for _ in range(3)]
        for week in range(weeks + 5):
            at = start + timedelta(weeks=week, days=rng.uniform(0, 4))  # Monday to Friday of one week
            if at >= now or (week and uid != rosa and rng.random() > 0.45):
                continue
            meetings = sum(1 for t in met_by.get(uid, ()) if t <= at)
            better = min(3, meetings // 3)
            scores = list(base)
            for _ in range(better):
                worst = max(range(3), key=lambda i: (scores[i], -i))
                scores[worst] = max(1, scores[worst] - 1)
            if rng.random() < 0.2:
                i = rng.randrange(3)
                scores[i] = min(3, scores[i] + 1)  # a bad week
            record_checkin(session, users[uid], companionship=scores[0], left_out=scores[1], isolated=scores[2],
                           follow_up_consent=rng.random() < 0.3, now=at)
            count += 1
    return count


def lived_through(occurrence: Occurrence, now: datetime) -> bool:
    """Whether :func:`live_past_weeks` lives this date whole: it went ahead and ended two hours ago or more
    (a date still on, or just over, is left for the demo's visitors to check people in)."""
    return occurrence.cancelled_at is None and occurrence.ends_at <= now - timedelta(hours=2)


def _due_steps(occurrence: Occurrence, now: datetime, posted: datetime) -> list[tuple[int, str, datetime]]:
    """The steps of one date that have happened by ``now``, as ``(order, name, when)``: all of them for
    a date lived through; for a date to come (or still on), the steps before it whose time has come,
    as a deployment would have done them (its sign-ups six days before, its groups three days before and
    the answers to them), so tomorrow's date has its groups as today's does."""
    if occurrence.cancelled_at is not None or occurrence.starts_at < posted:
        return []
    whole = lived_through(occurrence, now)
    due = []
    for order, (name, offset) in enumerate(_STEPS):
        at = (occurrence.ends_at if name in _FROM_END else occurrence.starts_at) + offset
        if name in _BEFORE:
            at = max(at, posted + timedelta(hours=1 + order))
        if not whole and (name not in _BEFORE or at > now - _LAST):
            continue
        due.append((order, name, min(at, now - _LAST)))  # yesterday's answers came in the same evening
    return due


def signed_up_by_history(occurrence: Occurrence, now: datetime, weeks: int) -> bool:
    """Whether :func:`live_past_weeks` (posted ``weeks`` ago) signs people up for this date, so
    the programme leaves its seats alone."""
    if weeks <= 0:
        return False
    return any(name == "sign_up" for _, name, _ in _due_steps(occurrence, now, now - timedelta(weeks=weeks)))


def live_past_weeks(session: Session, settings: Settings, residents: list[User], events: list[Event], *,
                    now: datetime, weeks: int = HISTORY_WEEKS, seed: int = 11) -> dict:
    """Live through the programme's past dates (see the module). Returns counts."""
    rng = random.Random(seed)
    users = _People(session, [u.id for u in residents])
    rosa = residents[0].id if residents else None
    profiles = {p.user_id: p for p in session.scalars(
        select(Profile).where(Profile.user_id.in_(users.ids)).order_by(Profile.user_id))}
    chemistry = _Chemistry(profiles, seed)
    posted = now - timedelta(weeks=weeks)
    regulars = {e.id: _regulars(rng, e, profiles) for e in events}
    if rosa is not None and events:
        regulars[events[0].id] = sorted(set(regulars[events[0].id]) | {rosa})  # Rosa never misses lunch
    matched = sorted(uid for uid, p in profiles.items() if p.include_in_matching)
    regulars = {e: set(r) for e, r in regulars.items()}
    steps = []
    for event in events:
        if event.title not in RUNNING:
            continue  # posted as the demo is built: nothing of it has happened yet
        for occurrence in event.occurrences:
            for order, name, at in _due_steps(occurrence, now, posted):
                steps.append((at, order, occurrence.starts_at, occurrence.id, name, event.id))
    steps.sort(key=lambda s: s[:4])
    counts = defaultdict(int)
    session.flush()
    session.expunge_all()  # each step loads what it needs: a small session keeps the operations quick
    for at, _, _, occurrence_id, name, event_id in steps:
        occurrence = session.get(Occurrence, occurrence_id)
        before = _max_ids(session)
        if name == "sign_up":
            others = [u for u in matched if u not in regulars[event_id]]
            counts["signups"] += _sign_up(session, settings, rng, occurrence, sorted(regulars[event_id]), others,
                                          users, at, rosa)
        elif name == "match":
            counts["groups"] += run_matching(session, settings, occurrence_id, seed=seed, now=at).get("groups", 0)
        elif name == "answer":
            _answer(session, settings, rng, occurrence, users, at, rosa)
        elif name == "check_in":
            _check_in(session, rng, occurrence, at, rosa)
        elif name == "close":
            counts["met"] += close_finished_groups(session, settings, now=at)["met"]
        else:
            counts["feedback"] += _feedback(session, rng, chemistry, occurrence, users, at, rosa)
        session.flush()
        _date_rows(session, before, at, now)
        session.expunge_all()
    met_by: dict[int, list[datetime]] = defaultdict(list)  # the dates each person came to
    for uid, starts in session.execute(
            select(SignUp.user_id, Occurrence.starts_at).join(Occurrence, SignUp.occurrence_id == Occurrence.id)
            .where(SignUp.status == SignupStatus.ATTENDED).order_by(Occurrence.starts_at, SignUp.id)):
        met_by[uid].append(starts)
    counts["checkins"] = _weekly_checkins(session, rng, users, met_by, rosa, weeks, now)
    return dict(counts)
