"""What the job log says at INFO: only what a person should see; the queue's routine chatter is DEBUG.

Huey logs every task it starts and finishes, every periodic task it queues and the list of its
commands at INFO, and Alembic two lines per connection: with ``make run`` that is dozens of lines
a minute that nobody needs. :func:`install_log_levels` moves them to DEBUG (shown with
``HEARTH_LOG_LEVEL=debug``), and keeps at INFO the start and stop of the consumer, failures,
retries. (``flask hearth migrate`` says in one line that it brought the database up to date.)
"""

from __future__ import annotations

import logging
import re

__all__ = ["ROUTINE", "install_log_levels"]

ROUTINE: dict[str, tuple[str, ...]] = {
    "huey": (r"^Executing ", r" executed in ", r"^Enqueueing periodic task "),
    "huey.consumer": (r"^The following commands are available", r"^\+ ", r"^Scheduler runs every",
                      r"^Periodic tasks are (enabled|disabled)", r"^Task .* is not ready", r"^Sleeping for"),
    "huey.consumer.Scheduler": (r"^Enqueueing periodic task ", r"^Checking periodic tasks"),
    "alembic.runtime.migration": (r"^Context impl ", r"^Will assume ", r"^Running upgrade "),
}

"""Per logger, the INFO messages that are routine (regular expressions over the message text)."""


class _Routine(logging.Filter):
    """Turns a routine INFO record into DEBUG: dropped unless the logger shows DEBUG."""

    def __init__(self, patterns: tuple[str, ...]):
        super().__init__()
        self.pattern = re.compile("|".join(f"(?:{p})" for p in patterns), re.MULTILINE)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO:
            return True
        try:
            text = record.getMessage()
        except Exception:  # a bad format string: let logging report it as usual
            return True
        if not self.pattern.search(text):
            return True
        logger = logging.getLogger(record.name)
        if not logger.isEnabledFor(logging.DEBUG):
            return False
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def install_log_levels() -> None:
    """Put the queue's and the migrations' routine lines at DEBUG (idempotent)."""
    for name, patterns in ROUTINE.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, _Routine) for f in logger.filters):
            logger.addFilter(_Routine(patterns))
