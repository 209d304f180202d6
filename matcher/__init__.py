"""Hearth's matcher: a pure library that turns profiles, places and history into groups and rankings.

It imports nothing of Hearth's own packages: it takes arrays, dataclasses and graphs and returns
the same. Import the submodules you need (``matcher.groups``, ``matcher.graph``,
``matcher.ranking``, ``matcher.profiles``); this package itself loads nothing heavy.
"""

__all__: list[str] = []
