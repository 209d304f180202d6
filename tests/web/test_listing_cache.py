"""The listing cache: fresh for a few seconds, one refresh at a time, nothing kept across a change."""

from __future__ import annotations

import threading
import time

from web.events.listing_cache import ListingCache


def test_values_expire_and_clear_empties():
    cache = ListingCache(seconds=0.05)
    cache.put("k", "v")
    assert cache.get("k") == "v"
    time.sleep(0.06)
    assert cache.get("k") is None and cache.get("k", 1) == 1
    cache.put("k", "v")
    cache.clear()
    assert cache.get("k") is None


def test_off_means_always_compute():
    cache = ListingCache(seconds=0)
    calls = []
    assert cache.fetch("k", lambda: calls.append(1) or len(calls)) == 1
    assert cache.fetch("k", lambda: calls.append(1) or len(calls)) == 2


def test_one_thread_refreshes_while_others_get_the_previous_page():
    cache = ListingCache(seconds=0.01)
    cache.fetch("k", lambda: "old")
    time.sleep(0.02)
    started, release, seen = threading.Event(), threading.Event(), []

    def slow():
        started.set()
        release.wait(5)
        return "new"

    refresher = threading.Thread(target=lambda: seen.append(cache.fetch("k", slow)))
    refresher.start()
    started.wait(5)
    assert cache.fetch("k", lambda: "should not run") == "old"  # stale while refreshing
    release.set()
    refresher.join(5)
    assert seen == ["new"] and cache.get("k") == "new"


def test_a_page_computed_across_a_change_is_not_kept():
    cache = ListingCache(seconds=10)

    def compute():
        cache.clear()  # a sign-up lands while the page is being rendered
        return "before the change"

    assert cache.fetch("k", compute) == "before the change"
    assert cache.get("k") is None


def test_the_oldest_go_first():
    cache = ListingCache(seconds=10, size=2)
    for key in "abc":
        cache.put(key, key)
    assert cache.get("a") is None and cache.get("c") == "c"


def test_a_value_worked_out_before_the_readers_last_change_is_not_served_to_them():
    cache = ListingCache(seconds=60)
    assert cache.fetch("k", lambda: "before") == "before"
    assert cache.fetch("k", lambda: "again") == "before"  # kept for everyone
    changed = time.time()
    assert cache.fetch("k", lambda: "after", newer_than=changed) == "after"  # not for the one who changed it
    assert cache.fetch("k", lambda: "later", newer_than=changed) == "after"  # worked out since: kept again
    assert cache.fetch("k", lambda: "later") == "after"
