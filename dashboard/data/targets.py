"""Queries of the 目标值对比 page. Conventions: dashboard/data/common.py."""

from __future__ import annotations

import pandas as pd

from dashboard.data.common import (
    COMPARABLE,
    FAMILY,
    NO_UNIT,
    TOWNSHIP,
    Runner,
    box_statistics,
    has_rollups,
    indicators_folded,
    point_sample,
    rollup_where,
)
from dashboard.data.filter_model import Filters
from dashboard.data.township_fold import FOLDED, MAX_TOWNSHIPS, RANK
from dashboard.view.formatting import KIND_LABELS
from warehouse.schema import marts


def indicator_families(run: Runner, f: Filters) -> pd.DataFrame:
    """family, indicators, numeric (with a number target); most numeric first."""
    rollup = has_rollups(run)
    where, params = rollup_where(f) if rollup else f.where()
    counts = (
        """CAST(sum(indicators) AS BIGINT) AS indicators,
            CAST(coalesce(sum(indicators) FILTER (WHERE comparable), 0) AS BIGINT)
              AS numeric FROM mart_family_rollup"""
        if rollup
        else f"""count(*) AS indicators, count(*) FILTER (WHERE {COMPARABLE}) AS numeric
            FROM v_indicator_target"""
    )
    return run(
        f"""
        SELECT {FAMILY} AS family, {counts} WHERE {where}
        GROUP BY ALL ORDER BY numeric DESC, indicators DESC, family
        """,
        params,
    )


def family_units(run: Runner, f: Filters, family: str) -> pd.DataFrame:
    """The units numeric targets of one family use, most common first."""
    rollup = has_rollups(run)
    where, params = rollup_where(f) if rollup else f.where()
    count, source, comparable = (
        ("CAST(sum(indicators) AS BIGINT)", "mart_family_rollup", "comparable")
        if rollup
        else ("count(*)", "v_indicator_target", COMPARABLE)
    )
    return run(
        f"""
        SELECT COALESCE(target_unit, '{NO_UNIT}') AS unit, {count} AS targets
        FROM {source}
        WHERE {where} AND {FAMILY} = ? AND {comparable}
        GROUP BY ALL ORDER BY targets DESC, unit
        """,
        params + [family],
    )


def _family_target_base(f: Filters, family: str, unit: str | None) -> tuple[str, list]:
    where, params = f.where()
    unit_sql, unit_params = ("", [])
    if unit is not None:
        unit_sql, unit_params = f"AND COALESCE(target_unit, '{NO_UNIT}') = ?", [unit]
    return (
        f"""
        SELECT {marts.POINT_COLUMNS["target"]}
        FROM v_indicator_target
        WHERE {where} AND {FAMILY} = ? AND {COMPARABLE} {unit_sql}
        """,
        params + [family] + unit_params,
    )


def family_targets(run: Runner, f: Filters, family: str, unit: str | None = None) -> pd.DataFrame:
    """Numeric targets of a family (optionally one unit), one row per indicator: all up to
    MAX_POINTS, else a stratified sample keeping outliers (``family_target_box`` is exact)."""
    return point_sample(run, f, "target", _family_target_base(f, family, unit), family, unit)


def family_target_box(
    run: Runner, f: Filters, family: str, unit: str | None = None
) -> pd.DataFrame:
    """Exact box-plot statistics of a family's numeric targets per township."""
    base = _family_target_base(f, family, unit)
    return box_statistics(run, f, "target", base, "target_value", family, unit)


def kind_mix(run: Runner, f: Filters, limit: int | None = MAX_TOWNSHIPS) -> pd.DataFrame:
    """township, kind (Chinese label), indicators, share_pct: the ``limit`` townships with
    the most indicators, the rest in one 其他 row (township_fold)."""
    folded, params = indicators_folded(
        run, f, "mart_kind_rollup", {"target_kind": "COALESCE(target_kind, 'qualitative')"}, limit
    )
    frame = run(
        f"""
        SELECT township, target_kind, indicators,
               100.0 * indicators / sum(indicators) OVER (PARTITION BY township) AS share_pct,
               {RANK}, {FOLDED}
        FROM ({folded})
        ORDER BY {RANK}, target_kind
        """,
        params,
    )
    frame["kind"] = [KIND_LABELS.get(k, k) for k in frame["target_kind"]]
    return frame


def common_targets(
    run: Runner, f: Filters, family: str | None = None, limit: int = 15
) -> pd.DataFrame:
    """Most frequent normalized target values (label, kind, indicators, townships)."""
    where, params = f.where()
    family_sql, family_params = ("", [])
    if family is not None:
        family_sql, family_params = f"AND {FAMILY} = ?", [family]
    if has_rollups(run):  # labels counted per township (and year, category) at load time
        where, params = rollup_where(f)
        frame = run(
            f"""
            SELECT target_label AS target, COALESCE(target_kind, 'qualitative') AS target_kind,
                   CAST(sum(indicators) AS BIGINT) AS indicators,
                   count(DISTINCT {TOWNSHIP}) AS townships
            FROM mart_target_label_rollup WHERE {where} {family_sql}
            GROUP BY ALL ORDER BY indicators DESC, target LIMIT ?
            """,
            params + family_params + [int(limit)],
        )
        frame["kind"] = [KIND_LABELS.get(k, k) for k in frame["target_kind"]]
        return frame
    frame = run(
        f"""
        SELECT target, target_kind, count(*) AS indicators,
               count(DISTINCT township) AS townships
        FROM (
          SELECT target_label AS target, COALESCE(target_kind, 'qualitative') AS target_kind,
                 {TOWNSHIP} AS township
          FROM mart_indicator_target
          WHERE {where} {family_sql} AND coalesce(horizon, 'annual') = 'annual'
        )
        WHERE target IS NOT NULL AND target <> ''
        GROUP BY target, target_kind
        ORDER BY indicators DESC, target LIMIT ?
        """,
        params + family_params + [int(limit)],
    )
    frame["kind"] = [KIND_LABELS.get(k, k) for k in frame["target_kind"]]
    return frame


def target_outliers(run: Runner, f: Filters, family: str) -> pd.DataFrame:
    """Targets that stand out within a family and unit, with the reason in Chinese
    (rules: ``marts.outlier_select``): the first ``marts.OUTLIER_ROWS`` in
    ``marts.OUTLIER_ORDER``; ``frame.attrs["total"]`` counts all of them.

    Read from the stored outliers (mart_target_outlier) when they cover the filter (no
    township, at most one year or one category), else computed the same way."""
    where, params = f.where()
    covered = not f.townships and len(f.years) + len(f.categories) <= 1 and has_rollups(run)
    if covered:
        sql = f"""SELECT {marts.OUTLIER_OUTPUT}, _total FROM {marts.OUTLIER_TABLE}
                  WHERE family = ? AND all_years = {not f.years}
                    AND all_categories = {not f.categories} AND {where}"""
        params = [family, *params]
    else:
        base = f"""SELECT {marts.OUTLIER_COLUMNS}, {FAMILY} AS family, project_category
                   FROM v_indicator_target WHERE {where} AND {FAMILY} = ? AND {COMPARABLE}"""
        sql = f"SELECT {marts.OUTLIER_OUTPUT}, _total FROM ({marts.outlier_select(base)})"
        params = [*params, family]
    frame = run(f"{sql} ORDER BY {marts.OUTLIER_ORDER}", params)
    total = int(frame["_total"].iloc[0]) if len(frame) else 0
    frame = frame.drop(columns=["_total"])
    frame.attrs["total"] = total
    return frame


def outlier_note(frame: pd.DataFrame) -> str:
    """The caption's note when ``target_outliers`` returned only the first rows."""
    total = int(frame.attrs.get("total", len(frame)))
    if total <= len(frame):
        return ""
    return f"共 {total:,} 条，下表按原因、乡镇排序显示前 {len(frame):,} 条。"
