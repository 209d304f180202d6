"""One ``jobs.worker`` process for ``bench.city_planning``, which also counts what it did.

It runs the real worker (``jobs.worker.main``) unchanged; around it, it counts the SQL statements
this process sent (an SQLAlchemy ``before_cursor_execute`` listener on every engine) and, when the
worker stops (SIGTERM, as a deployment stops it), writes the count and the process's peak resident
memory to the JSON file named by ``HEARTH_BENCH_WORKER_REPORT``.
"""

from __future__ import annotations

import json
import os
import resource
import sys

from sqlalchemy import event
from sqlalchemy.engine import Engine

from jobs.worker import main as worker_main

STATEMENTS = [0]


@event.listens_for(Engine, "before_cursor_execute")
def _count(conn, cursor, statement, parameters, context, executemany):
    STATEMENTS[0] += 1


def main() -> int:
    code = worker_main(sys.argv[1:])
    report = os.environ.get("HEARTH_BENCH_WORKER_REPORT")
    if report:
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        with open(report, "w", encoding="utf-8") as handle:
            json.dump({"statements": STATEMENTS[0], "peak_mb": round(peak_kib / 1024, 1), "exit": code}, handle)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
