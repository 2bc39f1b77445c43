"""Fast paths on the real seed warehouse: the marts are built, point clouds are bounded samples
with exact box statistics."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard.data import budgets as budgets_queries
from dashboard.data import common as common_queries
from dashboard.data import indicators as indicators_queries
from dashboard.data import projects as projects_queries
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


def _filters(run) -> list[Filters]:
    options = common_queries.filter_options(run)
    return [
        Filters(),
        Filters(years=(options["years"][0],)),
        Filters(townships=(options["townships"][0],)),
        Filters(categories=(options["categories"][0],)),
        Filters(years=(options["years"][0],), categories=(options["categories"][-1],)),
        Filters(years=tuple(options["years"][:2]), townships=(options["townships"][-1],)),
    ]


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
    monkeypatch.setattr(marts, "SAMPLE_POINTS", 20)
    sample = targets_queries.family_targets(run, Filters(), family)
    assert len(full) > 20 and len(sample) == 20  # exactly the bound, never more
    assert set(sample["township"]) <= set(full["township"])
    pd.testing.assert_frame_equal(sample, targets_queries.family_targets(run, Filters(), family))
    assert list(sample.columns) == list(full.columns)
    box = targets_queries.family_target_box(run, Filters(), family)
    assert int(box["n"].sum()) == len(full)  # the box describes every row, not the sample
    note = charts.sampled_note(sample, box)
    assert "抽样" in note and f"共 {len(full):,} 条，显示 20 条" in note
    palette = township_palette(list(full["township"].unique()))
    spec = charts.target_strip_chart(sample, palette, family, "%", box).to_dict()
    assert "抽样" in str(spec["title"])


def _same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        left.reset_index(drop=True), right.reset_index(drop=True), check_dtype=False
    )


def test_rollup_paths_match_direct_aggregation(run, run_without_rollups) -> None:
    from dashboard.data import overview as overview_queries

    assert common_queries.has_rollups(run) and not common_queries.has_rollups(run_without_rollups)
    assert common_queries.filter_options(run) == common_queries.filter_options(run_without_rollups)
    families = targets_queries.indicator_families(run, Filters())
    assert len(families) > 1
    checked = 0
    for f in _filters(run):
        assert overview_queries.overview_kpis(run, f) == pytest.approx(
            overview_queries.overview_kpis(run_without_rollups, f)
        )
        for query in (
            common_queries.budget_by_township,
            overview_queries.indicators_by_level1,
            budgets_queries.budget_by_category,
            budgets_queries.spending_plan,
            indicators_queries.level2_coverage,
            targets_queries.indicator_families,
            targets_queries.kind_mix,
            lambda r, f: indicators_queries.level_mix(r, f, "level2"),
        ):
            _same(query(run, f), query(run_without_rollups, f))
            checked += 1
        for box in (
            budgets_queries.project_budget_box,
            indicators_queries.indicators_per_project_box,
        ):
            stored = box(run, f)
            assert stored.empty == (box(run_without_rollups, f).empty) and (
                not f.is_empty or not stored.empty
            )
            _same(stored, box(run_without_rollups, f))
        for family in families.loc[families["numeric"] > 0, "family"]:
            units = [None, *targets_queries.family_units(run, f, family)["unit"]]
            for unit in units:
                _same(
                    targets_queries.family_target_box(run, f, family, unit),
                    targets_queries.family_target_box(run_without_rollups, f, family, unit),
                )
        for family in families["family"]:
            _same(
                targets_queries.family_units(run, f, family),
                targets_queries.family_units(run_without_rollups, f, family),
            )
            _same(
                targets_queries.common_targets(run, f, family),
                targets_queries.common_targets(run_without_rollups, f, family),
            )
        _same(
            targets_queries.common_targets(run, f, None),
            targets_queries.common_targets(run_without_rollups, f, None),
        )
    assert checked == 8 * len(_filters(run))


def test_top_projects_labels_duplicate_names_like_a_window_over_all_rows(run) -> None:
    for f in _filters(run):
        where, params = f.where()
        expected = run(
            f"""
            SELECT project_name,
                   CASE WHEN count(*) OVER (PARTITION BY project_name) > 1
                        THEN project_name || '（' || coalesce(township, '未注明') || '）'
                        ELSE project_name END AS label, budget_total_yuan
            FROM v_project_budget WHERE {where} AND budget_total_yuan IS NOT NULL
            ORDER BY budget_total_yuan DESC, project_name LIMIT 200
            """,
            params,
        )
        got = common_queries.top_projects(run, f, limit=200)
        assert not f.is_empty or len(got) > 1
        _same(got[["project_name", "label", "budget_total_yuan"]], expected)


def reference_sample(rows: pd.DataFrame, value: str, order: list[tuple[str, bool]], points: int):
    """The sampling definition written again in pandas (marts.sample_select is the SQL one):
    every row up to ``points``; else per township a largest-remainder quota of ``points``
    (ties by township), outliers (beyond 1.5 IQR of the township) first, then by ``_key``."""
    if len(rows) > points:
        g = rows.groupby("township")[value]
        stats = pd.DataFrame({"n": g.size(), "q1": g.quantile(0.25), "q3": g.quantile(0.75)})
        total = int(stats["n"].sum())
        stats["floor"] = points * stats["n"] // total
        stats["rem"] = points * stats["n"] % total
        stats = stats.reset_index().sort_values(["rem", "township"], ascending=[False, True])
        extra = points - int(stats["floor"].sum())
        stats["quota"] = stats["floor"] + (pd.Series(range(len(stats)), index=stats.index) < extra)
        keys = []
        for row in stats.itertuples():
            mine = rows.loc[rows["township"] == row.township]
            iqr = row.q3 - row.q1
            inner = mine[value].between(row.q1 - 1.5 * iqr, row.q3 + 1.5 * iqr)
            ranked = mine.assign(_inner=inner).sort_values(["_inner", "_key"])
            keys += list(ranked["_key"].head(int(row.quota)))
        assert len(keys) == points
        rows = rows.loc[rows["_key"].isin(keys)]
    columns, ascending = [c for c, _ in order], [a for _, a in order]
    return rows.sort_values(columns, ascending=ascending).drop(columns=["_key"])


SAMPLE_CASES = {
    # measure: (query(run, f, family, unit), base(f, family, unit), order)
    "budget": (
        lambda r, f, family, unit: budgets_queries.project_budgets(r, f),
        lambda f, family, unit: budgets_queries._project_budget_base(f),
        [("township", True), ("budget_total_yuan", False), ("_key", True)],
    ),
    "indicator_count": (
        lambda r, f, family, unit: indicators_queries.indicators_per_project(r, f),
        lambda f, family, unit: indicators_queries._indicators_per_project_base(f),
        [("township", True), ("indicator_count", False), ("project_name", True), ("_key", True)],
    ),
    "target": (
        targets_queries.family_targets,
        targets_queries._family_target_base,
        [("township", True), ("target_value", True), ("_key", True)],
    ),
}


def test_samples_equal_a_pandas_reference(
    run,
    run_without_rollups,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The live sample (with the box rollup's quartiles, and without rollups) equals the
    definition computed in pandas, for every filter, measure, family and unit (the stored
    samples: tests/test_marts_samples.py)."""
    monkeypatch.setattr(marts, "SAMPLE_POINTS", 12)
    monkeypatch.setattr(common_queries, "_stored_sample", lambda *args: None)
    families = targets_queries.indicator_families(run, Filters())
    sampled = 0
    for f in _filters(run):
        for measure, (query, base, order) in SAMPLE_CASES.items():
            value = marts.POINT_ORDER[measure][0]
            pairs = [(None, None)]
            if measure == "target":
                pairs = [
                    (family, unit)
                    for family in families.loc[families["numeric"] > 0, "family"]
                    for unit in [None, *targets_queries.family_units(run, f, family)["unit"]]
                ]
            for family, unit in pairs:
                sql, params = base(f, family, unit)
                rows = run(sql, params)
                expected = reference_sample(rows, value, order, 12)
                sampled += len(rows) > 12
                _same(query(run, f, family, unit), expected)
                _same(query(run_without_rollups, f, family, unit), expected)
    assert sampled > 8  # the sampling branch, not only the "every row" one


def _former_outliers(run, f: Filters, family: str) -> pd.DataFrame:
    """target_outliers as first written (every flagged row), the reference."""
    where, params = f.where()
    return run(
        f"""
        WITH t AS (
          SELECT COALESCE(township, '未注明') AS township, fiscal_year,
                 COALESCE(project_name, '（部门/单位整体）') AS project_name,
                 indicator_name || coalesce('（' || place || '）', '') AS indicator_name,
                 target_raw, target_value, COALESCE(target_unit, '（无单位）') AS target_unit,
                 source_file, source_line
          FROM v_indicator_target
          WHERE {where} AND {common_queries.FAMILY} = ? AND {common_queries.COMPARABLE}
        ), s AS (
          SELECT target_unit, count(*) AS n, median(target_value) AS med,
                 quantile_cont(target_value, 0.25) AS q1, quantile_cont(target_value, 0.75) AS q3
          FROM t GROUP BY ALL
        ), flagged AS (
          SELECT t.*, s.med,
            CASE
              WHEN ? AND t.target_value <= 1 THEN '疑似以小数表示百分比'
              WHEN t.target_unit = '%' AND t.target_value > 100 THEN '百分比超过 100%'
              WHEN s.n >= 5 AND abs(t.target_value - s.med)
                   > 1.5 * greatest(s.q3 - s.q1, abs(s.med) * 0.1) + (s.q3 - s.q1) / 2
                THEN '明显偏离同类目标'
            END AS reason
          FROM t JOIN s USING (target_unit)
        )
        SELECT township, fiscal_year, project_name, indicator_name, target_raw, target_value,
               target_unit, med AS group_median, reason, source_file, source_line
        FROM flagged WHERE reason IS NOT NULL
        ORDER BY reason, township, project_name, source_file, source_line, indicator_name,
                 target_raw
        """,
        params + [family, family in ("满意度", "完成率/合格率")],
    )


def test_target_outliers_are_the_first_rows_of_the_former_query(
    run, run_without_rollups, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first OUTLIER_ROWS of every flagged target and their total: stored (the seed
    warehouse's hold up to 1,000) and live, also cut at 3 rows."""
    families = targets_queries.indicator_families(run, Filters())
    numeric = list(families.loc[families["numeric"] > 0, "family"])
    chosen = [fam for fam in numeric if len(_former_outliers(run, Filters(), fam))][:3]
    chosen += [fam for fam in numeric if fam not in chosen][:1]
    flagged = 0
    for f in _filters(run):
        for family in chosen:
            expected = _former_outliers(run, f, family)
            flagged += len(expected)
            for runner, rows in (
                (run, 1000),
                (run_without_rollups, 1000),
                (run_without_rollups, 3),
            ):
                monkeypatch.setattr(marts, "OUTLIER_ROWS", rows)
                got = targets_queries.target_outliers(runner, f, family)
                _same(got, expected.head(rows))
                assert got.attrs["total"] == len(expected)
                note = targets_queries.outlier_note(got)
                assert (f"共 {len(expected):,} 条" in note) == (len(expected) > rows)
    assert flagged > 3


@pytest.mark.parametrize("text", ["", "满意度", "不存在的词"])
def test_search_by_township_batches_matches_one_query(run, run_without_rollups, text: str) -> None:
    for f in _filters(run):
        for limit in (1, 2, 5, 500):
            _same(
                projects_queries.search_projects(run, f, text, limit),
                projects_queries.search_projects(run_without_rollups, f, text, limit),
            )
