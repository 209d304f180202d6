"""Transaction-long locks on ids that have no row to lock: PostgreSQL advisory locks, in buckets.

Two units of work that replace the same people's derived rows (a resident's recommendations, say)
must not interleave: each deletes the old rows, sees none of the other's uncommitted ones, and both
insert, leaving the rows twice. :func:`hold_ids` makes the second wait for the first to commit.

The ids are hashed into :data:`BUCKETS` buckets, so a unit of work for any number of people holds
at most that many locks (PostgreSQL's lock table is shared and small), and the buckets are taken in
order, so two callers never deadlock. Locks end with the transaction (commit or rollback). SQLite
has one writer at a time, so there is nothing to do there.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import Integer

__all__ = ["BUCKETS", "RECOMMENDATIONS", "hold_ids"]

#: How many buckets the ids of one kind share.
BUCKETS = 1024

#: The lock spaces (the first key of ``pg_advisory_xact_lock(int, int)``), one per kind of derived rows.
RECOMMENDATIONS = 0x4E01

_LOCK = text(
    "SELECT count(pg_advisory_xact_lock(:space, b)) FROM (SELECT unnest(:buckets) AS b ORDER BY 1) AS ordered"
).bindparams(bindparam("buckets", type_=ARRAY(Integer)))


def hold_ids(session: Session, space: int, ids: Iterable[int]) -> int:
    """Wait for, then hold until the transaction ends, the locks of ``ids`` in ``space``; returns
    how many buckets were locked (0 on SQLite, which needs none)."""
    if session.get_bind().dialect.name != "postgresql":
        return 0
    buckets = sorted({int(i) % BUCKETS for i in ids})
    if not buckets:
        return 0
    session.execute(_LOCK, {"space": int(space), "buckets": buckets})
    return len(buckets)
