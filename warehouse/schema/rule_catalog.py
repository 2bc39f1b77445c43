"""The goal-review rule catalogue as warehouse data (table ``review_rule``): rule titles
reach the dashboard and SQL users through the warehouse, not through an import of
etl/review/catalog.py (issue 16)."""

from __future__ import annotations

import hashlib
from functools import cache

import duckdb

from etl.review.catalog import RULES

TABLE = "review_rule"
_DIGEST_KEY = "rule_catalog_digest"  # warehouse_meta: catalogue digest of the rows written


def _rows() -> list[tuple[str, str, str, str, str]]:
    return [(r.rule_id, r.slug, r.title, r.dimension, r.hint) for r in RULES.values()]


@cache
def digest() -> str:
    """Digest of the catalogue rows: a change rewrites the table on the next load."""
    return hashlib.sha256(repr(_rows()).encode()).hexdigest()[:16]


def _ddl() -> str:
    from warehouse.schema.ddl import SCHEMA_SQL

    text = SCHEMA_SQL.read_text(encoding="utf-8")
    start = text.index(f"CREATE TABLE IF NOT EXISTS {TABLE}")
    return text[start : text.index(";", start) + 1]


def write(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)write the catalogue rows, creating the table in a warehouse built before it."""
    con.execute(_ddl())
    con.execute(f"DELETE FROM {TABLE}")
    con.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?)", _rows())
    con.execute("DELETE FROM warehouse_meta WHERE key = ?", [_DIGEST_KEY])
    con.execute("INSERT INTO warehouse_meta VALUES (?, ?)", [_DIGEST_KEY, digest()])


def current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the table holds the current catalogue."""
    row = con.execute("SELECT value FROM warehouse_meta WHERE key = ?", [_DIGEST_KEY]).fetchone()
    return row is not None and row[0] == digest()


def ensure(con: duckdb.DuckDBPyConnection) -> bool:
    """Write the catalogue when it changed since the last write; True when it did."""
    if current(con):
        return False
    write(con)
    return True
