"""Soak test: wrk for minutes against gunicorn on PostgreSQL while matching and the outbox work.

Run: ``.venv/bin/python -m bench.soak`` (needs PostgreSQL on 127.0.0.1 and ``wrk``; five minutes
by default, ``--seconds 20`` for a smoke run). It builds its own database (``hearth_soak``), fills
it with the demo town, serves Hearth with gunicorn on loopback next to a real ``jobs.worker``,
queues a matching run for every centre (at the start and halfway) and runs the outbox job every
five seconds (in its own thread: queued, it would wait behind the matching backlog), and all the
while drives a mix of public pages and a logged-in resident's pages (a wrk Lua script carrying
the session cookie). It reports requests, errors (non-2xx/3xx, socket errors, and logged-in pages
sent to the log-in page; target 0), latency percentiles, what the background work got done, and
each gunicorn worker's memory after warm-up and at the end (target: flat). One table is printed
and written to ``bench/results/soak.json``. All traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time as clock
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from bench.events_load import ROOT, _free_port, _fresh_database, _login_cookie, _pg_version, _wait, parse_wrk
from bench.report import report

__all__ = ["main", "lua_script", "worker_pids", "rss_mb", "parse_lua_counts"]

#: A worker's memory may grow this much from after warm-up to the end and still count as flat.
FLAT_GROWTH = 0.10

PUBLIC = ("/", "/events/", "/events/?kind=meal&sort=soonest", "/events/{event}", "/login", "/static/css/hearth.css")
SIGNED_IN = ("/", "/events/?within=5&sort=nearest", "/messages", "/groups/", "/profile/", "/account", "/events/mine")

_LUA = """
-- Hearth soak: public and logged-in pages in turn; counts logged-in pages that lost their session.
local public = %(public)s
local signed_in = %(signed_in)s
local cookie = %(cookie)s
local threads = {}
local n = 0
logged_out = 0  -- a global, so that done() can read each thread's count

function setup(thread)
  table.insert(threads, thread)
end

function request()
  n = n + 1
  if n %% 2 == 0 then
    return wrk.format("GET", signed_in[(n / 2) %% #signed_in + 1], {["Cookie"] = cookie})
  end
  return wrk.format("GET", public[((n - 1) / 2) %% #public + 1])
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  if status == 302 and string.find(location, "/login", 1, true) then
    logged_out = logged_out + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get("logged_out") or 0)
  end
  io.write(string.format("hearth logged_out: %%d\\n", total))
end
"""


def _lua_list(items) -> str:
    return "{" + ", ".join(json.dumps(i) for i in items) + "}"


def lua_script(public: list[str], signed_in: list[str], cookie: str) -> str:
    """The wrk script: alternates a public page and a logged-in one (with ``cookie``)."""
    return _LUA % {"public": _lua_list(public), "signed_in": _lua_list(signed_in), "cookie": json.dumps(cookie)}


def parse_lua_counts(text: str) -> dict:
    """The counters the Lua script prints when wrk is done."""
    match = re.search(r"hearth logged_out: (\d+)", text)
    return {"logged_out": int(match.group(1)) if match else None}


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: the master's child processes, from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == master:
            pids.append(int(entry.name))
    return sorted(pids)


def rss_mb(pid: int) -> float | None:
    """Resident memory of ``pid`` in MB (``None`` once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _seed(url: str, residents: int) -> dict:
    """Migrate and build the demo town: centres, residents with profiles, a programme, history."""
    from sqlalchemy import select

    from config import load_settings
    from store.core.db import Database
    from store.core.migrate import upgrade
    from store.demo.town import build_demo_town
    from store.events.models import Event

    started = clock.perf_counter()
    db = Database(url)
    upgrade(db.engine)
    settings = load_settings(override={"database_url": url, "env": "development"}, environ={})
    with db.unit_of_work() as session:
        result = build_demo_town(session, settings, residents=residents)
        login = next(item for item in result.logins if item.role == "resident")
    with db.unit_of_work(writer=False) as session:
        event_id = session.scalar(select(Event.id).order_by(Event.id))
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    db.dispose()
    return {"residents": residents, "seed_seconds": round(clock.perf_counter() - started, 1),
            "login": (login.email, login.password), "event_id": event_id}


def _background_counts(url: str) -> dict:
    """What the background work has done so far: matching runs, groups, messages."""
    from sqlalchemy import func, select

    from store.core.db import Database
    from store.core.models import JobRun, RunStatus
    from store.groups.models import Group
    from store.messages.models import Message

    db = Database(url)
    try:
        with db.unit_of_work(writer=False) as session:
            return {
                "runs_finished": session.scalar(select(func.count(JobRun.id)).where(
                    JobRun.status == RunStatus.SUCCEEDED)) or 0,
                "runs_failed": session.scalar(select(func.count(JobRun.id)).where(
                    JobRun.status == RunStatus.FAILED)) or 0,
                "groups": session.scalar(select(func.count(Group.id))) or 0,
                "delivered": session.scalar(select(func.count(Message.id)).where(
                    Message.delivered_at.is_not(None))) or 0,
                "pending": session.scalar(select(func.count(Message.id)).where(Message.delivered_at.is_(None))) or 0,
            }
    finally:
        db.dispose()


class _Background(threading.Thread):
    """The background work during the run: matching queued for the job worker at the start and
    halfway, and the outbox job run every few seconds here (queued, it would wait behind the
    matching backlog); samples every process's memory as it goes."""

    def __init__(self, env: dict, seconds: int, pids: list[int]):
        super().__init__(daemon=True)
        self.env, self.seconds, self.pids = env, seconds, pids
        self.stop = threading.Event()
        self.peak: dict[int, float] = {}
        self.enqueued = {"plan_matching": 0, "deliver_outbox (run here)": 0}
        self.error: str | None = None

    def run(self) -> None:
        from config import load_settings
        from jobs.queue import Queue
        from jobs.tasks import deliver_outbox
        from store.core.db import Database

        try:
            settings = load_settings(environ=self.env)
            database = Database(settings.database_url)
            queue = Queue(settings, database)
            started = clock.monotonic()
            halfway_done = False
            self._enqueue(queue, "plan_matching")
            while not self.stop.wait(5.0):
                deliver_outbox(queue.context)
                self.enqueued["deliver_outbox (run here)"] += 1
                if not halfway_done and clock.monotonic() - started >= self.seconds / 2:
                    self._enqueue(queue, "plan_matching")
                    halfway_done = True
                self._sample()
            database.dispose()
        except Exception as exc:  # reported in the table: the soak must say if its background broke
            self.error = f"{type(exc).__name__}: {exc}"

    def _enqueue(self, queue, name: str) -> None:
        queue.enqueue(name)
        self.enqueued[name] += 1

    def _sample(self) -> None:
        for pid in self.pids:
            value = rss_mb(pid)
            if value is not None:
                self.peak[pid] = max(self.peak.get(pid, 0.0), value)


def _warm(base: str, paths: list[str], cookie: str | None, times: int) -> None:
    for path in paths:
        for _ in range(times):
            request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
            urllib.request.urlopen(request, timeout=30).read()


def _run_wrk(base: str, script: Path, args) -> tuple[dict, dict, str]:
    command = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{args.seconds}s", "--latency",
               "--timeout", "10s", "-s", str(script), base + "/"]
    result = subprocess.run(command, check=True, capture_output=True, text=True, timeout=args.seconds + 60)
    return parse_wrk(result.stdout), parse_lua_counts(result.stdout), result.stdout


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="PostgreSQL's host (the web traffic is always loopback)")
    parser.add_argument("--database", default="hearth_soak")
    parser.add_argument("--residents", type=int, default=300, help="people in the demo town")
    parser.add_argument("--seconds", type=int, default=300, help="how long wrk drives the server")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (one per core)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--queue-url", default="", help="the job queue; empty means SQLite in a temporary folder")
    parser.add_argument("--reuse", action="store_true", help="keep the database a previous run built")
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 3600:
        parser.error("--seconds takes from 1 to 3600")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    if args.reuse:
        url = f"postgresql+psycopg://postgres@{args.host}:5432/{args.database}"
        data = _reused(url)
    else:
        url = _fresh_database(args.host, args.database)
        data = _seed(url, args.residents)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    instance = tempfile.mkdtemp(prefix="hearth-soak-")
    env = {**os.environ, "DATABASE_URL": url, "HEARTH_INSTANCE_PATH": instance, "HEARTH_LOG_LEVEL": "warning",
           "HEARTH_BASE_URL": base, "HEARTH_QUEUE_URL": args.queue_url, "HEARTH_ENV": "development",
           "HEARTH_SERVICE_AREA": "", "HEARTH_SMTP_HOST": ""}
    gunicorn = [str(Path(sys.executable).with_name("gunicorn")), "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                "-k", "gthread", "--threads", str(args.threads), "--log-level", "warning", "web:create_app()"]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    worker = subprocess.Popen([sys.executable, "-m", "jobs.worker", "--workers", "2"], cwd=ROOT, env=env)
    load_before = os.getloadavg()[0]
    try:
        _wait(base + "/")
        email, password = data["login"]
        cookie = _login_cookie(base, email, password)
        public = [p.format(event=data["event_id"]) for p in PUBLIC]
        _warm(base, public, None, args.workers * 3)
        _warm(base, list(SIGNED_IN), cookie, args.workers * 3)
        pids = worker_pids(server.pid)
        if len(pids) != args.workers:
            raise SystemExit(f"expected {args.workers} gunicorn workers, found {len(pids)}")
        start_rss = {pid: rss_mb(pid) for pid in pids + [worker.pid]}
        before = _background_counts(url)
        script = Path(instance) / "soak.lua"
        script.write_text(lua_script(public, list(SIGNED_IN), cookie))
        background = _Background(env, args.seconds, pids + [worker.pid])
        background.start()
        traffic, lua, raw = _run_wrk(base, script, args)
        background.stop.set()
        background.join(timeout=30)
        end_rss = {pid: rss_mb(pid) for pid in pids + [worker.pid]}
        after = _background_counts(url)
        alive = server.poll() is None and worker.poll() is None and sorted(worker_pids(server.pid)) == pids
    finally:
        _stop(server)
        _stop(worker)
        shutil.rmtree(instance, ignore_errors=True)

    rows, met = _rows(traffic, lua, pids, worker.pid, start_rss, end_rss, background, before, after, alive)
    meta = {
        **{k: v for k, v in data.items() if k not in ("login", "event_id")},
        "seconds": args.seconds,
        "database": "PostgreSQL " + _pg_version(args.host),
        "gunicorn": f"{args.workers} gthread workers x {args.threads} threads",
        "wrk": f"{args.wrk_threads} threads, {args.connections} connections, {args.seconds} s, Lua mix of "
               f"{len(PUBLIC)} public and {len(SIGNED_IN)} logged-in pages",
        "queue": args.queue_url or "SQLite (temporary folder)",
        "cpus": os.cpu_count(),
        "load_average_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "targets": {"errors": 0, "memory": f"each worker grows < {FLAT_GROWTH:.0%} from after warm-up to the end"},
        "targets_met": met,
        "background_jobs": background.enqueued,
        "background_error": background.error,
        "wrk_output": raw,
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    report("soak", rows, columns=["measure", "value", "target", "met"], meta=meta)
    print("soak: targets", "met" if met else "NOT met", "(0 errors, flat worker memory, everything still running)")
    return 0


def _reused(url: str) -> dict:
    from sqlalchemy import select

    from store.core.db import Database
    from store.demo.town import DEMO_DOMAIN, DEMO_PASSWORD
    from store.events.models import Event

    db = Database(url)
    with db.unit_of_work(writer=False) as session:
        event_id = session.scalar(select(Event.id).order_by(Event.id))
    db.dispose()
    return {"reused": True, "login": (f"resident@{DEMO_DOMAIN}", DEMO_PASSWORD), "event_id": event_id}


def _rows(traffic, lua, pids, job_pid, start_rss, end_rss, background, before, after, alive):
    logged_out = lua["logged_out"]
    errors = traffic["errors"] + (logged_out or 0)
    rows = [
        {"measure": "requests", "value": traffic["requests"], "target": "", "met": ""},
        {"measure": "requests per second", "value": round(traffic["rps"], 1), "target": "", "met": ""},
        {"measure": "errors (non-2xx/3xx, socket)", "value": traffic["errors"], "target": "0",
         "met": _yes(traffic["errors"] == 0)},
        {"measure": "logged-in pages sent to log in", "value": "?" if logged_out is None else logged_out,
         "target": "0", "met": _yes(logged_out == 0)},
        {"measure": "p50 ms", "value": round(traffic["p50_ms"], 1), "target": "", "met": ""},
        {"measure": "p90 ms", "value": round(traffic["p90_ms"], 1), "target": "", "met": ""},
        {"measure": "p99 ms", "value": round(traffic["p99_ms"], 1), "target": "", "met": ""},
    ]
    flat = True
    for number, pid in enumerate(pids + [job_pid], start=1):
        label = f"gunicorn worker {number} RSS MB" if pid != job_pid else "job worker RSS MB"
        start, end, peak = start_rss.get(pid), end_rss.get(pid), background.peak.get(pid)
        if start is None or end is None:
            rows.append({"measure": label, "value": "process gone", "target": "flat", "met": "no"})
            flat = False
            continue
        growth = (end - start) / start
        web_worker = pid != job_pid  # the job worker's memory follows the work it is given: shown, not judged
        ok = growth < FLAT_GROWTH
        flat = flat and (ok or not web_worker)
        rows.append({"measure": label, "value": f"{start:.1f} -> {end:.1f} ({growth:+.1%}, peak {peak or end:.1f})",
                     "target": f"< +{FLAT_GROWTH:.0%}" if web_worker else "", "met": _yes(ok) if web_worker else ""})
    done = {k: after[k] - before[k] for k in ("runs_finished", "runs_failed", "groups", "delivered")}
    rows += [
        {"measure": "background: job runs finished", "value": done["runs_finished"], "target": "> 0",
         "met": _yes(done["runs_finished"] > 0)},
        {"measure": "background: job runs failed", "value": done["runs_failed"], "target": "0",
         "met": _yes(done["runs_failed"] == 0)},
        {"measure": "background: groups formed", "value": done["groups"], "target": "", "met": ""},
        {"measure": "background: messages delivered", "value": done["delivered"], "target": "", "met": ""},
        {"measure": "outbox still pending at the end", "value": after["pending"], "target": "", "met": ""},
        {"measure": "server and job worker still running", "value": _yes(alive), "target": "yes",
         "met": _yes(alive)},
    ]
    met = (errors == 0 and logged_out is not None and flat and alive and background.error is None
           and done["runs_finished"] > 0 and done["runs_failed"] == 0)
    return rows, met


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


if __name__ == "__main__":
    raise SystemExit(main())
