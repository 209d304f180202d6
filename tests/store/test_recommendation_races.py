"""Two refreshes of the same people at once (a planning batch and a date's left-out refresh) leave
each person's recommendations once, on a real engine with real threads."""

from __future__ import annotations

import threading
import time

from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import delete, func, select
from sqlalchemy.pool import NullPool

from store.accounts.models import Role, User
from store.centres.models import Centre
from store.core.db import Database
from store.core.locks import BUCKETS, hold_ids
from store.profiles.models import StoredVectorizer
from store.recommendations.models import Recommendation
from store.recommendations.operations import refresh_recommendations


def test_overlapping_refreshes_store_each_recommendation_once(database_url, settings):
    database = Database(database_url, poolclass=NullPool)
    with database.unit_of_work() as session:
        known = set(session.scalars(select(StoredVectorizer.id)))  # left as found: other tests count them
        centre = make_centre(session)
        organiser = make_user(session, role=Role.ORGANISER, centre=centre)
        for n, title in enumerate(("Soup lunch", "Garden walk", "Quiz night", "Sewing circle")):
            make_event(session, settings, centre, organiser, title=title, days_ahead=2 + n)
        people = [make_resident(session).id for _ in range(6)]
    first_done, errors = threading.Event(), []

    def first():  # refreshes, then holds its unit of work open for a moment before committing
        try:
            with database.unit_of_work() as session:
                refresh_recommendations(session, user_ids=people)
                first_done.set()
                time.sleep(1.0)
        except BaseException as exc:  # reported below
            errors.append(exc)
            first_done.set()

    def second():  # starts while the first is still uncommitted
        try:
            first_done.wait(timeout=60)
            with database.unit_of_work() as session:
                refresh_recommendations(session, user_ids=people[2:])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert [repr(e) for e in errors] == []
        with database.unit_of_work(writer=False) as session:
            rows = session.execute(
                select(Recommendation.user_id, Recommendation.occurrence_id, func.count())
                .where(Recommendation.user_id.in_(people))
                .group_by(Recommendation.user_id, Recommendation.occurrence_id)).all()
            assert rows and all(n == 1 for _, _, n in rows)
            assert {uid for uid, _, _ in rows} == set(people)
    finally:
        with database.unit_of_work() as session:
            session.execute(delete(User).where(User.id.in_(people + [organiser.id])))
            session.execute(delete(Centre).where(Centre.id == centre.id))
            session.execute(delete(StoredVectorizer).where(StoredVectorizer.id.not_in(known)))
        database.dispose()


def test_the_locks_are_few_and_only_on_postgresql(db):
    taken = hold_ids(db, 1, range(5000))
    if db.get_bind().dialect.name == "postgresql":
        assert taken == BUCKETS
    else:
        assert taken == 0
    assert hold_ids(db, 1, []) == 0
