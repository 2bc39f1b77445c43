"""The goal review's marts (warehouse/schema/review_mart.py) equal their defining query after
a full load and after small reloads, including the documents a reload changes only through
their cross-unit findings (R21)."""

from __future__ import annotations

from pathlib import Path

import pytest

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
from warehouse.serve.connect import open_readonly

TOWNS = ["甲镇", "乙镇", "丙乡"]


def _load(folder: Path, db: Path) -> object:
    return load_paths(
        [folder], db, progress=False, parse=json_parse, version=TEST_PARSER_VERSION, review=True
    )


def _stored_and_fresh(db: Path) -> dict[str, tuple[list, list]]:
    con = open_readonly(db)
    try:
        out = {}
        con.execute(review_mart._COUNTS_SELECT.format(scope="TRUE"))
        for table, select in review_mart._SELECTS.items():
            fresh = con.execute(
                f"SELECT * FROM ({select.format(scope='TRUE')}) ORDER BY ALL"
            ).fetchall()
            stored = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            out[table] = (stored, fresh)
        return out
    finally:
        con.close()


def _assert_fresh(db: Path) -> None:
    for table, (stored, fresh) in _stored_and_fresh(db).items():
        assert stored == fresh, table


def _remarks(db: Path) -> dict[str, int]:
    """提示 findings per township, as the worklist's mart counts them."""
    con = open_readonly(db)
    try:
        rows = con.execute(
            f"SELECT township, sum(remarks) FROM {review_mart.PROJECT_TABLE} GROUP BY 1"
        ).fetchall()
    finally:
        con.close()
    return {town: int(n) for town, n in rows}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    for i, town in enumerate(TOWNS):
        write_record(folder / f"{i}.txt", record(town, code=f"80200{i}"))
    for i in range(5):  # other units with targets of their own: a one-file reload stays small
        own = [indicator(f"独有指标{i}", raw=f"{i + 20}个", value=i + 20, line=101)]
        projects = [project(1, f"独有项目{i}", 1000.0 * (i + 1), indicators=own)]
        write_record(
            folder / f"x{i}.txt", record(f"其他镇{i}", code=f"80300{i}", projects=projects)
        )
    return folder


def test_full_load_fills_the_review_marts(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    _load(docs, db)
    tables = _stored_and_fresh(db)
    stored, _ = tables[review_mart.PROJECT_TABLE]
    assert len(stored) == 14  # every reviewed project
    _assert_fresh(db)
    # three units share the same indicators and targets: each gets cross-unit remarks (提示)
    assert all(_remarks(db)[town] > 0 for town in TOWNS)
    con = open_readonly(db)
    try:
        counts = con.execute(
            "SELECT sum(findings), sum(serious + normal + remarks) "
            f"FROM {review_mart.PROJECT_TABLE}"
        ).fetchone()
        total = con.execute("SELECT count(*) FROM goal_review_finding").fetchone()[0]
    finally:
        con.close()
    assert counts == (total, total)


def test_a_reload_refreshes_the_documents_it_changed_through_cross_unit_findings(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "warehouse.duckdb"
    _load(docs, db)
    before = _remarks(db)
    # 甲镇 gets its own targets: the other two units no longer share them with three units
    own = [
        indicator("完成村街数", raw="7个", value=7, unit="个", line=101),
        indicator(
            "群众满意度",
            "满意度指标",
            "服务对象满意度指标",
            raw="≥85%",
            value=85,
            unit="%",
            kind="percent",
            line=102,
        ),
    ]
    write_record(
        docs / "0.txt",
        record("甲镇", code="802000", projects=[project(1, "道路维护", 50000.0, indicators=own)]),
    )
    calls: list[object] = []
    original = review_mart.refresh

    def spy(con, documents=None, units=()):
        calls.append(documents)
        return original(con, documents, units)

    monkeypatch.setattr(review_mart, "refresh", spy)
    summary = _load(docs, db)
    assert summary.replaced == 1 and summary.loaded == 0
    assert calls and calls[-1] is not None and len(calls[-1]) == 1  # an incremental refresh
    after = _remarks(db)
    # 乙镇 and 丙乡 were not reloaded, yet their cross-unit remarks are gone from the mart
    assert after["乙镇"] < before["乙镇"] and after["丙乡"] < before["丙乡"]
    _assert_fresh(db)
