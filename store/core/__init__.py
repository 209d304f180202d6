"""Core: the database (base, engines, units of work), the one error family, migrations, job runs."""
