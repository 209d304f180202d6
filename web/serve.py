"""``python -m web.serve``: Hearth on one machine, the web server and a queue consumer together
(what ``make run`` starts); one Ctrl-C or SIGTERM stops both.

The first signal stops the web server and lets the consumer finish the jobs in hand; a second
one stops at once, and those jobs are queued again when their leases lapse.
"""

from __future__ import annotations

import argparse
import logging
import signal

from werkzeug.serving import run_simple

from jobs.tracking import leases_in_hand
from jobs.worker import reap_at_start
from web.app import create_app

__all__ = ["main"]

log = logging.getLogger("web.serve")


class _Stop:
    """SIGINT and SIGTERM handlers: each signal raises KeyboardInterrupt in the main thread,
    which stops the web server first and, the second time, the wait for the jobs in hand."""

    def __init__(self):
        self.signals = 0

    def install(self) -> None:
        signal.signal(signal.SIGINT, self)
        signal.signal(signal.SIGTERM, self)

    def __call__(self, signum, _frame):
        self.signals += 1
        if self.signals == 1:
            log.warning("%s: Hearth is stopping.", signal.Signals(signum).name)
        else:
            log.warning("%s again: stopping now; the jobs in hand are queued again when their leases lapse.",
                        signal.Signals(signum).name)
        raise KeyboardInterrupt


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a whole number from 0 to 65535, not {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve Hearth with the embedded defaults.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=_port, default=5000, help="0 to 65535 (default 5000)")
    parser.add_argument("--no-worker", action="store_true", help="do not run background jobs in this process")
    args = parser.parse_args(argv)
    app = create_app()
    queue = app.extensions["hearth.queue"]
    stop = _Stop()
    consumer = None
    if not args.no_worker and not queue.immediate:
        reap_at_start(queue)
        consumer = queue.consumer(workers=2)
        consumer.start()  # installs Huey's own signal handlers, which we replace just below
        log.info("background jobs are running in this process")
    stop.install()
    try:
        run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    except KeyboardInterrupt:
        pass
    finally:
        if consumer is not None:
            if leases_in_hand():
                log.warning("Finishing the job in hand first (Ctrl-C again to stop now).")
            try:
                consumer.stop(graceful=True)
            except KeyboardInterrupt:
                pass
    log.warning("Hearth has stopped.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
