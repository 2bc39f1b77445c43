"""The 目标审核 page reads findings from the township-ordered findings mart
(warehouse/schema/review_mart.py ``mart_review_finding``) instead of joining the review
tables. Its finding list and expander details must equal what that join gives, for projects
of named and of unknown townships, however the townships are split into lookups."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard.data import goal_review
from dashboard.data.common import connection_runner
from dashboard.data.filter_model import UNKNOWN_TOWNSHIP, Filters
from dashboard.view import review_charts
from tests.support.records import (
    TEST_PARSER_VERSION,
    indicator,
    json_parse,
    project,
    record,
    write_record,
)
from warehouse.load.loader import load_paths
from warehouse.schema import review_mart

ALL = Filters()


def _write_docs(folder: Path) -> None:
    for i, town in enumerate(["甲镇", "乙镇", "丙乡", "丁镇"]):
        write_record(folder / f"{i}.txt", record(town, code=f"80400{i}"))
    # a county department: no township (NULL), its projects still reviewed and listed
    own = [indicator("培训人次", raw="", value=None, line=101)]
    odd_plan = project(2, "设备购置", 80000.0)
    odd_plan["spend_plan_pct"] = [60, 40, 20, 10]  # a spending plan that goes backwards
    department = record(
        None,  # type: ignore[arg-type]
        code="804099",
        projects=[project(1, "农技培训", 30000.0, indicators=own), odd_plan],
    )
    department["unit"]["name"] = "县农业农村局"
    write_record(folder / "dept.txt", department)


def _load(folder: Path, db: Path) -> None:
    load_paths(
        [folder], db, progress=False, parse=json_parse, version=TEST_PARSER_VERSION, review=True
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lookup_docs")
    _write_docs(folder)
    db = tmp_path_factory.mktemp("lookup_db") / "warehouse.duckdb"
    _load(folder, db)
    return db


@pytest.fixture(scope="module")
def run(warehouse: Path) -> Iterator:
    con = duckdb.connect(str(warehouse), read_only=True)
    yield connection_runner(con)
    con.close()


def _reference_list(run, grades: list[str] | None, limit: int | None) -> pd.DataFrame:
    """The finding list as one join of the project mart and goal_review_finding (the query
    the page ran before the findings mart)."""
    rank = review_charts._GRADE_RANK
    where, params = "TRUE", []
    if grades:
        where = f"grade IN ({', '.join('?' for _ in grades)})"
        params = list(grades)
    town = f"coalesce(c.township, '{UNKNOWN_TOWNSHIP}')"
    frame = run(
        f"""
        SELECT c.fiscal_year, {town} AS township, c.unit_name, c.project_code, c.project_name,
               c.grade, r.rule_id, r.severity, r.message, r.hint, c.source_file,
               coalesce(r.source_line, c.source_line) AS source_line, c.project_key
        FROM (SELECT * FROM {review_mart.PROJECT_TABLE} WHERE {where}) AS c
        LEFT JOIN goal_review_finding AS r ON r.project_key = c.project_key
        ORDER BY {rank} DESC, township, unit_name, project_name, project_key,
                 {review_charts._SEVERITY_RANK}, source_line, rule_id, message
        {f"LIMIT {int(limit)}" if limit is not None else ""}
        """,
        params,
    )
    return frame


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    def plain(value: object) -> object:
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            return None
        return int(value) if isinstance(value, float) and value.is_integer() else value

    return [tuple(plain(v) for v in row) for row in frame[columns].itertuples(index=False)]


@pytest.mark.parametrize("per_lookup", [goal_review.TOWNSHIPS_PER_LOOKUP, 1])
@pytest.mark.parametrize(("grades", "limit"), [(None, None), (None, 7), (["差"], 5)])
def test_finding_list_equals_the_join(run, monkeypatch, per_lookup, grades, limit) -> None:
    monkeypatch.setattr(goal_review, "TOWNSHIPS_PER_LOOKUP", per_lookup)
    got = review_charts.finding_list(run, ALL, grades, limit=limit)
    want = _reference_list(run, grades, limit)
    columns = [c for c in want.columns]
    assert len(got) == len(want) > 0
    assert _rows(got, columns) == _rows(want, columns)
    assert got["rule_title"].str.len().gt(0).sum() == want["rule_id"].notna().sum()


def test_the_list_holds_the_unknown_township(run) -> None:
    got = review_charts.finding_list(run, ALL)
    department = got[got["township"] == UNKNOWN_TOWNSHIP]
    assert set(department["project_name"]) == {"农技培训", "设备购置"}
    assert department["rule_id"].notna().all()  # their findings were found, not dropped


def _reference_details(run, keys: list[int]) -> pd.DataFrame:
    return run(
        """
        SELECT r.project_key, r.ordinal, r.rule_id, r.severity, r.message, r.hint,
               r.indicator_name, r.source_line, i.level2, t.target_raw, t.description,
               b.budget_total_yuan, b.fiscal_funds_yuan, b.plan_q4_pct
        FROM goal_review_finding AS r
        LEFT JOIN fact_indicator_target AS t ON t.project_key = r.project_key
             AND t.ordinal = r.indicator_index + 1 AND t.scope = 'project'
        LEFT JOIN dim_indicator AS i ON i.indicator_key = t.indicator_key
        LEFT JOIN fact_project_budget AS b ON b.project_key = r.project_key
        WHERE r.project_key IN (SELECT unnest(?::BIGINT[]))
        ORDER BY r.project_key, r.ordinal
        """,
        [keys],
    )


@pytest.mark.parametrize(
    ("per_lookup", "branches"), [(goal_review.TOWNSHIPS_PER_LOOKUP, 8), (1, 8), (1, 2)]
)
def test_details_equal_the_join(run, monkeypatch, per_lookup, branches) -> None:
    """One lookup for all townships, one per township, and (four townships, two lookups
    allowed) one for all again."""
    monkeypatch.setattr(goal_review, "TOWNSHIPS_PER_LOOKUP", per_lookup)
    monkeypatch.setattr(goal_review, "LOOKUP_BRANCHES", branches)
    keys = run(f"SELECT project_key FROM {review_mart.PROJECT_TABLE}", None)["project_key"]
    asked: list[str] = []

    def spy(sql: str, params: list | None) -> pd.DataFrame:
        asked.append(sql)
        return run(sql, params)

    got = goal_review.findings(spy, keys.tolist())
    lookups = sum(sql.count("township IN (SELECT unnest") for sql in asked)
    assert lookups == (4 if (per_lookup, branches) == (1, 8) else 1)  # four named townships
    assert sum(sql.count("township IS NULL") for sql in asked) == 1  # the department
    want = _reference_details(run, keys.tolist())
    columns = list(want.columns)
    got = got.sort_values(["project_key", "ordinal"]).reset_index(drop=True)
    assert len(got) == len(want) > 0
    assert _rows(got, columns) == _rows(want, columns)
    # money findings show the budget figures, row findings the printed target
    assert got["source_text"].str.contains("预算数|资金支出计划").any()
    assert got["source_text"].str.contains("：").any()


def test_details_of_nothing_and_of_unreviewed_keys(run) -> None:
    assert goal_review.findings(run, []).empty
    assert goal_review.findings(run, [-1]).empty


def test_a_full_rebuild_lays_the_findings_out_by_township(run) -> None:
    stored = run(f"SELECT township FROM {review_mart.FINDING_TABLE} ORDER BY rowid", None)[
        "township"
    ].tolist()
    named = [t for t in stored if isinstance(t, str)]
    assert named == sorted(named) and len(named) < len(stored)
    assert all(not isinstance(t, str) for t in stored[len(named) :])  # unknown last


def _layout(con: duckdb.DuckDBPyConnection) -> list:
    return [
        t
        for (t,) in con.execute(
            f"SELECT township FROM {review_mart.FINDING_TABLE} ORDER BY rowid"
        ).fetchall()
    ]


def test_a_full_rebuild_in_township_passes_equals_one_statement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A national rebuild orders the findings per range of townships (FINDINGS_PER_PASS):
    the rows and their layout are those of one statement."""
    monkeypatch.setattr(review_mart, "FINDINGS_PER_PASS", 20)
    _write_docs(tmp_path / "docs")
    db = tmp_path / "warehouse.duckdb"
    _load(tmp_path / "docs", db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        passes = review_mart._township_passes(con, "TRUE", {})
        assert len(passes) >= 4 and passes[-1][0] == "township IS NULL"
        select = review_mart._SELECTS[review_mart.FINDING_TABLE].format(scope="TRUE")
        fresh = con.execute(f"SELECT * FROM ({select}) ORDER BY ALL").fetchall()
        stored = con.execute(f"SELECT * FROM {review_mart.FINDING_TABLE} ORDER BY ALL").fetchall()
        layout = _layout(con)
    finally:
        con.close()
    assert stored == fresh and len(stored) > 0
    named = [t for t in layout if isinstance(t, str)]
    assert named == sorted(named) and len(set(named)) == 4
    assert all(t is None for t in layout[len(named) :]) and len(named) < len(layout)


def _unknown_last(townships: list) -> list:
    named = sorted(t for t in townships if t is not None)
    return named + [None] * (len(townships) - len(named))


def test_an_incremental_refresh_appends_its_findings_in_township_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load touching a few documents appends their findings as a township-ordered run (in
    passes when many), so a township lookup can still skip row groups after yearly loads."""
    monkeypatch.setattr(review_mart, "FINDINGS_PER_PASS", 20)
    folder = tmp_path / "docs"
    folder.mkdir()
    towns = ["甲镇", "乙镇", "丙乡", "丁镇"]
    for i in range(20):
        write_record(folder / f"{i:02d}.txt", record(towns[i % 4], code=f"8051{i:02d}"))
    db = tmp_path / "warehouse.duckdb"
    _load(folder, db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        before = _layout(con)
    finally:
        con.close()
    # 4 of 24 documents, another year (no cross-unit review of the old ones): incremental
    added = ["丁镇", "甲镇", None, "乙镇"]
    for i, town in enumerate(added):
        own = [project(1, f"新建项目{i}", 20000.0 + i, code=f"N{i}")]  # no cross-unit twins
        doc = record(town, 2022, own, code=f"8052{i:02d}")  # type: ignore[arg-type]
        if town is None:
            doc["unit"]["name"] = "县农业农村局"
        write_record(folder / f"new{i}.txt", doc)
    _load(folder, db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        layout = _layout(con)
        new_docs = [
            d
            for (d,) in con.execute(
                "SELECT document_id FROM source_document WHERE file_name LIKE 'new%'"
            ).fetchall()
        ]
        passes = review_mart._township_passes(con, review_mart._SCOPE, {"docs": new_docs})
        select = review_mart._SELECTS[review_mart.FINDING_TABLE].format(scope="TRUE")
        fresh = con.execute(f"SELECT * FROM ({select}) ORDER BY ALL").fetchall()
        stored = con.execute(f"SELECT * FROM {review_mart.FINDING_TABLE} ORDER BY ALL").fetchall()
    finally:
        con.close()
    assert stored == fresh
    assert len(new_docs) == 4 and len(passes) >= 3  # the appended run was written in passes
    assert layout[: len(before)] == before  # the old rows were not rewritten
    tail = layout[len(before) :]
    assert len(tail) > 4 and set(tail) == set(added)
    assert tail == _unknown_last(tail)
