"""Organisers' side of events: posting, editing, sign-up lists, check-in and messages."""

__all__: list[str] = []
