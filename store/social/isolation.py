"""Who Hearth treats as isolated when it forms groups: few ties met in person, or a check-in that says so.

The rule, in one place (matching reads it through ``store.groups.candidates``): a resident counts as
isolated when

- they have met fewer than :data:`FEW_TIES` people in person that Hearth knows of (a tie with
  ``times_met >= 1``: from a group that met, a checked-in event, or the ties a centre recorded), or
- their latest weekly check-in says they often feel isolated (:attr:`Checkin.often_isolated`: "often"
  to "How often do you feel isolated from others?", or a total of 8 or 9 on the three items).

About a fifth of a town starts with none or one tie (the connectedness bench's model, after
Hall 2018 and the loneliness surveys it cites), so two ties is where "few" ends. Isolated residents,
like those never placed in a group, are offered a group first: they come first for a date's free
seats, the matcher places them before the others, and they fill the gap in a standing group first.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from store.core.db import among
from store.social.models import Checkin, Tie

__all__ = ["FEW_TIES", "latest_ranked", "latest_checkins", "ties_met", "isolated_among"]

#: Fewer ties met in person than this counts as isolated.
FEW_TIES = 2


def latest_ranked(session: Session, ids: Iterable[int]):
    """A subquery of each given person's check-ins, their latest ranked first (``newest == 1``)."""
    newest = func.row_number().over(partition_by=Checkin.user_id,
                                    order_by=(Checkin.created_at.desc(), Checkin.id.desc())).label("newest")
    return select(Checkin.id, newest).where(among(session, Checkin.user_id, list(ids))).subquery()


def latest_checkins(session: Session, ids: Iterable[int]) -> dict[int, Checkin]:
    """Each person's newest check-in (of any kind), for those of ``ids`` who gave one."""
    ids = list(ids)
    if not ids:
        return {}
    ranked = latest_ranked(session, ids)
    rows = session.scalars(select(Checkin).join(ranked, ranked.c.id == Checkin.id).where(ranked.c.newest == 1))
    return {row.user_id: row for row in rows}


def ties_met(session: Session, ids: Iterable[int]) -> dict[int, int]:
    """How many people each of ``ids`` has met in person (ties with ``times_met >= 1``); 0 if none."""
    ids = set(ids)
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    rows = session.execute(
        select(Tie.user_a_id, Tie.user_b_id)
        .where(Tie.times_met >= 1, or_(among(session, Tie.user_a_id, ids), among(session, Tie.user_b_id, ids))))
    for a, b in rows:
        if a in counts:
            counts[a] += 1
        if b in counts:
            counts[b] += 1
    return counts


def isolated_among(session: Session, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` who count as isolated (the module's rule): two queries for any number."""
    ids = set(ids)
    if not ids:
        return set()
    few = {uid for uid, n in ties_met(session, ids).items() if n < FEW_TIES}
    said = {uid for uid, c in latest_checkins(session, ids).items() if c.often_isolated}
    return few | said
