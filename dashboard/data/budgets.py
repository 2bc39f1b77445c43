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
from warehouse.schema import marts


def budget_by_category(run: Runner, f: Filters, limit: int | None = MAX_TOWNSHIPS) -> pd.DataFrame:
    """township, category, projects, budget_yuan, share_pct (of the township's budget): the
    ``limit`` townships with the largest budget, the rest in one 其他 row (township_fold)."""
    rollup = has_rollups(run)
    where, params = rollup_where(f, by_category=True) if rollup else f.where()
    inner = (
        f"""SELECT {TOWNSHIP} AS township, {CATEGORY} AS category,
                   CAST(sum(projects_with_budget) AS BIGINT) AS projects,
                   sum(budget_yuan) AS budget_yuan
            FROM mart_project_rollup WHERE {where} AND projects_with_budget > 0 GROUP BY ALL"""
        if rollup
        else f"""SELECT {TOWNSHIP} AS township, {CATEGORY} AS category, count(*) AS projects,
                   sum(budget_total_yuan) AS budget_yuan
            FROM v_project_budget WHERE {where} AND budget_total_yuan IS NOT NULL
            GROUP BY ALL"""
    )
    folded = fold_townships(
        inner,
        keys=("category",),
        counts=("projects",),
        amounts=("budget_yuan",),
        rank_by="sum(budget_yuan)",
        limit=limit,
    )
    return run(
        f"""
        SELECT *, 100.0 * budget_yuan / sum(budget_yuan) OVER (PARTITION BY township) AS share_pct
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
    ``limit`` townships with the most planned projects, the rest in one 其他 row."""
    if has_rollups(run):
        where, params = rollup_where(f)
        long = f"""
            WITH p AS (
              SELECT {TOWNSHIP} AS township, sum(plan_q1_n) AS n1, sum(plan_q1_sum) AS s1,
                     sum(plan_q2_n) AS n2, sum(plan_q2_sum) AS s2, sum(plan_q3_n) AS n3,
                     sum(plan_q3_sum) AS s3, sum(plan_q4_n) AS n4, sum(plan_q4_sum) AS s4
              FROM mart_project_rollup WHERE {where} GROUP BY ALL
            )
            SELECT township, '3月' AS checkpoint, 3 AS month, s1 AS s, n1 AS n FROM p
            UNION ALL SELECT township, '6月', 6, s2, n2 FROM p
            UNION ALL SELECT township, '10月', 10, s3, n3 FROM p
            UNION ALL SELECT township, '12月', 12, s4, n4 FROM p
            """
    else:
        where, params = f.where()
        long = f"""
            WITH p AS (
              SELECT {TOWNSHIP} AS township, plan_q1_pct, plan_q2_pct, plan_q3_pct, plan_q4_pct
              FROM v_project_budget
              WHERE {where}
                AND COALESCE(plan_q1_pct, plan_q2_pct, plan_q3_pct, plan_q4_pct) IS NOT NULL
            ), long AS (
              SELECT township, '3月' AS checkpoint, 3 AS month, plan_q1_pct AS pct FROM p
              UNION ALL SELECT township, '6月', 6, plan_q2_pct FROM p
              UNION ALL SELECT township, '10月', 10, plan_q3_pct FROM p
              UNION ALL SELECT township, '12月', 12, plan_q4_pct FROM p
            )
            SELECT township, checkpoint, month, sum(pct) AS s, count(pct) AS n
            FROM long GROUP BY ALL
            """
    planned = f"SELECT * FROM ({long}) WHERE n > 0"  # a township without a plan is not 其他
    folded = fold_townships(
        planned,
        keys=("checkpoint", "month"),
        counts=("n",),
        amounts=("s",),
        rank_by="sum(n)",
        limit=limit,
    )
    return run(
        f"""
        SELECT township, checkpoint, month, s / n AS avg_pct, n AS projects, {RANK}, {FOLDED}
        FROM ({folded}) ORDER BY {RANK}, month
        """,
        params,
    )
