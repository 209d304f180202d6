"""The one exception family: every error a person can fix or act on is a ``HearthError``."""

from __future__ import annotations

__all__ = ["HearthError"]


class HearthError(ValueError):
    """Something a person can fix or act on; the message is safe to show them.

    ``field`` names the form field it concerns, if any. Each feature raises its own subclass
    (``EventError``, ``GroupError``, ...); the web layer catches this base once, rolls the request's
    unit of work back and shows the message, so no view needs its own ``rollback()``.
    """

    def __init__(self, message: str = "", field: str | None = None):
        super().__init__(message)
        self.field = field

    @property
    def message(self) -> str:
        return str(self)
