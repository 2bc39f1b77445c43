"""Every SQL the dashboard pages run, against the analyst views only.

Each function takes a *runner* (``run(sql, params) -> DataFrame``; the app passes
``dashboard.data.db.run_query``, tests pass a plain DuckDB connection wrapper) and the sidebar
``Filters``. Money stays in yuan here; pages convert to 万元 for display. NULL townships,
years and categories are labelled so that groups never silently disappear.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

from dashboard.data.filter_model import UNKNOWN_CATEGORY, UNKNOWN_TOWNSHIP, UNKNOWN_YEAR, Filters
from dashboard.data.township_fold import FOLDED, MAX_TOWNSHIPS, RANK, fold_townships
from dashboard.view.formatting import QUANTITATIVE_KINDS
from etl.vocabulary import sql_list
from warehouse.schema import marts

Runner = Callable[[str, list | None], pd.DataFrame]


def connection_runner(con: duckdb.DuckDBPyConnection) -> Runner:
    """A plain runner over one connection, one cursor per query (connections are not
    thread-safe): for tests, benchmarks and scripts that run outside Streamlit."""

    def run(sql: str, params: list | None = None) -> pd.DataFrame:
        cursor = con.cursor()
        try:
            return cursor.execute(sql, params or []).df()
        finally:
            cursor.close()

    return run


TOWNSHIP = marts.TOWNSHIP_LABEL_SQL


UNKNOWN_LEVEL = "未注明"  # an indicator whose 一级/二级指标 cell was empty


def level_label(column: str) -> str:
    """SQL: the level-1 or level-2 name, ``UNKNOWN_LEVEL`` when the document left it empty."""
    return f"COALESCE({column}, '{UNKNOWN_LEVEL}')"


CATEGORY = marts.CATEGORY_LABEL_SQL


FAMILY = marts.FAMILY_SQL


UNIT_SCOPE_PROJECT = marts.UNIT_SCOPE_PROJECT


NO_UNIT = marts.NO_UNIT


PERCENT_FAMILIES = marts.PERCENT_FAMILIES


QUANT_SQL = sql_list(QUANTITATIVE_KINDS)  # one definition: data/vocabulary/kinds.toml


# Targets compared across projects, townships and years (目标值对比): annual targets whose value
# is a level on the indicator's own scale (not a tolerance, date or long-term goal). A
# per-place target is one point of its own, its place shown with the name (docs/dashboard.md).
COMPARABLE = marts.COMPARABLE_SQL


NAME_WITH_PLACE = "indicator_name || coalesce('（' || place || '）', '')"


def _sort_years(values: list[str]) -> list[str]:
    known = sorted((v for v in values if v != UNKNOWN_YEAR), key=int, reverse=True)
    return known + ([UNKNOWN_YEAR] if UNKNOWN_YEAR in values else [])


def _sort_last(values: list[str], last: str) -> list[str]:
    return sorted(v for v in values if v != last) + ([last] if last in values else [])


def has_rollups(run: Runner) -> bool:
    """Whether the warehouse has the rollup tables (warehouse/schema/marts.py ROLLUPS); test
    fixtures and versions built before them aggregate the marts or views directly."""
    names = ", ".join(f"'{t}'" for t in marts.ROLLUP_TABLES)
    try:
        frame = run(
            "SELECT count(DISTINCT table_name) AS n FROM duckdb_columns() "
            f"WHERE table_name IN ({names}) AND column_name = 'all_years'",
            None,
        )
    except Exception:
        return False
    return int(frame["n"].iloc[0]) == len(marts.ROLLUP_TABLES)


def has_filter_options(run: Runner) -> bool:
    """Whether the warehouse stores the sidebar's choices (marts.FILTER_OPTION_TABLE); a file
    built before it (until its next load rebuilds the marts) collects them from the views."""
    try:
        frame = run(
            "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = ?",
            [marts.FILTER_OPTION_TABLE],
        )
    except Exception:
        return False
    return int(frame["n"].iloc[0]) == 1


def rollup_where(
    f: Filters, alias: str = "", by_category: bool = False, by_year: bool = False
) -> tuple[str, list]:
    """``f.where()`` for a rollup table, plus the grouping set the filter needs: the
    all-years rows when no year is selected, the per-year rows otherwise (summed over the
    selected years), the same for categories (always per year or per category when the
    query groups ``by_year`` or ``by_category``)."""
    where, params = f.where(alias=alias)
    prefix = f"{alias}." if alias else ""
    all_years = not f.years and not by_year
    all_categories = not f.categories and not by_category
    flags = f"{prefix}all_years = {all_years} AND {prefix}all_categories = {all_categories}"
    return f"{where} AND {flags}", params


def filter_options(run: Runner) -> dict[str, list[str]]:
    """All years, townships and categories in the warehouse (independent of the filter)."""
    if has_filter_options(run):
        table = marts.FILTER_OPTION_TABLE
        sources = {
            kind: f"{table} WHERE filter_kind = '{kind}'"
            for kind in ("year", "township", "category")
        }
    else:
        sources = {
            "year": "v_project_budget UNION SELECT fiscal_year, township FROM v_indicator_target",
            "township": "v_project_budget UNION "
            "SELECT fiscal_year, township FROM v_indicator_target",
            "category": "v_project_budget",
        }
    frame = run(
        f"""
        SELECT 'year' AS kind, COALESCE(CAST(fiscal_year AS VARCHAR), '{UNKNOWN_YEAR}') AS value
          FROM (SELECT fiscal_year, township FROM {sources["year"]})
        UNION SELECT 'township', {TOWNSHIP}
          FROM (SELECT fiscal_year, township FROM {sources["township"]})
        UNION SELECT 'category', {CATEGORY}
          FROM (SELECT project_category FROM {sources["category"]})
        """,
        None,
    )
    # plain lists first: iterating an Arrow-backed column value by value cost ~20 ms for a
    # national decade's ~44,000 townships, more than the sorting
    by_kind: dict[str, list[str]] = {"year": [], "township": [], "category": []}
    for kind, value in zip(frame["kind"].tolist(), frame["value"].tolist(), strict=True):
        by_kind[kind].append(str(value))
    return {
        "years": _sort_years(by_kind["year"]),
        "townships": _sort_last(by_kind["township"], UNKNOWN_TOWNSHIP),
        "categories": _sort_last(by_kind["category"], UNKNOWN_CATEGORY),
    }


def budget_by_township(run: Runner, f: Filters, limit: int | None = MAX_TOWNSHIPS) -> pd.DataFrame:
    """township, projects, projects_with_budget, budget_yuan (NULL when none printed): the
    ``limit`` townships with the largest budget, the rest in one 其他 row (township_fold)."""
    if has_rollups(run):
        where, params = rollup_where(f)
        source = f"FROM mart_project_rollup WHERE {where}"
        sums = {
            "projects": "CAST(sum(projects) AS BIGINT)",
            "projects_with_budget": "CAST(sum(projects_with_budget) AS BIGINT)",
            "budget_yuan": "sum(budget_yuan)",
        }
    else:
        where, params = f.where()
        source = f"FROM v_project_budget WHERE {where}"
        sums = {
            "projects": "count(*)",
            "projects_with_budget": "count(budget_total_yuan)",
            "budget_yuan": "sum(budget_total_yuan)",
        }
    folded, params = fold_townships(
        source, params, township=TOWNSHIP, sums=sums, rank=sums["budget_yuan"], limit=limit
    )
    return run(
        f"""SELECT township, projects, projects_with_budget, budget_yuan, {RANK}, {FOLDED}
            FROM ({folded}) ORDER BY {RANK}""",
        params,
    )


def indicators_folded(
    run: Runner, f: Filters, rollup_table: str, keys: dict[str, str], limit: int | None
) -> tuple[str, list]:
    """Indicators per township × ``keys`` (column → expression), folded to ``limit``
    townships ranked by their indicators (township_fold): from ``rollup_table`` when the
    warehouse has the rollups, else counted in v_indicator_target. (SQL, params)."""
    rollup = has_rollups(run)
    where, params = rollup_where(f) if rollup else f.where()
    count, source = (
        ("CAST(sum(indicators) AS BIGINT)", rollup_table)
        if rollup
        else ("count(*)", "v_indicator_target")
    )
    return fold_townships(
        f"FROM {source} WHERE {where}",
        params,
        township=TOWNSHIP,
        keys=keys,
        sums={"indicators": count},
        rank=count,
        limit=limit,
    )


MAX_POINTS = marts.SAMPLE_POINTS  # points a strip chart draws; more is unreadable and slow


def point_sample(
    run: Runner,
    f: Filters,
    measure: str,
    base: tuple[str, list],
    family: str | None = None,
    unit: str | None = None,
) -> pd.DataFrame:
    """A point cloud's rows: all of them up to ``marts.SAMPLE_POINTS``, else the bounded,
    deterministic, township-stratified sample of ``marts.sample_select`` (outliers first).

    Read from the stored samples (``marts.SAMPLE_TABLES``) when they cover the filter (no
    township, at most one year or one category, targets of one unit); else computed from
    ``base`` (SQL selecting ``marts.POINT_COLUMNS[measure]``, params), with the quartiles
    from ``mart_box_rollup`` when it has them. Same rows, same order either way."""
    value, order = marts.POINT_ORDER[measure]
    stored = _stored_sample(run, f, measure, family, unit)
    if stored is not None:
        sql, params = stored
        return run(sql + f" ORDER BY {order}", params)
    sql, params = base
    stats, stats_params = box_stats(run, f, measure, family, unit) or (
        f"""SELECT township, count(*) AS _n, quantile_cont({value}, 0.25) AS _q1,
                   quantile_cont({value}, 0.75) AS _q3
            FROM base GROUP BY township""",
        [],
    )
    sample = marts.sample_select(sql, value, stats)
    return run(
        f"SELECT * EXCLUDE (_key, _rank) FROM ({sample}) ORDER BY {order}", params + stats_params
    )


def _stored_sample(
    run: Runner, f: Filters, measure: str, family: str | None, unit: str | None
) -> tuple[str, list] | None:
    covered = (
        not f.townships
        and len(f.years) + len(f.categories) <= 1
        and (measure != "target" or unit is not None)
        and has_rollups(run)
    )
    if not covered:
        return None
    where, params = f.where()
    target, drop = "", "_key, _rank, project_category, all_years, all_categories"
    if measure == "target":
        target, drop = " AND family = ? AND target_unit = ?", drop + ", family"
        params = params + [family, unit]
    return (
        f"""SELECT * EXCLUDE ({drop}) FROM {marts.SAMPLE_TABLES[measure]}
            WHERE all_years = {not f.years} AND all_categories = {not f.categories}
              AND {where}{target}""",
        params,
    )


def box_stats(
    run: Runner, f: Filters, measure: str, family: str | None = None, unit: str | None = None
) -> tuple[str, list] | None:
    """``point_sample``'s per-township stats (township, _n, _q1, _q3) as SQL over the
    precomputed box rollup and its parameters, or None when it does not cover the filter."""
    if len(f.years) > 1 or len(f.categories) > 1 or not has_rollups(run):
        return None
    sql, params = _box_rollup_sql(f, measure, family, unit)
    return (
        f"SELECT township, n AS _n, q1 AS _q1, q3 AS _q3 FROM ({sql})",
        params,
    )


def _box_rollup_sql(
    f: Filters, measure: str, family: str | None, unit: str | None
) -> tuple[str, list]:
    where, params = f.where()
    target = ""
    if measure == "target":
        target = " AND family = ? AND " + ("all_units" if unit is None else "unit = ?")
        params = params + [family] + ([] if unit is None else [unit])
    return (
        f"""
        SELECT {TOWNSHIP} AS township, n, q1, median, q3, lower, upper, zeros
        FROM {marts.BOX_TABLE}
        WHERE measure = '{measure}' AND all_years = {not f.years}
          AND all_categories = {not f.categories} AND {where}{target}
        """,
        params,
    )


def box_summary(base: str, value: str) -> str:
    """Exact per-township box-plot statistics of ``base`` (Vega-Lite's 1.5 IQR whiskers):
    township, n, q1, median, q3, lower, upper, zeros (rows whose value is 0)."""
    return f"""
        WITH base AS ({base}),
        s AS (
          SELECT township, count(*) AS n, quantile_cont({value}, 0.25) AS q1,
                 quantile_cont({value}, 0.5) AS median, quantile_cont({value}, 0.75) AS q3,
                 count(*) FILTER (WHERE {value} = 0) AS zeros
          FROM base GROUP BY township
        )
        SELECT s.township, s.n, s.q1, s.median, s.q3,
               min({value}) FILTER (WHERE {value} >= s.q1 - 1.5 * (s.q3 - s.q1)) AS lower,
               max({value}) FILTER (WHERE {value} <= s.q3 + 1.5 * (s.q3 - s.q1)) AS upper,
               s.zeros
        FROM base JOIN s USING (township)
        GROUP BY ALL ORDER BY s.township
    """


def box_statistics(
    run: Runner,
    f: Filters,
    measure: str,
    base: tuple[str, list],
    value: str,
    family: str | None = None,
    unit: str | None = None,
) -> pd.DataFrame:
    """Exact box-plot statistics per township: stored ones where the rollup has them,
    else ``box_summary`` over ``base`` (SQL, params)."""
    stored = box_from_rollup(run, f, measure, family, unit)
    if stored is not None:
        return stored
    sql, params = base
    return run(box_summary(sql, value), params)


def box_from_rollup(
    run: Runner, f: Filters, measure: str, family: str | None = None, unit: str | None = None
) -> pd.DataFrame | None:
    """``box_summary``'s frame read from the precomputed ``mart_box_rollup`` (exact, the
    same statistics), or None when the filter selects several years or categories (or the
    warehouse has no rollups): the caller then computes it."""
    if len(f.years) > 1 or len(f.categories) > 1 or not has_rollups(run):
        return None
    sql, params = _box_rollup_sql(f, measure, family, unit)
    return run(sql + " ORDER BY township", params)


def top_projects(run: Runner, f: Filters, limit: int = 10) -> pd.DataFrame:
    """The largest projects by total budget; ``label`` adds the township to duplicate names
    (a name is a duplicate when another project in scope with a budget has it)."""
    where, params = f.where()
    # Top-N first, then count only the names it returned (was: a window over every row).
    return run(
        f"""
        WITH scope AS NOT MATERIALIZED (
          SELECT * FROM v_project_budget WHERE {where} AND budget_total_yuan IS NOT NULL
        ), top AS (
          SELECT * FROM scope ORDER BY budget_total_yuan DESC, project_name LIMIT ?
        ), names AS (
          SELECT project_name, count(*) AS _same FROM scope
          WHERE project_name IN (SELECT project_name FROM top) GROUP BY ALL
        )
        SELECT CAST(project_key AS VARCHAR) AS project_key, top.project_name,
               CASE WHEN coalesce(_same, 1) > 1
                    THEN top.project_name || '（' || {TOWNSHIP} || '）'
                    ELSE top.project_name END AS label,
               {TOWNSHIP} AS township, fiscal_year, {CATEGORY} AS category,
               budget_total_yuan, fiscal_funds_yuan, other_funds_yuan, source_file
        FROM top LEFT JOIN names ON names.project_name = top.project_name
        ORDER BY budget_total_yuan DESC, top.project_name
        """,
        [*params, int(limit)],
    )


def project_flags(run: Runner) -> pd.DataFrame:
    """project_key (text), flag_text: load warnings and money findings per project."""
    return run(
        "SELECT CAST(project_key AS VARCHAR) AS project_key, flag_text FROM v_project_flag", None
    )
