"""Checks every form shares: plain text without control characters, sane numbers and dates, safe paths.

``HearthForm`` is the base of every form in ``web/*/forms.py``. Before a form's own validators
run, it refuses NUL bytes and other control characters in whatever a field received (text boxes,
hidden fields, choices, a query string), numbers that are not finite or too large to store, and
dates outside the years Hearth can do arithmetic on. So bad input gets a message by the field,
never a database error or a 500. Fields that need stricter rules add ``PlainText``, ``DateWithin``
or ``SameSitePath`` themselves.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, FloatField, IntegerField, TextAreaField
from wtforms.validators import NumberRange, StopValidation, ValidationError

__all__ = [
    "CONTROL_MESSAGE", "has_control_characters", "PlainText", "DateWithin", "SameSitePath", "safe_path",
    "HearthForm", "LARGEST_NUMBER", "EARLIEST_DATE", "LATEST_DATE",
]

CONTROL_MESSAGE = ("This has a hidden character in it that we can't keep (such as a control code). "
                   "Please type it again without it.")

#: Whole numbers a form accepts at most (the database's 32-bit integers).
LARGEST_NUMBER = 2**31 - 1
#: Dates any form accepts; fields narrow this (an event's date, a break from groups).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)

_LINE_BREAKS = "\n\r\t"


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a NUL byte or another control or unassigned-format character.

    Tabs and line breaks are allowed only when ``multiline`` (a text area). Unicode's line and
    paragraph separators count as line breaks.
    """
    for char in text:
        if multiline and char in _LINE_BREAKS:
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Zl", "Zp") or char in ("\ufffe", "\uffff"):
            return True
    return False


class PlainText:
    """A field's text has no control characters; line breaks only if ``multiline``."""

    def __init__(self, *, multiline: bool = False, message: str | None = None):
        self.multiline = multiline
        self.message = message or CONTROL_MESSAGE

    def __call__(self, form, field) -> None:
        values = field.raw_data if field.raw_data is not None else [field.data]
        if any(isinstance(v, str) and has_control_characters(v, multiline=self.multiline) for v in values):
            raise StopValidation(self.message)


class DateWithin:
    """A date no more than ``days_back`` before today and ``days_ahead`` after it (either may be None)."""

    def __init__(self, *, days_back: int | None = None, days_ahead: int | None = None, message: str | None = None):
        self.days_back = days_back
        self.days_ahead = days_ahead
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data is None:
            return
        today = date.today()
        earliest = today - timedelta(days=self.days_back) if self.days_back is not None else EARLIEST_DATE
        latest = today + timedelta(days=self.days_ahead) if self.days_ahead is not None else LATEST_DATE
        if not earliest <= field.data <= latest:
            raise ValidationError(self.message or f"Please give a date from {earliest:%d/%m/%Y} to {latest:%d/%m/%Y}.")


def safe_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (``/events/?page=2``), else ``None``.

    Refused: other sites (``https://…``, ``//…``, ``/\\…``, which browsers read as ``//``),
    whitespace and control characters (which could split a header or be dropped by a browser).
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if target.startswith(("//", "/\\")) or "\\" in target or re.search(r"\s", target):
        return None
    if has_control_characters(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


class SameSitePath:
    """The field is empty or a path on this site (see :func:`safe_path`)."""

    def __init__(self, message: str = "That link leads somewhere we can't send you."):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and safe_path(field.data) is None:
            raise ValidationError(self.message)


def _shared_problem(field) -> str | None:
    """What no field may receive, whatever its own validators say."""
    if any(isinstance(v, str) and has_control_characters(v, multiline=isinstance(field, TextAreaField))
           for v in field.raw_data or ()):
        own = next((v for v in field.validators if isinstance(v, PlainText)), None)
        return own.message if own is not None else CONTROL_MESSAGE
    data = field.data
    if (isinstance(field, IntegerField) and isinstance(data, int) and abs(data) > LARGEST_NUMBER
            and not _bounded(field)):
        return "That number is far too large. Please give a smaller one."
    if isinstance(field, (FloatField, DecimalField)) and data is not None and not _finite(data):
        return "Please give an ordinary number, like 2 or 3.5."
    if (isinstance(field, DateField) and isinstance(data, date) and not EARLIEST_DATE <= data <= LATEST_DATE
            and not _has(field, DateWithin)):
        return f"Please give a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}."
    return None


def _bounded(field) -> bool:
    """Whether the field has its own range with both ends (whose message is the more helpful one)."""
    return any(isinstance(v, NumberRange) and v.min is not None and v.max is not None
               and abs(v.min) <= LARGEST_NUMBER and abs(v.max) <= LARGEST_NUMBER for v in field.validators)


def _has(field, kind) -> bool:
    """Whether the field has its own check of this kind (whose message is the more helpful one)."""
    return any(isinstance(v, kind) for v in field.validators)


def _finite(number) -> bool:
    if isinstance(number, Decimal):
        return number.is_finite() and abs(number) < 10**15
    return math.isfinite(number)


class HearthForm(FlaskForm):
    """Every Hearth form: the shared checks of :func:`_shared_problem`, then the form's own.

    A field that fails a shared check shows only that message (its own checks would be about
    something it cannot be)."""

    def validate(self, extra_validators=None) -> bool:
        refused = {name: problem for name, field in self._fields.items()
                   if (problem := _shared_problem(field)) is not None}
        valid = super().validate(extra_validators)
        for name, problem in refused.items():
            self._fields[name].errors = [problem]
        self._errors = None  # WTForms caches ``form.errors``; let it see the messages above
        return valid and not refused
