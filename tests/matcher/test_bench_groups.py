"""The group-formation benchmarks run end to end at toy size."""

from __future__ import annotations

import pytest

pytest.importorskip("pulp")
pytest.importorskip("k_means_constrained")

from bench import groups_exact_size, groups_quality, groups_scale  # noqa: E402
from bench.groups_instances import SHAPES, instances  # noqa: E402


def test_instances_cover_the_shapes_sizes_and_constraints():
    cases = instances()
    assert len(cases) >= 60 and {c.shape for c in cases} == set(SHAPES)
    assert min(len(c.members) for c in cases) == 8 and max(len(c.members) for c in cases) == 30
    assert min(c.dim for c in cases) == 8 and max(c.dim for c in cases) == 32
    for flag in ("values", "availability", "blocks", "travel", "venues"):
        assert any(c.flags[flag] for c in cases) and not all(c.flags[flag] for c in cases)


def test_quality_bench_runs_and_hearth_is_optimal_on_toy_instances():
    cases = [c for c in instances(2) if len(c.members) <= 12]
    rows, records = groups_quality.run(cases, exact_seconds=5.0)
    by = {r["method"]: r for r in rows}
    assert set(by) == {groups_quality.HEARTH, groups_quality.SEARCH, "optimum (PuLP + CBC)"}
    assert by[groups_quality.HEARTH]["worst %"] == pytest.approx(100.0)
    assert by[groups_quality.HEARTH]["proven"] == len(records)
    assert all(r[groups_quality.SEARCH]["pct"] <= 100.0 + 1e-7 for r in records)


def test_exact_size_bench_runs():
    rows = groups_exact_size.run(sizes=(8, 10), seeds=1, limit=2.0)
    assert [(r["kind"], r["n"]) for r in rows] == [("open", 8), ("open", 10), ("store", 8), ("store", 10)]
    assert all(r["proven"] == r["instances"] for r in rows)
    assert groups_exact_size.proven_up_to(rows, "open") == 10


def test_scale_bench_runs_in_process():
    rows = groups_scale.run(sizes=(96,), isolate=False, kmc_up_to=96)
    row = rows[0]
    assert row["members"] == 96 and row["hearth unplaced"] == 0
    assert row["hearth objective"] >= row["kmc objective"]
