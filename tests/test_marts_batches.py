"""A full rebuild picks the stored samples per township range and the outliers per range of
whole families (issue 14: one window over every target row ran out of a 1 GB memory limit
at 400,000 documents). Whatever the ranges, the rows must be those of the single statement
per filter set that the rebuild ran before (the live query's definition)."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest

from tests.support.records import write_record
from tests.test_marts_samples import ROUND_TOWNS, _load, _random_doc
from warehouse.load.storage import current_file
from warehouse.schema import marts


def _single_statements(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """Every sample and outlier table as the former rebuild computed it: one statement
    over all rows per measure and filter set."""
    out = {}
    for measure, table in marts.SAMPLE_TABLES.items():
        sets = [
            marts._sample_set_select(measure, *flags, stored=False).format(
                row_scope="TRUE", box_scope="TRUE"
            )
            for flags in marts.SAMPLE_SETS
        ]
        out[table] = con.execute(
            f"SELECT * FROM ({' UNION ALL '.join(sets)}) ORDER BY ALL"
        ).fetchall()
    outliers = [select.format(row_scope="TRUE") for select in marts._outlier_selects()]
    out[marts.OUTLIER_TABLE] = con.execute(
        f"SELECT * FROM ({' UNION ALL '.join(outliers)}) ORDER BY ALL"
    ).fetchall()
    return out


def _stored(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    return {
        table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        for table in (*marts.SAMPLE_TABLES.values(), marts.OUTLIER_TABLE)
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Random township documents over two years, two of them naming no township."""
    folder = tmp_path_factory.mktemp("docs")
    rng = random.Random(1414)
    towns: list[str | None] = [*ROUND_TOWNS, None]
    seq = 0
    for town in towns:
        for year in (2023, 2024):
            for _ in range(2):
                write_record(folder / f"{seq}.txt", _random_doc(rng, town, year, seq))
                seq += 1
    db = folder.parent / "warehouse.duckdb"
    _load(folder, db)
    return current_file(db)


@pytest.mark.parametrize("batch_rows", [1, 6, None])
def test_batched_samples_equal_the_single_statements(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int | None
) -> None:
    """One township (and one family) per range, a few per range, and the memory-sized
    range (all of them here): the same rows as the single statements."""
    monkeypatch.setattr(marts, "SAMPLE_POINTS", 12)
    monkeypatch.setattr(marts, "OUTLIER_ROWS", 4)
    monkeypatch.setattr(marts, "BOX_BATCH_ROWS", batch_rows)
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(warehouse.read_bytes())
    con = duckdb.connect(str(copy))
    try:
        marts.refresh_rollups(con)  # box statistics, then the samples in ranges
        expected = _single_statements(con)
        assert _stored(con) == expected
        towns = marts._town_batches(con, "TRUE", {}, marts.SAMPLE_BYTES_PER_ROW)
        families = marts._family_batches(con)
        if batch_rows == 1:  # the ranges really cut: per township, per family
            assert len(towns) > len(ROUND_TOWNS)
            assert len(families) > 1 and all(len(batch) == 1 for batch in families)
        # sampled and cut, not copied whole
        comparable = con.execute(
            f"SELECT count(*) FROM mart_indicator_target WHERE {marts.COMPARABLE_SQL}"
        ).fetchone()
        assert 0 < len(expected["mart_target_sample"]) < 3 * comparable[0]
        assert any(row for row in expected[marts.OUTLIER_TABLE])
        labels = {
            row[0] for row in con.execute("SELECT township FROM mart_budget_sample").fetchall()
        }
        assert marts.UNKNOWN_TOWNSHIP in labels
    finally:
        con.close()


def test_family_batches_follow_the_limit_and_keep_families_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE {marts.BOX_TABLE} AS SELECT * FROM (VALUES "
        "('target', 'b', 'x', 5), ('target', 'a', 'x', 3), ('target', 'a', 'y', 4), "
        "('target', 'c', 'x', 20), ('target', 'd', 'x', 1), ('budget', NULL, 'x', 99)) "
        "AS t(measure, family, township, n)"
    )
    con.execute(
        f"ALTER TABLE {marts.BOX_TABLE} ADD COLUMN all_units BOOLEAN DEFAULT TRUE;"
        f"ALTER TABLE {marts.BOX_TABLE} ADD COLUMN all_years BOOLEAN DEFAULT TRUE;"
        f"ALTER TABLE {marts.BOX_TABLE} ADD COLUMN all_categories BOOLEAN DEFAULT TRUE;"
    )
    for rows, expected in (
        (1, [["a"], ["b"], ["c"], ["d"]]),
        (12, [["a", "b"], ["c"], ["d"]]),
        (100, [["a", "b", "c", "d"]]),
    ):
        monkeypatch.setattr(marts, "BOX_BATCH_ROWS", rows)
        assert marts._family_batches(con) == expected, rows
