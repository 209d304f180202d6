"""``python -m jobs.worker``: a queue consumer for running on its own (or on many machines)."""

from __future__ import annotations

import argparse
import logging

from config import ConfigError, load_settings
from jobs.queue import Queue
from store.core.db import Database

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Hearth's background jobs.")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Hearth cannot start: {exc}")
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    queue = Queue(settings, Database(settings.database_url))
    queue.consumer(workers=args.workers).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
