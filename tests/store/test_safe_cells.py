"""Every CSV an organiser downloads (a date's list, the figures, the groups, the residents) writes
its cells through one function, so a name can never run as a spreadsheet formula."""

from __future__ import annotations

import pytest

from store.insight.rosters import safe_cell


@pytest.mark.parametrize("text", ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tTab", "\rReturn"])
def test_a_cell_that_starts_like_a_formula_stays_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value, text", [("Rosa", "Rosa"), (None, ""), (3, "3"), ("a=b", "a=b")])
def test_other_cells_are_unchanged(value, text):
    assert safe_cell(value) == text
