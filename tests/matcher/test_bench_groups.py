"""The group-formation benchmarks run end to end at toy size."""

from __future__ import annotations

import pytest

pytest.importorskip("pulp")
pytest.importorskip("k_means_constrained")

from bench import groups_quality, groups_scale  # noqa: E402


def test_quality_bench_runs_and_hearth_is_optimal_on_a_toy_instance():
    rows, records = groups_quality.run(sizes=(9,), seeds=1)
    by = {r["method"]: r for r in rows}
    assert set(by) >= {"hearth", "random", "k-means-constrained", "k-means-constrained + local search",
                       "louvain + split", "exact (CBC)"}
    assert by["hearth"]["worst %"] == pytest.approx(100.0)
    assert all(r["random"]["pct"] <= 100.0 + 1e-9 for r in records)


def test_scale_bench_runs_in_process():
    rows = groups_scale.run(sizes=(96,), isolate=False, kmc_up_to=96)
    row = rows[0]
    assert row["members"] == 96 and row["hearth unplaced"] == 0
    assert row["hearth objective"] >= row["kmc objective"]
