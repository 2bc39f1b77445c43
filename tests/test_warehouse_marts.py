"""Mart tables: equal to the joins they materialize, after full and incremental refreshes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.records import TEST_PARSER_VERSION, json_parse, project, record, write_record
from warehouse.load.checks import run_checks
from warehouse.load.loader import load_paths
from warehouse.schema import marts
from warehouse.serve.connect import open_readonly


def _load(paths: list[Path], db: Path) -> object:
    return load_paths(
        paths, db, progress=False, parse=json_parse, version=TEST_PARSER_VERSION, review=False
    )


# search_text concatenates indicator texts in no particular order: compare it as a set.
_NORMALIZED = ("* REPLACE (list_sort(string_split(search_text, chr(31))) AS search_text)", "*")


def _assert_marts_fresh(db: Path) -> None:
    """Each mart equals its defining join recomputed from the facts and dimensions now."""
    con = open_readonly(db)
    try:
        for table, select, scope, columns in (
            ("mart_project_budget", marts._PROJECT_SELECT, "scope_f", _NORMALIZED[0]),
            ("mart_indicator_target", marts._INDICATOR_SELECT, "scope_t", _NORMALIZED[1]),
        ):
            fresh = con.execute(
                f"SELECT {columns} FROM ({select.format(**{scope: 'TRUE'})}) ORDER BY ALL"
            ).fetchall()
            stored = con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()
            assert stored == fresh, table
        assert [r.check.name for r in run_checks(con) if not r.ok] == []
    finally:
        con.close()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    for i, town in enumerate(["甲镇", "乙镇", "丙乡", "丁镇", "戊镇"]):
        write_record(folder / f"{i}.txt", record(town, code=f"80100{i}"))
    return folder


def test_full_load_fills_marts(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    _load([docs], db)
    _assert_marts_fresh(db)
    con = open_readonly(db)
    try:
        assert marts.marts_current(con)
        text, level2 = con.execute(
            "SELECT search_text, level2_set FROM mart_project_budget ORDER BY ALL LIMIT 1"
        ).fetchone()
        assert "群众满意度" in text and chr(31) in text
        assert level2 == sorted(set(level2))
    finally:
        con.close()


def test_incremental_refresh_replaces_only_the_changed_document(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "warehouse.duckdb"
    _load([docs], db)
    calls: list[object] = []
    original = marts.refresh

    def spy(con, documents=None, units=()):
        calls.append(documents)
        return original(con, documents, units)

    monkeypatch.setattr(marts, "refresh", spy)
    changed = record(
        "甲镇",
        code="801000",
        projects=[
            project(1, "党组织活动经费", 200000.0, code="P1", purpose="新增的用途说明"),
            project(2, "全新的道路项目", 90000.0, code="P9"),
        ],
    )
    # a new unit name for the same unit key: other rows of that unit must follow
    changed["unit"]["name"] = "甲镇人民政府（更名）"
    write_record(docs / "0.txt", changed)
    summary = _load([docs], db)
    assert summary.replaced == 1
    assert calls and calls[-1] is not None and len(calls[-1]) == 1  # incremental
    _assert_marts_fresh(db)
    con = open_readonly(db)
    try:
        assert (
            con.execute(
                "SELECT count(*) FROM v_project_budget WHERE purpose = '新增的用途说明'"
            ).fetchone()[0]
            == 1
        )
    finally:
        con.close()


def test_old_warehouse_without_marts_is_upgraded_on_next_load(docs: Path, tmp_path: Path) -> None:
    """A version built before the marts existed gets them (and new views) on its next load,
    even when no document changed."""
    import duckdb

    from warehouse.load.storage import current_file
    from warehouse.schema import ddl as schema

    db = tmp_path / "warehouse.duckdb"
    _load([docs], db)
    con = duckdb.connect(str(current_file(db)))  # simulate the old layout in place (test only)
    for view in schema.VIEWS:
        con.execute(f"DROP VIEW {view}")
    for table in schema.MART_TABLES:
        con.execute(f"DROP TABLE {table}")
    con.execute("DELETE FROM warehouse_meta WHERE key LIKE 'marts%'")
    con.close()
    summary = _load([docs], db)
    assert summary.written
    _assert_marts_fresh(db)
