"""Fast paths on the real seed warehouse: the marts are built, point clouds are bounded samples
with exact box statistics."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard.data import budgets as budgets_queries
from dashboard.data import common as common_queries
from dashboard.data import indicators as indicators_queries
from dashboard.data import targets as targets_queries
from dashboard.data.common import connection_runner
from dashboard.data.filter_model import Filters
from dashboard.view import charts
from dashboard.view.palette import township_palette
from warehouse.schema import marts
from warehouse.serve.connect import open_readonly


@pytest.fixture(scope="module")
def run(seed_warehouse: Path):
    con = open_readonly(seed_warehouse)
    yield connection_runner(con)
    con.close()


def test_seed_warehouse_has_marts(seed_warehouse: Path) -> None:
    con = open_readonly(seed_warehouse)
    try:
        assert marts.marts_current(con)
    finally:
        con.close()


def test_small_point_clouds_are_returned_whole_with_exact_boxes(run) -> None:
    f = Filters()
    frame = budgets_queries.project_budgets(run, f)
    box = budgets_queries.project_budget_box(run, f)
    assert int(box["n"].sum()) == len(frame)
    for township, group in frame.groupby("township"):
        row = box.loc[box["township"] == township].iloc[0]
        values = group["budget_total_yuan"]
        assert row["median"] == pytest.approx(values.quantile(0.5))
        assert row["q1"] == pytest.approx(values.quantile(0.25))
        assert row["q3"] == pytest.approx(values.quantile(0.75))
    assert charts.sampled_note(frame, box) == ""
    per_project = indicators_queries.indicators_per_project(run, f)
    zeros = indicators_queries.indicators_per_project_box(run, f)["zeros"].sum()
    assert zeros == (per_project["indicator_count"] == 0).sum()


def test_large_point_clouds_are_bounded_deterministic_samples(
    run, monkeypatch: pytest.MonkeyPatch
) -> None:
    families = targets_queries.indicator_families(run, Filters())
    family = str(families.loc[families["numeric"] > 0, "family"].iloc[0])
    full = targets_queries.family_targets(run, Filters(), family)
    monkeypatch.setattr(common_queries, "MAX_POINTS", 20)
    sample = targets_queries.family_targets(run, Filters(), family)
    townships = full["township"].nunique()
    assert len(sample) <= 20 + townships and len(sample) < len(full)
    assert set(sample["township"]) == set(full["township"])  # every township keeps points
    pd.testing.assert_frame_equal(sample, targets_queries.family_targets(run, Filters(), family))
    assert list(sample.columns) == list(full.columns)
    box = targets_queries.family_target_box(run, Filters(), family)
    assert int(box["n"].sum()) == len(full)  # the box describes every row, not the sample
    note = charts.sampled_note(sample, box)
    assert "抽样" in note
    palette = township_palette(list(full["township"].unique()))
    spec = charts.target_strip_chart(sample, palette, family, "%", box).to_dict()
    assert "抽样" in str(spec["title"])
