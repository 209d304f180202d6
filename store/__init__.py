"""Hearth's data layer: SQLAlchemy models, units of work, migrations and domain operations.

No Flask here: the web app and the jobs both call these operations, and only they commit.
"""

__all__: list[str] = []
