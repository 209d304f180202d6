"""Social: ties, blocks, reports and check-ins between residents."""
