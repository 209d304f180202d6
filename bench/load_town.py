"""The groups, history and organiser that the load bench's busiest pages need, written in bulk.

:func:`seed_groups` adds to a database that :func:`bench.events_load.seed` filled: for each centre
twelve past weekly dates whose small groups met (seats attended, "meet again" answers, ties,
weekly check-ins of the area's residents) and upcoming dates with groups offered and accepted, the
benchmark resident in several of them, and one organiser who runs the first centre. Rows are
inserted directly (the product's operations would take hours at this size); their states are the
ones the product's operations write.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import insert, select

__all__ = ["seed_groups", "ORGANISER_EMAIL"]

ORGANISER_EMAIL = "organiser@example.org"
GROUP_SIZE = (4, 6)


def _split(rng: random.Random, pool: list[int], sizes: list[int]) -> list[list[int]]:
    """Distinct people for each group of one date (nobody is in two groups of a date)."""
    chosen = rng.sample(pool, sum(sizes))
    out, at = [], 0
    for size in sizes:
        out.append(chosen[at:at + size])
        at += size
    return out


def seed_groups(session, *, centres: list, user_ids: list[int], now: datetime, password_hash: str,
                rng: random.Random, past_weeks: int = 12, upcoming_dates: int = 3,
                groups_per_date: int = 3) -> dict:
    """Write the groups, history and organiser; returns counts of what was written."""
    from store.accounts.models import Role, User
    from store.centres import organisers
    from store.events.models import Event, Occurrence, SignUp, SignupStatus
    from store.events.times import local_datetime
    from store.groups.models import Group, GroupMember, GroupStatus, MeetAgain, SeatStatus
    from store.social.models import Checkin, Tie

    me = user_ids[0]
    pool = user_ids[1:]
    events, dates = [], []  # (centre, local date, past?)
    for centre in centres:
        for week in range(past_weeks, 0, -1):
            dates.append((centre, (now - timedelta(weeks=week)).date(), True))
        for k in range(upcoming_dates):
            dates.append((centre, (now + timedelta(days=2 + 3 * k)).date(), False))
    for centre, day, past in dates:
        events.append({
            "centre_id": centre.id, "title": "Bench lunch club", "description": "Lunch in small groups.",
            "kind": "meal", "timezone": "Europe/London", "start_date": day, "start_time": time(12, 0),
            "end_time": time(14, 0), "recurrence": "none", "skipped_dates": [], "capacity": 40,
            "step_free": True, "hearing_loop": False, "quiet": False, "dietary": [], "language": "en",
            "cost_note": "Free", "revision": 0, "created_at": now - timedelta(weeks=past_weeks + 1),
            "updated_at": now - timedelta(weeks=past_weeks + 1)})
    event_ids = list(session.scalars(insert(Event).returning(Event.id), events))
    occurrence_ids = list(session.scalars(insert(Occurrence).returning(Occurrence.id), [
        {"event_id": eid, "local_date": day,
         "starts_at": local_datetime(day, time(12, 0), "Europe/London"),
         "ends_at": local_datetime(day, time(14, 0), "Europe/London"), "lat": centre.lat, "lon": centre.lon}
        for eid, (centre, day, _) in zip(event_ids, dates)]))

    groups, plans = [], []  # plans: (members, past, mine)
    my_past, my_upcoming = 0, 0
    for oid, (centre, day, past) in zip(occurrence_ids, dates):
        start = local_datetime(day, time(12, 0), "Europe/London")
        mine = centre is centres[0] and ((past and my_past < 3 and day >= (now - timedelta(weeks=3)).date())
                                         or (not past and my_upcoming < 2))
        my_past += mine and past
        my_upcoming += mine and not past
        for k, members in enumerate(_split(rng, pool, [rng.randint(*GROUP_SIZE) for _ in range(groups_per_date)])):
            if mine and k == 0:
                members[0] = me
            created = start - timedelta(days=6)
            groups.append({"centre_id": centre.id, "occurrence_id": oid,
                           "status": GroupStatus.MET if past else rng.choice((GroupStatus.PROPOSED, GroupStatus.CONFIRMED)),
                           "size_min": 4, "size_max": 8, "score": round(rng.uniform(0.3, 0.9), 3),
                           "reason": "You share an interest in cooking and live close by.",
                           "farthest_km": round(rng.uniform(0.5, 4.0), 1), "created_at": created,
                           "confirmed_at": created + timedelta(days=1) if past else None,
                           "closed_at": start + timedelta(hours=3) if past else None})
            plans.append((members, past, start, oid))
    group_ids = list(session.scalars(insert(Group).returning(Group.id), groups))

    seats, again, signups = [], [], set()
    met: dict[tuple[int, int], int] = {}
    for gid, (members, past, start, oid) in zip(group_ids, plans):
        offered = start - timedelta(days=6)
        for k, uid in enumerate(members):
            if past:
                status, responded, attended = SeatStatus.ACCEPTED, offered + timedelta(hours=5), True
            else:
                accepted = uid != me and rng.random() < 0.5 or (uid == me and k == 0 and gid % 2 == 0)
                status = SeatStatus.ACCEPTED if accepted else SeatStatus.OFFERED
                responded, attended = (offered + timedelta(hours=5) if accepted else None), None
            seats.append({"group_id": gid, "user_id": uid, "status": status, "offered_at": offered,
                          "responded_at": responded, "attended": attended,
                          "feedback_at": start + timedelta(days=1) if past and uid != me else None})
            if past or status == SeatStatus.ACCEPTED:
                signups.add((oid, uid, past))
        if past:
            for a in members:
                for b in members:
                    if a < b:
                        met[(a, b)] = met.get((a, b), 0) + 1
                    if a != b and a != me:
                        again.append({"group_id": gid, "rater_id": a, "ratee_id": b,
                                      "again": rng.random() < 0.7, "created_at": start + timedelta(days=1)})
    session.execute(insert(GroupMember), seats)
    session.execute(insert(MeetAgain), again)
    session.execute(insert(SignUp), [
        {"occurrence_id": oid, "user_id": uid, "status": SignupStatus.ATTENDED if past else SignupStatus.CONFIRMED,
         "created_at": now - timedelta(days=8), "confirmed_at": now - timedelta(days=8)}
        for oid, uid, past in signups])
    session.execute(insert(Tie), [{"user_a_id": a, "user_b_id": b, "strength": min(1.0, 0.3 * n), "times_met": n,
                                   "updated_at": now} for (a, b), n in met.items()])
    checkins = []
    for week in range(past_weeks, 0, -1):
        when = now - timedelta(weeks=week) + timedelta(hours=2)
        for uid in rng.sample(user_ids, len(user_ids) // 10):
            checkins.append({"user_id": uid, "companionship": rng.randint(1, 3), "left_out": rng.randint(1, 3),
                             "isolated": rng.randint(1, 3), "context": "weekly", "created_at": when})
    session.execute(insert(Checkin), checkins)

    organiser = User(email=ORGANISER_EMAIL, display_name="Bench Organiser", password_hash=password_hash,
                     role=Role.ORGANISER, is_active=True, email_confirmed_at=now, created_at=now)
    session.add(organiser)
    session.flush()
    organisers.add_organiser(session, organiser, centres[0])
    session.flush()
    my_group = session.scalar(select(GroupMember.group_id).join(Group, GroupMember.group_id == Group.id)
                              .where(GroupMember.user_id == me, Group.status != GroupStatus.MET)
                              .order_by(GroupMember.group_id))
    return {"groups": len(group_ids), "seats": len(seats), "meet_again": len(again), "ties": len(met),
            "checkins": len(checkins), "organiser_centre": centres[0].id, "resident_group": my_group}
