"""The Parquet folder shared by Spark parse, ``load --from-parquet`` and the engine DDL.

One place says which tables are written, which are partitioned and by what, and where a
table's files are, so the writer (etl/spark_parse.py), the DuckDB loader
(warehouse/load/parquet_load.py) and the DDL export (warehouse/export/engines.py) cannot
drift apart.
Both layouts are read: Spark's ``DIR/<table>/part-*.parquet`` folders and
``python -m warehouse export``'s ``DIR/<table>.parquet`` files.
"""

from __future__ import annotations

from pathlib import Path

from warehouse.schema import ddl as schema

# Facts are Hive-partitioned; Spark adds the unit's province as a second level (a column
# that exists only in the folder names: the fact tables themselves have no province). It is
# not called `province`: the marts pass every fact column through beside dim_unit.province.
PARTITIONED = ("fact_project_budget", "fact_indicator_target")
PARTITION_COLUMNS = ("fiscal_year", "unit_province")
SHARED_DIMENSIONS = {
    "dim_unit": "unit_key",
    "dim_indicator": "indicator_key",
    "dim_fiscal_year": "fiscal_year",
}
# Every table a parse produces: dimensions, per-document tables, rejects. load_run and
# warehouse_meta belong to a warehouse, not to a parse.
PARSE_TABLES = (
    "dim_unit",
    "dim_fiscal_year",
    "dim_indicator",
    *reversed(schema.DOCUMENT_TABLES),
    "reject",
)
RUN_FILE = "_spark_parse.json"


def table_glob(root: Path, table: str) -> str | None:
    """A read_parquet glob for ``table`` under ``root``, or None when it has no file."""
    single = root / f"{table}.parquet"
    if single.is_file():
        return str(single)
    folder = root / table
    if folder.is_dir() and any(folder.rglob("*.parquet")):
        return str(folder / "**" / "*.parquet")
    return None


def table_location(root: str, table: str, *, single_file: bool) -> str:
    """Where an engine finds ``table``: a folder (Spark layout) or one file (DuckDB export)."""
    base = root.rstrip("/")
    return f"{base}/{table}.parquet" if single_file else f"{base}/{table}"
