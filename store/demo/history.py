"""Demo history: some neighbours knew each other before (ties), and the programme's past weeks were
lived through the product (``store.demo.weeks``), so every page has something true-to-life to show."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy.orm import Session

from config import Settings
from store.demo.result import DemoResult
from store.demo.weeks import HISTORY_WEEKS, live_past_weeks
from store.events.models import Event
from store.social.operations import strengthen_tie

__all__ = ["HISTORY_WEEKS", "add_demo_history"]


def add_demo_history(session: Session, settings: Settings, result: DemoResult, events: list[Event], *,
                     now: datetime, weeks: int = HISTORY_WEEKS, seed: int = 11) -> dict:
    """Ties between some residents of the same neighbourhood, then the past weeks of ``events``."""
    rng = random.Random(seed)
    by_hood: dict[str, list[int]] = {}
    for user_id, (hood, _lat, _lon) in result.homes.items():
        by_hood.setdefault(hood, []).append(user_id)
    ties = 0
    for members in by_hood.values():
        members.sort()
        for _ in range(len(members) // 3):
            a, b = rng.sample(members, 2)
            strengthen_tie(session, a, b, rng.choice((0.2, 0.4, 0.7)), met=True)
            ties += 1
    lived = live_past_weeks(session, settings, result.residents, events, now=now, weeks=weeks, seed=seed)
    session.flush()
    return {"ties": ties, **lived}
