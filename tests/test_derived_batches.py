"""The cross-year marts rebuilt in batches of identities equal the views over every identity.

A full rebuild (warehouse/load/derived.py ``rebuild_all``) inserts a bounded number of
identities per statement through the table macros instead of one statement over the *_live
views; tiny batches here make every identity cross a batch boundary somewhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from synth.corpus import write_corpus
from warehouse.load import derived
from warehouse.load.loader import load_paths
from warehouse.load.storage import current_file


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 40-document synthetic corpus over several years, loaded by the real loader."""
    root = tmp_path_factory.mktemp("derived_batches")
    write_corpus(40, root / "corpus", seed=7, jobs=1)
    db = root / "w.duckdb"
    load_paths([root / "corpus"], db, progress=False, workers=1)
    return db


@pytest.fixture
def con(loaded_db: Path, tmp_path: Path):
    """A read-write copy of the loaded version (the published file is never written)."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(current_file(loaded_db), copy)
    connection = duckdb.connect(str(copy))
    yield connection
    connection.close()


def _differences(con: duckdb.DuckDBPyConnection, table: str, view: str) -> tuple[int, int]:
    """Rows of the table missing from the view and the other way round (with duplicates)."""
    extra = con.execute(f"SELECT count(*) FROM (FROM {table} EXCEPT ALL FROM {view})").fetchone()[0]
    missing = con.execute(f"SELECT count(*) FROM (FROM {view} EXCEPT ALL FROM {table})").fetchone()[
        0
    ]
    return extra, missing


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in derived.MATERIALIZED
    }


def test_corpus_has_cross_year_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Guard: the comparison below means something only with identities over several years
    and several kinds of target change."""
    linked = con.execute(
        "SELECT count(*) FROM mart_project_history WHERE prev_fiscal_year IS NOT NULL"
    ).fetchone()[0]
    kinds = {r[0] for r in con.execute("SELECT DISTINCT change FROM mart_target_change").fetchall()}
    assert linked > 10
    assert len(kinds) >= 3 and "unchanged" in kinds, kinds


def test_loaded_marts_equal_the_views(con: duckdb.DuckDBPyConnection) -> None:
    for table, (view, _macro) in derived.MATERIALIZED.items():
        assert _differences(con, table, view) == (0, 0), table


@pytest.mark.parametrize("batch", [1, 7])
def test_batched_rebuild_equals_the_views(con: duckdb.DuckDBPyConnection, batch: int) -> None:
    before = _counts(con)
    keys = derived.identity_keys(con)
    assert len(keys) > 3 * batch  # several batches, the last one partial
    derived.rebuild_all(con, batch=batch)
    assert _counts(con) == before
    for table, (view, _macro) in derived.MATERIALIZED.items():
        assert _differences(con, table, view) == (0, 0), (table, batch)


def test_rebuild_replaces_stale_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Rows left from before (a wrong value, a vanished identity) do not survive a rebuild."""
    before = _counts(con)
    con.execute("UPDATE mart_target_change SET change = 'stale' WHERE rowid % 3 = 0")
    con.execute(
        "INSERT INTO mart_project_history BY NAME "
        "SELECT * REPLACE (-1 AS identity_key) FROM mart_project_history LIMIT 5"
    )
    derived.rebuild_all(con, batch=5)
    assert _counts(con) == before
    for table, (view, _macro) in derived.MATERIALIZED.items():
        assert _differences(con, table, view) == (0, 0), table


def test_incremental_refresh_of_some_identities_equals_the_views(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """The small-load path (delete the touched identities, insert them in batches)."""
    keys = derived.identity_keys(con)[::3]
    for table in derived.MATERIALIZED:
        con.execute(
            f"DELETE FROM {table} WHERE identity_key IN (SELECT unnest(?::BIGINT[]))", [keys]
        )
    derived._insert(con, keys, batch=4)
    for table, (view, _macro) in derived.MATERIALIZED.items():
        assert _differences(con, table, view) == (0, 0), table
