"""Start-up checks: the instance folder, the database and the queue each answer, or Hearth stops
with one line naming the one that did not."""

from __future__ import annotations

from config import ConfigError, Settings, prepare_instance_folder
from jobs.queue import Queue, safe_queue_url
from store.core.db import Database, safe_url

__all__ = ["open_services"]


def open_services(settings: Settings) -> tuple[Database, Queue]:
    """The database and the queue for ``settings``, each proven to answer.

    Raises :class:`config.ConfigError` naming the setting behind the first one that does not
    (``HEARTH_INSTANCE_PATH``, ``DATABASE_URL`` or ``HEARTH_QUEUE_URL``); nothing is left open."""
    prepare_instance_folder(settings)
    try:
        database = Database(settings.database_url)
    except Exception as exc:  # SQLAlchemy refuses a URL it cannot read with several error types
        raise ConfigError("DATABASE_URL", f"cannot use {safe_url(settings.database_url)} ({exc})") from None
    problem = database.ping()
    if problem is not None:
        database.dispose()
        raise ConfigError("DATABASE_URL", f"the database at {safe_url(settings.database_url)} is not answering "
                                          f"({problem})")
    try:
        queue = Queue(settings, database)
    except Exception as exc:  # Redis and SQLite report a queue they cannot open in their own ways
        database.dispose()
        raise ConfigError("HEARTH_QUEUE_URL", f"cannot open the queue at {safe_queue_url(settings)} ({exc})") from None
    problem = queue.ping()
    if problem is not None:
        database.dispose()
        raise ConfigError("HEARTH_QUEUE_URL", f"the queue at {safe_queue_url(settings)} is not answering ({problem})")
    return database, queue
