"""Demo history: some neighbours have met before (ties) and some have answered the check-in, so
the organiser's view has something true-to-life to show on the first run."""

from __future__ import annotations

import random
from datetime import timedelta

from store.core.db import utcnow
from store.social.models import Checkin
from store.social.operations import strengthen_tie

__all__ = ["add_demo_history"]


def add_demo_history(session, result, *, seed: int = 11) -> dict:
    """Ties between some residents of the same neighbourhood and a few weeks of check-ins."""
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
    now = utcnow()
    checkins = 0
    for user_id in sorted(result.homes):
        if rng.random() > 0.35:
            continue
        base = rng.choice((1, 1, 2, 2, 3))
        for week in range(rng.randint(1, 6), 0, -1):
            scores = [max(1, min(3, base + rng.choice((-1, 0, 0, 1)))) for _ in range(3)]
            session.add(Checkin(user_id=user_id, companionship=scores[0], left_out=scores[1], isolated=scores[2],
                                follow_up_consent=rng.random() < 0.4, created_at=now - timedelta(weeks=week, days=rng.random())))
            checkins += 1
    session.flush()
    return {"ties": ties, "checkins": checkins}
