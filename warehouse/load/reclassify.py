"""Re-apply data/project_categories.toml and data/indicator_families.toml without reparsing.

``python -m warehouse reclassify [--db DB]`` writes a new warehouse version like a load.
Loads call apply_rules too whenever the rule files changed since the last load, so unchanged
documents never keep categories from old rules.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import duckdb

from warehouse.load.classify import Classifier, load_classifier
from warehouse.schema import ddl as schema
from warehouse.schema import marts

FETCH_ROWS = 50_000  # rows classified per fetch: a national warehouse has millions of projects


def apply_rules(con: duckdb.DuckDBPyConnection, classifier: Classifier) -> tuple[int, int]:
    """Recompute every project category and indicator family; returns rows changed. Rows
    are read FETCH_ROWS at a time and only the changed ones are kept and written."""
    categories = _changed(
        con,
        "SELECT p.project_key, p.project_name, f.purpose, f.goals, p.project_category "
        "FROM dim_project p LEFT JOIN fact_project_budget f USING (project_key)",
        lambda r: classifier.project_category(r[1], r[2], r[3]),
    )
    families = _changed(
        con,
        "SELECT indicator_key, indicator_name, level2, target_kind, target_unit, indicator_family "
        "FROM dim_indicator",
        lambda r: classifier.indicator_family(r[1], r[2], r[3], r[4]),
    )
    con.execute("BEGIN TRANSACTION")
    _update(con, "dim_project", "project_key", "project_category", categories)
    _update(con, "dim_indicator", "indicator_key", "indicator_family", families)
    schema.set_meta(con, "rules_digest", classifier.digest)
    marts.mark_stale(con)  # categories and families are copied into the marts
    con.execute("COMMIT")
    return len(categories), len(families)


def _changed(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    classify: Callable[[tuple], str],
    params: list | None = None,
) -> list[tuple[int, str]]:
    """(key, new value) of the rows whose value (the last column) the rules change."""
    result = con.execute(sql, params)
    changed: list[tuple[int, str]] = []
    while rows := result.fetchmany(FETCH_ROWS):
        changed += [(row[0], new) for row in rows if (new := classify(row)) != row[-1]]
    return changed


def categorise_documents(
    con: duckdb.DuckDBPyConnection, classifier: Classifier, documents: set[int]
) -> int:
    """Categories of the projects of these documents from name, purpose and goals, for rows
    classified before the load's transform saw the goals (a Parquet export of an older
    parse); returns how many changed (rows streamed like ``apply_rules``)."""
    if not documents:
        return 0
    changed = _changed(
        con,
        "SELECT p.project_key, p.project_name, f.purpose, f.goals, p.project_category "
        "FROM dim_project p JOIN fact_project_budget f USING (project_key) "
        "WHERE p.document_id IN (SELECT unnest(?::BIGINT[]))",
        lambda r: classifier.project_category(r[1], r[2], r[3]),
        [sorted(documents)],
    )
    _update(con, "dim_project", "project_key", "project_category", changed)
    return len(changed)


def _update(
    con: duckdb.DuckDBPyConnection, table: str, key: str, column: str, rows: list[tuple[int, str]]
) -> None:
    if not rows:
        return
    # bound lists, not an Arrow table: pyarrow.table imports pandas (~0.4 CPU-s per process)
    con.execute(
        f"UPDATE {table} SET {column} = m.v "
        "FROM (SELECT unnest(?::BIGINT[]) AS k, unnest(?::VARCHAR[]) AS v) AS m "
        f"WHERE {table}.{key} = m.k",
        [[r[0] for r in rows], [r[1] for r in rows]],
    )


def main(argv: list[str]) -> int:
    """``python -m warehouse reclassify [--db DB]``."""
    from warehouse.load.storage import current_file, new_version
    from warehouse.paths import DB_HELP, resolve_db_path

    parser = argparse.ArgumentParser(
        prog="python -m warehouse reclassify",
        description="按 data/ 下的规则文件重新分类项目与指标（无需重新解析）",
    )
    parser.add_argument("--db", help=DB_HELP)
    args = parser.parse_args(argv)
    db_path = resolve_db_path(args.db)
    if current_file(db_path) is None:
        print(f"仓库不存在：{db_path}。请先运行 python -m etl load data/")
        return 2
    classifier = load_classifier()
    with new_version(db_path) as (con, _):
        schema.ensure_schema(con)
        cats, fams = apply_rules(con, classifier)
        marts.refresh(con)
    print(f"已重新分类：项目分类变化 {cats} 个，指标族变化 {fams} 个。")
    return 0


__all__ = ["apply_rules", "main"]
