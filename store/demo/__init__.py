"""The demo town: never imported by runtime code."""
