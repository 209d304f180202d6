"""The request's database session: opened on first use, committed once when the view succeeds."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator

from flask import Flask, current_app, g, request
from flask_login import current_user
from sqlalchemy.orm import Session

from store.accounts.operations import note_write
from store.core.db import Database
from store.core.errors import HearthError

__all__ = ["SAFE_METHODS", "wrote_at", "init_db", "db_session", "database", "enqueue_after_commit", "Attempt", "attempt"]

log = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def database() -> Database:
    return current_app.extensions["hearth.db"]


def db_session() -> Session:
    """This request's session; the request's single commit happens after the view returns."""
    if "db_session" not in g:
        g.db_session = database().session(writer=request.method not in SAFE_METHODS)
    return g.db_session


def wrote_at() -> float | None:
    """When the person asking last changed something (a ``time.time()``), for caches: ``None``
    for someone not logged in or who never changed anything."""
    if not current_user.is_authenticated or current_user.last_wrote_at is None:
        return None
    return current_user.last_wrote_at.timestamp()


def init_db(app: Flask, db: Database) -> None:
    app.extensions["hearth.db"] = db

    @app.after_request
    def commit(response):
        if "db_session" not in g:
            return response
        # Who changed something (read before the session is let go: it may load the person).
        writer = current_user.id if request.method not in SAFE_METHODS and current_user.is_authenticated else None
        session: Session = g.pop("db_session")
        try:
            if response.status_code < 400:
                if writer is not None:
                    note_write(session, writer)
                session.flush()
                jobs = session.info.pop("after_commit", [])
                if session.info.pop("deliver_outbox", False):
                    jobs.append(("deliver_outbox", ()))
                session.commit()
                _enqueue(jobs)
            else:
                session.rollback()
        finally:
            session.close()
        return response

    @app.teardown_request
    def close(_exc):
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()


def enqueue_after_commit(job: str, *args) -> None:
    """Queue ``job`` once this request has committed (never for a request that fails)."""
    db_session().info.setdefault("after_commit", []).append((job, args))


def _enqueue(jobs: list[tuple[str, tuple]]) -> None:
    queue = current_app.extensions["hearth.queue"]
    for name, args in jobs:
        try:
            queue.enqueue(name, *args)
        except Exception:  # never turn a saved request into an error page: periodic jobs catch up
            log.exception("could not enqueue %s%r", name, args)



class Attempt:
    """What came of an :func:`attempt`: ``error`` is the domain error, or ``None`` when it worked."""

    error: HearthError | None = None

    def __bool__(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str:
        return str(self.error) if self.error is not None else ""


@contextmanager
def attempt() -> Iterator[Attempt]:
    """Run store operations as the request's unit of work; on a domain error (``HearthError``)
    roll everything the request did back, drop the jobs it queued, and tell the view.

    The one place a request's work is undone, so no view calls ``rollback()`` itself::

        with attempt() as done:
            respond(db_session(), settings, group_id, current_user, accept=True)
        if not done:
            flash(done.message, "warning")
    """
    outcome = Attempt()
    try:
        yield outcome
    except HearthError as exc:
        session: Session | None = g.get("db_session")
        if session is not None:
            session.rollback()
            session.info.pop("after_commit", None)
            session.info.pop("deliver_outbox", None)
            if database().is_sqlite and request.method not in ("GET", "HEAD", "OPTIONS"):
                session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})  # a writer again
        outcome.error = exc
