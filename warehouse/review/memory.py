"""Review one record without a warehouse on disk: load it into an in-memory DuckDB with
the warehouse schema and run the set-based review (`python -m etl review FILE`)."""

from __future__ import annotations

import datetime as dt

import duckdb

from etl.review.config import default_config
from warehouse.load.classify import load_classifier
from warehouse.load.transform import SourceInfo, record_to_rows
from warehouse.review import collect, grade, run_rules
from warehouse.schema import ddl as schema
from warehouse.schema.keys import document_key

_TABLES_ONLY: dict[str, str] = {}
_SHARED_DIMS = {
    "dim_unit": "unit_key",
    "dim_indicator": "indicator_key",
    "dim_fiscal_year": "fiscal_year",
}


def _schema_sql() -> str:
    """schema.sql without views and marts: the review reads the base tables only."""
    if "sql" not in _TABLES_ONLY:
        _TABLES_ONLY["sql"] = schema.SCHEMA_SQL.read_text(encoding="utf-8")
    return _TABLES_ONLY["sql"]


def review_record_sql(record: dict, config: dict | None = None) -> dict:
    """The review of ``record`` (same shape as etl.review.review_record's result)."""
    config = config if config is not None else default_config()
    path = str((record.get("source") or {}).get("path") or "memory://record")
    doc_id = document_key(path)
    source = SourceInfo(path, "0" * 64, 0, "review", 0, dt.datetime(2000, 1, 1))
    rows = record_to_rows(record, source, load_classifier())
    con = duckdb.connect(":memory:")
    try:
        con.execute(_schema_sql())
        for table, table_rows in rows.tables.items():
            key_column = _SHARED_DIMS.get(table)
            if key_column:  # one row per key, as the loader's upsert keeps them
                table_rows = list({row[key_column]: row for row in table_rows}.values())
            schema.insert_rows(con, table, table_rows)
        run_rules(con, [doc_id], config)
        grade(con, config)
        return collect(con, doc_id, config)
    finally:
        con.close()
