"""Queries of the 指标结构 page. Conventions: dashboard/data/common.py."""

from __future__ import annotations

import pandas as pd

from dashboard.data.common import (
    TOWNSHIP,
    Runner,
    box_statistics,
    has_rollups,
    point_sample,
    rollup_where,
)
from dashboard.data.filter_model import UNKNOWN_TOWNSHIP, Filters
from dashboard.data.township_fold import FOLDED, MAX_TOWNSHIPS, RANK, fold_townships
from warehouse.schema import marts


def level_mix(
    run: Runner, f: Filters, level: str = "level1", limit: int | None = MAX_TOWNSHIPS
) -> pd.DataFrame:
    """township, level, indicators, share_pct within the township (level1 or level2): the
    ``limit`` townships with the most indicators, the rest in one 其他 row (township_fold)."""
    if level not in ("level1", "level2"):
        raise ValueError(f"unknown level column: {level}")
    rollup = has_rollups(run)
    where, params = rollup_where(f) if rollup else f.where()
    count, source = (
        ("CAST(sum(indicators) AS BIGINT)", "mart_level_rollup")
        if rollup
        else ("count(*)", "v_indicator_target")
    )
    rows = f"""
        SELECT {TOWNSHIP} AS township, COALESCE({level}, '未注明') AS level,
               {count} AS indicators
        FROM {source} WHERE {where} GROUP BY ALL
        """
    folded = fold_townships(
        rows, keys=("level",), counts=("indicators",), rank_by="sum(indicators)", limit=limit
    )
    return run(
        f"""
        SELECT *, 100.0 * indicators / sum(indicators) OVER (PARTITION BY township) AS share_pct
        FROM ({folded})
        ORDER BY {RANK}, level
        """,
        params,
    )


def level2_coverage(run: Runner, f: Filters, limit: int | None = MAX_TOWNSHIPS) -> pd.DataFrame:
    """Share of each township's projects that have at least one indicator of each level 2:
    the ``limit`` townships with the most projects, the rest in one 其他 row (its share is
    of all the folded townships' projects)."""
    where, params = f.where(alias="p")
    if has_rollups(run):
        where, params = rollup_where(f, alias="p")
        totals_hits = f"""
            totals AS (
              SELECT COALESCE(p.township, '{UNKNOWN_TOWNSHIP}') AS township,
                     CAST(sum(p.projects) AS BIGINT) AS projects
              FROM mart_project_rollup p WHERE {where} GROUP BY ALL
            ), hits AS (
              SELECT COALESCE(p.township, '{UNKNOWN_TOWNSHIP}') AS township, p.level2,
                     CAST(sum(p.projects_with) AS BIGINT) AS projects_with
              FROM mart_level2_rollup p WHERE {where} GROUP BY ALL
            )"""
        params = params + params
    else:
        # per-project level-2 sets are precomputed at load time (mart_project_budget.level2_set)
        totals_hits = f"""
            p AS (
              SELECT p.project_key, COALESCE(p.township, '{UNKNOWN_TOWNSHIP}') AS township,
                     p.level2_set
              FROM mart_project_budget p WHERE {where}
            ), totals AS (
              SELECT township, count(*) AS projects FROM p GROUP BY ALL
            ), hits AS (
              SELECT township, level2, count(*) AS projects_with
              FROM (SELECT township, unnest(level2_set) AS level2 FROM p)
              GROUP BY ALL
            )"""
    # every township × every level 2 seen (zeros included), so that the folded row's
    # projects are the sum of its townships' projects under every level
    grid = f"""
        WITH {totals_hits}, levels AS (SELECT DISTINCT level2 FROM hits)
        SELECT t.township, l.level2, COALESCE(h.projects_with, 0) AS projects_with, t.projects
        FROM totals t CROSS JOIN levels l
        LEFT JOIN hits h ON h.township = t.township AND h.level2 = l.level2
        """
    folded = fold_townships(
        grid,
        keys=("level2",),
        counts=("projects_with", "projects"),
        rank_by="max(projects)",
        limit=limit,
    )
    return run(
        f"""
        SELECT township, level2, projects_with, projects,
               100.0 * projects_with / projects AS share_pct, {RANK}, {FOLDED}
        FROM ({folded}) ORDER BY {RANK}, level2
        """,
        params,
    )


def _indicators_per_project_base(f: Filters) -> tuple[str, list]:
    where, params = f.where()
    return (
        f"""
        SELECT {marts.POINT_COLUMNS["indicator_count"]}
        FROM v_project_budget WHERE {where}
        """,
        params,
    )


def indicators_per_project(run: Runner, f: Filters) -> pd.DataFrame:
    """Projects with their indicator count: all up to MAX_POINTS, else a stratified sample
    (``indicators_per_project_box`` has exact statistics and the count of zeros)."""
    return point_sample(run, f, "indicator_count", _indicators_per_project_base(f))


def indicators_per_project_box(run: Runner, f: Filters) -> pd.DataFrame:
    """Exact box-plot statistics of indicators per project, per township."""
    base = _indicators_per_project_base(f)
    return box_statistics(run, f, "indicator_count", base, "indicator_count")
