"""Gunicorn settings for Hearth: start-up checks in the master, and access and error logs with secrets redacted.

Used by ``gunicorn -c python:web.gunicorn_conf 'web:create_app()'``; the ``gunicorn.conf.py``
at the top of the repository loads it too, so a plain ``gunicorn 'web:create_app()'`` started
there has it. Workers, bind address and the like stay on the command line.
"""

from __future__ import annotations

import sys

from gunicorn.glogging import Logger

from config import ConfigError, load_settings
from jobs.startup import open_services
from store.core.logs import install_redaction

__all__ = ["RedactingLogger", "logger_class", "accesslog", "access_log_format", "on_starting"]


class RedactingLogger(Logger):
    """Gunicorn's logger, with every line it writes (access and error) passed through
    :func:`store.core.logs.redact`."""

    def setup(self, cfg):
        super().setup(cfg)
        install_redaction()


logger_class = RedactingLogger
accesslog = "-"
# Who, when, the request line (path and query redacted), status, size, time taken, user agent.
# No Referer: it may carry another site's secrets, which no rule here knows about.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


def on_starting(server) -> None:
    """Check the settings, the instance folder, the database and the queue once, in the master,
    before any worker starts: a failure stops gunicorn with one line (exit code 2)."""
    try:
        settings = load_settings()
        database, queue = open_services(settings)
    except ConfigError as exc:
        print(f"Hearth cannot start: {exc}", file=sys.stderr, flush=True)
        sys.exit(2)
    queue.huey.storage.close()  # workers open their own connections after the fork
    database.dispose()
