"""Residents' side of events: finding them, signing up, waiting lists, calendars."""

__all__: list[str] = []
