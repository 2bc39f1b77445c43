"""Rollups: equal to their defining aggregates over the marts, whatever the batching.

The box statistics are computed in township batches by grouping sets over each group's
value list; the reference here is their former definition (quantiles per group, whiskers
by a join back to the rows), so a faster or leaner refresh cannot change a number.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.support.records import TEST_PARSER_VERSION, json_parse, project, record, write_record
from warehouse.load.loader import load_paths
from warehouse.load.storage import current_file
from warehouse.schema import marts

TOWNS = ["甲镇", "乙镇", "丙乡", "丁镇", "戊镇", "己乡", "庚镇"]


def _load(folder: Path, db: Path) -> object:
    return load_paths(
        [folder], db, progress=False, parse=json_parse, version=TEST_PARSER_VERSION, review=False
    )


def _former_box(measure: str, with_year: bool, with_cat: bool, with_unit: bool) -> str:
    """The box statistics as first defined: one statement per filter combination."""
    source, value, rows, extra = marts.BOX_MEASURES[measure]
    extra = [(c, e) for c, e in extra if c != "unit" or with_unit]
    keys = ["township", *[c for c, _ in extra]]
    keys += ["fiscal_year"] * with_year + ["project_category"] * with_cat
    cols = ", ".join(
        ["township", *[f"{e} AS {c}" for c, e in extra]]
        + ["fiscal_year"] * with_year
        + ["project_category"] * with_cat
    )
    on = " AND ".join(f"b.{k} IS NOT DISTINCT FROM s.{k}" for k in keys)
    pick = {
        "family": "s.family" if extra else "NULL",
        "unit": "s.unit" if with_unit and extra else "NULL",
        "fiscal_year": "s.fiscal_year" if with_year else "NULL",
        "project_category": "s.project_category" if with_cat else "NULL",
    }
    return f"""
        WITH b AS (SELECT {cols}, {value} AS v FROM {source} WHERE {rows}),
        s AS (
          SELECT {", ".join(keys)}, count(*) AS n, quantile_cont(v, 0.25) AS q1,
                 quantile_cont(v, 0.5) AS median, quantile_cont(v, 0.75) AS q3,
                 count(*) FILTER (WHERE v = 0) AS zeros
          FROM b GROUP BY ALL
        )
        SELECT '{measure}' AS measure, CAST({pick["family"]} AS VARCHAR) AS family,
               CAST({pick["unit"]} AS VARCHAR) AS unit,
               {not (with_unit and extra)} AS all_units, s.township,
               CAST({pick["fiscal_year"]} AS INTEGER) AS fiscal_year, {not with_year} AS all_years,
               CAST({pick["project_category"]} AS VARCHAR) AS project_category,
               {not with_cat} AS all_categories, s.n, s.q1, s.median, s.q3,
               min(b.v) FILTER (WHERE b.v >= s.q1 - 1.5 * (s.q3 - s.q1)) AS lower,
               max(b.v) FILTER (WHERE b.v <= s.q3 + 1.5 * (s.q3 - s.q1)) AS upper, s.zeros
        FROM b JOIN s ON {on}
        GROUP BY ALL
    """


_FORMER_BOX = " UNION ALL ".join(
    f"SELECT * FROM ({select})"
    for select in (
        _former_box(measure, with_year, with_cat, with_unit)
        for measure in marts.BOX_MEASURES
        for with_year in (False, True)
        for with_cat in (False, True)
        for with_unit in ((False, True) if measure == "target" else (False,))
    )
)


def _assert_rollups_exact(db: Path) -> None:
    con = duckdb.connect(str(current_file(db)), read_only=True)
    try:
        for table, select in marts.ROLLUPS.items():
            fresh = con.execute(
                f"SELECT * FROM ({select.format(scope='TRUE')}) ORDER BY ALL"
            ).fetchall()
            assert fresh, table
            assert con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == fresh, table
        columns = "measure, family, unit, all_units, township, fiscal_year, all_years, "
        columns += "project_category, all_categories, n, q1, median, q3, lower, upper, zeros"
        former = con.execute(f"SELECT {columns} FROM ({_FORMER_BOX}) ORDER BY ALL").fetchall()
        stored = con.execute(f"SELECT {columns} FROM {marts.BOX_TABLE} ORDER BY ALL").fetchall()
        assert {r[0] for r in former} == set(marts.BOX_MEASURES)
        assert stored == former
    finally:
        con.close()


def _write_docs(folder: Path) -> None:
    for i, town in enumerate(TOWNS):
        projects = [
            project(1, "党组织活动经费", 100000.0 * (i + 1), code=f"P{i}1"),
            project(2, "道路养护项目", 0.0 if i % 3 == 0 else 5000.0 * i, code=f"P{i}2"),
            project(3, "环境整治项目", 777.5 * (i + 2), code=f"P{i}3"),
        ]
        write_record(folder / f"{i}.txt", record(town, code=f"80200{i}", projects=projects))


@pytest.mark.parametrize("batch_rows", [1, 7, None])
def test_rollups_equal_their_definitions_in_any_batching(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int | None
) -> None:
    """One township per batch, a few per batch and the memory-sized batch (one here) give
    the same rollups, after a full rebuild and after an incremental refresh of one changed
    document."""
    monkeypatch.setattr(marts, "BOX_BATCH_ROWS", batch_rows)
    folder = tmp_path / "docs"
    _write_docs(folder)
    db = tmp_path / "warehouse.duckdb"
    _load(folder, db)
    _assert_rollups_exact(db)
    changed = record("乙镇", code="802001", projects=[project(1, "全新的项目", 123.0, code="P99")])
    write_record(folder / "1.txt", changed)
    assert _load(folder, db).replaced == 1
    _assert_rollups_exact(db)


def _filter_options(db: Path) -> dict[str, set]:
    """The stored sidebar choices, checked against their definition over the rollups."""
    con = duckdb.connect(str(current_file(db)), read_only=True)
    try:
        table, select = marts.FILTER_OPTION_TABLE, marts.FILTER_OPTION_SELECT
        stored = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        assert stored == con.execute(f"SELECT * FROM ({select}) ORDER BY ALL").fetchall()
    finally:
        con.close()
    found: dict[str, set] = {"year": set(), "township": set(), "category": set()}
    for kind, year, township, category in stored:
        found[kind].add({"year": year, "township": township, "category": category}[kind])
    return found


def test_filter_options_follow_an_incremental_refresh(tmp_path: Path) -> None:
    """The sidebar's stored choices are rebuilt with the rollups: a document moved to a new
    township and year adds both and drops the township that no longer has data."""
    folder = tmp_path / "docs"
    _write_docs(folder)
    db = tmp_path / "warehouse.duckdb"
    _load(folder, db)
    before = _filter_options(db)
    assert before["township"] == set(TOWNS) and before["year"] == {2021}
    assert len(before["category"]) >= 2
    moved = record("辛镇", 2023, code="802001", projects=[project(1, "全新的项目", 1.0, code="P9")])
    write_record(folder / "1.txt", moved)
    assert _load(folder, db).replaced == 1  # type: ignore[attr-defined]
    after = _filter_options(db)
    assert after["township"] == set(TOWNS) - {"乙镇"} | {"辛镇"}
    assert after["year"] == {2021, 2023}


def test_township_batches_cover_every_township_once(monkeypatch: pytest.MonkeyPatch) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE mart_indicator_target (township VARCHAR)")
    con.execute(
        "INSERT INTO mart_indicator_target SELECT unnest(['a', 'a', 'b', 'c', 'c', 'c', NULL])"
    )
    towns = ["a", "b", "c", "d", "0", "z", None]  # d, 0 and z have no indicator rows
    for rows, count in ((1, 5), (2, 4), (3, 4), (100, 2)):
        monkeypatch.setattr(marts, "BOX_BATCH_ROWS", rows)
        batches = marts._town_batches(con, "TRUE", {})
        assert len(batches) == count, rows
        seen = []
        for batch, bounds in batches:
            found = con.execute(
                "SELECT township FROM (SELECT unnest($towns::VARCHAR[]) AS township) "
                f"WHERE {batch}",
                {"towns": towns} | bounds,
            ).fetchall()
            seen += [t for (t,) in found]
        assert sorted(seen, key=str) == sorted(towns, key=str), rows


def test_batch_size_follows_the_memory_limit() -> None:
    con = duckdb.connect()
    con.execute("SET memory_limit='400MB'")
    small = marts._rows_per_batch(con)
    con.execute("SET memory_limit='4GB'")
    assert 100_000 < small < marts._rows_per_batch(con) // 5
