"""review_documents reviews a large load in batches of documents; every rule looks within
one document, so any batch size writes the same review (checked on the seed warehouse)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from typing import cast

import duckdb

import warehouse.review as review
from warehouse.load.storage import VersionConnection, current_file

REVIEW_ROWS = (
    "SELECT f.document_id, f.ordinal, f.rule_id, f.severity, f.message, f.hint, "
    "f.indicator_index, f.source_line, p.grade, p.score "
    "FROM goal_review_finding AS f JOIN goal_review_project AS p USING (project_key) "
    "ORDER BY ALL"
)


def test_batches_write_the_same_review(seed_warehouse, tmp_path, monkeypatch):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(current_file(seed_warehouse), copy)
    con = duckdb.connect(str(copy))
    try:
        loaded = con.execute(REVIEW_ROWS).fetchall()
        docs = [d for (d,) in con.execute("SELECT document_id FROM source_document").fetchall()]
        assert len(docs) == 5 and len(loaded) > 100
        con.execute("DELETE FROM goal_review_finding WHERE ordinal >= ?", [review.CROSS_OFFSET])
        cross = [r for r in loaded if r[1] < review.CROSS_OFFSET]
        monkeypatch.setattr(review, "BATCH_DOCUMENTS", 2)
        written = review.review_documents(con, docs)
        assert written == len(cross)
        assert con.execute(REVIEW_ROWS).fetchall() == cross
    finally:
        con.close()


def test_reopening_between_batches_writes_the_same_review(seed_warehouse, tmp_path, monkeypatch):
    """The loader reopens its connection between review batches (the native memory DuckDB
    keeps per batch goes with the closed database): the review and the load's temporary
    notes stay the same."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(current_file(seed_warehouse), copy)
    con = VersionConnection(copy, {"memory_limit": "512MB"})
    try:
        loaded = con.execute(REVIEW_ROWS).fetchall()
        docs = [d for (d,) in con.execute("SELECT document_id FROM source_document").fetchall()]
        con.execute("DELETE FROM goal_review_finding WHERE ordinal >= ?", [review.CROSS_OFFSET])
        cross = [r for r in loaded if r[1] < review.CROSS_OFFSET]
        con.execute("CREATE TEMP TABLE note (k BIGINT, v VARCHAR, d DECIMAL(18, 2))")
        con.execute("INSERT INTO note VALUES (1, '一', 1.25), (2, NULL, NULL)")
        monkeypatch.setattr(review, "BATCH_DOCUMENTS", 2)
        written = review.review_documents(
            cast(duckdb.DuckDBPyConnection, con), docs, between_batches=con.reopen, every=1
        )
        assert con.reopened == 2  # 5 documents: batches of 2, 2 and 1
        assert written == len(cross)
        assert con.execute(REVIEW_ROWS).fetchall() == cross
        assert con.execute("SELECT * FROM temp.note ORDER BY k").fetchall() == [
            (1, "一", Decimal("1.25")),
            (2, None, None),
        ]
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0].startswith("488")
    finally:
        con.close()
