"""The connectedness check-in: three questions, and the resident's own private trend."""

__all__: list[str] = []
