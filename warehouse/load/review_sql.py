"""The loader's one post-load hook for the goal review.

Runs before the marts refresh of a load: reviews the documents written set-based
(warehouse/review: every rule as SQL over the facts, grades, goal_review_project /
goal_review_finding) and recomputes the cross-unit copies (warehouse/review/cross_unit.sql)
of the fiscal years they touch (docs/goal_review.md, "Where the review runs").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import duckdb

from warehouse import review as review_module
from warehouse.load.storage import reopener
from warehouse.review import CROSS_INCREMENTAL_MAX as CROSS_INCREMENTAL_MAX
from warehouse.review import ReviewError, cross_unit, review_documents
from warehouse.review import note_deleted as review_note_deleted

log = logging.getLogger(__name__)


REOPEN_EVERY = 4  # review batches between two reopenings of the loader's connection


def after_load(
    con: duckdb.DuckDBPyConnection,
    documents: set[int],
    *,
    review: bool = True,
    deletions_noted: bool = False,
) -> None:
    """``deletions_noted``: every document deleted by this load went through
    ``note_deleted`` first, so a small load recomputes only the cross-unit copies it can
    change.

    A load of more than one review batch reopens the loader's connection before the review,
    every REOPEN_EVERY batches and before the marts refresh (storage.VersionConnection):
    DuckDB keeps native memory per batch (≈ 6 MB per batch at 400,000 documents) that only
    closing the database gives back."""
    if review and documents:
        reopen = reopener(con) if len(documents) > review_module.BATCH_DOCUMENTS else None
        _reopen(reopen)
        try:
            review_documents(
                con,
                documents,
                between_batches=(lambda: _reopen(reopen)) if reopen else None,
                every=REOPEN_EVERY,
            )
        except ReviewError as exc:  # a rule bug must not lose the load: the data stays
            log.error("绩效目标审核未完成（%d 个文件）：%s", len(documents), exc)
        began = time.perf_counter()
        cross_unit(con, documents, incremental=deletions_noted)
        log.info("跨单位审核：%.1f 秒", time.perf_counter() - began)
        _reopen(reopen)


def _reopen(reopen: Callable[[], None] | None) -> None:
    if reopen is not None:
        began = time.perf_counter()
        reopen()
        log.info("重新打开仓库连接：%.1f 秒", time.perf_counter() - began)


def note_deleted(con: duckdb.DuckDBPyConnection, document_ids: list[int]) -> None:
    """Called before the loader deletes documents' rows (warehouse.review.note_deleted)."""
    review_note_deleted(con, document_ids)
