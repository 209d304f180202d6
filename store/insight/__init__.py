"""Insight: the organisers' figures, outcomes, contact notes and match-graph snapshots."""
