"""Does Hearth help people connect? A simulated town lived week by week through the real product.

Each arm runs the same town (``bench.town_model``: the residents' behaviour is a model) on a
fresh SQLite file, with the store's own operations and the matcher and ranker as deployed:
``refresh_recommendations`` / ``recommendations_for`` and ``sign_up``; ``run_matching`` per date
(what the ``match_region`` job calls, ``seed`` = the date's id); ``respond``; ``check_in``;
``close_finished_groups``; ``save_feedback``; ``record_checkin``. The clock moves a week at a time
(``now=``). Arms:

1. ``hearth``: recommendations and groups, isolated and never-placed first (``store.social.isolation``:
   fewer than two ties met in person, or a latest check-in saying "often isolated"), standing groups on;
2. ``events only``: recommendations and sign-ups, no groups;
3. ``random groups``: recommendations, and each date's candidates (``candidates.eligible``, the same
   reach and availability rules) cut into random groups of the deployed size, offered the same way;
4. ``no isolated first``: Hearth with ``match_isolated_first`` off (the setting): the never placed
   still come first, the isolated no longer do;
5. ``no standing groups``: Hearth with ``store.groups.matching``'s standing-group step replaced by
   nothing for the run (an ablation only the bench does; there is no setting for it).

Every arm gets the same recommendations and sign-ups, so the arms differ only in how groups are
made. At every event, attendees not in a group sit at random tables of four: each meets a few
others (their "would meet again" answers are kept by the bench: the product stores those only for
groups). Measures come from ``matcher.connectedness`` over the simulation's meetings and answers.

The week: at Monday 00:00 the past week's dates are closed (attendance checked in, groups closed,
feedback and the weekly check-in saved), then recommendations are refreshed and acted on, then
each date from Tuesday to Sunday is matched (a date needs a day's notice, so Monday's dates are
reached by sign-ups only) and the offers answered, declines refilled by the product.

Speed: about 80 s a Hearth run at 300 residents and 12 weeks on one loaded core; a 1,000-resident
Hearth week takes about 10 s, so 1,000 residents with 5 seeds does not fit in 10 minutes on 2
cores; the defaults (300 residents, 2 seeds) are what was run.

Run: ``python -m bench.connectedness --residents 300 --weeks 12 --seeds 2``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import math
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bench import town_model as tm
from bench.connectedness_figures import ARMS, FIGURES, measures, summarise, svg_chart
from bench.report import RESULTS_DIR, report
from matcher import connectedness as cx

__all__ = ["ARMS", "FIGURES", "simulate", "measures", "summarise", "svg_chart", "main"]

GROUP_ARMS = {"hearth", "random groups", "no isolated first", "no standing groups"}


def _start(now: datetime) -> datetime:
    day = (now + timedelta(days=7 - now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return day


def _build(session, settings, residents, start, weeks):
    """Centres, residents with profiles and their starting ties, and the demo programme."""
    from store.accounts.models import Role, User
    from store.accounts.operations import create_user, hash_password
    from store.centres.operations import create_centre
    from store.demo.programme import PROGRAMME, _first, _venue
    from store.demo.town import _CENTRES
    from store.events.admin import EventDetails, create_event
    from store.events.times import to_local
    from store.places.neighbourhoods import set_neighbourhood
    from store.places.points import GRID_M, coarsen, distance_km
    from store.places.towns import load_town
    from store.profiles.answers import STEPS, matcher_profile
    from store.profiles.models import Profile
    from store.profiles.vectors import new_vectorizer, refresh_vectors, store_vectorizer
    from store.social.operations import strengthen_tie

    place = load_town(settings.demo_town)
    hoods = {h.name: h for h in place.neighbourhoods}
    centres = [create_centre(session, name=n, address=f"{h}, {place.name}", lat=hoods[h].lat, lon=hoods[h].lon,
                             description=d, timezone=place.timezone) for n, h, d in _CENTRES]
    for hood in place.neighbourhoods:
        centre = min(centres, key=lambda c: distance_km((hood.lat, hood.lon), (c.lat, c.lon)))
        set_neighbourhood(session, centre, hood.name, hood.lat, hood.lon)
    admin = create_user(session, email="admin@sim.example.org", display_name="Admin", password="sim-kettle-42",
                        role=Role.ADMIN, confirmed=True)
    shared = hash_password("sim-kettle-42")
    users = [User(email=f"r{r.index:05d}@sim.example.org", display_name=f"R{r.index}", password_hash=shared,
                  role=Role.RESIDENT, email_confirmed_at=start - timedelta(days=30)) for r in residents]
    session.add_all(users)
    session.flush()
    profiles = []
    for r, u in zip(residents, users):
        lat, lon = coarsen(r.lat, r.lon)
        profiles.append(Profile(user_id=u.id, about="", languages=["en"], include_in_matching=True,
                                show_first_name=True, home_lat=lat, home_lon=lon, home_precision_m=GRID_M,
                                place_label=f"near {r.hood}, {place.name}", neighbourhood=r.hood,
                                steps_done=list(STEPS), **r.profile))
    session.add_all(profiles)
    session.flush()
    vectorizer = new_vectorizer().fit([matcher_profile(p) for p in profiles])
    store_vectorizer(session, vectorizer, len(profiles))
    refresh_vectors(session, profiles)
    for r in residents:
        for j in r.start_ties:
            if j > r.index:
                strengthen_tie(session, users[r.index].id, users[j].id, 0.5, met=True)
    for index, title, kind, weekday, start_t, end_t, repeats, capacity, tags, extras in PROGRAMME:
        centre = centres[index % len(centres)]
        today = to_local(start, centre.timezone).date()
        extras = dict(extras)
        venue = extras.pop("venue", None)
        if venue:
            _venue(session, centre, *venue)
            extras.update(venue_name=venue[0], venue_address=venue[1])
        details = EventDetails(title=title, kind=kind, start_date=_first(today, weekday), start_time=start_t,
                               end_time=end_t, recurrence=repeats, repeat_until=today + timedelta(weeks=weeks + 2),
                               capacity=capacity, tags=tags, **extras)
        create_event(session, settings, centre=centre, details=details, by=admin, now=start - timedelta(days=1))
    session.flush()
    return users


@contextlib.contextmanager
def _no_standing(active: bool):
    """The ablation: for the run, the matcher's standing-group step finds none."""
    import store.groups.matching as m
    from store.groups.candidates import eligible as plain

    if not active:
        yield
        return
    saved = m.standing_plans, m.eligible_with_cores
    m.standing_plans = lambda *a, **k: []
    m.eligible_with_cores = lambda *a, isolated_first=True, **k: (plain(*a, isolated_first=isolated_first, **k), [])
    try:
        yield
    finally:
        m.standing_plans, m.eligible_with_cores = saved


def simulate(arm: str, *, residents: int = 300, weeks: int = 12, seed: int = 1, workdir: Path | None = None) -> dict:
    """One arm, one seed: the raw outcome (meetings, answers, check-ins, placements, timings)."""
    from config import load_settings
    from store.core.db import Database, utcnow
    from store.core.migrate import upgrade
    from store.events.models import EventError, Occurrence, SignUp, SignupStatus
    from store.events.signups import check_in, sign_up
    from store.groups.candidates import MATCH_SIZE, eligible
    from store.groups.feedback import save_feedback
    from store.groups.matching import _offer_group_of, run_matching
    from store.groups.models import Group, GroupStatus, SeatStatus
    from store.groups.offers import GroupError, close_finished_groups, respond
    from store.places.points import distance_km
    from store.places.towns import load_town
    from store.recommendations.operations import recommendations_for, refresh_recommendations
    from store.social.operations import record_checkin

    began = time.perf_counter()
    tmp = tempfile.TemporaryDirectory(dir=workdir)
    url = f"sqlite:///{Path(tmp.name) / 'town.db'}"
    db = Database(url)
    upgrade(db.engine)
    settings = load_settings(override={"database_url": url, "env": "development"}, environ={})
    if arm == "no isolated first":
        settings = dataclasses.replace(settings, match_isolated_first=False)
    people = tm.make_residents(residents, load_town(settings.demo_town).neighbourhoods, seed)
    rng = random.Random(seed * 7919 + 1)  # the same behaviour draws in every arm, as far as paths agree
    start = _start(utcnow())
    with db.unit_of_work() as s:
        users = _build(s, settings, people, start, weeks)
    uid_of = [u.id for u in users]
    res_of = {u.id: r for u, r in zip(users, people)}
    attendance, answers, checkins, placed, offered = [], [], [], set(), set()
    met_n: dict[tuple, int] = {}
    hours: dict[tuple, float] = {}
    counts = {"groups": 0, "offers": 0, "accepted": 0, "signups": 0, "came": 0}
    # the starting check-in, a day before the first week
    with db.unit_of_work() as s:
        for u in users:
            items = tm.checkin_items(rng, res_of[u.id].l0)
            record_checkin(s, u, companionship=items[0], left_out=items[1], isolated=items[2], now=start - timedelta(days=1))
            checkins.append((-1, u.id, sum(items)))

    def fit_of(uid, others):
        return sum(tm.similarity(res_of[uid], res_of[o]) for o in others) / len(others) if others else 0.0

    def km_of(uid, occ):
        p = res_of[uid]
        return distance_km((p.lat, p.lon), occ.event.point)

    def tied(uid, others, ties_now):
        start_ties = {uid_of[j] for j in res_of[uid].start_ties}
        return any(o in start_ties or cx.pair(uid, o) in ties_now for o in others)

    def finish(s, week, now, ties_now):
        """The past week's dates: who came, tables, feedback and meet-again answers."""
        occs = s.scalars(select(Occurrence).where(Occurrence.ends_at <= now,
                                                  Occurrence.ends_at > now - timedelta(days=7))).all()
        group_of, members_of = {}, {}
        for g in s.scalars(select(Group).where(Group.occurrence_id.in_([o.id for o in occs]),
                                               Group.status == GroupStatus.CONFIRMED)):
            members_of[g.id] = [seat.user_id for seat in g.accepted]
            for uid in members_of[g.id]:
                group_of[uid] = g.id
        came: dict[int, bool] = {}
        for occ in occs:
            length = (occ.ends_at - occ.starts_at).total_seconds() / 3600
            seats = s.scalars(select(SignUp).where(SignUp.occurrence_id == occ.id,
                                                   SignUp.status == SignupStatus.CONFIRMED)).all()
            here = []
            for su in seats:
                uid = su.user_id
                res = res_of[uid]
                mates = [o for o in members_of.get(group_of.get(uid), []) if o != uid]
                fit = fit_of(uid, mates) if mates else tm.event_fit(res, occ.event.tags)
                yes = tm.attends(rng, km_of(uid, occ), res.profile["travel_km"], fit, tied(uid, mates, ties_now))
                check_in(s, occ, su.id, SignupStatus.ATTENDED if yes else SignupStatus.NO_SHOW, now=occ.starts_at)
                came[uid] = yes
                if yes:
                    here.append(uid)
            counts["came"] += len(here)
            tables: dict[tuple, list[int]] = {}
            loose = [u for u in here if u not in group_of]
            rng.shuffle(loose)
            for k, uid in enumerate(loose):
                tables.setdefault((occ.id, "t", k // tm.PARAMS["table"]), []).append(uid)
            for uid in here:
                if uid in group_of:
                    tables.setdefault((occ.id, "g", group_of[uid]), []).append(uid)
            for key, table in tables.items():
                for uid in table:
                    attendance.append((key, uid, week))
                for a in table:
                    for b in table:
                        if a < b:
                            p = (a, b)
                            hours[p] = hours.get(p, 0.0) + length
                if key[1] == "t":
                    for a in table:
                        for b in table:
                            if a != b:
                                answers.append((a, b, tm.meet_again(rng, tm.similarity(res_of[a], res_of[b]),
                                                                    met_n.get(cx.pair(a, b), 0)), week))
        close_finished_groups(s, settings, now=now)
        for gid, members in members_of.items():
            for uid in members:
                others = [o for o in members if o != uid]
                again = {}
                if came.get(uid):
                    for o in others:
                        if came.get(o):
                            again[o] = tm.meet_again(rng, tm.similarity(res_of[uid], res_of[o]),
                                                     met_n.get(cx.pair(uid, o), 0))
                            answers.append((uid, o, again[o], week))
                try:
                    save_feedback(s, gid, users_by[uid], attended=bool(came.get(uid)), meet_again=again,
                                  now=now + timedelta(minutes=1))
                except (GroupError, LookupError):
                    pass

    users_by = {u.id: u for u in users}
    ties_now: set = set()
    timings = {"recommend": 0.0, "match": 0.0, "week": 0.0}
    for week in range(weeks + 1):
        t0 = time.perf_counter()
        now = start + timedelta(weeks=week)
        with db.unit_of_work() as s:
            for u in users:
                users_by[u.id] = s.merge(u, load=False)
            if week > 0:
                before = len(attendance)
                finish(s, week - 1, now, ties_now)
                _count_meetings(attendance[before:], met_n)
                ties_now = cx.recurring_ties(attendance, answers)
                met_week = {uid for _, uid, _ in attendance[before:]}
                for uid in uid_of:
                    if rng.random() < tm.PARAMS["answer_rate"]:
                        tie_hours = [hours.get(p, 0.0) for p in ties_now if uid in p]
                        score = tm.latent_score(res_of[uid], tie_hours, uid in met_week)
                        items = tm.checkin_items(rng, score)
                        record_checkin(s, users_by[uid], companionship=items[0], left_out=items[1],
                                       isolated=items[2], now=now + timedelta(minutes=2))
                        checkins.append((week - 1, uid, sum(items)))
        if week == weeks:
            break
        with db.unit_of_work() as s:
            for u in users:
                users_by[u.id] = s.merge(u, load=False)
            t1 = time.perf_counter()
            refresh_recommendations(s, now=now + timedelta(minutes=5))
            for uid in uid_of:
                recs = recommendations_for(s, uid, now=now + timedelta(minutes=5))
                if not recs:
                    continue
                occ = s.get(Occurrence, recs[0].occurrence_id)
                if occ.starts_at >= now + timedelta(days=7) or not tm.wants_event(rng, res_of[uid], occ.event.tags):
                    continue
                try:
                    sign_up(s, settings, occ.id, users_by[uid], now=now + timedelta(minutes=6))
                    counts["signups"] += 1
                except EventError:
                    pass
            timings["recommend"] += time.perf_counter() - t1
        if arm in GROUP_ARMS:
            t1 = time.perf_counter()
            with db.unit_of_work() as s:
                dates = s.scalars(select(Occurrence).where(
                    Occurrence.starts_at >= now + timedelta(days=1), Occurrence.starts_at < now + timedelta(days=7))
                    .order_by(Occurrence.starts_at, Occurrence.id)).all()
                moment = now + timedelta(minutes=10)
                with _no_standing(arm == "no standing groups"):
                    for occ in dates:
                        if arm == "random groups":
                            _random_groups(s, settings, occ, moment, rng, _offer_group_of, eligible, MATCH_SIZE)
                        else:
                            run_matching(s, settings, occ.id, seed=occ.id, now=moment)
                timings["match"] += time.perf_counter() - t1
                for _ in range(3):  # declines refill groups: answer the new offers too
                    seats = [(g, seat) for g in s.scalars(select(Group).where(
                        Group.occurrence_id.in_([o.id for o in dates]), Group.status == GroupStatus.PROPOSED))
                        for seat in g.seats if seat.status == SeatStatus.OFFERED]
                    if not seats:
                        break
                    for g, seat in seats:
                        if seat.status != SeatStatus.OFFERED or g.status not in (GroupStatus.PROPOSED,
                                                                                  GroupStatus.CONFIRMED):
                            continue
                        uid = seat.user_id
                        offered.add(uid)
                        counts["offers"] += 1
                        others = [x.user_id for x in g.seats if x.user_id != uid and x.status in
                                  (SeatStatus.OFFERED, SeatStatus.ACCEPTED)]
                        yes = tm.accepts(rng, fit_of(uid, others), km_of(uid, s.get(Occurrence, g.occurrence_id)))
                        try:
                            respond(s, settings, g.id, users_by[uid], accept=yes, now=moment + timedelta(minutes=10))
                        except (GroupError, LookupError):
                            continue
                        if yes:
                            placed.add(uid)
                            counts["accepted"] += 1
        timings["week"] += time.perf_counter() - t0
    with db.unit_of_work(writer=False) as s:
        from store.groups.reasons import group_compatibility
        from store.profiles.blocks import profile_blocks

        groups = [{"members": sorted(m.user_id for m in g.seats), "continues": g.continues_id is not None,
                   "status": g.status.value, "reason": g.reason} for g in s.scalars(select(Group).order_by(Group.id))]
        for g in groups:
            g["compat"] = round(group_compatibility(profile_blocks(s, g["members"]), g["members"]), 4)
    for g in groups:
        m = g["members"]
        g["fit"] = round(statistics.fmean(tm.similarity(res_of[a], res_of[b]) for a in m for b in m if a < b), 4)
    counts["groups"] = len(groups)
    counts["continued"] = sum(g["continues"] for g in groups)
    db.dispose()
    tmp.cleanup()
    return {"arm": arm, "seed": seed, "residents": residents, "weeks": weeks, "people": uid_of,
            "attendance": attendance, "answers": answers, "checkins": checkins, "placed": sorted(placed),
            "offered": sorted(offered), "groups": groups,
            "start_ties": {uid_of[r.index]: len(r.start_ties) for r in people},
            "hood": {uid_of[r.index]: r.hood for r in people},
            "cluster": {uid_of[r.index]: _cluster(r) for r in people},
            "counts": counts, "seconds": round(time.perf_counter() - began, 1),
            "timings": {k: round(v, 1) for k, v in timings.items()}}


def _cluster(res) -> str | None:
    from store.insight.connectedness import interest_cluster

    return interest_cluster(res.profile["interests"])


def _count_meetings(rows, met_n):
    by: dict = {}
    for key, uid, _ in rows:
        by.setdefault(key, []).append(uid)
    for table in by.values():
        for a in table:
            for b in table:
                if a < b:
                    met_n[(a, b)] = met_n.get((a, b), 0) + 1


def _random_groups(s, settings, occ, now, rng, offer, eligible, size):
    """Lunch roulette: the date's candidates, shuffled, cut into groups of the deployed size."""
    cands = eligible(s, occ, now, occ.id)
    rng.shuffle(cands)
    lo, hi = size
    n_groups = len(cands) // lo
    if n_groups == 0:
        return 0
    per = min(hi, max(lo, math.ceil(len(cands) / n_groups)))
    made = 0
    for k in range(0, len(cands), per):
        chunk = cands[k:k + per]
        if len(chunk) < lo:
            break
        if offer(s, settings, occ, [c.user_id for c in chunk], run_id=None, size=size, now=now, score=0.0,
                 reason="Chosen at random.", farthest_km=max(c.km_to_venue for c in chunk)):
            made += 1
    return made


def _one(job):
    arm, residents, weeks, seed = job
    raw = simulate(arm, residents=residents, weeks=weeks, seed=seed)
    return {"arm": arm, "seed": seed, "seconds": raw["seconds"], "timings": raw["timings"],
            "counts": raw["counts"], **measures(raw)}


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--arms", default=",".join(ARMS))
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    arms = [a.strip() for a in args.arms.split(",") if a.strip()]
    jobs = [(a, args.residents, args.weeks, s) for s in range(1, args.seeds + 1) for a in arms]
    began = time.perf_counter()
    if args.workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(args.workers) as pool:
            runs = list(pool.map(_one, jobs))
    else:
        runs = [_one(j) for j in jobs]
    rows = summarise(runs)
    columns = ["arm", "seeds", *FIGURES, "seconds"]
    args.out.mkdir(parents=True, exist_ok=True)
    report("connectedness", rows, columns=columns, out_dir=args.out,
           meta={"residents": args.residents, "weeks": args.weeks, "seeds": args.seeds, "workers": args.workers,
                 "wall_seconds": round(time.perf_counter() - began, 1), "model": "bench.town_model",
                 "params": tm.PARAMS, "runs": runs})
    svg_chart(rows, args.out / "connectedness.svg")
    return rows


if __name__ == "__main__":
    main()
