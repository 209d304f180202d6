"""Benchmarks: Hearth beside its baselines, reported as ratios from one run."""

__all__: list[str] = []
