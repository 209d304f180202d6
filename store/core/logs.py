"""No secret in any log line: tokens in paths and query strings, and anything token-like, are redacted.

Reset, confirmation, invitation and calendar-feed links carry their token in the path; a web
server's request log (werkzeug's, gunicorn's access log, including the Referer) would print it.
:func:`install_redaction` makes every log record of the process pass through :func:`redact`:
a log-record factory covers every logger, and a filter on werkzeug's and gunicorn's loggers
covers a process where something else replaced the factory.
"""

from __future__ import annotations

import logging
import re

__all__ = ["REDACTED", "redact", "RedactSecrets", "install_redaction", "SERVER_LOGGERS"]

REDACTED = "[redacted]"

#: Path segments that are followed by a secret token.
_TOKEN_PATHS = ("confirm", "reset", "invite", "feed", "unsubscribe", "token", "tokens")
#: Query parameters whose values are secrets.
_SECRET_PARAMS = ("token", "key", "secret", "password", "passwd", "pwd", "code", "signature", "sig", "auth",
                  "session", "api_key", "apikey", "access_token", "refresh_token", "remember", "csrf_token")

_PATH = re.compile(r"(/(?:%s)/)[^/\s?#\"'<>]+?(\.ics)?(?=$|[/\s?#\"'<>])" % "|".join(_TOKEN_PATHS), re.IGNORECASE)
_QUERY = re.compile(r"([?&;](?:%s)=)[^&;\s#\"'<>]+" % "|".join(_SECRET_PARAMS), re.IGNORECASE)
# A long run of URL-safe characters with letters and digits mixed: what secrets.token_urlsafe makes
# (24 bytes or more). Canonical UUIDs, such as the queue's task ids, are not secrets and stay.
_TOKENISH = re.compile(r"(?<![A-Za-z0-9_\-])(?=[A-Za-z0-9_\-]*[0-9])(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{32,}"
                       r"(?![A-Za-z0-9_\-])")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)

#: The loggers that print request lines.
SERVER_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    """``text`` with secret tokens replaced by ``[redacted]``.

    Examples
    --------
    >>> redact('"GET /reset/Zx81-kq_0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1" 200')
    '"GET /reset/[redacted] HTTP/1.1" 200'
    >>> redact("GET /events/feed/abc.ics?token=s3cret&x=1")
    'GET /events/feed/[redacted].ics?token=[redacted]&x=1'
    >>> redact("GET /events/?within=5 200")
    'GET /events/?within=5 200'
    """
    if not text:
        return text
    text = _PATH.sub(lambda m: m.group(1) + REDACTED + (m.group(2) or ""), text)
    text = _QUERY.sub(lambda m: m.group(1) + REDACTED, text)
    return _TOKENISH.sub(lambda m: m.group(0) if _UUID.match(m.group(0)) else REDACTED, text)


def _scrub(record: logging.LogRecord) -> None:
    """Redact a record in place: its message (arguments merged in) and any traceback."""
    if getattr(record, "_hearth_redacted", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # a malformed record is left for logging to report as usual
        return
    record.msg, record.args = redact(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._hearth_redacted = True


class RedactSecrets(logging.Filter):
    """A logging filter that redacts the records passing through it (and keeps them all)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _scrub(record)
        return True


_installed = False


def install_redaction(extra_loggers: tuple[str, ...] = ()) -> None:
    """Redact every log record made in this process from now on (safe to call more than once)."""
    global _installed
    if not _installed:
        previous = logging.getLogRecordFactory()

        def factory(*args, **kwargs):
            record = previous(*args, **kwargs)
            _scrub(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
    for name in SERVER_LOGGERS + tuple(extra_loggers):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets())
