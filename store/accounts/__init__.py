"""Accounts: people, tokens, registration, log-in and password resets."""
