"""A short-lived, per-process cache of rendered event listings: a busy "what's on" page costs little.

Listings may lag by up to ``EVENTS_LIST_CACHE_SECONDS`` (default 10 s); an event's own page and
every sign-up always read the database. Changes made through this process clear it at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import current_app

__all__ = ["ListingCache", "listing_cache", "DEFAULT_SECONDS"]

DEFAULT_SECONDS = 10.0


class ListingCache:
    """Rendered fragments (and the coarse home points they were worked out from) by key, each kept
    for ``seconds``; the oldest go first beyond ``size``. Nothing here leaves the process."""

    def __init__(self, seconds: float = DEFAULT_SECONDS, size: int = 512):
        self.seconds = seconds
        self.size = size
        self._items: OrderedDict[object, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()
        self._refreshing: set = set()
        self._generation = 0  # bumped by clear(): a page computed before a change is not kept

    def get(self, key, default=None):
        if self.seconds <= 0:
            return default
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] < time.monotonic():
                return default
            self._items.move_to_end(key)
            return item[1]

    def put(self, key, value) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            self._items[key] = (time.monotonic() + self.seconds, value, time.time())
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def fetch(self, key, compute, *, newer_than: float | None = None):
        """The fresh value for ``key``, computing it once when needed.

        While one thread recomputes an expired entry, the others are given the previous value
        (at most one refresh old) instead of all computing the same page at once. ``newer_than``
        (a ``time.time()``, e.g. when the reader last changed something) refuses a value worked
        out before it: a person's own change is never served stale, whichever worker kept it.
        """
        if self.seconds <= 0:
            return compute()
        with self._lock:
            item = self._items.get(key)
            fresh_enough = item is not None and (newer_than is None or item[2] >= newer_than)
            if fresh_enough and (item[0] >= time.monotonic() or key in self._refreshing):
                self._items.move_to_end(key)
                return item[1]
            self._refreshing.add(key)
            generation = self._generation
        try:
            started = time.time()
            value = compute()
            with self._lock:
                if generation == self._generation:
                    self._items[key] = (time.monotonic() + self.seconds, value, started)
                    self._items.move_to_end(key)
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._refreshing.discard(key)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._generation += 1


def listing_cache() -> ListingCache:
    """This app's listing cache (``EVENTS_LIST_CACHE_SECONDS`` in the Flask config; 0 turns it off)."""
    cache = current_app.extensions.get("hearth.event_listings")
    if cache is None:
        seconds = float(current_app.config.get("EVENTS_LIST_CACHE_SECONDS", DEFAULT_SECONDS))
        cache = current_app.extensions.setdefault("hearth.event_listings", ListingCache(seconds))
    return cache
