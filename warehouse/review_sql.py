"""The loader's one post-load hook for the goal review and the goal-aware categories.

Runs before the marts refresh of a load: re-applies project categories with the goals for
the documents written (reclassify.categorise_documents) and recomputes the cross-unit copies
(warehouse/review/cross_unit.sql) of the fiscal years they touch. The per-document review
itself still runs in the parse workers (etl.review); warehouse/review holds its SQL port,
not wired in yet (docs/goal_review.md, "Where the review runs").
"""

from __future__ import annotations

import duckdb

from warehouse.classify import Classifier
from warehouse.reclassify import categorise_documents
from warehouse.review import cross_unit


def after_load(
    con: duckdb.DuckDBPyConnection,
    documents: set[int],
    classifier: Classifier,
    *,
    review: bool = True,
) -> None:
    categorise_documents(con, classifier, documents)
    if review and documents:
        cross_unit(con, documents)
