"""Accounts in the browser: join, confirm, log in and out, reset a password, accept an invitation."""

__all__: list[str] = []
