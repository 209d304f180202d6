"""A run's lease and its heartbeat: a timer thread that renews ``lease_until`` in short transactions of its own.

The work itself runs in one long unit of work; the heartbeat never joins it, so the lease (and
the progress shown to organisers) is visible while the work is still uncommitted. On SQLite a
working job holds the database's write lock, so a beat waits at most a second and tries again
at the next one; the reaper needs the same lock, so it can never take a lease from a job that
is still working there.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from store.core.db import Database, utcnow
from store.core.jobruns import renew_lease

__all__ = ["Lease", "new_owner"]

log = logging.getLogger(__name__)


def new_owner() -> str:
    """Who holds a lease: this host and process, and a token of its own for this one run."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class Lease:
    """Renews one run's lease every ``interval`` seconds, and soon after each progress report,
    until :meth:`stop`."""

    def __init__(self, database: Database, run_id: int, owner: str, seconds: float):
        self.database = database
        self.run_id = run_id
        self.owner = owner
        self.seconds = float(seconds)
        self.interval = max(0.5, min(15.0, self.seconds / 4))
        self.beats = 0
        self._progress: float | None = None
        self._last = time.monotonic()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{run_id}", daemon=True)

    def start(self) -> "Lease":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop beating. A beat in flight finishes by itself (it never outlives a second's wait)."""
        self._stopped.set()
        self._wake.set()

    def report(self, fraction: float) -> None:
        """Record progress (0 to 1); it is written, with a renewed lease, by the next beat, which
        comes at once if the last one was more than a second ago."""
        self._progress = max(0.0, min(1.0, float(fraction)))
        if time.monotonic() - self._last >= 1.0:
            self._wake.set()

    def beat(self) -> bool:
        """Renew the lease now; False when it could not be written (it is tried again later)."""
        self._last = time.monotonic()
        try:
            with Session(self.database.engine) as session, session.begin():
                if self.database.is_sqlite:
                    session.connection().exec_driver_sql("PRAGMA busy_timeout=1000")
                try:
                    renewed = renew_lease(session, self.run_id, self.owner,
                                          utcnow() + timedelta(seconds=self.seconds), self._progress)
                finally:
                    if self.database.is_sqlite:
                        session.connection().exec_driver_sql("PRAGMA busy_timeout=30000")
        except SQLAlchemyError as exc:
            log.debug("lease of run %s not renewed this time: %s", self.run_id, exc)
            return False
        self.beats += 1
        return renewed

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            if self._stopped.is_set():
                return
            self.beat()
