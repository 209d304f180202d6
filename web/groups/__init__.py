"""Suggested groups for residents: see who and why, say yes or no, give feedback, block or report."""

__all__: list[str] = []
