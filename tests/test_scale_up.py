"""``benchmarks.scale_up`` (the scaled copy the 400,000-document query benchmark runs on),
``benchmarks.query_bench DB`` and the report's scaled-copy section, on a ×3 copy of the
real seed warehouse (conftest ``seed_warehouse``)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from benchmarks import query_bench, report, scale_up
from dashboard.data import overview
from dashboard.data.common import connection_runner
from dashboard.data.filter_model import Filters


@pytest.fixture(scope="module")
def scaled(seed_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("scaled") / "scaled.duckdb"
    code = scale_up.main(
        [str(seed_warehouse), str(target), "--factor", "3", "--year-groups", "2"]
        + ["--memory-limit", "256MB"]
    )
    assert code == 0
    assert not Path(str(target) + ".tmp").exists()  # the spill directory is removed
    return target


def _scalar(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_every_row_is_copied_factor_times(seed_warehouse: Path, scaled: Path) -> None:
    source, copy = scale_up.warehouse_counts(seed_warehouse), scale_up.warehouse_counts(scaled)
    assert source["projects"] > 0 and source["indicator_rows"] > 0
    assert scale_up.check_scaled(source, copy, 3) == []
    for table in ("goal_review_project", "project_source_text", "mart_project_history"):
        assert _scalar(scaled, f"SELECT count(*) FROM {table}") == 3 * _scalar(
            seed_warehouse, f"SELECT count(*) FROM {table}"
        )
    # copies get new keys: no project key appears twice
    assert (
        _scalar(scaled, "SELECT count(DISTINCT project_key) FROM mart_project_budget")
        == (copy["projects"])
    )


def test_copies_spread_over_years_and_townships(seed_warehouse: Path, scaled: Path) -> None:
    # --factor 3 --year-groups 2: copy 1 shifted by the year span, copy 2 suffixed ·2
    lo, hi = (
        _scalar(seed_warehouse, "SELECT min(fiscal_year) FROM source_document"),
        _scalar(seed_warehouse, "SELECT max(fiscal_year) FROM source_document"),
    )
    span = hi - lo + 1
    assert _scalar(scaled, "SELECT max(fiscal_year) FROM mart_project_budget") == hi + span
    assert _scalar(scaled, f"SELECT count(*) FROM dim_fiscal_year WHERE fiscal_year = {hi + span}")
    suffixed = _scalar(scaled, "SELECT count(*) FROM mart_project_budget WHERE township LIKE '%·2'")
    assert suffixed == _scalar(
        seed_warehouse, "SELECT count(*) FROM mart_project_budget WHERE township IS NOT NULL"
    )


def test_dashboard_totals_triple(seed_warehouse: Path, scaled: Path) -> None:
    def kpis(db: Path) -> dict:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return overview.overview_kpis(connection_runner(con), Filters())
        finally:
            con.close()

    before, after = kpis(seed_warehouse), kpis(scaled)
    assert after["projects"] == 3 * before["projects"]
    assert after["indicators"] == 3 * before["indicators"]
    assert after["budget_yuan"] == pytest.approx(3 * before["budget_yuan"])


def test_missing_source_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = scale_up.main([str(tmp_path / "nope.duckdb"), str(tmp_path / "out.duckdb")])
    assert code == 2
    assert capsys.readouterr().err.strip().startswith("找不到数据仓库文件")


def test_query_bench_on_an_existing_file(scaled: Path, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    assert query_bench.main([str(scaled), "--runs", "1", "--json", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))["dashboard"]
    assert "无筛选 (all data)" in result
    timings = result["无筛选 (all data)"]
    assert "项目明细 / search_projects_text" in timings
    assert all(t["p95_ms"] >= 0 for t in timings.values())


def test_report_uses_the_scaled_copy_for_the_400k_target() -> None:
    timings = {"总览 / overview_kpis": {"cold_ms": 5, "median_ms": 3, "p95_ms": 4}}
    slow = {"项目明细 / search_projects_text": {"cold_ms": 900, "median_ms": 400, "p95_ms": 450}}
    entry = {
        "dashboard": {"无筛选 (all data)": timings},
        "scaled_dashboard": {
            "source_docs": 40_000,
            "factor": 10,
            "year_groups": 2,
            "build_s": 600.0,
            "db_file_mb": 9000.0,
            "runs": 5,
            "counts": {
                "documents": 397_060,
                "projects": 3_019_540,
                "indicator_rows": 22_509_740,
                "townships": 40_000,
                "fiscal_years": 14,
            },
            "dashboard": {"无筛选 (all data)": timings, "年度=2032": slow},
        },
    }
    row = report._query_target({40_000: entry})
    assert "scaled copy" in row and "400,000" in row
    assert "search_projects_text (年度=2032)" in row and "missed" in row
    section = "\n".join(report.scaled_section(entry))
    assert "400,000 documents (scaled copy of the 40,000 warehouse)" in section
    assert "| 项目明细 / search_projects_text | 900.0 | 400.0 | 450.0 |" in section
    # without a scaled copy the 40,000 run stands in, said so
    del entry["scaled_dashboard"]
    assert "at 40,000 docs" in report._query_target({40_000: entry})
