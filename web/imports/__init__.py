"""Organisers bring their centre's events in from an iCalendar file or address: preview, then confirm."""

__all__: list[str] = []
