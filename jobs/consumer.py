"""The queue consumer: Huey's, with workers that wait quietly while the database is away.

When the database stops answering, workers stop taking tasks (they stay safe in the queue),
one line is logged, and the database is tried again after 1, 2, 4 ... up to 60 seconds; when it
answers, one more line says so and the work carries on. The scheduler does not pile up
periodic tasks meanwhile. SIGINT and SIGTERM both stop it gracefully: the jobs in hand finish
first; a second signal stops at once, and those jobs are queued again when their leases lapse.
"""

from __future__ import annotations

import logging
import signal
import threading
import time

from huey.consumer import Consumer, Scheduler, Worker

from store.core.db import Database

__all__ = ["DatabaseWatch", "HearthConsumer"]

log = logging.getLogger("jobs.consumer")


class DatabaseWatch:
    """Whether the database answers, checked at most every ``recheck`` seconds while it does,
    and with a growing delay (``first`` doubling up to ``most``) while it does not."""

    def __init__(self, database: Database, *, first: float = 1.0, most: float = 60.0, recheck: float = 5.0):
        self.database = database
        self.first, self.most, self.recheck = first, most, recheck
        self.delay = first
        self.down = False
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def ready(self, stop_flag) -> bool:
        """True when tasks may be taken; otherwise waits the current delay (or until
        ``stop_flag`` is set) and returns False."""
        with self._lock:
            now = time.monotonic()
            if not self.down and now - self._checked < self.recheck:
                return True
            problem = self.database.ping()
            self._checked = time.monotonic()
            if problem is None:
                if self.down:
                    log.warning("The database answers again; background jobs carry on.")
                self.down, self.delay = False, self.first
                return True
            if not self.down:
                log.warning("The database is not answering (%s); background jobs wait for it, trying again "
                            "after 1 s, then less and less often (at most every %d s).", problem, self.most)
            self.down = True
            delay, self.delay = self.delay, min(self.delay * 2, self.most)
        stop_flag.wait(delay)
        return False

    def lost(self) -> bool:
        """Called when a task met a database error: True (and the watch goes to waiting) when
        the database really is away, False when it answers (the error was the task's own)."""
        with self._lock:
            if self.database.ping() is None:
                return False
            if not self.down:
                log.warning("The database stopped answering during a job; background jobs wait for it.")
            self.down = True
            self._checked = time.monotonic()
            return True


class _Worker(Worker):
    def __init__(self, *args, watch: DatabaseWatch, **kwargs):
        self.watch = watch
        super().__init__(*args, **kwargs)

    def loop(self, now=None):
        if self.watch.ready(self.stop_flag):
            super().loop(now)


class _Scheduler(Scheduler):
    def __init__(self, *args, watch: DatabaseWatch, **kwargs):
        self.watch = watch
        super().__init__(*args, **kwargs)

    def enqueue_periodic_tasks(self, now):
        if self.watch.down:
            self._logger.debug("database away: periodic tasks skipped this minute")
            return
        super().enqueue_periodic_tasks(now)


class HearthConsumer(Consumer):
    """Huey's consumer with :class:`DatabaseWatch`-guarded workers and a graceful SIGTERM."""

    def __init__(self, huey, watch: DatabaseWatch, **options):
        self.watch = watch
        super().__init__(huey, **options)
        # Both SIGINT and SIGTERM finish the jobs in hand (Huey interrupts on SIGTERM, which for
        # thread workers means abandoning them).
        self._signal_actions[signal.SIGTERM] = (False, True)
        self._signal_actions[signal.SIGINT] = (False, True)

    def _create_worker(self):
        return _Worker(huey=self.huey, stop_flag=self.stop_flag, default_delay=self.default_delay,
                       max_delay=self.max_delay, backoff=self.backoff, max_tasks=self.max_tasks, watch=self.watch)

    def _create_scheduler(self):
        return _Scheduler(huey=self.huey, stop_flag=self.stop_flag, interval=self.scheduler_interval,
                          periodic=self.periodic, watch=self.watch)
