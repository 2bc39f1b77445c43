"""Post-load goal review in the warehouse: checks that need more than one document.

Run by the loader (``after_load``) after every load for the documents and fiscal years the
load touched (see warehouse/review.sql for what it finds and why it does not change grades).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from etl.review.catalog import RULES
from etl.review.config import default_config
from warehouse.classify import Classifier
from warehouse.reclassify import categorise_documents

REVIEW_SQL = Path(__file__).resolve().parent / "review.sql"
CROSS_OFFSET = 10000  # ordinals of warehouse findings start here (per-document ones below)


def _literal(text: str) -> str:
    return text.replace("'", "''")


def after_load(con: duckdb.DuckDBPyConnection, documents: set[int], classifier: Classifier) -> None:
    """The loader's one hook, before the marts refresh: categories that need the goals
    (reclassify.categorise_documents) and the cross-unit review of the touched years."""
    categorise_documents(con, classifier, documents)
    run(con, documents)


def touched_years(con: duckdb.DuckDBPyConnection, documents: Iterable[int] | None) -> list[int]:
    """Fiscal years of the given documents (all years when ``documents`` is None)."""
    if documents is None:
        rows = con.execute("SELECT DISTINCT fiscal_year FROM fact_project_budget").fetchall()
    else:
        ids = list(documents)
        if not ids:
            return []
        rows = con.execute(
            "SELECT DISTINCT fiscal_year FROM source_document WHERE document_id IN "
            "(SELECT unnest(?::BIGINT[]))",
            [ids],
        ).fetchall()
    return sorted(int(y) for (y,) in rows if y is not None)


def run(
    con: duckdb.DuckDBPyConnection,
    documents: Iterable[int] | None = None,
    config: dict | None = None,
) -> int:
    """Recompute the cross-unit findings of the touched fiscal years; returns how many."""
    config = config or default_config()
    rule = config.get("rules", {}).get("R21", {})
    years = touched_years(con, documents)
    if not years:
        return 0
    sql = REVIEW_SQL.read_text(encoding="utf-8").format(
        years=", ".join(str(y) for y in years),
        min_units=int(rule.get("across_units_min", 3)),
        severity=_literal(str(rule.get("across_units_severity", "提示"))),
        hint=_literal(RULES["R21"].hint),
        offset=CROSS_OFFSET,
    )
    if not rule.get("enabled", True) or rule.get("across_units_min", 3) <= 0:
        sql = sql.split("INSERT INTO", 1)[0]  # only remove what an earlier run added
    con.execute(sql)
    return con.execute(
        "SELECT count(*) FROM goal_review_finding WHERE ordinal >= ?", [CROSS_OFFSET]
    ).fetchone()[0]
