"""The ``auth`` blueprint: its log-in, sign-up and reset pages (``web.auth.views``) and the account
page (``web.auth.account``) add their routes to it."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("auth", __name__, template_folder="templates")
