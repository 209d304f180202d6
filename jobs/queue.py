"""The task queue: Huey on SQLite by default, on Redis when configured, immediate in tests."""

from __future__ import annotations

import logging
from pathlib import Path

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from config import Settings
from jobs.registry import JOBS
from jobs.runtime import JobContext
from jobs.schedule import SCHEDULE
from store.core.db import Database

__all__ = ["make_huey", "Queue"]

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


class Queue:
    """Every registered job bound to one Huey instance and one job context."""

    def __init__(self, settings: Settings, database: Database, huey: Huey | None = None):
        import jobs.tasks  # noqa: F401  (registers the jobs)

        self.huey = huey or make_huey(settings)
        self.context = JobContext(settings, database, self)
        self.tasks = {}
        for spec in JOBS.values():
            self.tasks[spec.name] = self.huey.task(
                retries=spec.retries, retry_delay=spec.retry_delay, retry_backoff=2, name=spec.name
            )(self._bind(spec.func))
        for item in SCHEDULE:
            spec = JOBS[item.job]
            self.huey.periodic_task(
                crontab(minute=item.minute, hour=item.hour, day_of_week=item.day_of_week),
                retries=spec.retries, retry_delay=spec.retry_delay, name=f"periodic:{item.job}",
            )(self._bind(spec.func))

    def _bind(self, func):
        context = self.context

        def run(*args, **kwargs):
            return func(context, *args, **kwargs)

        run.__name__ = func.__name__
        run.__module__ = func.__module__
        return run

    @property
    def immediate(self) -> bool:
        return bool(self.huey.immediate)

    def enqueue(self, name: str, *args, **kwargs):
        """Put the job ``name`` on the queue (in immediate mode, run it now)."""
        return self.tasks[name](*args, **kwargs)

    def consumer(self, workers: int = 2):
        return self.huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                         check_worker_health=True, initial_delay=0.1, max_delay=2.0)
