"""Factories for rows and small helpers for driving forms (CSRF tokens included) in tests."""

from __future__ import annotations

import itertools
import re

from store import accounts
from store.centres import Centre, create_centre
from store.users import Role, User

__all__ = ["PASSWORD", "make_user", "make_centre", "csrf_token", "post_form", "login"]

PASSWORD = "a perfectly fine passphrase"
_counter = itertools.count(1)


def make_user(session, *, role: Role = Role.RESIDENT, email: str | None = None, name: str | None = None,
              password: str = PASSWORD, confirmed: bool = True, centre: Centre | None = None) -> User:
    n = next(_counter)
    user = accounts.create_user(
        session,
        email=email or f"person{n}@example.org",
        display_name=name or f"Person {n}",
        password=password,
        role=role,
        confirmed=confirmed,
    )
    if centre is not None:
        accounts.add_organiser(session, user, centre)
    return user


def make_centre(session, *, name: str | None = None, lat: float = 53.8113, lon: float = -1.5660) -> Centre:
    return create_centre(session, name=name or f"Centre {next(_counter)}", address="1 Test Street", lat=lat, lon=lon)


_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str) -> str:
    """The CSRF token from the form at ``path``."""
    page = client.get(path).get_data(as_text=True)
    match = _TOKEN.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def post_form(client, path: str, data: dict, *, form_path: str | None = None, **kwargs):
    """POST ``data`` to ``path`` with a valid CSRF token taken from ``form_path`` (default ``path``)."""
    token = csrf_token(client, form_path or path)
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


def login(client, email: str, password: str = PASSWORD):
    return post_form(client, "/login", {"email": email, "password": password}, follow_redirects=True)
