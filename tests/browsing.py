"""Helpers for the browser tests: logging in as a person would, with the keyboard-friendly form."""

from __future__ import annotations

from factories import PASSWORD

__all__ = ["log_in"]


def log_in(page, url: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form and wait for the home page."""
    page.goto(url + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Hello").wait_for()
