"""Load test of the pages people open most: gunicorn on PostgreSQL, 10,000 upcoming events, 5,000 residents, wrk.

Run: ``.venv/bin/python -m bench.events_load`` (needs PostgreSQL on 127.0.0.1 and ``wrk``). It
builds a separate database (``hearth_bench`` by default, never the tests' one): the events, and
(``bench.load_town``) twelve weeks of groups that met, groups offered now, ties, check-ins and an
organiser. It serves Hearth with gunicorn on loopback and drives each URL with wrk for a bounded
time, beside a trivial page served by the same workers in the same run: the logged-in home page,
a group page, the organiser's centre overview and four event searches, first with the caches on
(event listings kept 10 s) and then off (every request reads the database).
After each pass a resident says yes to their group and opens their home and group pages at once,
four times each on new connections: a page that does not show their answer is counted as an
error (their own change is never served stale). One table is printed and written to
``bench/results/events_load.json``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time as clock
import urllib.parse
import urllib.request
from datetime import datetime, time, timedelta, timezone
from http.cookiejar import CookieJar
from pathlib import Path

from bench.load_town import ORGANISER_EMAIL, seed_groups
from bench.report import report

__all__ = ["main", "seed", "run_wrk", "parse_wrk"]

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench passphrase for wrk"
LEEDS = (53.7965, -1.5478)


def _psql(admin_url: str, sql: str) -> None:
    subprocess.run(["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


def _fresh_database(host: str, name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in ("test", "postgres", "hearth"):
        raise SystemExit(f"refusing to use database {name!r} for the benchmark")
    admin = f"postgresql://postgres@{host}:5432/postgres"
    _psql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _psql(admin, f"CREATE DATABASE {name}")
    return f"postgresql+psycopg://postgres@{host}:5432/{name}"


def seed(url: str, *, events: int, residents: int, seed_value: int = 5) -> dict:
    """Migrate and fill the database: centres around Leeds, upcoming events, residents with homes."""
    from sqlalchemy import insert

    from store.accounts.models import Role, User
    from store.accounts.operations import hash_password
    from store.centres.operations import create_centre
    from store.core.db import Database, utcnow
    from store.core.migrate import upgrade
    from store.demo.town import jitter
    from store.events.models import Event, Occurrence, SignUp, SignupStatus, event_tags
    from store.events.times import local_datetime
    from store.places.points import coarsen
    from store.profiles.models import Profile
    from store.profiles.taxonomy import DIETARY, INTEREST_TAGS

    rng = random.Random(seed_value)
    db = Database(url)
    upgrade(db.engine)
    started = clock.perf_counter()
    now = utcnow()
    with db.unit_of_work() as session:
        centres = [create_centre(session, name=f"Bench Centre {i}", address=f"{i} Bench Road, Leeds",
                                 lat=(p := jitter(rng, *LEEDS, 8.0))[0], lon=p[1], timezone="Europe/London")
                   for i in range(60)]
        hashed = hash_password(PASSWORD)
        users = [{"email": f"resident{i:05d}@example.org", "display_name": f"Resident {i}", "password_hash": hashed,
                  "role": Role.RESIDENT, "is_active": True, "email_confirmed_at": now, "created_at": now}
                 for i in range(residents)]
        user_ids = list(session.scalars(insert(User).returning(User.id), users))
        homes = []
        for user_id in user_ids:
            lat, lon = coarsen(*jitter(rng, *LEEDS, 9.0))
            homes.append({"user_id": user_id, "home_lat": lat, "home_lon": lon, "home_precision_m": 500})
        session.execute(insert(Profile), homes)

        rows, points = [], []
        kinds = ("meal", "event", "exercise")
        for i in range(events):
            centre = rng.choice(centres)
            day = (now + timedelta(days=rng.randint(1, 60))).date()
            hour = rng.choice((10, 11, 12, 14, 17, 18, 19))
            rows.append({
                "centre_id": centre.id, "title": f"Bench event {i}", "description": "A friendly get-together.",
                "kind": rng.choice(kinds), "timezone": "Europe/London", "start_date": day,
                "start_time": time(hour, 0), "end_time": time(hour + 2, 0), "recurrence": "none",
                "skipped_dates": [], "capacity": rng.choice((8, 12, 20, 30)), "step_free": rng.random() < 0.6,
                "hearing_loop": rng.random() < 0.3, "quiet": rng.random() < 0.3,
                "dietary": rng.sample([k for k, _ in DIETARY], 2), "language": "en", "cost_note": "Free",
                "revision": 0, "created_at": now, "updated_at": now,
            })
            points.append((centre.lat, centre.lon))
        event_ids = list(session.scalars(insert(Event).returning(Event.id), rows))
        occurrences = [
            {"event_id": eid, "local_date": row["start_date"],
             "starts_at": local_datetime(row["start_date"], row["start_time"], "Europe/London"),
             "ends_at": local_datetime(row["start_date"], row["end_time"], "Europe/London"), "lat": lat, "lon": lon}
            for eid, row, (lat, lon) in zip(event_ids, rows, points)
        ]
        occurrence_ids = list(session.scalars(insert(Occurrence).returning(Occurrence.id), occurrences))
        session.execute(insert(event_tags), [{"event_id": eid, "tag": t} for eid in event_ids
                                              for t in rng.sample(INTEREST_TAGS, 3)])
        pairs = {(rng.choice(occurrence_ids), rng.choice(user_ids)) for _ in range(events * 3)}
        session.execute(insert(SignUp), [{"occurrence_id": o, "user_id": u, "status": SignupStatus.CONFIRMED,
                                          "created_at": now, "confirmed_at": now} for o, u in pairs])
        town = seed_groups(session, centres=centres, user_ids=user_ids, now=now, password_hash=hashed, rng=rng)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    db.dispose()
    return {"events": events, "residents": residents, "centres": 60, "signups": len(pairs),
            **town, "seed_seconds": round(clock.perf_counter() - started, 1), "login": users[0]["email"]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, timeout: float = 60.0) -> None:
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            clock.sleep(0.3)
    raise SystemExit(f"the server at {url} did not answer within {timeout:.0f} s")


def _login_cookie(base: str, email: str, password: str = PASSWORD) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    welcome = opener.open(base + "/login", data=data).read().decode()
    cookies = {c.name: c.value for c in jar}
    if "hearth_session" not in cookies or "Welcome back" not in welcome:
        raise SystemExit("could not log in the benchmark resident")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def parse_wrk(text: str) -> dict:
    """Requests per second, latency percentiles (ms) and errors from ``wrk --latency`` output."""
    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
        return float(number) * _UNITS[unit]

    out = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
    for pct in ("50", "75", "90", "99"):
        out[f"p{pct}_ms"] = ms(re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", text, re.M).group(1))
    out["requests"] = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["errors"] = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, errors.groups())) if errors else 0)
    return out


def run_wrk(url: str, *, seconds: int, connections: int, threads: int, cookie: str | None = None) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(command + [url], check=True, capture_output=True, text=True,
                            timeout=seconds + 30)
    return parse_wrk(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--database", default="hearth_bench")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--residents", type=int, default=5_000)
    parser.add_argument("--seconds", type=int, default=15, help="wrk duration per URL")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (one per core)")
    parser.add_argument("--worker-class", default="gthread",
                        help="gunicorn worker class; gthread keeps connections alive, sync closes each one")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument("--reuse", action="store_true", help="keep the database a previous run built")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    if args.reuse:
        url = f"postgresql+psycopg://postgres@{args.host}:5432/{args.database}"
        data = {"events": args.events, "residents": args.residents, "reused": True, "login": "resident00000@example.org"}
    else:
        url = _fresh_database(args.host, args.database)
        data = seed(url, events=args.events, residents=args.residents)
    load_before = os.getloadavg()[0]
    rows = []
    for cache_seconds in (10, 0):
        rows += _measure(args, url, data["login"], cache_seconds)

    def met(cache: str) -> bool:
        here = [r for r in rows if r["caches"] == cache and not r["url"].startswith("trivial")]
        return all(r["errors"] == 0 and (r["req/s"] is None or (r["req/s"] >= 300 and r["p99 ms"] < 100))
                   for r in here)
    meta = {
        **{k: v for k, v in data.items() if k != "login"},
        "database": "PostgreSQL " + _pg_version(args.host),
        "gunicorn": f"{args.workers} {args.worker_class} workers x {args.threads} threads",
        "wrk": f"{min(2, args.connections)} threads, {args.connections} connections, {args.seconds} s per URL",
        "cpus": os.cpu_count(),
        "load_average_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "target": ">= 300 req/s and p99 < 100 ms for every page, no errors, and a resident's own change seen at once",
        "caches": "on: event listings kept 10 s (never what the reader changed since); off: none",
        "target_met_with_caches": met("on"),
        "target_met_without_cache": met("off"),
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    report("events_load", rows, meta=meta)
    for cache in ("on", "off"):
        print(f"caches {cache}: target", "met" if met(cache) else "NOT met", "(>= 300 req/s, p99 < 100 ms, no errors)")
    return 0


def bench_app():
    """The app gunicorn serves: the normal factory, with the caches set by the benchmark."""
    from web import create_app

    app = create_app()
    seconds = float(os.environ.get("HEARTH_BENCH_LIST_CACHE", "10"))
    app.config["EVENTS_LIST_CACHE_SECONDS"] = seconds
    app.config["FRESH_CACHE"] = seconds > 0  # web.fresh: kept only while nothing was committed since
    return app


def _measure(args, url: str, login: str, cache_seconds: float) -> list[dict]:
    """Serve with gunicorn and drive each URL with wrk; one row per URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    instance = tempfile.mkdtemp(prefix="hearth-bench-")
    env = {**os.environ, "DATABASE_URL": url, "HEARTH_INSTANCE_PATH": instance, "HEARTH_LOG_LEVEL": "warning",
           "HEARTH_BASE_URL": base, "HEARTH_QUEUE_URL": "immediate://", "HEARTH_ENV": "development",
           "HEARTH_SERVICE_AREA": "", "HEARTH_BENCH_LIST_CACHE": str(cache_seconds)}
    gunicorn = [str(Path(sys.executable).with_name("gunicorn")), "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                "-k", args.worker_class, "--threads", str(args.threads), "--log-level", "warning",
                "bench.events_load:bench_app()"]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    rows = []
    try:
        _wait(base + "/")
        cookie = _login_cookie(base, login)
        organiser = _login_cookie(base, ORGANISER_EMAIL)
        facts = _town_facts(url)
        targets = [
            ("trivial page (welcome, no database)", "/", None),
            ("home, logged in", "/", cookie),
            ("a group page", f"/groups/{facts['resident_group']}", cookie),
            ("organiser's centre overview", f"/organiser/centres/{facts['organiser_centre']}/", organiser),
            ("search: soonest, first page", "/events/", None),
            ("search: kind + topic + step-free", "/events/?kind=meal&kind=event&tags=cooking&tags=board_games"
                                                 "&access=step_free", None),
            ("search: nearest within 5 km (logged in)", "/events/?within=5&sort=nearest", cookie),
            ("search: page 5, within 10 km (logged in)", "/events/?within=10&page=5", cookie),
        ]
        for _, path, c in targets:  # warm every worker's caches and connections
            for _ in range(args.workers * 3):
                request = urllib.request.Request(base + path, headers={"Cookie": c} if c else {})
                urllib.request.urlopen(request, timeout=10).read()
        baseline = None
        for label, path, c in targets:
            result = run_wrk(base + path, seconds=args.seconds, connections=args.connections,
                             threads=min(2, args.connections), cookie=c)
            baseline = baseline or result["rps"]
            rows.append({"url": label, "caches": "on" if cache_seconds else "off",
                         "req/s": round(result["rps"], 1), "vs trivial": round(result["rps"] / baseline, 2),
                         "p50 ms": round(result["p50_ms"], 1), "p90 ms": round(result["p90_ms"], 1),
                         "p99 ms": round(result["p99_ms"], 1), "errors": result["errors"],
                         "requests": result["requests"]})
        rows.append(_own_change_row(base, cookie, facts, cache_seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(instance, ignore_errors=True)
    return rows


def _town_facts(url: str) -> dict:
    """The organiser's centre and an upcoming group of the benchmark resident's, from the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as c:
        centre = c.execute(text("SELECT cm.centre_id FROM organiser_memberships cm JOIN users u ON u.id = cm.user_id "
                                "WHERE u.email = :e"), {"e": ORGANISER_EMAIL}).scalar()
        group = c.execute(text("SELECT gm.group_id FROM group_members gm JOIN groups g ON g.id = gm.group_id "
                               "JOIN users u ON u.id = gm.user_id WHERE u.email = 'resident00000@example.org' "
                               "AND g.status != 'met' ORDER BY gm.group_id LIMIT 1")).scalar()
    with engine.begin() as c:  # the resident's answer starts open again, however the last run left it
        c.execute(text("UPDATE group_members SET status = 'offered', responded_at = NULL WHERE group_id = :g "
                       "AND user_id = (SELECT id FROM users WHERE email = 'resident00000@example.org')"), {"g": group})
    engine.dispose()
    return {"organiser_centre": centre, "resident_group": group}


def _own_change_row(base: str, cookie: str, facts: dict, cache_seconds: float) -> dict:
    """A resident says yes to the group they were offered and at once opens their home and group
    pages, four times each on new connections (so on either worker): every one must show it."""
    group = f"{base}/groups/{facts['resident_group']}"

    def on_home() -> bool:  # the home page's line for this group (it lists the resident's others too)
        page = _get(base + "/", cookie)
        at = page.find(f'/groups/{facts["resident_group"]}"')
        return at >= 0 and "you said yes" in page[at:page.find("</li>", at)].lower()

    checks = []
    page = _get(group, cookie)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if token is not None and "you said yes" not in page.lower() and not on_home():
        _post(f"{group}/accept", cookie, {"csrf_token": token.group(1)})
        checks = [on_home() for _ in range(4)]
        checks += ["you said yes" in _get(group, cookie).lower() for _ in range(4)]
    ok = bool(checks) and all(checks)
    return {"url": "own change seen at once (said yes, then home and group page)",
            "caches": "on" if cache_seconds else "off", "req/s": None,
            "vs trivial": None, "p50 ms": None, "p90 ms": None, "p99 ms": None,
            "errors": 0 if ok else 1, "requests": len(checks)}


def _get(url: str, cookie: str) -> str:
    return urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=10).read().decode()


def _post(url: str, cookie: str, fields: dict) -> None:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(),
                                     headers={"Cookie": cookie, "Referer": url})
    urllib.request.urlopen(request, timeout=10).read()


def _pg_version(host: str) -> str:
    try:
        out = subprocess.run(["psql", f"postgresql://postgres@{host}:5432/postgres", "-tAc", "SHOW server_version"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip()
    except OSError:
        return "?"


if __name__ == "__main__":
    raise SystemExit(main())
