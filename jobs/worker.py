"""``python -m jobs.worker``: a queue consumer for running on its own (or on many machines)."""

from __future__ import annotations

import argparse
import logging
import sys

from sqlalchemy.exc import SQLAlchemyError

from config import ConfigError, load_settings
from jobs.log_levels import install_log_levels
from jobs.queue import Queue
from jobs.reaper import reap
from jobs.startup import open_services
from store.core.logs import install_redaction

__all__ = ["main", "reap_at_start"]

log = logging.getLogger("jobs.worker")


def reap_at_start(queue: Queue) -> None:
    """Settle the runs of workers that stopped, before taking new work (the periodic reaper
    catches any whose lease lapses later)."""
    try:
        settled = reap(queue.context)
    except SQLAlchemyError as exc:
        log.warning("could not look for interrupted runs at start (%s); the periodic reaper will", exc)
        return
    if settled:
        log.info("%d interrupted run(s) found at start and settled", settled)


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 64, not {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Hearth's background jobs.")
    parser.add_argument("--workers", type=_workers, default=2, help="worker threads, 1 to 64 (default 2)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        logging.basicConfig(level=settings.log_level.upper(),
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        install_log_levels()
        install_redaction()
        _database, queue = open_services(settings)
    except ConfigError as exc:
        print(f"Hearth cannot start: {exc}", file=sys.stderr)
        return 2
    if queue.immediate:
        print("Hearth cannot start: HEARTH_QUEUE_URL: immediate:// runs jobs where they are queued; "
              "a worker needs the SQLite or Redis queue", file=sys.stderr)
        return 2
    reap_at_start(queue)
    queue.consumer(workers=args.workers).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
