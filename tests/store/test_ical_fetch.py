"""The calendar-address adapter against a local stub server: it reads, refuses private addresses by
default, stops at the size limit and the timeout, and explains a missing page. Nothing leaves the machine."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from store.events.ical_fetch import FetchError, fetch_calendar

CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


class _Stub(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server name
        if self.path == "/slow.ics":
            time.sleep(1.5)
        if self.path == "/moved.ics":
            self.send_response(302)
            self.send_header("Location", "/oak.ics")
            self.end_headers()
            return
        if self.path not in ("/oak.ics", "/big.ics", "/slow.ics"):
            self.send_error(404, "Not Found")
            return
        body = CALENDAR if self.path != "/big.ics" else b"X" * 5000
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting, as it should
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def stub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_reads_a_calendar_and_follows_a_redirect(stub):
    assert fetch_calendar(f"{stub}/oak.ics", allow_private=True) == CALENDAR
    assert fetch_calendar(f"{stub}/moved.ics", allow_private=True) == CALENDAR


def test_refuses_addresses_inside_the_network_by_default(stub):
    with pytest.raises(FetchError, match="private network") as caught:
        fetch_calendar(f"{stub}/oak.ics")
    assert caught.value.field == "url" and "upload it instead" in str(caught.value)


def test_stops_at_the_size_limit_and_the_timeout(stub):
    with pytest.raises(FetchError, match="bigger than we can read"):
        fetch_calendar(f"{stub}/big.ics", max_bytes=1000, allow_private=True)
    with pytest.raises(FetchError, match="didn't answer within 0.5 seconds"):
        fetch_calendar(f"{stub}/slow.ics", timeout=0.5, allow_private=True)


def test_explains_a_missing_page_and_a_wrong_kind_of_address(stub):
    with pytest.raises(FetchError, match="404"):
        fetch_calendar(f"{stub}/nothing.ics", allow_private=True)
    for url in ("ftp://example.org/cal.ics", "file:///etc/passwd", "javascript:alert(1)", ""):
        with pytest.raises(FetchError, match="https://"):
            fetch_calendar(url)


def test_no_name_is_looked_up_beyond_this_machine_in_the_suite():
    with pytest.raises(FetchError, match="couldn't find the server"):
        fetch_calendar("https://calendar.example.net/oak.ics")
