"""``python -m web.serve``: Hearth on one machine, the web server and a queue consumer together
(what ``make run`` starts); Ctrl-C stops both."""

from __future__ import annotations

import argparse
import logging

from werkzeug.serving import run_simple

from web.app import create_app

__all__ = ["main"]

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve Hearth with the embedded defaults.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--no-worker", action="store_true", help="do not run background jobs in this process")
    args = parser.parse_args(argv)
    app = create_app()
    queue = app.extensions["hearth.queue"]
    consumer = None
    if not args.no_worker and not queue.immediate:
        consumer = queue.consumer(workers=2)
        consumer.start()
        log.info("background jobs are running in this process")
    try:
        run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    except KeyboardInterrupt:
        pass
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
