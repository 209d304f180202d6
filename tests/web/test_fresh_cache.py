"""web.fresh: a value is served again only under the very committed state it was computed in."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from store.core.db import committed_state, make_engine
from web import fresh


class _States:
    """Stands in for the database's committed state: ``commit()`` is someone else committing."""

    def __init__(self):
        self.n = 0

    def __call__(self, session):
        return f"state {self.n}"

    def commit(self):
        self.n += 1


@pytest.fixture
def states(monkeypatch):
    s = _States()
    monkeypatch.setattr(fresh, "committed_state", s)
    return s


def test_a_value_is_served_again_only_while_nothing_was_committed(states):
    cache, computed = fresh.FreshCache(), []

    def compute():
        computed.append(states.n)
        return f"figures at {states.n}"

    assert cache.get(None, "overview", compute) == "figures at 0"
    assert cache.get(None, "overview", compute) == "figures at 0"  # nothing committed: the same
    assert computed == [0]
    states.commit()  # a resident said yes somewhere
    assert cache.get(None, "overview", compute) == "figures at 1"
    assert computed == [0, 1]
    assert cache.get(None, "another centre", compute) == "figures at 1" and computed == [0, 1, 1]


def test_a_value_computed_while_someone_committed_is_not_kept(states):
    cache, computed = fresh.FreshCache(), []

    def compute():
        computed.append(states.n)
        states.commit()  # lands half-way through the reads
        return "mixed"

    cache.get(None, "k", compute)
    cache.get(None, "k", compute)
    assert computed == [0, 1]  # the first one was not kept


def test_nothing_is_cached_where_the_state_cannot_be_read(monkeypatch):
    monkeypatch.setattr(fresh, "committed_state", lambda session: None)
    cache, computed = fresh.FreshCache(), []
    for _ in range(3):
        cache.get(None, "k", lambda: computed.append(1))
    assert len(computed) == 3
    off = fresh.FreshCache(enabled=False)
    assert off.get(None, "k", lambda: "x") == "x" and not off._items


def test_the_oldest_values_make_room(states):
    cache = fresh.FreshCache(size=2)
    for key in "abc":
        cache.get(None, key, lambda key=key: key)
    assert len(cache._items) == 2 and ("a", "state 0") not in cache._items


def test_on_sqlite_the_state_is_unknown(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with Session(engine) as session:
        assert committed_state(session) is None
    engine.dispose()


def test_on_postgresql_any_commit_changes_the_state_and_an_own_write_hides_it(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL)")
    engine = make_engine(database_url)
    try:
        with engine.begin() as c:
            c.execute(text("CREATE TABLE IF NOT EXISTS fresh_probe (n integer)"))
        with Session(engine) as reader, Session(engine) as writer:
            first = committed_state(reader)
            reader.rollback()
            assert committed_state(reader) == first  # nothing happened
            reader.rollback()
            writer.execute(text("INSERT INTO fresh_probe VALUES (1)"))
            assert committed_state(writer) is None  # its own rows are not in the key
            writer.commit()
            assert committed_state(reader) != first  # someone committed
    finally:
        with engine.begin() as c:
            c.execute(text("DROP TABLE IF EXISTS fresh_probe"))
        engine.dispose()
