"""Create the warehouse schema from schema.sql/views.sql (column comments from the field
registry, warehouse/schema/fields.py) and describe tables for batch inserts."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.dbutil import scalar
from warehouse.schema import fields, rule_catalog

HERE = Path(__file__).resolve().parent
SCHEMA_SQL = HERE / "schema.sql"
VIEWS_SQL = HERE / "views.sql"

TABLES = (
    "dim_unit",
    "dim_fiscal_year",
    "dim_project",
    "dim_indicator",
    "source_document",
    "fact_project_budget",
    "fact_indicator_target",
    "load_warning",
    "goal_review_project",
    "goal_review_finding",
    "load_run",
    "reject",
    "document_version",
    "project_identity",
    "warehouse_meta",
)
# Reference tables written from code data at schema creation (not loaded, not exported).
REFERENCE_TABLES = ("review_rule",)
# Tables whose rows belong to exactly one source document (deleted and re-inserted on reload).
DOCUMENT_TABLES = (
    "fact_indicator_target",
    "fact_project_budget",
    "load_warning",
    "goal_review_finding",
    "goal_review_project",
    "dim_project",
    "source_document",
)
# Derived tables rebuilt from the ones above by warehouse/schema/marts.py (not exported).
MART_TABLES = ("mart_project_budget", "mart_indicator_target")
VIEWS = ("v_project_budget", "v_indicator_target", "v_goal_review", "v_load_warning")

_ARROW_TYPES = {
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "BOOLEAN": pa.bool_(),
    "VARCHAR[]": pa.list_(pa.string()),
}


class SchemaMismatchError(RuntimeError):
    """The warehouse file was built by another schema version."""


@cache
def schema_version() -> str:
    """The ``-- schema_version: N`` header of schema.sql."""
    match = re.search(r"--\s*schema_version:\s*(\S+)", SCHEMA_SQL.read_text(encoding="utf-8"))
    if not match:
        raise RuntimeError("schema.sql has no schema_version header")
    return match.group(1)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view of an empty warehouse and stamp its schema version."""
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    con.execute("INSERT INTO warehouse_meta VALUES ('schema_version', ?)", [schema_version()])
    rule_catalog.write(con)
    from warehouse.schema import marts  # marts imports this module

    marts.ensure_marts(con)
    create_views(con)


def _views_digest() -> str:
    return hashlib.sha256(VIEWS_SQL.read_bytes()).hexdigest()[:16]


def create_views(con: duckdb.DuckDBPyConnection, *, force: bool = True) -> None:
    """(Re)create the analyst views when views.sql changed (views hold no data, so an old
    warehouse picks up new view columns on its next load)."""
    digest = _views_digest()
    if force or get_meta(con, "views_digest") != digest:
        con.execute(VIEWS_SQL.read_text(encoding="utf-8"))

        set_meta(con, "views_digest", digest)
        # Views (and marts recreated before them) come without comments: write them all.
        fields.apply_comments(con)


def _has_schema(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'warehouse_meta'")
    )


def check_schema_version(con: duckdb.DuckDBPyConnection) -> None:
    """Raise SchemaMismatchError when an existing warehouse was built by another schema."""
    if not _has_schema(con):
        return
    found = get_meta(con, "schema_version")
    if found != schema_version():
        raise SchemaMismatchError(
            f"仓库结构版本为 {found}，当前代码需要 {schema_version()}；"
            "请删除仓库文件后重新加载 (schema version mismatch, rebuild the warehouse)"
        )


def views_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the views were created from the current views.sql, the marts behind them are
    current, and the column comments and rule catalogue match data/fields.toml and the
    catalogue (else the next load must write a version that refreshes them)."""
    from warehouse.schema import marts

    return (
        _has_schema(con)
        and get_meta(con, "views_digest") == _views_digest()
        and marts.marts_current(con)
        and fields.comments_current(con)
        and rule_catalog.current(con)
    )


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schema in an empty database, or check the version of an existing one."""
    if not _has_schema(con):
        create_schema(con)
        return
    check_schema_version(con)
    from warehouse.schema import marts

    digest = get_meta(con, "marts_digest")
    marts.ensure_marts(con)
    # Recreating the marts drops the views that read them.
    created = rule_catalog.ensure(con)  # an older warehouse gets the table on its next load
    create_views(con, force=digest != get_meta(con, "marts_digest"))
    if created:
        fields.apply_comments(con)
    else:
        fields.ensure_comments(con)


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """One value of warehouse_meta."""
    row = con.execute("SELECT value FROM warehouse_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Upsert one value of warehouse_meta."""
    con.execute("DELETE FROM warehouse_meta WHERE key = ?", [key])
    con.execute("INSERT INTO warehouse_meta VALUES (?, ?)", [key, value])


@cache
def _arrow_schemas() -> dict[str, pa.Schema]:
    con = duckdb.connect()
    try:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        rows = con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE NOT internal ORDER BY table_name, column_index"
        ).fetchall()
    finally:
        con.close()
    by_table: dict[str, list[tuple[str, pa.DataType]]] = {}
    for table, name, dtype in rows:
        by_table.setdefault(table, []).append((name, _ARROW_TYPES[dtype]))
    return {table: pa.schema(cols) for table, cols in by_table.items()}


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema matching a table's DDL, so batches never rely on type inference."""
    return _arrow_schemas()[table]


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, rows: list[dict], where: str = ""
) -> None:
    """Batch insert: one Arrow table, one ``INSERT … BY NAME`` statement (``where`` filters
    the batch, e.g. to skip keys already present)."""
    if not rows:
        return
    schema = arrow_schema(table)
    batch = pa.Table.from_pylist(rows, schema=schema)
    name = f"_batch_{table}"
    con.register(name, batch)
    try:
        condition = f" WHERE {where}" if where else ""
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {name}{condition}")
    finally:
        con.unregister(name)
