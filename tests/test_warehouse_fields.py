"""The reader's new record fields reach the warehouse, and comparisons use them right.

Every family fixture goes through the real parser and the real loader into one warehouse:
each indicator of the parsed record is one fact row (per-place and long-term rows included),
keeps its place / horizon / graded standards / direction source, and the data checks pass.
Two-year copies of F4 (per-place) and F7 (long-term + annual halves) prove that
``v_target_change`` compares a place with the same place and annual with annual.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl.parser import parse_file
from etl.review import review_record
from etl.review.fixtures import good_indicators, indicator, project, record, target
from etl.review.model import QUANTITATIVE_KINDS
from etl.vocabulary import target_kinds
from warehouse.load.checks import load_checks
from warehouse.load.loader import load_paths
from warehouse.serve.connect import open_readonly

REPO = Path(__file__).resolve().parents[1]
FAMILIES = REPO / "tests" / "fixtures" / "families"
CONTRACT_INDICATOR_COLUMNS = [
    "scope", "fiscal_year", "province", "city", "county", "township", "unit_name",
    "project_code", "project_name", "level1", "level2", "indicator_name", "description",
    "target_raw", "target_op", "target_value", "target_value_max", "target_unit",
    "target_value_yuan", "target_kind", "deadline", "basis", "weight", "direction",
    "source_file", "source_line",
]  # fmt: skip
CONTRACT_BUDGET_COLUMNS = [
    "fiscal_year", "province", "city", "county", "township", "unit_code", "unit_name",
    "project_code", "project_name", "project_category", "budget_total_yuan",
    "fiscal_funds_yuan", "other_funds_yuan", "source_file",
]  # fmt: skip


def _indicators(rec: dict) -> list[dict]:
    rows = [ind for p in rec.get("projects") or [] for ind in p.get("indicators") or []]
    return rows + list(rec.get("unit_indicators") or [])


def _query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = open_readonly(db)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def families(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict], object]:
    """Every family's text fixture loaded into one warehouse: (db, records by path, summary)."""
    root = tmp_path_factory.mktemp("families")
    docs = root / "docs"
    docs.mkdir()
    records = {}
    for folder in sorted(p for p in FAMILIES.iterdir() if (p / "doc.txt").exists()):
        path = docs / f"{folder.name}.txt"
        path.write_bytes((folder / "doc.txt").read_bytes())
        records[str(path.resolve())] = parse_file(path)
    db = root / "warehouse.duckdb"
    summary = load_paths([docs], db, progress=False, keep_both=True)
    return db, records, summary


def test_every_family_document_loads_with_one_fact_row_per_indicator(families) -> None:
    db, records, summary = families
    assert not summary.rejected
    got = dict(
        _query(
            db,
            "SELECT d.path, count(t.target_key) FROM source_document AS d "
            "LEFT JOIN fact_indicator_target AS t USING (document_id) GROUP BY d.path",
        )
    )
    assert set(got) == set(records)
    for path, rec in records.items():
        assert got[path] == len(_indicators(rec)), path
    # the view shows every fact row (no join drops or duplicates one)
    (view_rows,) = _query(db, "SELECT count(*) FROM v_indicator_target")[0]
    assert view_rows == sum(len(_indicators(r)) for r in records.values())


def test_data_checks_pass_on_every_family(families) -> None:
    _, _, summary = families
    failed = [r.check.name for r in summary.check_results if not r.ok]
    assert failed == []
    assert {r.check.name for r in summary.check_results} >= {"target_kind", "target_fields"}


def test_new_fields_are_carried_row_by_row(families) -> None:
    db, records, _ = families
    for path, rec in records.items():
        rows = _query(
            db,
            "SELECT horizon, place, graded, direction_source, target_per, target_meaning, "
            "target_kind, deadline, period_start, period_end FROM v_indicator_target "
            "WHERE source_file = ? ORDER BY scope DESC, "  # projects in document order
            "min(source_line) OVER (PARTITION BY project_key), ordinal",
            [path],
        )
        want = _indicators(rec)
        assert len(rows) == len(want)
        for row, ind in zip(rows, want, strict=True):
            horizon, place, graded, dsource, per, meaning, kind, deadline, start, end = row
            tgt = ind["target"]
            assert horizon == (ind.get("horizon") or "annual")
            assert place == ind.get("place")
            assert (json.loads(graded) if graded else None) == ind.get("graded")
            assert dsource == ind.get("direction_source")
            assert per == tgt.get("per") and meaning == tgt.get("meaning")
            assert kind == tgt["kind"]
            # deadline only for deadlines; a period keeps both of its dates
            assert (deadline is not None) == (kind == "deadline" and tgt["value"] is not None)
            if kind == "period":
                assert (start.isoformat(), end.isoformat()) == (tgt["value"], tgt["value_max"])
            else:
                assert start is None and end is None


def test_per_place_rows_keep_their_place(families) -> None:
    db, records, _ = families
    path = next(p for p in records if p.endswith("f04_per_place.txt"))
    places = sorted({i["place"] for i in _indicators(records[path])})
    assert len(places) == 3
    rows = _query(
        db,
        "SELECT indicator_name, list_sort(list(place)) FROM v_indicator_target "
        "WHERE source_file = ? GROUP BY indicator_name",
        [path],
    )
    # same name, one row per place: nothing merged into one definition row of the fact
    assert rows and all(found == places for _, found in rows)


def test_long_term_rows_keep_their_horizon(families) -> None:
    db, records, _ = families
    path = next(p for p in records if p.endswith("f07_side_by_side.txt"))
    want = sorted(i["name"] for i in _indicators(records[path]) if i["horizon"] == "long_term")
    got = _query(
        db,
        "SELECT indicator_name FROM v_indicator_target WHERE source_file = ? "
        "AND horizon = 'long_term' ORDER BY 1",
        [path],
    )
    assert [name for (name,) in got] == want and want


def test_views_keep_contract_columns_first_then_the_new_ones(families) -> None:
    db, _, _ = families
    con = open_readonly(db)
    try:
        ind = [d[0] for d in con.execute("SELECT * FROM v_indicator_target LIMIT 0").description]
        bud = [d[0] for d in con.execute("SELECT * FROM v_project_budget LIMIT 0").description]
        comments = dict(
            con.execute(
                "SELECT column_name, comment FROM duckdb_columns() "
                "WHERE table_name = 'v_indicator_target'"
            ).fetchall()
        )
    finally:
        con.close()
    assert ind[: len(CONTRACT_INDICATOR_COLUMNS)] == CONTRACT_INDICATOR_COLUMNS
    assert bud[: len(CONTRACT_BUDGET_COLUMNS)] == CONTRACT_BUDGET_COLUMNS
    for column in ("horizon", "place", "graded", "direction_source", "unit_kind"):
        assert column in ind[len(CONTRACT_INDICATOR_COLUMNS) :]
        assert comments[column]  # a Chinese + English comment reaches the view
    assert "unit_kind" in bud
    assert all(comments.values())


def _two_years(root: Path) -> Path:
    """F4 and F7 as printed, plus a next-year copy of each with changed targets."""
    docs = root / "docs"
    docs.mkdir()
    f04 = (FAMILIES / "f04_per_place" / "doc.txt").read_text(encoding="utf-8")
    f07 = (FAMILIES / "f07_side_by_side" / "doc.txt").read_text(encoding="utf-8")
    # F7 with the SAME name in the long-term and the annual half (both halves of one row)
    f07 = f07.replace("三年累计开设社区课堂", "开设社区课堂").replace(
        "年度开设社区课堂", "开设社区课堂"
    )
    (docs / "f04_2023.txt").write_text(f04, encoding="utf-8")
    (docs / "f07_2024.txt").write_text(f07, encoding="utf-8")
    # next year: one place's target raised (新增受益人口 at 湖头镇美溪村 280 → 300)
    header, rest = f04.split("新增受益人口", 1)
    rest = rest.replace("\t280\n", "\t300\n", 1)
    f04_next = (header + "新增受益人口" + rest).replace("2023", "2024")
    (docs / "f04_2024.txt").write_text(f04_next, encoding="utf-8")
    f07_next = f07.replace("2024年度)", "2025年度)").replace("2024年12月31日", "2025年12月31日")
    f07_next = f07_next.replace("≥300场", "≥330场")
    (docs / "f07_2025.txt").write_text(f07_next, encoding="utf-8")
    return docs


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("two_years")
    docs = _two_years(root)
    db = root / "warehouse.duckdb"
    summary = load_paths([docs], db, progress=False, review=False, keep_both=True)
    assert not summary.rejected and all(r.ok for r in summary.check_results)
    return db


def test_target_change_compares_each_place_with_the_same_place(two_years: Path) -> None:
    rows = _query(
        two_years,
        "SELECT place, prev_value, value, change FROM v_target_change "
        "WHERE indicator_name LIKE '新增受益人口%' ORDER BY place",
    )
    assert [r[0] for r in rows] == ["感德镇岭西村", "湖头镇美溪村", "蓬莱镇上智村"]
    by_place = {r[0]: r[1:] for r in rows}
    assert by_place["湖头镇美溪村"] == (280, 300, "raised")
    assert by_place["蓬莱镇上智村"] == (320, 320, "unchanged")
    assert by_place["感德镇岭西村"] == (450, 450, "unchanged")


def test_target_change_compares_annual_with_annual(two_years: Path) -> None:
    rows = _query(
        two_years,
        "SELECT prev_value, value, change FROM v_target_change "
        "WHERE indicator_name = '开设社区课堂'",
    )
    # the long-term ≥900 of the same name is neither compared nor a second row
    assert rows == [(300, 330, "raised")]
    (long_term,) = _query(
        two_years,
        "SELECT count(*) FROM v_indicator_target "
        "WHERE indicator_name = '开设社区课堂' AND horizon = 'long_term'",
    )[0]
    assert long_term == 2  # both years keep their long-term row in the indicator view


# ---- one vocabulary of target kinds ------------------------------------------------------


def test_one_definition_of_quantitative() -> None:
    from dashboard.view.formatting import KIND_LABELS
    from dashboard.view.formatting import QUANTITATIVE_KINDS as DASHBOARD_QUANT

    kinds = target_kinds()
    assert QUANTITATIVE_KINDS == kinds.quantitative == frozenset(DASHBOARD_QUANT)
    assert {"deadline", "period", "tolerance"} <= kinds.quantitative
    assert "qualitative" not in kinds.quantitative
    assert set(KIND_LABELS) == set(kinds.order)
    check = next(c for c in load_checks() if c.name == "target_kind")
    assert "@" not in check.sql and "'period'" in check.sql and "'tolerance'" in check.sql


def test_r07_accepts_a_period_under_timeliness() -> None:
    period = target(
        "2023.07-2024.01", op="between", value="2023-07-01", value_max="2024-01-31", kind="period"
    )
    rows = good_indicators()
    rows[2] = indicator("时效指标", "项目实施期间", "2023.07-2024.01", target=period)
    result = review_record(record(project(indicators=rows)))
    assert result["errors"] == []
    assert [f for f in result["projects"][0]["findings"] if f["rule_id"] == "R07"] == []


# ---- parse refuses a huge file before reading it -----------------------------------------


def test_parse_refuses_a_file_over_the_size_limit_in_one_line(tmp_path: Path) -> None:
    limits = tmp_path / "limits.toml"
    limits.write_text("[file]\nmax_mb = { txt = 0.001, default = 50 }\n", encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text("项目名称\t测试项目\n" * 200, encoding="utf-8")  # ~4 KB > 1 KB
    env = {**os.environ, "ETL_LIMITS": str(limits), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "etl", "parse", str(big)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert done.returncode != 0 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "big.txt" in lines[0] and "文件过大" in lines[0]


# ---- the dashboard compares annual level targets and shows the place -----------------------


def test_dashboard_comparisons_use_annual_level_targets(families) -> None:
    from dashboard.data import common as common_queries
    from dashboard.data import projects as projects_queries
    from dashboard.data import targets as targets_queries
    from dashboard.data.filter_model import Filters

    db, records, _ = families
    con = open_readonly(db)
    try:
        run = common_queries.connection_runner(con)
        points = []
        for family in run("SELECT DISTINCT indicator_family FROM v_indicator_target")[
            "indicator_family"
        ]:
            frame = targets_queries.family_targets(run, Filters(), family or "其他")
            points += list(zip(frame["indicator_name"], frame["target_kind"], strict=True))
        f07 = next(p for p in records if p.endswith("f07_side_by_side.txt"))
        card = projects_queries.project_indicators(
            run,
            str(
                con.execute(
                    "SELECT project_key FROM v_project_budget WHERE source_file = ?", [f07]
                ).fetchone()[0]
            ),
        )
    finally:
        con.close()
    names = [name for name, _ in points]
    assert "三年累计开设社区课堂" not in names  # long-term: not compared
    assert "年度开设社区课堂" in names
    assert "预算执行偏差率" not in names  # ±3% is a tolerance, not a level of 3%
    assert {kind for _, kind in points} <= target_kinds().numeric
    # a per-place target is its own point, its place shown with the name
    assert "新增受益人口(人)（湖头镇美溪村）" in names
    assert set(card["horizon"]) == {"annual", "long_term"}
