"""SQL of the 历年对比 page: v_project_history and v_target_change (docs/project_identity.md).

Same conventions as ``dashboard.data.common``: a runner and the sidebar ``Filters``; money in
yuan. Trends span every year (the year filter is ignored there, the page says so); change
tables use the selected years as "this year" compared with each project's previous year.
"""

from __future__ import annotations

import pandas as pd

from dashboard.data.common import CATEGORY, TOWNSHIP, Runner, has_rollups, rollup_where
from dashboard.data.filter_model import UNKNOWN_CATEGORY, UNKNOWN_TOWNSHIP, Filters
from dashboard.data.township_fold import FOLDED, MAX_TOWNSHIPS, RANK, fold_townships

HISTORY_VIEWS = ("v_project_history", "v_target_change")
CHANGE_LABELS = {
    "raised": "提高",
    "lowered": "降低",
    "unchanged": "不变",
    "new": "新增",
    "dropped": "取消",
    "changed": "表述变化",
}


def has_history(run: Runner) -> bool:
    """Whether the warehouse has the cross-year views (older warehouses and fixtures not)."""
    frame = run(
        "SELECT count(*) AS n FROM duckdb_views() WHERE view_name IN (?, ?)", list(HISTORY_VIEWS)
    )
    return int(frame["n"].iloc[0]) == len(HISTORY_VIEWS)


def _all_years(f: Filters) -> Filters:
    return Filters((), f.townships, f.categories)


def budget_trend(
    run: Runner, f: Filters, by: str = "township", limit: int | None = MAX_TOWNSHIPS
) -> pd.DataFrame:
    """fiscal_year, grp (township or category), projects, budget_yuan — every year. By
    township: the ``limit`` townships with the largest budget over the years, the rest in
    one 其他 row per year (township_fold)."""
    group = {"township": TOWNSHIP, "category": CATEGORY}[by]
    scope = _all_years(f)
    if has_rollups(run):
        where, params = rollup_where(scope, by_year=True, by_category=by == "category")
        source = f"""FROM mart_project_rollup
                     WHERE {where} AND fiscal_year IS NOT NULL AND projects_with_budget > 0"""
        sums = {
            "projects": "CAST(sum(projects_with_budget) AS BIGINT)",
            "budget_yuan": "sum(budget_yuan)",
        }
    else:
        where, params = scope.where()
        source = f"""FROM v_project_budget WHERE {where} AND fiscal_year IS NOT NULL
                     AND budget_total_yuan IS NOT NULL"""
        sums = {"projects": "count(*)", "budget_yuan": "sum(budget_total_yuan)"}
    folded, params = fold_townships(
        source,
        params,
        township=group,
        keys={"fiscal_year": "fiscal_year"},
        sums=sums,
        rank=sums["budget_yuan"],
        limit=limit if by == "township" else None,
    )
    return run(
        f"""SELECT fiscal_year, township AS grp, projects, budget_yuan, {RANK}, {FOLDED}
            FROM ({folded}) ORDER BY grp, fiscal_year""",
        params,
    )


def largest_changes(run: Runner, f: Filters, limit: int = 15) -> pd.DataFrame:
    """Projects with the largest absolute budget change against their previous year."""
    where, params = f.where()
    return run(
        f"""
        SELECT CAST(project_key AS VARCHAR) AS project_key, fiscal_year, prev_fiscal_year,
               COALESCE(township, '{UNKNOWN_TOWNSHIP}') AS township, project_name,
               COALESCE(project_category, '{UNKNOWN_CATEGORY}') AS category,
               prev_budget_yuan, budget_total_yuan, change_yuan, change_pct,
               link_method, link_score
        FROM v_project_history
        WHERE {where} AND change_yuan IS NOT NULL AND change_yuan <> 0
        ORDER BY abs(change_yuan) DESC, project_name LIMIT ?
        """,
        params + [int(limit)],
    )


def change_counts(run: Runner, f: Filters) -> pd.DataFrame:
    """change (Chinese label), targets: how the targets of recurring projects moved."""
    where, params = f.where()
    frame = run(
        f"""
        SELECT change, count(*) AS targets FROM v_target_change WHERE {where}
        GROUP BY ALL ORDER BY targets DESC
        """,
        params,
    )
    frame["label"] = [CHANGE_LABELS.get(c, c) for c in frame["change"]]
    return frame


def lowered_targets_budget_rose(run: Runner, f: Filters, limit: int = 500) -> pd.DataFrame:
    """Targets made less demanding (direction-aware) while the project's budget rose."""
    where, params = f.where()
    return run(
        f"""
        SELECT CAST(project_key AS VARCHAR) AS project_key, fiscal_year, prev_fiscal_year,
               COALESCE(township, '{UNKNOWN_TOWNSHIP}') AS township, project_name,
               indicator_name, prev_target_raw, target_raw, prev_budget_yuan,
               budget_total_yuan, budget_change_yuan
        FROM v_target_change
        WHERE {where} AND change = 'lowered' AND budget_change_yuan > 0
        ORDER BY budget_change_yuan DESC, project_name, indicator_name LIMIT ?
        """,
        params + [int(limit)],
    )


def project_years(run: Runner, project_key: str) -> pd.DataFrame:
    """Every year of the project identity that ``project_key`` belongs to (for the card)."""
    return run(
        """
        SELECT fiscal_year, project_name, budget_total_yuan, change_yuan, change_pct,
               CAST(project_key AS VARCHAR) AS project_key, link_method, link_score
        FROM v_project_history
        WHERE identity_key = (SELECT identity_key FROM v_project_history
                              WHERE CAST(project_key AS VARCHAR) = ? LIMIT 1)
        ORDER BY fiscal_year
        """,
        [str(project_key)],
    )
