"""Figures kept only while the database is provably unchanged: a cache keyed by the committed state.

A value is computed from the database and kept under :func:`store.core.db.committed_state` (the
set of committed transactions the database shows, on PostgreSQL). It is served again only to a
request that sees exactly the same committed state, so it is exactly what that request would
have computed itself: anything anyone commits (a resident saying yes, a matching run, a check-in)
changes the key before the next request starts. A value is kept only if the state did not change
while it was computed. Where the state cannot be read (SQLite, or a request that has written
something itself) nothing is cached. Keys name everything else the value depends on (the centre,
the week), never the time of day.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app
from sqlalchemy.orm import Session

from store.core.db import committed_state

__all__ = ["FreshCache", "fresh_cache"]

T = TypeVar("T")


class FreshCache:
    """Values by ``(key, committed state)``, the least recently used dropped past ``size``."""

    def __init__(self, size: int = 256, enabled: bool = True):
        self.size = size
        self.enabled = enabled
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, session: Session, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, or what it gave under this very committed state."""
        state = committed_state(session) if self.enabled else None
        if state is None:
            return compute()
        with self._lock:
            if (key, state) in self._items:
                self._items.move_to_end((key, state))
                self.hits += 1
                return self._items[(key, state)]
            self.misses += 1
        value = compute()
        if committed_state(session) == state:  # nothing was committed while it was computed
            with self._lock:
                self._items[(key, state)] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def fresh_cache() -> FreshCache:
    """This app's cache (``FRESH_CACHE`` in the Flask config, on unless set false)."""
    cache = current_app.extensions.get("hearth.fresh_cache")
    if cache is None:
        cache = current_app.extensions.setdefault(
            "hearth.fresh_cache", FreshCache(enabled=bool(current_app.config.get("FRESH_CACHE", True))))
    return cache
