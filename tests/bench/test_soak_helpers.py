"""The soak bench's own helpers: the wrk script, its counters, and reading processes from /proc."""

from __future__ import annotations

import os
import subprocess
import sys

from bench.soak import lua_script, parse_lua_counts, rss_mb, worker_pids


def test_the_lua_script_alternates_public_and_logged_in_pages_with_the_cookie():
    script = lua_script(["/", "/events/"], ["/account"], 'hearth_session=abc.def-1_2')
    assert '{"/", "/events/"}' in script and '{"/account"}' in script
    assert 'local cookie = "hearth_session=abc.def-1_2"' in script
    assert "n % 2 == 0" in script and "%%" not in script


def test_the_counters_are_read_from_the_wrk_output():
    assert parse_lua_counts("Requests/sec: 10\nhearth logged_out: 7\n") == {"logged_out": 7}
    assert parse_lua_counts("Requests/sec: 10\n") == {"logged_out": None}


def test_children_and_their_memory_come_from_proc():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in worker_pids(os.getpid())
        assert rss_mb(child.pid) > 1
    finally:
        child.kill()
        child.wait()
    assert rss_mb(child.pid) is None
