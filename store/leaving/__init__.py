"""Leaving: a person leaving Hearth, across every feature (so it sits above all of them)."""
