"""Who counts as isolated for matching (``store.social.isolation``): few ties met, or the latest check-in."""

from __future__ import annotations

from datetime import timedelta

from factories import make_resident

from store.core.db import utcnow
from store.social.isolation import FEW_TIES, isolated_among, ties_met
from store.social.operations import record_checkin, strengthen_tie


def test_few_ties_met_in_person_count_and_meet_again_alone_does_not(db):
    a, b, c, d = (make_resident(db) for _ in range(4))
    strengthen_tie(db, a.id, b.id, 0.5, met=True)
    strengthen_tie(db, a.id, c.id, 0.5, met=True)
    strengthen_tie(db, a.id, d.id, 0.3)  # a "would meet again" without meeting: not a tie met
    db.flush()
    assert ties_met(db, [a.id, b.id, d.id]) == {a.id: 2, b.id: 1, d.id: 0}
    assert FEW_TIES == 2
    assert isolated_among(db, [a.id, b.id, c.id, d.id]) == {b.id, c.id, d.id}
    assert isolated_among(db, []) == set()


def test_the_latest_check_in_decides(db):
    people = [make_resident(db) for _ in range(4)]
    for i, p in enumerate(people):  # everyone has met three others: not isolated by ties
        for q in people[i + 1:]:
            strengthen_tie(db, p.id, q.id, 0.5, met=True)
    now = utcnow()
    lonely, better, fine, _quiet = people
    record_checkin(db, lonely, companionship=2, left_out=2, isolated=3, now=now)  # "often isolated"
    record_checkin(db, better, companionship=3, left_out=3, isolated=3, now=now - timedelta(days=8))
    record_checkin(db, better, companionship=1, left_out=2, isolated=1, now=now)  # since then, better
    record_checkin(db, fine, companionship=1, left_out=1, isolated=2, now=now)
    db.flush()
    assert isolated_among(db, [p.id for p in people]) == {lonely.id}
