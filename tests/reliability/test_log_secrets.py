"""No secret in any log line: reset, confirmation, invitation and calendar-feed tokens requested from
the development server and from gunicorn never reach their logs, at any level."""

from __future__ import annotations

import io
import logging
import secrets
import signal
import urllib.error
import urllib.request

import pytest

from reliability.helpers import free_port, hearth_env, wait_for
from store.core.logs import REDACTED, install_redaction, redact


def _token_paths(tokens: list[str]) -> list[str]:
    reset, confirm, invite, feed, query = tokens
    return [f"/reset/{reset}", f"/confirm/{confirm}", f"/invite/{invite}", f"/events/feed/{feed}.ics",
            f"/events/?token={query}&within=5"]


def _request(base: str, path: str, referer: str | None = None) -> int:
    request = urllib.request.Request(base + path, headers={"Referer": referer} if referer else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _up(base: str) -> bool:
    try:
        return _request(base, "/") == 200
    except OSError:
        return False


def _serve_and_request(process, base: str) -> tuple[list[str], str]:
    wait_for(lambda: _up(base) or process.proc.poll() is not None, timeout=60, every=0.2, what="the server")
    assert process.proc.poll() is None, process.output()
    tokens = [secrets.token_urlsafe(32) for _ in range(5)]
    paths = _token_paths(tokens)
    for path in paths:
        assert _request(base, path) < 500, path
    # A page loaded from a reset link sends the link as its Referer.
    assert _request(base, "/static/style.css", referer=base + paths[0]) < 500
    process.signal(signal.SIGTERM)
    process.wait(timeout=30)
    return tokens, process.output()


def test_redaction_covers_every_logger_and_level():
    install_redaction()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("hearth.test.secrets")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    token = secrets.token_urlsafe(32)
    try:
        for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL):
            logger.log(level, "GET %s", f"/confirm/{token}")
        try:
            raise ValueError(f"bad link http://x/reset/{token}")
        except ValueError:
            logger.exception("failed on %s", f"/events/feed/{token}.ics")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert token not in text
    assert text.count(f"/confirm/{REDACTED}") == 5 and f"/reset/{REDACTED}" in text and "Traceback" in text


def test_redact_keeps_ordinary_lines():
    line = '127.0.0.1 - - [01/Dec/2026 10:00:00] "GET /events/?within=5&page=2 HTTP/1.1" 200 -'
    assert redact(line) == line
    assert redact("task 3fa85f64-5717-4562-b3fc-2c963f66afa6 done") == "task 3fa85f64-5717-4562-b3fc-2c963f66afa6 done"


def test_the_development_server_logs_no_token(tmp_path, processes, fresh_url):
    port = free_port()
    env = hearth_env(fresh_url, tmp_path / "instance", HEARTH_LOG_LEVEL="debug")
    server = processes(["-m", "web.serve", "--port", str(port), "--no-worker"], env, tmp_path / "serve.log")
    tokens, log = _serve_and_request(server, f"http://127.0.0.1:{port}")
    assert f"GET /reset/{REDACTED} HTTP/1.1" in log and f"GET /confirm/{REDACTED} HTTP/1.1" in log
    assert f"/events/feed/{REDACTED}.ics" in log and f"GET /invite/{REDACTED} HTTP/1.1" in log
    assert f"?token={REDACTED}&within=5" in log
    for token in tokens:
        assert token not in log


@pytest.mark.parametrize("config", [[], ["-c", "python:web.gunicorn_conf"]], ids=["repository-conf", "module-conf"])
def test_gunicorn_logs_no_token(tmp_path, processes, fresh_url, config):
    port = free_port()
    env = hearth_env(fresh_url, tmp_path / "instance", HEARTH_LOG_LEVEL="debug")
    server = processes(["-m", "gunicorn", *config, "--log-level", "debug", "-w", "1", "-b", f"127.0.0.1:{port}",
                        "web:create_app()"], env, tmp_path / "gunicorn.log")
    tokens, log = _serve_and_request(server, f"http://127.0.0.1:{port}")
    assert f'"GET /reset/{REDACTED} HTTP/1.1" 410' in log  # the access log is on, redacted
    assert f'"GET /confirm/{REDACTED} HTTP/1.1" 200' in log and f"GET /invite/{REDACTED}" in log
    assert f"/events/feed/{REDACTED}.ics" in log
    for token in tokens:
        assert token not in log
