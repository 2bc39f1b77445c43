"""Queries of the 总览 page. Conventions: dashboard/data/common.py."""

from __future__ import annotations

import pandas as pd

from dashboard.data.common import (
    QUANT_SQL,
    TOWNSHIP,
    Runner,
    has_rollups,
    indicators_folded,
    level_label,
    rollup_where,
)
from dashboard.data.filter_model import UNKNOWN_TOWNSHIP, Filters
from dashboard.data.township_fold import FOLDED, MAX_TOWNSHIPS, RANK, fold_townships


def overview_kpis(run: Runner, f: Filters) -> dict[str, float | int | None]:
    """Tiles: townships, projects, total budget (yuan), indicators, quantitative share (%)."""
    rollup = has_rollups(run)
    where, params = rollup_where(f) if rollup else f.where()
    frame = (_kpis_rollup if rollup else _kpis_views)(run, where, params)
    row = frame.iloc[0]
    indicators = int(row["indicators"])
    budget = row["budget_yuan"]
    return {
        "townships": int(row["townships"]),
        "projects": int(row["projects"]),
        "budget_yuan": None if pd.isna(budget) else float(budget),
        "projects_without_budget": int(row["projects_without_budget"]),
        "indicators": indicators,
        "quantitative_pct": (100.0 * int(row["quantitative"]) / indicators) if indicators else None,
    }


def _kpis_rollup(run: Runner, where: str, params: list) -> pd.DataFrame:
    """The tiles summed from the rollups (thousands of rows, not millions)."""
    return run(
        f"""
        WITH p AS (SELECT * FROM mart_project_rollup WHERE {where}),
             i AS (SELECT * FROM mart_kind_rollup WHERE {where})
        SELECT
          (SELECT count(DISTINCT t) FROM (SELECT {TOWNSHIP} AS t FROM p
                                          UNION ALL SELECT {TOWNSHIP} FROM i)) AS townships,
          (SELECT coalesce(sum(projects), 0) FROM p) AS projects,
          (SELECT sum(budget_yuan) FROM p) AS budget_yuan,
          (SELECT coalesce(sum(projects - projects_with_budget), 0) FROM p)
            AS projects_without_budget,
          (SELECT coalesce(sum(indicators), 0) FROM i) AS indicators,
          (SELECT coalesce(sum(indicators) FILTER (WHERE target_kind IN ({QUANT_SQL})), 0)
             FROM i) AS quantitative
        """,
        params + params,
    )


def _kpis_views(run: Runner, where: str, params: list) -> pd.DataFrame:
    return run(
        f"""
        WITH p AS (SELECT * FROM v_project_budget WHERE {where}),
             i AS (SELECT * FROM v_indicator_target WHERE {where})
        SELECT
          (SELECT count(DISTINCT t) FROM (SELECT {TOWNSHIP} AS t FROM p
                                          UNION ALL SELECT {TOWNSHIP} FROM i)) AS townships,
          (SELECT count(*) FROM p) AS projects,
          (SELECT sum(budget_total_yuan) FROM p) AS budget_yuan,
          (SELECT count(*) FILTER (WHERE budget_total_yuan IS NULL) FROM p)
            AS projects_without_budget,
          (SELECT count(*) FROM i) AS indicators,
          (SELECT count(*) FILTER (WHERE target_kind IN ({QUANT_SQL})) FROM i) AS quantitative
        """,
        params + params,
    )


def indicators_by_level1(
    run: Runner, f: Filters, limit: int | None = MAX_TOWNSHIPS
) -> pd.DataFrame:
    """level1, township, indicators: the ``limit`` townships with the most indicators, the
    rest in one 其他 row (township_fold)."""
    folded, params = indicators_folded(
        run, f, "mart_level_rollup", {"level1": level_label("level1")}, limit
    )
    return run(
        f"""SELECT level1, township, indicators, {RANK}, {FOLDED}
            FROM ({folded}) ORDER BY level1, {RANK}""",
        params,
    )


def load_warnings(run: Runner, f: Filters, limit: int | None = None) -> pd.DataFrame:
    """Warnings raised while loading (year/township filter only: warnings carry no category);
    the first ``limit`` in display order, or all of them (the download)."""
    where, params = f.where(category=False)
    limit_sql = "" if limit is None else f"LIMIT {int(limit)}"
    return run(
        f"""
        SELECT fiscal_year, {TOWNSHIP} AS township, unit_name, source_file, code, message,
               line, project_name
        FROM v_load_warning WHERE {where}
        ORDER BY township, source_file, line NULLS FIRST, code, message, project_name {limit_sql}
        """,
        params,
    )


def load_warning_count(run: Runner, f: Filters) -> int:
    """How many load warnings the filter covers (the page shows the first few)."""
    where, params = f.where(category=False)
    frame = run(f"SELECT count(*) AS n FROM v_load_warning WHERE {where}", params)
    return int(frame["n"].iloc[0])


def township_flags(run: Runner, f: Filters) -> pd.DataFrame:
    """township, flagged (projects carrying a ⚠), flag_text (first few warnings)."""
    where, params = f.where(alias="p")
    return run(
        f"""
        SELECT COALESCE(p.township, '{UNKNOWN_TOWNSHIP}') AS township, count(*) AS flagged,
               string_agg(p.project_name || '：' || g.flag_text, '；' ORDER BY p.project_name)
                 AS flag_text
        FROM v_project_budget p JOIN v_project_flag g ON g.project_key = p.project_key
        WHERE {where} GROUP BY ALL
        """,
        params,
    )


def budget_by_year(run: Runner, f: Filters) -> pd.DataFrame:
    """fiscal_year (NULL = 未注明), projects, projects_with_budget, budget_yuan — every
    year, within the township and category filters."""
    where, params = Filters((), f.townships, f.categories).where()
    return run(
        f"""
        SELECT fiscal_year, count(*) AS projects, count(budget_total_yuan) AS projects_with_budget,
               sum(budget_total_yuan) AS budget_yuan, count(DISTINCT {TOWNSHIP}) AS townships
        FROM v_project_budget WHERE {where}
        GROUP BY ALL ORDER BY fiscal_year DESC NULLS LAST
        """,
        params,
    )


def review_outcome(run: Runner, f: Filters) -> pd.DataFrame:
    """grade, projects: the goal review's verdict on the projects in scope."""
    where, params = f.where(alias="p")
    return run(
        f"""
        SELECT r.grade, count(DISTINCT r.project_key) AS projects
        FROM v_goal_review r JOIN v_project_budget p ON p.project_key = r.project_key
        WHERE {where} GROUP BY ALL ORDER BY r.grade
        """,
        params,
    )


def flagged_count(run: Runner, f: Filters) -> int:
    """Projects in scope whose figures carry a load warning or a money finding."""
    where, params = f.where(alias="p")
    frame = run(
        f"""SELECT count(*) AS n FROM v_project_budget p
            WHERE {where} AND p.project_key IN (SELECT project_key FROM v_project_flag)""",
        params,
    )
    return int(frame["n"].iloc[0])


def budget_by_township_year(
    run: Runner, f: Filters, limit: int | None = MAX_TOWNSHIPS
) -> pd.DataFrame:
    """township, fiscal_year (NULL kept), projects, budget_yuan (NULL when none printed):
    for charts that span years. Folded like ``budget_by_township`` (same townships, same
    ranking, same 其他 row), so the two can be drawn together."""
    if has_rollups(run):
        where, params = rollup_where(f, by_year=True)
        source = f"FROM mart_project_rollup WHERE {where}"
        sums = {"projects": "CAST(sum(projects) AS BIGINT)", "budget_yuan": "sum(budget_yuan)"}
    else:
        where, params = f.where()
        source = f"FROM v_project_budget WHERE {where}"
        sums = {"projects": "count(*)", "budget_yuan": "sum(budget_total_yuan)"}
    folded, params = fold_townships(
        source,
        params,
        township=TOWNSHIP,
        keys={"fiscal_year": "fiscal_year"},
        sums=sums,
        rank=sums["budget_yuan"],
        limit=limit,
    )
    return run(
        f"""SELECT township, fiscal_year, projects, budget_yuan, {RANK}, {FOLDED}
            FROM ({folded}) ORDER BY {RANK}, fiscal_year""",
        params,
    )
