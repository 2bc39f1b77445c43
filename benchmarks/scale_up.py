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

from warehouse.dbutil import one, scalar

# Copy k gets keys XOR (k << 48): unique per copy, no overflow, no collision with md5-based
# 64-bit keys in practice (their top bits are random; a clash needs equal low 52 bits too).
_SHIFT = 48


def _key(column: str) -> str:
    return f"xor({column}, c.k::BIGINT << {_SHIFT})"


def _year(column: str) -> str:
    return f"({column} + c.year_shift)"


def scale_up(con: duckdb.DuckDBPyConnection, factor: int, year_groups: int) -> dict:
    """Multiply the warehouse's documents in place; returns the row counts afterwards."""
    lo, hi = one(con, "SELECT min(fiscal_year), max(fiscal_year) FROM source_document")
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
    statements |= _derived_statements(con, town)
    for table, select in statements.items():
        con.execute(f"INSERT INTO {table} BY NAME {select}")
        con.execute("CHECKPOINT")
    _add_fiscal_years(con)
    return {table: scalar(con, f"SELECT count(*) FROM {table}") for table in statements}


def _derived_statements(con: duckdb.DuckDBPyConnection, town: str) -> dict[str, str]:
    """Copies of the tables the dashboard reads besides the facts (the goal review, load
    warnings, project source text, project identities and the materialized cross-year marts),
    when the source has them: the marts rebuild does not produce these."""
    present = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
        ).fetchall()
    }
    statements = {
        "goal_review_project": f"""SELECT u.* REPLACE ({_key("u.project_key")} AS project_key,
                                {_key("u.document_id")} AS document_id)
                                FROM goal_review_project u, copies c""",
        "goal_review_finding": f"""SELECT u.* REPLACE ({_key("u.finding_key")} AS finding_key,
                                {_key("u.project_key")} AS project_key,
                                {_key("u.document_id")} AS document_id)
                                FROM goal_review_finding u, copies c""",
        "load_warning": f"""SELECT u.* REPLACE ({_key("u.warning_key")} AS warning_key,
                         {_key("u.document_id")} AS document_id,
                         {_key("u.project_key")} AS project_key)
                         FROM load_warning u, copies c""",
        "project_source_text": f"""SELECT u.* REPLACE ({_key("u.project_key")} AS project_key,
                                {_key("u.document_id")} AS document_id)
                                FROM project_source_text u, copies c""",
        "project_identity": f"""SELECT u.* REPLACE ({_key("u.project_key")} AS project_key,
                             {_key("u.identity_key")} AS identity_key)
                             FROM project_identity u, copies c""",
        "document_version": f"""SELECT u.* REPLACE ({_key("u.identity_key")} AS identity_key,
                             {_key("u.document_id")} AS document_id,
                             u.path || '#copy' || c.k AS path,
                             {_key("u.unit_key")} AS unit_key,
                             {_year("u.fiscal_year")} AS fiscal_year)
                             FROM document_version u, copies c""",
    }
    for mart in ("mart_project_history", "mart_target_change"):
        statements[mart] = f"""SELECT u.* REPLACE ({_key("u.identity_key")} AS identity_key,
                               {_key("u.project_key")} AS project_key,
                               {town} AS township,
                               {_year("u.fiscal_year")} AS fiscal_year,
                               {_year("u.prev_fiscal_year")} AS prev_fiscal_year)
                               FROM {mart} u, copies c"""
    return {table: sql for table, sql in statements.items() if table in present}


def _add_fiscal_years(con: duckdb.DuckDBPyConnection) -> None:
    """dim_fiscal_year rows for the shifted years (label and dates follow the source rows)."""
    con.execute(
        """INSERT INTO dim_fiscal_year BY NAME
           SELECT DISTINCT y.fiscal_year + c.year_shift AS fiscal_year,
                  replace(y.label, CAST(y.fiscal_year AS VARCHAR),
                          CAST(y.fiscal_year + c.year_shift AS VARCHAR)) AS label,
                  y.start_date + INTERVAL (c.year_shift) YEAR AS start_date,
                  y.end_date + INTERVAL (c.year_shift) YEAR AS end_date
           FROM dim_fiscal_year y, copies c
           WHERE c.year_shift > 0 AND y.fiscal_year + c.year_shift NOT IN
                 (SELECT fiscal_year FROM dim_fiscal_year)"""
    )


COUNTS = {
    "documents": "SELECT count(*) FROM source_document",
    "projects": "SELECT count(*) FROM mart_project_budget",
    "indicator_rows": "SELECT count(*) FROM mart_indicator_target",
    "townships": "SELECT count(DISTINCT township) FROM mart_project_budget",
    "fiscal_years": "SELECT count(DISTINCT fiscal_year) FROM mart_project_budget",
    "review_findings": "SELECT count(*) FROM goal_review_finding",
}


def warehouse_counts(db: Path) -> dict[str, int]:
    """Documents, projects, indicator rows (as the dashboard sees them), townships, years
    and review findings of a warehouse file."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: scalar(con, sql) for name, sql in COUNTS.items()}
    finally:
        con.close()


def check_scaled(source: dict[str, int], scaled: dict[str, int], factor: int) -> list[str]:
    """Rows that are not exactly ``factor`` times the source's (townships and years grow by
    the copy layout instead, so they are not checked)."""
    return [
        f"{name}: {scaled[name]:,} ≠ {factor} × {source[name]:,}"
        for name in ("documents", "projects", "indicator_rows", "review_findings")
        if scaled[name] != factor * source[name]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_up", description=__doc__)
    parser.add_argument("source", type=Path, help="a loaded warehouse (read, not changed)")
    parser.add_argument("target", type=Path, help="the scaled copy (overwritten)")
    parser.add_argument("--factor", type=int, default=40)
    parser.add_argument(
        "--year-groups", type=int, default=2, help="blocks of the source's year span (≥ 1)"
    )
    parser.add_argument(
        "--memory-limit",
        default="4GB",
        help="DuckDB memory_limit (spills to DST.tmp/ beyond it; the default 80%% of RAM "
        "starved a shared machine at ×10 of 40,000 documents)",
    )
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"找不到数据仓库文件：{args.source}", file=sys.stderr)
        return 2
    from warehouse.schema import ddl, marts

    started = time.perf_counter()
    shutil.copyfile(args.source, args.target)
    con = duckdb.connect(
        str(args.target),
        config={
            "memory_limit": args.memory_limit,
            "temp_directory": str(args.target) + ".tmp",
        },
    )
    try:
        counts = scale_up(con, args.factor, max(1, args.year_groups))
        copied = time.perf_counter()
        ddl.ensure_schema(con)  # a source built by older marts.sql gets the current marts
        marts.refresh(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
        shutil.rmtree(str(args.target) + ".tmp", ignore_errors=True)
    done = time.perf_counter()
    print(
        f"scaled ×{args.factor}: {counts} in {copied - started:.1f} s; "
        f"marts rebuilt in {done - copied:.1f} s; {args.target.stat().st_size / 1e6:,.0f} MB"
    )
    source, scaled = warehouse_counts(args.source), warehouse_counts(args.target)
    print(f"source {source}\nscaled {scaled}")
    problems = check_scaled(source, scaled, args.factor)
    for problem in problems:
        print(f"缩放副本行数不符：{problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
