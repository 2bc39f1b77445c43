"""Queries of the 目标值对比 page. Conventions: dashboard/data/common.py."""

from __future__ import annotations

import pandas as pd

from dashboard.data.common import (
    COMPARABLE,
    FAMILY,
    NAME_WITH_PLACE,
    NO_UNIT,
    PERCENT_FAMILIES,
    TOWNSHIP,
    UNIT_SCOPE_PROJECT,
    Runner,
    box_statistics,
    has_rollups,
    point_sample,
    rollup_where,
)
from dashboard.data.filter_model import Filters
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


def kind_mix(run: Runner, f: Filters) -> pd.DataFrame:
    """township, kind (Chinese label), indicators, share_pct."""
    rollup = has_rollups(run)
    where, params = rollup_where(f) if rollup else f.where()
    count, source = (
        ("CAST(sum(indicators) AS BIGINT)", "mart_kind_rollup")
        if rollup
        else ("count(*)", "v_indicator_target")
    )
    frame = run(
        f"""
        SELECT *, 100.0 * indicators / sum(indicators) OVER (PARTITION BY township) AS share_pct
        FROM (
          SELECT {TOWNSHIP} AS township, COALESCE(target_kind, 'qualitative') AS target_kind,
                 {count} AS indicators
          FROM {source} WHERE {where} GROUP BY ALL
        )
        ORDER BY township, target_kind
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
    """Targets that stand out within a family and unit, with the reason in Chinese.

    Rules: a fraction (≤1) where the family is a percent family (0.9 written for 90%); a
    percent above 100; a value outside 1.5 × IQR of its family+unit (groups of 5 or more,
    spread at least 10% of the median so near-identical groups do not flag everything).
    """
    where, params = f.where()
    percent_family = family in PERCENT_FAMILIES
    return run(
        f"""
        WITH t AS (
          SELECT {TOWNSHIP} AS township, fiscal_year,
                 COALESCE(project_name, '{UNIT_SCOPE_PROJECT}') AS project_name,
                 {NAME_WITH_PLACE} AS indicator_name, target_raw, target_value,
                 COALESCE(target_unit, '{NO_UNIT}') AS target_unit, source_file, source_line
          FROM v_indicator_target
          WHERE {where} AND {FAMILY} = ? AND {COMPARABLE}
        ), s AS (
          SELECT target_unit, count(*) AS n, median(target_value) AS med,
                 quantile_cont(target_value, 0.25) AS q1, quantile_cont(target_value, 0.75) AS q3
          FROM t GROUP BY ALL
        ), flagged AS (
          SELECT t.*, s.med,
            CASE
              WHEN ? AND t.target_value <= 1 THEN '疑似以小数表示百分比'
              WHEN t.target_unit = '%' AND t.target_value > 100 THEN '百分比超过 100%'
              WHEN s.n >= 5 AND abs(t.target_value - s.med)
                   > 1.5 * greatest(s.q3 - s.q1, abs(s.med) * 0.1) + (s.q3 - s.q1) / 2
                THEN '明显偏离同类目标'
            END AS reason
          FROM t JOIN s USING (target_unit)
        )
        SELECT township, fiscal_year, project_name, indicator_name, target_raw, target_value,
               target_unit, med AS group_median, reason, source_file, source_line
        FROM flagged WHERE reason IS NOT NULL
        ORDER BY reason, township, project_name
        """,
        params + [family, percent_family],
    )
