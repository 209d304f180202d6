"""Reliability: sessions that really end, equal work whoever asks, and no 500 for any input."""
