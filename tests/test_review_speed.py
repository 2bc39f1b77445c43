"""The review's speed work must not change a single row: reviewing the documents of the seed
warehouse one at a time (the reload path) writes exactly what the load's batched review
wrote, keys included, and the review leaves DuckDB's thread setting as it found it."""

from __future__ import annotations

import shutil

import duckdb

import warehouse.review as review
from warehouse.load.storage import current_file

TABLES = ("goal_review_project", "goal_review_finding")


def _dump(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def test_one_document_at_a_time_equals_the_load(seed_warehouse, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(current_file(seed_warehouse), copy)
    con = duckdb.connect(str(copy))
    try:
        loaded = _dump(con)
        assert len(loaded["goal_review_project"]) > 10
        assert len(loaded["goal_review_finding"]) > 100
        docs = [d for (d,) in con.execute("SELECT document_id FROM source_document").fetchall()]
        con.execute("DELETE FROM goal_review_finding")
        con.execute("DELETE FROM goal_review_project")
        for doc in docs:
            review.review_documents(con, [doc])
            review.cross_unit(con, [doc])
        assert _dump(con) == loaded
        left = con.execute(
            "SELECT count(*) FROM duckdb_tables() "
            "WHERE temporary AND starts_with(table_name, 'rv_')"
        ).fetchone()[0]
        assert left == 0
    finally:
        con.close()


def test_review_restores_the_thread_setting(seed_warehouse, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(current_file(seed_warehouse), copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("SET threads = 3")
        docs = [d for (d,) in con.execute("SELECT document_id FROM source_document").fetchall()]
        assert review.review_documents(con, docs) > 0
        review.cross_unit(con, docs)
        assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 3
    finally:
        con.close()
