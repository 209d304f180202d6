"""Fetching a calendar from the address an organiser gives: http(s) only, a timeout, a size limit,
and (unless told otherwise) never an address inside the server's own network.

The one place an import reaches the network; tests give it a local stub server (``allow_private``)
or replace ``open_url``.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from store.events.ical_check import MAX_BYTES
from store.events.models import EventError

__all__ = ["TIMEOUT_SECONDS", "FetchError", "resolve", "open_url", "fetch_calendar"]

#: How long to wait for a calendar's server before giving up.
TIMEOUT_SECONDS = 10.0

_ADVICE = " You can also download the calendar as an .ics file and upload it instead."


class FetchError(EventError):
    """A calendar address that could not be read, in words for the organiser (shown by the address field)."""

    def __init__(self, message: str):
        super().__init__(message + _ADVICE, "url")


#: How a server's name becomes its addresses (the suite's conftest keeps it off the network).
resolve = socket.getaddrinfo


def _check_host(host: str, allow_private: bool) -> None:
    try:
        addresses = {info[4][0] for info in resolve(host, None)}
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"We couldn't find the server “{host}”. Please check the address.") from None
    if allow_private:
        return
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise FetchError("That address points inside a private network, which Hearth doesn't read from.")


def _normal(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "webcal":  # what calendar "subscribe" links use; the calendar itself is served over https
        parts, scheme = parts._replace(scheme="https"), "https"
    if scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("Please give a web address starting with https:// (or webcal://).")
    return urlunsplit(parts)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an address that passes the same checks."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = _normal(newurl)
        _check_host(urlsplit(target).hostname, self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, target)


def open_url(url: str, *, timeout: float, allow_private: bool):
    """The response for ``url`` (the edge tests replace)."""
    opener = urllib.request.build_opener(_Redirects(allow_private))
    request = urllib.request.Request(url, headers={"User-Agent": "Hearth calendar import",
                                                   "Accept": "text/calendar, */*;q=0.5"})
    return opener.open(request, timeout=timeout)


def fetch_calendar(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES,
                   allow_private: bool = False) -> bytes:
    """The calendar file at ``url``; raises ``FetchError`` in plain words when it can't be read."""
    url = _normal(url)
    _check_host(urlsplit(url).hostname, allow_private)
    try:
        with open_url(url, timeout=timeout, allow_private=allow_private) as response:
            data = response.read(max_bytes + 1)
    except EventError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(f"The calendar's server answered “{exc.code} {exc.reason}”. Please check the address.") \
            from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
            raise FetchError(f"The calendar's server didn't answer within {timeout:g} seconds.") from None
        raise FetchError(f"We couldn't reach that address ({reason}).") from None
    if len(data) > max_bytes:
        raise FetchError(f"That calendar is bigger than we can read at once ({max_bytes // 1_000_000 or 1} MB).")
    return data
