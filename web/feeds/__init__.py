"""A centre's public page and feeds (JSON-LD, iCal, Atom), open to anyone without logging in."""

__all__: list[str] = []
