"""Queries of the 预算对比 page. Conventions: dashboard/data/common.py."""

from __future__ import annotations

import pandas as pd

from dashboard.data.common import (
    CATEGORY,
    TOWNSHIP,
    Runner,
    box_statistics,
    has_rollups,
    point_sample,
    rollup_where,
)
from dashboard.data.filter_model import Filters
from dashboard.data.township_fold import FOLDED, MAX_TOWNSHIPS, RANK, fold_townships
from dashboard.view.formatting import CHECKPOINT_MONTHS, CHECKPOINTS
from warehouse.schema import marts


def budget_by_category(run: Runner, f: Filters, limit: int | None = MAX_TOWNSHIPS) -> pd.DataFrame:
    """township, category, projects, budget_yuan, share_pct (of the township's budget): the
    ``limit`` townships with the largest budget, the rest in one 其他 row (township_fold)."""
    if has_rollups(run):
        where, params = rollup_where(f, by_category=True)
        source = f"FROM mart_project_rollup WHERE {where} AND projects_with_budget > 0"
        sums = {
            "projects": "CAST(sum(projects_with_budget) AS BIGINT)",
            "budget_yuan": "sum(budget_yuan)",
        }
    else:
        where, params = f.where()
        source = f"FROM v_project_budget WHERE {where} AND budget_total_yuan IS NOT NULL"
        sums = {"projects": "count(*)", "budget_yuan": "sum(budget_total_yuan)"}
    folded, params = fold_townships(
        source,
        params,
        township=TOWNSHIP,
        keys={"category": CATEGORY},
        sums=sums,
        rank=sums["budget_yuan"],
        limit=limit,
    )
    return run(
        f"""
        SELECT township, category, projects, budget_yuan,
               100.0 * budget_yuan / sum(budget_yuan) OVER (PARTITION BY township) AS share_pct,
               {RANK}, {FOLDED}
        FROM ({folded})
        ORDER BY {RANK}, budget_yuan DESC, category
        """,
        params,
    )


def _project_budget_base(f: Filters) -> tuple[str, list]:
    where, params = f.where()
    return (
        f"""
        SELECT {marts.POINT_COLUMNS["budget"]}
        FROM v_project_budget WHERE {where} AND budget_total_yuan IS NOT NULL
        """,
        params,
    )


def project_budgets(run: Runner, f: Filters) -> pd.DataFrame:
    """Projects with a budget for the per-township distribution: all of them up to
    MAX_POINTS, else a stratified sample (``project_budget_box`` has the exact statistics)."""
    return point_sample(run, f, "budget", _project_budget_base(f))


def project_budget_box(run: Runner, f: Filters) -> pd.DataFrame:
    """Exact box-plot statistics of project budgets (yuan) per township."""
    return box_statistics(run, f, "budget", _project_budget_base(f), "budget_total_yuan")


def spending_plan(run: Runner, f: Filters, limit: int | None = MAX_TOWNSHIPS) -> pd.DataFrame:
    """township, checkpoint (3月/6月/10月/12月), month, avg_pct (project mean), projects: the
    ``limit`` townships with the most plan entries, the rest in one 其他 row; townships
    without any plan are left out (the page names them)."""
    quarters = range(1, 5)
    if has_rollups(run):
        where, params = rollup_where(f)
        planned = " + ".join(f"plan_q{q}_n" for q in quarters)
        source = f"FROM mart_project_rollup WHERE {where} AND {planned} > 0"
        sums = {f"n{q}": f"CAST(sum(plan_q{q}_n) AS BIGINT)" for q in quarters}
        sums |= {f"s{q}": f"sum(plan_q{q}_sum)" for q in quarters}
    else:
        where, params = f.where()
        any_plan = ", ".join(f"plan_q{q}_pct" for q in quarters)
        source = f"FROM v_project_budget WHERE {where} AND COALESCE({any_plan}) IS NOT NULL"
        sums = {f"n{q}": f"count(plan_q{q}_pct)" for q in quarters}
        sums |= {f"s{q}": f"sum(plan_q{q}_pct)" for q in quarters}
    folded, params = fold_townships(
        source,
        params,
        township=TOWNSHIP,
        sums=sums,
        rank=" + ".join(sums[f"n{q}"] for q in quarters),
        limit=limit,
    )
    checkpoints = " UNION ALL ".join(
        f"SELECT township, '{label}' AS checkpoint, {month} AS month, s{q} AS s, n{q} AS n, "
        f"{RANK}, {FOLDED} FROM p"
        for q, label, month in zip(quarters, CHECKPOINTS, CHECKPOINT_MONTHS, strict=True)
    )
    return run(
        f"""
        WITH p AS ({folded}), long AS ({checkpoints})
        SELECT township, checkpoint, month, s / n AS avg_pct, n AS projects, {RANK}, {FOLDED}
        FROM long WHERE n > 0 ORDER BY {RANK}, month
        """,
        params,
    )
