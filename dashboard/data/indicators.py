"""Queries of the 指标结构 page. Conventions: dashboard/data/common.py."""

from __future__ import annotations

import pandas as pd

from dashboard.data.common import (
    TOWNSHIP,
    Runner,
    box_statistics,
    has_rollups,
    indicators_folded,
    level_label,
    point_sample,
    rollup_where,
)
from dashboard.data.filter_model import Filters
from dashboard.data.township_fold import FOLDED, MAX_TOWNSHIPS, MEASURE, RANK, fold_townships
from warehouse.schema import marts


def level_mix(
    run: Runner, f: Filters, level: str = "level1", limit: int | None = MAX_TOWNSHIPS
) -> pd.DataFrame:
    """township, level, indicators, share_pct within the township (level1 or level2): the
    ``limit`` townships with the most indicators, the rest in one 其他 row (township_fold)."""
    if level not in ("level1", "level2"):
        raise ValueError(f"unknown level column: {level}")
    folded, params = indicators_folded(
        run, f, "mart_level_rollup", {"level": level_label(level)}, limit
    )
    return run(
        f"""
        SELECT township, level, indicators,
               100.0 * indicators / sum(indicators) OVER (PARTITION BY township) AS share_pct,
               {RANK}, {FOLDED}
        FROM ({folded})
        ORDER BY {RANK}, level
        """,
        params,
    )


def level2_coverage(run: Runner, f: Filters, limit: int | None = MAX_TOWNSHIPS) -> pd.DataFrame:
    """Share of each township's projects that have at least one indicator of each level 2:
    the ``limit`` townships with the most projects, the rest in one 其他 row (its share is
    of all the folded townships' projects). Every level 2 seen is listed for every township
    (0 % included)."""
    if has_rollups(run):
        where, params = rollup_where(f)
        projects = "CAST(sum(projects) AS BIGINT)"
        rank_source = f"FROM mart_project_rollup WHERE {where}"
        source = f"FROM mart_level2_rollup WHERE {where}"
        with_level = "CAST(sum(projects_with) AS BIGINT)"
    else:
        # per-project level-2 sets are precomputed at load time (mart_project_budget.level2_set)
        where, params = f.where()
        projects = "count(*)"
        rank_source = f"FROM mart_project_budget WHERE {where}"
        source = f"""FROM (SELECT township, unnest(level2_set) AS level2
                           FROM mart_project_budget WHERE {where}) WHERE TRUE"""
        with_level = "count(*)"
    folded, params = fold_townships(
        source,
        params,
        township=TOWNSHIP,
        keys={"level2": "level2"},
        sums={"projects_with": with_level},
        rank=projects,
        rank_source=rank_source,
        rank_params=params,
        limit=limit,
    )
    return run(
        f"""
        WITH hits AS ({folded}),
        townships AS (SELECT DISTINCT township, {RANK}, {FOLDED}, {MEASURE} AS projects FROM hits),
        levels AS (SELECT DISTINCT level2 FROM hits WHERE level2 IS NOT NULL)
        SELECT t.township, l.level2, COALESCE(h.projects_with, 0) AS projects_with, t.projects,
               100.0 * COALESCE(h.projects_with, 0) / t.projects AS share_pct,
               t.{RANK}, t.{FOLDED}
        FROM townships t CROSS JOIN levels l
        LEFT JOIN hits h ON h.township = t.township AND h.level2 = l.level2
        ORDER BY t.{RANK}, l.level2
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
