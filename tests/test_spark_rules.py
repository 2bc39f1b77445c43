"""The loader's cross-document rules as the Spark parse applies them (no Spark needed)."""

from __future__ import annotations

from etl.spark_parse import dimension_rank, is_remote
from warehouse.load.loader import BATCH_DOCUMENTS
from warehouse.load.transform import foreign_project_keys


def _kept(table: str, rows: list[tuple[int, int]]) -> tuple[int, int]:
    """(position, ordinal) of the row the smallest rank keeps."""
    return min(rows, key=lambda r: dimension_rank(table, *r))


def test_units_keep_the_last_documents_row() -> None:
    rows = [(0, 0), (3, 0), (BATCH_DOCUMENTS + 5, 0), (BATCH_DOCUMENTS + 5, 1)]
    assert _kept("dim_unit", rows) == (BATCH_DOCUMENTS + 5, 1)


def test_indicators_keep_the_first_batch_and_its_last_row() -> None:
    rows = [(1, 4), (7, 2), (BATCH_DOCUMENTS, 0), (7, 1)]
    assert _kept("dim_indicator", rows) == (7, 2)
    assert _kept("dim_fiscal_year", [(BATCH_DOCUMENTS + 1, 0), (BATCH_DOCUMENTS * 3, 0)]) == (
        BATCH_DOCUMENTS + 1,
        0,
    )


def test_first_document_owns_a_project_key() -> None:
    owners: dict[int, int] = {}
    foreign = foreign_project_keys([(10, [1, 2]), (11, [2, 3]), (12, [3, 3, 4])], owners)
    assert foreign == {11: {2}, 12: {3}}
    assert owners == {1: 10, 2: 10, 3: 11, 4: 12}
    # Keys already stored belong to their document, even if it comes later in this run.
    assert foreign_project_keys([(20, [5]), (21, [5])], {5: 21}) == {20: {5}}


def test_remote_uris() -> None:
    assert is_remote("s3a://bucket/docs") and is_remote("hdfs://nn/x")
    assert not is_remote("/data/docs") and not is_remote("file:///data/docs")
