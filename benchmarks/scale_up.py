"""``python -m benchmarks.scale_up SRC.duckdb DST.duckdb [--factor 40]``: a scaled copy.

Generating and loading 400,000 documents takes most of an hour on the benchmark machine, so
the dashboard-query benchmark at that scale runs on a *scaled copy* of a loaded warehouse
(docs/query_performance.md): every document, unit, project, indicator definition and fact
row is copied ``factor - 1`` times inside DuckDB with new keys. Copies are spread over more
fiscal years (``--year-groups`` blocks of the source's year span) and more townships (a
suffix ``·2``, ``·3`` … on the township name), so that a one-year or one-township filter
keeps a realistic selectivity. Then the marts are rebuilt exactly as a load rebuilds them.
This is NOT a parsed corpus: text, targets and budgets repeat; load warnings, review
results and the cross-year marts are not multiplied.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import duckdb

# Copy k gets keys XOR (k << 48): unique per copy, no overflow, no collision with md5-based
# 64-bit keys in practice (their top bits are random; a clash needs equal low 52 bits too).
_SHIFT = 48


def _key(column: str) -> str:
    return f"xor({column}, c.k::BIGINT << {_SHIFT})"


def _year(column: str) -> str:
    return f"({column} + c.year_shift)"


def scale_up(con: duckdb.DuckDBPyConnection, factor: int, year_groups: int) -> dict:
    """Multiply the warehouse's documents in place; returns the row counts afterwards."""
    lo, hi = con.execute(
        "SELECT min(fiscal_year), max(fiscal_year) FROM source_document"
    ).fetchone()
    span = (hi - lo + 1) if lo is not None else 1
    # copy k: years shifted by span * (k % year_groups); townships suffixed by k // year_groups
    con.execute(
        "CREATE TEMP TABLE copies AS SELECT k, "
        f"{span} * (k % {year_groups}) AS year_shift, k // {year_groups} AS town_group "
        f"FROM range(1, {factor}) AS r(k)"
    )
    town = (
        "CASE WHEN c.town_group = 0 THEN u.township "
        "ELSE u.township || '·' || (c.town_group + 1) END"
    )
    statements = {
        "dim_unit": f"""SELECT u.* REPLACE ({_key("u.unit_key")} AS unit_key,
                               {town} AS township) FROM dim_unit u, copies c""",
        "source_document": f"""SELECT u.* REPLACE ({_key("u.document_id")} AS document_id,
                               u.path || '#copy' || c.k AS path,
                               {_key("u.unit_key")} AS unit_key,
                               {_year("u.fiscal_year")} AS fiscal_year)
                               FROM source_document u, copies c""",
        "dim_indicator": f"""SELECT u.* REPLACE ({_key("u.indicator_key")} AS indicator_key)
                             FROM dim_indicator u, copies c""",
        "dim_project": f"""SELECT u.* REPLACE ({_key("u.project_key")} AS project_key,
                           {_key("u.unit_key")} AS unit_key,
                           {_key("u.document_id")} AS document_id,
                           {_year("u.fiscal_year")} AS fiscal_year)
                           FROM dim_project u, copies c""",
        "fact_project_budget": f"""SELECT u.* REPLACE ({_key("u.project_key")} AS project_key,
                           {_key("u.unit_key")} AS unit_key,
                           {_key("u.document_id")} AS document_id,
                           {_year("u.fiscal_year")} AS fiscal_year)
                           FROM fact_project_budget u, copies c""",
        "fact_indicator_target": f"""SELECT u.* REPLACE ({_key("u.target_key")} AS target_key,
                           {_key("u.project_key")} AS project_key,
                           {_key("u.unit_key")} AS unit_key,
                           {_key("u.document_id")} AS document_id,
                           {_key("u.indicator_key")} AS indicator_key,
                           {_year("u.fiscal_year")} AS fiscal_year)
                           FROM fact_indicator_target u, copies c""",
    }
    for table, select in statements.items():
        con.execute(f"INSERT INTO {table} BY NAME {select}")
        con.execute("CHECKPOINT")
    return {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in statements
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_up", description=__doc__)
    parser.add_argument("source", type=Path, help="a loaded warehouse (read, not changed)")
    parser.add_argument("target", type=Path, help="the scaled copy (overwritten)")
    parser.add_argument("--factor", type=int, default=40)
    parser.add_argument(
        "--year-groups", type=int, default=2, help="blocks of the source's year span (≥ 1)"
    )
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"找不到数据仓库文件：{args.source}", file=sys.stderr)
        return 2
    from warehouse.schema import ddl, marts

    started = time.perf_counter()
    shutil.copyfile(args.source, args.target)
    con = duckdb.connect(str(args.target))
    try:
        counts = scale_up(con, args.factor, max(1, args.year_groups))
        copied = time.perf_counter()
        ddl.ensure_schema(con)  # a source built by older marts.sql gets the current marts
        marts.refresh(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    done = time.perf_counter()
    print(
        f"scaled ×{args.factor}: {counts} in {copied - started:.1f} s; "
        f"marts rebuilt in {done - copied:.1f} s; {args.target.stat().st_size / 1e6:,.0f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
