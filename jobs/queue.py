"""The task queue: Huey on SQLite by default, on Redis when configured, immediate in tests."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import RetryTask
from sqlalchemy.exc import SQLAlchemyError

from config import Settings
from jobs import tasks  # noqa: F401  (its imports register every job)
from jobs.consumer import DatabaseWatch, HearthConsumer
from jobs.registry import JOBS, JobCall, calling
from jobs.runtime import JobContext
from jobs.schedule import SCHEDULE
from store.core.db import Database

__all__ = ["make_huey", "Queue", "safe_queue_url"]

log = logging.getLogger(__name__)


def make_huey(settings: Settings, name: str = "hearth") -> Huey:
    """A Huey instance for ``settings.queue_url``: empty -> SQLite file in the instance folder,
    ``redis://...`` -> Redis, ``immediate://`` -> run each task at once, in the caller."""
    url = settings.queue_url
    if url.startswith(("redis://", "rediss://")):
        return RedisHuey(name, url=url, utc=True)
    if url.startswith("immediate://"):
        return MemoryHuey(name, immediate=True, utc=True)
    path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else str(Path(settings.instance_path) / "queue.db")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=path, utc=True)


def safe_queue_url(settings: Settings) -> str:
    """Where the queue lives, fit for a message (a Redis password hidden)."""
    url = settings.queue_url
    if not url:
        return str(Path(settings.instance_path) / "queue.db")
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


class Queue:
    """Every registered job bound to one Huey instance and one job context."""

    def __init__(self, settings: Settings, database: Database, huey: Huey | None = None):
        self.huey = huey or make_huey(settings)
        self.context = JobContext(settings, database, self)
        self.watch = DatabaseWatch(database)
        self.tasks = {}
        for spec in JOBS.values():
            self.tasks[spec.name] = self.huey.task(
                retries=spec.retries, retry_delay=spec.retry_delay, retry_backoff=2, name=spec.name
            )(self._bind(spec.name, spec.func))
        for item in SCHEDULE:
            spec = JOBS[item.job]
            self.huey.periodic_task(
                crontab(minute=item.minute, hour=item.hour, day_of_week=item.day_of_week),
                retries=spec.retries, retry_delay=spec.retry_delay, name=f"periodic:{item.job}",
            )(self._bind(spec.name, spec.func))

    def _bind(self, name: str, func):
        context = self.context
        queue = self

        def run(*args, **kwargs):
            with calling(JobCall(name, args, kwargs)):
                try:
                    return func(context, *args, **kwargs)
                except SQLAlchemyError:
                    if queue.immediate or not queue.watch.lost():
                        raise
                    # The database went away: put the task back untouched (its retries are not
                    # used up) and let the workers wait for the database.
                    raise RetryTask(delay=queue.watch.delay) from None

        run.__name__ = func.__name__
        run.__module__ = func.__module__
        return run

    @property
    def immediate(self) -> bool:
        return bool(self.huey.immediate)

    def enqueue(self, name: str, *args, **kwargs):
        """Put the job ``name`` on the queue (in immediate mode, run it now)."""
        return self.tasks[name](*args, **kwargs)

    def ping(self) -> str | None:
        """``None`` when the queue answers; otherwise a short reason."""
        if self.immediate:
            return None
        try:
            self.huey.pending_count()
        except Exception as exc:  # redis, sqlite3 and OS errors alike: the queue cannot be used
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            return (lines[0] if lines else type(exc).__name__)[:200]
        return None

    def consumer(self, workers: int = 2) -> HearthConsumer:
        return HearthConsumer(self.huey, self.watch, workers=workers, worker_type="thread", periodic=True,
                              check_worker_health=True, initial_delay=0.1, max_delay=2.0)
