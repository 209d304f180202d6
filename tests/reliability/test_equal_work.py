"""Whether an address has an account never shows in the work done: both paths hash a password once."""

from __future__ import annotations

import pytest
from factories import PASSWORD, make_user, post_form
from sqlalchemy import select

from store.accounts import operations
from store.accounts.models import User


@pytest.fixture
def hashing(monkeypatch):
    """Count the real scrypt hashes and checks the account operations do (they still happen)."""
    calls = {"hash": [], "check": 0}
    real_hash, real_check = operations.generate_password_hash, operations.check_password_hash

    def counted_hash(password, *args, **kwargs):
        calls["hash"].append(kwargs.get("method", args[0] if args else "scrypt"))
        return real_hash(password, *args, **kwargs)

    def counted_check(*args, **kwargs):
        calls["check"] += 1
        return real_check(*args, **kwargs)

    monkeypatch.setattr(operations, "generate_password_hash", counted_hash)
    monkeypatch.setattr(operations, "check_password_hash", counted_check)
    return calls


def _register(client, email: str):
    password = "tea and biscuits at four"
    return post_form(client, "/register", {"display_name": "Nell", "email": email, "password": password,
                                           "confirm": password})


def test_registering_a_taken_address_hashes_a_password_like_a_new_one(client, db, hashing):
    make_user(db, email="taken@example.org")
    hashing["hash"].clear()  # the factory's own (cached) hash
    new = _register(client, "new@example.org")
    new_hashes = list(hashing["hash"])
    hashing["hash"].clear()
    taken = _register(client, "Taken@example.org")
    assert new_hashes == ["scrypt"]
    assert hashing["hash"] == new_hashes  # the same slow work on both paths
    assert new.get_data(as_text=True).count("Nearly there") == taken.get_data(as_text=True).count("Nearly there") == 1
    assert db.scalar(select(User).where(User.email == "new@example.org")) is not None


def test_a_weak_password_does_no_hashing_on_either_path(client, db, hashing):
    make_user(db, email="taken@example.org")
    hashing["hash"].clear()
    for email in ("new@example.org", "taken@example.org"):
        page = post_form(client, "/register", {"display_name": "Nell", "email": email, "password": "short",
                                               "confirm": "short"}).get_data(as_text=True)
        assert "at least 10 characters" in page
    assert hashing["hash"] == []


def test_logging_in_checks_one_hash_whether_or_not_the_address_has_an_account(client, db, hashing):
    user = make_user(db)
    for email in (user.email, "nobody@example.org"):
        hashing["check"] = 0
        post_form(client, "/login", {"email": email, "password": "not " + PASSWORD})
        assert hashing["check"] == 1, email
