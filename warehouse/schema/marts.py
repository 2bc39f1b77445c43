"""Mart tables: the analyst views materialized at load time (docs/query_performance.md).

The views join five tables; at 40,000 documents (2.5M indicator rows) every dashboard query
paid that join. The marts hold the joined rows once, plus per-project search text and
level-2 sets, and the views select from them. A load refreshes only the rows of the
documents it wrote and of the units it upserted (unit attributes are "latest wins", so other
documents of a touched unit may change too); a rule change, a new marts.sql or a large load
rebuilds them completely.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import duckdb

from etl.vocabulary import sql_list, target_kinds
from warehouse.dbutil import scalar
from warehouse.schema import ddl as schema
from warehouse.schema import review_mart

MARTS_SQL = Path(__file__).resolve().parent / "marts.sql"
MART_TABLES = schema.MART_TABLES
FULL_REFRESH_SHARE = 0.25  # touching more documents than this share: rebuild instead
# Indicator rows per box-statistics statement: None = the connection's memory limit over
# BOX_BYTES_PER_ROW (400 MB: 200k rows, ~2 GB and more: one batch; each extra batch costs
# a scan, at 6 GB 16 batches took 2x the CPU of one).
BOX_BATCH_ROWS: int | None = None
BOX_BYTES_PER_ROW = 2000
# The same for the stored samples' ranking (township ranges) and the outliers (ranges of
# whole families), smaller than the box statistics' (docs/marts_memory.md).
SAMPLE_BYTES_PER_ROW = 500
OUTLIER_BYTES_PER_ROW = 500
_SIZE = re.compile(r"([\d.]+)\s*([KMGT]?)i?B", re.IGNORECASE)
_STATE_KEY = "marts_refreshed"  # warehouse_meta: marts digest of the last full rebuild

# Same joins as the former views; {scope_f}/{scope_t} restrict facts for incremental runs.
_PROJECT_SELECT = """
WITH f AS (SELECT * FROM fact_project_budget WHERE {scope_f}),
ind AS (
    SELECT t.project_key,
           -- ordered: a per-year rebuild and an incremental one must give the same text
           -- (containment alone would not need it; it costs ~25% of this aggregate)
           string_agg(concat_ws(chr(31), i.indicator_name, t.description, t.target_raw),
                      chr(31) ORDER BY t.scope, t.ordinal, t.target_key) AS txt,
           list_sort(list_distinct(list(i.level2) FILTER (
               WHERE t.scope = 'project' AND i.level2 IS NOT NULL))) AS level2_set
    FROM fact_indicator_target AS t
    JOIN dim_indicator AS i ON i.indicator_key = t.indicator_key
    WHERE t.project_key IN (SELECT project_key FROM f)
    GROUP BY t.project_key
)
SELECT
    f.fiscal_year, u.province, u.city, u.county, u.township, u.unit_code, u.unit_name,
    p.project_code, p.project_name, p.project_category, f.budget_total_yuan,
    f.fiscal_funds_yuan, f.other_funds_yuan, d.path AS source_file, f.project_key,
    f.document_id, f.purpose, nullif(array_to_string(f.goals, chr(10)), '') AS goals,
    f.plan_q1_pct, f.plan_q2_pct, f.plan_q3_pct, f.plan_q4_pct, f.source_line,
    f.indicator_count, f.unit_key, f.seq, u.unit_kind,
    coalesce(ind.level2_set, []::VARCHAR[]) AS level2_set,
    lower(concat_ws(chr(31), p.project_name, p.project_code,
                    nullif(array_to_string(f.goals, chr(10)), ''), f.purpose, u.unit_name,
                    ind.txt)) AS search_text
FROM f
JOIN dim_project AS p ON p.project_key = f.project_key
JOIN dim_unit AS u ON u.unit_key = f.unit_key
JOIN source_document AS d ON d.document_id = f.document_id
LEFT JOIN ind ON ind.project_key = f.project_key
"""

# Normalized display label of a target ("≥90%", "10–20个", "12月31日前"); the dashboard's
# common-targets query groups by it (dashboard/data/targets.py uses this same text).
TARGET_LABEL_SQL = """
    CASE
      WHEN target_op = 'between' AND target_value IS NOT NULL AND target_value_max IS NOT NULL
        THEN regexp_replace(CAST(target_value AS VARCHAR), '\\.0$', '') || '–'
             || regexp_replace(CAST(target_value_max AS VARCHAR), '\\.0$', '')
             || COALESCE(target_unit, '')
      WHEN target_kind = 'tolerance' AND target_value IS NOT NULL
        THEN '±' || regexp_replace(CAST(target_value AS VARCHAR), '\\.0$', '')
             || COALESCE(target_unit, '')
      WHEN target_value IS NOT NULL
        THEN CASE target_op WHEN '>=' THEN '≥' WHEN '<=' THEN '≤' WHEN '>' THEN '>'
                            WHEN '<' THEN '<' ELSE '' END
             || regexp_replace(CAST(target_value AS VARCHAR), '\\.0$', '')
             || COALESCE(target_unit, '')
      WHEN deadline IS NOT NULL
        THEN CAST(month(deadline) AS VARCHAR) || '月' || CAST(day(deadline) AS VARCHAR) || '日前'
      ELSE trim(target_raw)
    END
"""

_INDICATOR_SELECT = (
    """
SELECT *, """
    + TARGET_LABEL_SQL
    + """ AS target_label FROM (
SELECT
    t.scope, t.fiscal_year, u.province, u.city, u.county, u.township, u.unit_name,
    p.project_code, p.project_name, i.level1, i.level2, i.indicator_name, t.description,
    t.target_raw, t.target_op, t.target_value, t.target_value_max, t.target_unit,
    t.target_value_yuan, t.target_kind, t.deadline, t.basis, t.weight, t.direction,
    d.path AS source_file, t.source_line, t.project_key, p.project_category,
    i.indicator_family, u.unit_code, t.document_id, t.target_key, t.indicator_key, t.ordinal,
    t.level1_raw, t.level2_raw, t.unit_key, u.unit_kind,
    -- every other fact column flows through (horizon, place, graded, direction_source, …)
    t.* EXCLUDE (scope, fiscal_year, description, target_raw, target_op, target_value,
                 target_value_max, target_unit, target_value_yuan, target_kind, deadline, basis,
                 weight, direction, source_line, project_key, document_id, target_key,
                 indicator_key, ordinal, level1_raw, level2_raw, unit_key)
FROM (SELECT * FROM fact_indicator_target WHERE {scope_t}) AS t
JOIN dim_indicator AS i ON i.indicator_key = t.indicator_key
JOIN dim_unit AS u ON u.unit_key = t.unit_key
JOIN source_document AS d ON d.document_id = t.document_id
LEFT JOIN dim_project AS p ON p.project_key = t.project_key
)
"""
)

# Shared with dashboard/data/common.py (one definition): the family label of an indicator
# without one, the unit label of a target without one, and which targets are compared
# across projects (目标值对比: annual targets with a level on the indicator's own scale).
FAMILY_SQL = "COALESCE(indicator_family, '其他')"
NO_UNIT = "（无单位）"
COMPARABLE_SQL = (
    f"coalesce(horizon, 'annual') = 'annual' AND target_value IS NOT NULL "
    f"AND target_kind IN ({sql_list(target_kinds().numeric)})"
)

# Small rollups of the marts (docs/query_performance.md): the overview, budget, structure and
# target pages aggregate these instead of the marts. Each is grouped by township and its own
# keys, in four grouping sets: per year and category, per year (all_categories), per
# category (all_years), and neither (both flags): a query picks the set its filter needs
# (all_years = no year selected, …), so the unfiltered overview sums one row per township
# and key, not one per document. Rebuilt from the marts after every refresh, per township.
_ROLLUP_DEFS = {
    # table: (source, keys [(column, expression)], aggregates, row filter)
    "mart_project_rollup": (
        "mart_project_budget",
        [],
        """count(*) AS projects, count(budget_total_yuan) AS projects_with_budget,
           sum(budget_total_yuan) AS budget_yuan,
           count(plan_q1_pct) AS plan_q1_n, sum(plan_q1_pct) AS plan_q1_sum,
           count(plan_q2_pct) AS plan_q2_n, sum(plan_q2_pct) AS plan_q2_sum,
           count(plan_q3_pct) AS plan_q3_n, sum(plan_q3_pct) AS plan_q3_sum,
           count(plan_q4_pct) AS plan_q4_n, sum(plan_q4_pct) AS plan_q4_sum""",
        "TRUE",
    ),
    "mart_level_rollup": (
        "mart_indicator_target",
        [("level1", "level1"), ("level2", "level2")],
        "count(*) AS indicators",
        "TRUE",
    ),
    "mart_kind_rollup": (
        "mart_indicator_target",
        [("target_kind", "target_kind")],
        "count(*) AS indicators",
        "TRUE",
    ),
    "mart_family_rollup": (
        "mart_indicator_target",
        [
            ("indicator_family", "indicator_family"),
            ("target_unit", "target_unit"),
            ("comparable", "COMPARABLE_SQL"),
        ],
        "count(*) AS indicators",
        "TRUE",
    ),
    "mart_target_label_rollup": (
        "mart_indicator_target",
        [
            ("indicator_family", "indicator_family"),
            ("target_kind", "target_kind"),
            ("target_label", "target_label"),
        ],
        "count(*) AS indicators",
        "coalesce(horizon, 'annual') = 'annual' AND target_label IS NOT NULL "
        "AND target_label <> ''",
    ),
    "mart_level2_rollup": (
        "(SELECT township, fiscal_year, project_category, unnest(level2_set) AS level2 "
        "FROM mart_project_budget)",
        [("level2", "level2")],
        "count(*) AS projects_with",
        "TRUE",
    ),
}


def _rollup_select(source: str, keys: list[tuple[str, str]], aggregates: str, rows: str) -> str:
    cols = "".join(f", ({expr}) AS {name}" for name, expr in keys if expr != name)
    names = "".join(f", {name}" for name, _ in keys)
    return f"""
        SELECT township, fiscal_year, project_category{names}, {aggregates},
               grouping(fiscal_year) = 1 AS all_years,
               grouping(project_category) = 1 AS all_categories
        FROM (SELECT *{cols} FROM {source} WHERE {rows} AND {{scope}})
        GROUP BY GROUPING SETS ((township, fiscal_year, project_category{names}),
                                (township, fiscal_year{names}),
                                (township, project_category{names}), (township{names}))
    """


def _rollup_defs() -> dict[str, tuple[str, list[tuple[str, str]], str, str]]:
    """_ROLLUP_DEFS with the COMPARABLE_SQL placeholder replaced by the expression."""
    return {
        table: (
            source,
            [(n, COMPARABLE_SQL if e == "COMPARABLE_SQL" else e) for n, e in keys],
            aggregates,
            rows,
        )
        for table, (source, keys, aggregates, rows) in _ROLLUP_DEFS.items()
    }


ROLLUPS = {table: _rollup_select(*definition) for table, definition in _rollup_defs().items()}

# The sidebar's choices, read by every page: the years, townships and categories that have
# rows in the rollups (NULL = unknown), collected once per refresh. Collecting them from the
# rollups per page view took ~250 ms for a national decade's 44,000 townships.
FILTER_OPTION_TABLE = "mart_filter_option"
FILTER_OPTION_SELECT = """
    SELECT 'year' AS filter_kind, fiscal_year, CAST(NULL AS VARCHAR) AS township,
           CAST(NULL AS VARCHAR) AS project_category
      FROM (SELECT fiscal_year FROM mart_project_rollup WHERE NOT all_years AND all_categories
            UNION SELECT fiscal_year FROM mart_level_rollup
            WHERE NOT all_years AND all_categories)
    UNION ALL
    SELECT 'township', CAST(NULL AS INTEGER), township, CAST(NULL AS VARCHAR)
      FROM (SELECT township FROM mart_project_rollup WHERE all_years AND all_categories
            UNION SELECT township FROM mart_level_rollup WHERE all_years AND all_categories)
    UNION ALL
    SELECT 'category', CAST(NULL AS INTEGER), CAST(NULL AS VARCHAR), project_category
      FROM (SELECT DISTINCT project_category FROM mart_project_rollup
            WHERE all_years AND NOT all_categories)
"""
# Rows of one grouping set lie together (zone maps skip the others).
ROLLUP_ORDER = "all_years DESC, all_categories DESC, fiscal_year, project_category, township"


def _rollup_set_selects(
    source: str, keys: list[tuple[str, str]], aggregates: str, rows: str
) -> list[str]:
    """The four grouping sets of ``_rollup_select`` as four statements, in ROLLUP_ORDER and
    each sorted within: one hash table and one sort of a quarter of the rows at a time. In a
    small memory limit the single GROUPING SETS statement spilled and took 3-4x the CPU
    (mart_target_label_rollup at 400 MB: 53 CPU-s against 16 this way)."""
    cols = "".join(f", ({expr}) AS {name}" for name, expr in keys if expr != name)
    names = "".join(f", {name}" for name, _ in keys)
    selects = []
    for all_years, all_cats in ((True, True), (True, False), (False, True), (False, False)):
        year = "fiscal_year" if not all_years else "CAST(NULL AS INTEGER)"
        cat = "project_category" if not all_cats else "CAST(NULL AS VARCHAR)"
        order = ["fiscal_year"] * (not all_years) + ["project_category"] * (not all_cats)
        selects.append(f"""
            SELECT township, {year} AS fiscal_year, {cat} AS project_category{names},
                   {aggregates}, {all_years} AS all_years, {all_cats} AS all_categories
            FROM (SELECT *{cols} FROM {source} WHERE {rows} AND {{scope}})
            GROUP BY township{"".join(", " + c for c in order)}{names}
            ORDER BY {", ".join([*order, "township"])}
        """)
    return selects


ROLLUP_SETS = {
    table: _rollup_set_selects(*definition) for table, definition in _rollup_defs().items()
}

# Exact per-township box statistics (n, quartiles, 1.5 IQR whiskers, zeros) of the three
# point clouds, for every filter of at most one year and one category: all years or one,
# all categories or one (flags all_years / all_categories; the year / category column is
# NULL for "all"). Targets per family, per unit and for all units of the family.
BOX_MEASURES = {
    # measure: (source, value, row filter, extra keys [(column, expression)])
    "budget": ("mart_project_budget", "budget_total_yuan", "budget_total_yuan IS NOT NULL", []),
    "indicator_count": ("mart_project_budget", "COALESCE(indicator_count, 0)", "TRUE", []),
    "target": (
        "mart_indicator_target",
        "target_value",
        COMPARABLE_SQL,
        [("family", FAMILY_SQL), ("unit", f"COALESCE(target_unit, '{NO_UNIT}')")],
    ),
}


def _box_select(measure: str) -> str:
    """All filter combinations of one measure in one scan: grouping sets over (year?,
    category?, unit?). The whiskers come from the group's value list, filtered by its own
    quartiles, so no join back to the rows (the former per-set join was the costliest
    step of the refresh)."""
    source, value, rows, extra = BOX_MEASURES[measure]
    base = ["township", *[c for c, _ in extra]]
    optional = [
        *(["unit"] if any(c == "unit" for c, _ in extra) else []),
        "fiscal_year",
        "project_category",
    ]
    sets = []
    for with_year in (False, True):
        for with_cat in (False, True):
            for with_unit in (False, True) if "unit" in optional else (False,):
                keys = base[:1] + [c for c in base[1:] if c != "unit" or with_unit]
                keys += ["fiscal_year"] * with_year + ["project_category"] * with_cat
                sets.append(f"({', '.join(keys)})")
    cols = ", ".join(
        ["township", *[f"{e} AS {c}" for c, e in extra], "fiscal_year", "project_category"]
    )
    has = {c for c, _ in extra}
    unit_flag = "grouping(unit) = 1" if "unit" in has else "TRUE"
    return f"""
        SELECT '{measure}' AS measure,
               CAST({"family" if "family" in has else "NULL"} AS VARCHAR) AS family,
               CAST({"unit" if "unit" in has else "NULL"} AS VARCHAR) AS unit,
               all_units, township, CAST(fiscal_year AS INTEGER) AS fiscal_year, all_years,
               CAST(project_category AS VARCHAR) AS project_category, all_categories, n,
               q[1] AS q1, q[2] AS median, q[3] AS q3,
               list_min(list_filter(vs, lambda x: x >= q[1] - 1.5 * (q[3] - q[1]))) AS lower,
               list_max(list_filter(vs, lambda x: x <= q[3] + 1.5 * (q[3] - q[1]))) AS upper,
               zeros
        FROM (
          SELECT {", ".join(dict.fromkeys(base + optional))}, {unit_flag} AS all_units,
                 grouping(fiscal_year) = 1 AS all_years,
                 grouping(project_category) = 1 AS all_categories,
                 count(*) AS n, quantile_cont(v, [0.25, 0.5, 0.75]) AS q, list(v) AS vs,
                 count(*) FILTER (WHERE v = 0) AS zeros
          FROM (SELECT {cols}, {value} AS v FROM {source} WHERE {rows} AND {{scope}})
          GROUP BY GROUPING SETS ({", ".join(sets)})
        )
    """


BOX_SELECTS = [_box_select(measure) for measure in BOX_MEASURES]
BOX_TABLE = "mart_box_rollup"

# Labels of a missing township / category in dashboard answers (dashboard/data/filter_model.py
# re-exports them): the point samples below are stored with them.
UNKNOWN_TOWNSHIP = "未注明"
UNKNOWN_CATEGORY = "未分类"
UNIT_SCOPE_PROJECT = "（部门/单位整体）"
TOWNSHIP_LABEL_SQL = f"COALESCE(township, '{UNKNOWN_TOWNSHIP}')"
CATEGORY_LABEL_SQL = f"COALESCE(project_category, '{UNKNOWN_CATEGORY}')"

# Point clouds (strip charts): at most SAMPLE_POINTS rows, a deterministic sample stratified
# by township (docs/query_performance.md, "Point samples"). The columns each chart reads,
# declared once: the dashboard's live query and the stored samples select these.
SAMPLE_POINTS = 5000
POINT_COLUMNS = {
    "budget": f"""{TOWNSHIP_LABEL_SQL} AS township, project_name,
        {CATEGORY_LABEL_SQL} AS category, fiscal_year, budget_total_yuan, project_key AS _key""",
    "indicator_count": f"""CAST(project_key AS VARCHAR) AS project_key,
        {TOWNSHIP_LABEL_SQL} AS township, fiscal_year, project_name,
        {CATEGORY_LABEL_SQL} AS category, COALESCE(indicator_count, 0) AS indicator_count,
        project_key AS _key""",
    "target": f"""{TOWNSHIP_LABEL_SQL} AS township, fiscal_year,
        COALESCE(project_name, '{UNIT_SCOPE_PROJECT}') AS project_name, unit_name, scope,
        indicator_name || coalesce('（' || place || '）', '') AS indicator_name, target_raw,
        target_op, target_value, target_value_max,
        COALESCE(target_unit, '{NO_UNIT}') AS target_unit, target_kind, source_file,
        source_line, hash(source_file, source_line, indicator_name, place, target_raw) AS _key""",
}
# measure: (value column of POINT_COLUMNS, output order; ``_key`` breaks ties)
POINT_ORDER = {
    "budget": ("budget_total_yuan", "township, budget_total_yuan DESC, _key"),
    "indicator_count": (
        "indicator_count",
        "township, indicator_count DESC, project_name, _key",
    ),
    "target": ("target_value", "township, target_value, _key"),
}
SAMPLE_TABLES = {m: f"mart_{m}_sample" for m in POINT_COLUMNS}
# The filter sets a stored sample answers (all_years, all_categories): no filter, one
# year, one category (no township: a township filter is answered live from its few rows).
SAMPLE_SETS = ((True, True), (False, True), (True, False))
SAMPLE_GROUPS = {"target": ("family", "target_unit")}  # sampled per family and unit


def sample_quotas(stats: str, groups: tuple[str, ...] = ()) -> str:
    """Each township's quota of its group's SAMPLE_POINTS: its share of the rows by largest
    remainder (floor, then +1 for the largest remainders, ties by township), so a sampled
    group shows exactly SAMPLE_POINTS. ``stats``: groups, township, _n, _q1, _q3; adds
    ``_all`` (rows of the group) and ``_quota``."""
    part = f"PARTITION BY {', '.join(groups)}" if groups else ""
    m = SAMPLE_POINTS
    return f"""
        SELECT *, _floor + CAST(row_number() OVER ({part} ORDER BY _rem DESC, township)
                       <= {m} - sum(_floor) OVER ({part}) AS BIGINT) AS _quota
        FROM (SELECT *, ({m} * _n) // _all AS _floor, ({m} * _n) % _all AS _rem
              FROM (SELECT *, CAST(sum(_n) OVER ({part}) AS BIGINT) AS _all FROM ({stats})))
    """


def sample_select(
    base: str,
    value: str,
    stats: str,
    groups: tuple[str, ...] = (),
    have: str | None = None,
    quotas: str | None = None,
) -> str:
    """The sample of ``base`` (columns township, ``value``, ``_key`` and ``groups``), one
    definition for the live query and the stored samples. Per group: every row when it has
    at most SAMPLE_POINTS, else exactly SAMPLE_POINTS (``sample_quotas``), each township
    filled with its box-plot outliers first, then by ``_key`` (hash-based: stable,
    effectively random). ``stats`` (groups, township, _n, _q1, _q3) are the exact
    per-township quartiles, e.g. from mart_box_rollup. Adds ``_rank``, the row's place in
    its township's order. ``have`` (groups, township, _have): ranks already stored, so
    only ranks ``_have + 1 .. _quota`` are picked (an incremental refresh); ``quotas``:
    ``sample_quotas(stats)`` computed before. (A top-N
    aggregate keeping whole rows was tried for the stored samples: 2.5x the CPU of this
    ranking.)"""
    on = " AND ".join(f"b.{c} IS NOT DISTINCT FROM q.{c}" for c in (*groups, "township"))
    semi = " AND ".join(f"base.{c} IS NOT DISTINCT FROM p.{c}" for c in (*groups, "_key"))
    outlier = (
        f"(b.{value} < q._q1 - 1.5 * (q._q3 - q._q1) OR b.{value} > q._q3 + 1.5 * (q._q3 - q._q1))"
    )
    keys = "".join(f"b.{c}, " for c in groups)
    return f"""
        WITH base AS NOT MATERIALIZED ({base}),
        q AS ({sample_wants(quotas or sample_quotas(stats, groups), groups, have)}),
        picked AS (
          SELECT {keys}b._key, row_number() OVER (
            PARTITION BY {keys}b.township ORDER BY NOT {outlier}, b._key) AS _rank
          FROM base b JOIN q ON {on}
          WHERE least(q._quota, q._n) > q._have
          QUALIFY _rank <= q._quota AND _rank > q._have
        )
        SELECT base.*, p._rank FROM base
        JOIN (SELECT {"".join(f"{c}, " for c in groups)}_key, min(_rank) AS _rank
              FROM picked GROUP BY ALL) p ON {semi}
    """


def sample_wants(quotas: str, groups: tuple[str, ...] = (), have: str | None = None) -> str:
    """The ``quotas`` (``sample_quotas`` rows) with ``_have``, the ranks of each township
    already stored (0 without ``have``): a township needs rows when
    ``least(_quota, _n) > _have``."""
    if have is None:
        return f"SELECT *, 0 AS _have FROM ({quotas})"
    on = " AND ".join(f"q.{c} IS NOT DISTINCT FROM h.{c}" for c in (*groups, "township"))
    return f"""SELECT q.*, COALESCE(h._have, 0) AS _have FROM ({quotas}) q
               LEFT JOIN ({have}) h ON {on}"""


def _sample_base(measure: str) -> tuple[str, str, tuple[str, ...]]:
    """(rows, value, group columns) of a measure's stored samples, ``{scope}`` to fill."""
    source, value, rows, _ = BOX_MEASURES[measure]
    extra = f", {FAMILY_SQL} AS family" if measure == "target" else ""
    base = f"""SELECT {POINT_COLUMNS[measure]}, project_category{extra}
               FROM {source} WHERE {rows} AND {{scope}}"""
    return base, POINT_ORDER[measure][0], SAMPLE_GROUPS.get(measure, ())


def _sample_stats(measure: str, all_years: bool, all_cats: bool) -> str:
    keys = "family, unit AS target_unit, " if measure == "target" else ""
    return f"""SELECT {keys}fiscal_year, project_category,
                      {TOWNSHIP_LABEL_SQL} AS township, n AS _n, q1 AS _q1, q3 AS _q3
               FROM {BOX_TABLE}
               WHERE measure = '{measure}' AND all_units = {measure != "target"}
                 AND all_years = {all_years} AND all_categories = {all_cats}
                 AND {{box_scope}}"""


def _sample_keys(measure: str, all_years: bool, all_cats: bool) -> tuple[str, ...]:
    """Group columns of a measure's sample in one filter set."""
    groups = SAMPLE_GROUPS.get(measure, ())
    return (*groups, *["fiscal_year"] * (not all_years), *["project_category"] * (not all_cats))


def _stored_ranks(measure: str, all_years: bool, all_cats: bool) -> str:
    """``sample_select``'s ``have``: the highest rank stored per group and township."""
    keys = "".join(f"{c}, " for c in _sample_keys(measure, all_years, all_cats))
    return f"""SELECT {keys}township, max(_rank) AS _have FROM {SAMPLE_TABLES[measure]}
               WHERE all_years = {all_years} AND all_categories = {all_cats} GROUP BY ALL"""


def _sample_set_select(
    measure: str, all_years: bool, all_cats: bool, stored: bool = True, quotas: str | None = None
) -> str:
    """The stored sample of one filter set: ``{row_scope}`` / ``{box_scope}`` restrict the
    mart rows / box statistics; with ``stored`` only the ranks not stored yet are picked
    (``_stored_ranks``: nothing when the table was emptied, a full rebuild)."""
    base, value, _ = _sample_base(measure)
    rows = base.replace("{scope}", "{row_scope}")
    stats = _sample_stats(measure, all_years, all_cats)
    have = _stored_ranks(measure, all_years, all_cats) if stored else None
    keys = _sample_keys(measure, all_years, all_cats)
    return (
        f"SELECT *, {all_years} AS all_years, {all_cats} AS all_categories "
        f"FROM ({sample_select(rows, value, stats, keys, have, quotas)})"
    )


def _sample_selects(measure: str) -> list[str]:
    """One SELECT per filter set of SAMPLE_SETS (``_sample_set_select``)."""
    return [_sample_set_select(measure, *flags) for flags in SAMPLE_SETS]


SAMPLE_SELECTS = {m: _sample_selects(m) for m in POINT_COLUMNS}
# Targets that stand out within a family and unit (目标值对比 / 需要关注的目标值): the
# answer can hold tens of thousands of rows, so the page shows the first OUTLIER_ROWS in
# OUTLIER_ORDER and their total; stored per family for the SAMPLE_SETS filters.
OUTLIER_ROWS = 1000
PERCENT_FAMILIES = ("满意度", "完成率/合格率")
OUTLIER_COLUMNS = f"""{TOWNSHIP_LABEL_SQL} AS township, fiscal_year,
    COALESCE(project_name, '{UNIT_SCOPE_PROJECT}') AS project_name,
    indicator_name || coalesce('（' || place || '）', '') AS indicator_name, target_raw,
    target_value, COALESCE(target_unit, '{NO_UNIT}') AS target_unit, source_file, source_line"""
OUTLIER_OUTPUT = """township, fiscal_year, project_name, indicator_name, target_raw,
    target_value, target_unit, group_median, reason, source_file, source_line"""
OUTLIER_ORDER = (
    "reason, township, project_name, source_file, source_line, indicator_name, target_raw"
)
OUTLIER_TABLE = "mart_target_outlier"


def outlier_select(base: str, groups: tuple[str, ...] = ()) -> str:
    """Flagged targets of ``base`` (columns family, OUTLIER_COLUMNS and ``groups``), the
    first OUTLIER_ROWS per family and group in OUTLIER_ORDER, with ``_total`` flagged.
    Rules: a fraction (≤1) in a percent family (0.9 written for 90%); a percent above 100;
    a value outside 1.5 × IQR of its family and unit (groups of 5 or more, spread at least
    10% of the median so near-identical groups do not flag everything)."""
    keys = ("family", *groups)
    part = "PARTITION BY " + ", ".join(keys)
    on = " AND ".join(f"t.{c} IS NOT DISTINCT FROM s.{c}" for c in (*keys, "target_unit"))
    return f"""
        WITH t AS NOT MATERIALIZED ({base}),
        s AS (
          SELECT {", ".join(keys)}, target_unit, count(*) AS n, median(target_value) AS med,
                 quantile_cont(target_value, 0.25) AS q1, quantile_cont(target_value, 0.75) AS q3
          FROM t GROUP BY ALL
        ), flagged AS (
          SELECT t.*, s.med AS group_median,
            CASE
              WHEN t.family IN ({sql_list(PERCENT_FAMILIES)}) AND t.target_value <= 1
                THEN '疑似以小数表示百分比'
              WHEN t.target_unit = '%' AND t.target_value > 100 THEN '百分比超过 100%'
              WHEN s.n >= 5 AND abs(t.target_value - s.med)
                   > 1.5 * greatest(s.q3 - s.q1, abs(s.med) * 0.1) + (s.q3 - s.q1) / 2
                THEN '明显偏离同类目标'
            END AS reason
          FROM t JOIN s ON {on}
        )
        SELECT *, count(*) OVER ({part}) AS _total FROM flagged
        WHERE reason IS NOT NULL
        QUALIFY row_number() OVER ({part} ORDER BY {OUTLIER_ORDER}) <= {OUTLIER_ROWS}
    """


def _outlier_base() -> str:
    """The rows the outliers are flagged among; ``{row_scope}`` as for the samples."""
    source, _, rows, _ = BOX_MEASURES["target"]
    return f"""SELECT {OUTLIER_COLUMNS}, {FAMILY_SQL} AS family, project_category
               FROM {source} WHERE {rows} AND {{row_scope}}"""


def _outlier_selects(base: str | None = None) -> list[str]:
    """One SELECT per filter set of SAMPLE_SETS over ``base`` (default ``_outlier_base``)."""
    base = base or _outlier_base()
    out = []
    for all_years, all_cats in SAMPLE_SETS:
        keys = (*["fiscal_year"] * (not all_years), *["project_category"] * (not all_cats))
        out.append(
            f"SELECT *, {all_years} AS all_years, {all_cats} AS all_categories "
            f"FROM ({outlier_select(base, keys)})"
        )
    return out


OUTLIER_SELECTS = _outlier_selects()
ROLLUP_TABLES = (*ROLLUPS, BOX_TABLE, *SAMPLE_TABLES.values(), OUTLIER_TABLE)

_SCOPE = (
    "(document_id IN (SELECT unnest($docs::BIGINT[])) "
    "OR unit_key IN (SELECT unnest($units::BIGINT[])))"
)


@cache
def marts_digest() -> str:
    """Digest of marts.sql and of the refresh SQL: a change recreates and rebuilds the marts."""
    text = MARTS_SQL.read_text(encoding="utf-8") + _PROJECT_SELECT + _INDICATOR_SELECT
    text += "".join(ROLLUPS.values()) + "".join(BOX_SELECTS)
    text += "".join("".join(selects) for selects in ROLLUP_SETS.values())
    text += "".join("".join(selects) for selects in SAMPLE_SELECTS.values())
    text += "".join(OUTLIER_SELECTS) + review_mart.digest_text() + FILTER_OPTION_SELECT
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _exists(con: duckdb.DuckDBPyConnection) -> bool:
    tables = [*MART_TABLES, *ROLLUP_TABLES, FILTER_OPTION_TABLE, *review_mart.TABLES]
    found = scalar(
        con,
        "SELECT count(*) FROM duckdb_tables() WHERE table_name IN (SELECT unnest(?::VARCHAR[]))",
        [tables],
    )
    return found == len(tables)


def ensure_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Create the mart tables, recreating them when marts.sql changed (they are then empty
    and marked stale until ``refresh`` rebuilds them). Views depending on them are dropped
    first; the caller recreates the views."""
    if _exists(con) and schema.get_meta(con, "marts_digest") == marts_digest():
        return
    for view in schema.VIEWS:
        con.execute(f"DROP VIEW IF EXISTS {view}")
    for table in (FILTER_OPTION_TABLE, *ROLLUP_TABLES, *MART_TABLES):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    # Derived from their SELECT: the column list is declared once (the facts and the joins).
    con.execute("CREATE TABLE mart_project_budget AS " + _PROJECT_SELECT.format(scope_f="FALSE"))
    con.execute(
        "CREATE TABLE mart_indicator_target AS " + _INDICATOR_SELECT.format(scope_t="FALSE")
    )
    for table, select in ROLLUPS.items():
        con.execute(f"CREATE TABLE {table} AS {select.format(scope='FALSE')}")
    con.execute(f"CREATE TABLE {BOX_TABLE} AS {BOX_SELECTS[0].format(scope='FALSE')}")
    for measure, table in SAMPLE_TABLES.items():
        select = _sample_set_select(measure, *SAMPLE_SETS[0], stored=False)
        con.execute(
            f"CREATE TABLE {table} AS {select.format(row_scope='FALSE', box_scope='FALSE')}"
        )
    empty = OUTLIER_SELECTS[0].format(row_scope="FALSE")
    con.execute(f"CREATE TABLE {OUTLIER_TABLE} AS {empty}")
    con.execute(f"CREATE TABLE {FILTER_OPTION_TABLE} AS {FILTER_OPTION_SELECT} LIMIT 0")
    review_mart.create(con)
    con.execute(MARTS_SQL.read_text(encoding="utf-8"))
    inherit_comments(con, "mart_project_budget", _PROJECT_SOURCES)
    inherit_comments(con, "mart_indicator_target", _INDICATOR_SOURCES)
    for table in ROLLUP_TABLES:
        inherit_comments(con, table, ("mart_indicator_target", "mart_project_budget"))
    schema.set_meta(con, "marts_digest", marts_digest())
    schema.set_meta(con, _STATE_KEY, "")


# Where a mart column without its own comment takes one from (first table that has it).
_PROJECT_SOURCES = ("fact_project_budget", "dim_project", "dim_unit", "source_document")
_INDICATOR_SOURCES = ("fact_indicator_target", "dim_indicator", "dim_unit", "dim_project")


def inherit_comments(con: duckdb.DuckDBPyConnection, target: str, sources: tuple[str, ...]) -> None:
    """Give every uncommented column of ``target`` (a mart or a view) the comment of the same
    column in the first of ``sources`` that has one: a label is written once, where the
    column is born (issue 16: one description per column)."""
    rows = con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() "
        "WHERE table_name IN (SELECT unnest(?::VARCHAR[]))",
        [[target, *sources]],
    ).fetchall()
    found: dict[str, dict[str, str | None]] = {}
    for table, column, comment in rows:
        found.setdefault(table, {})[column] = comment
    for column, comment in found.get(target, {}).items():
        if comment:
            continue
        inherited = next((found[s][column] for s in sources if found.get(s, {}).get(column)), None)
        if inherited:
            text = inherited.replace("'", "''")
            con.execute(f"COMMENT ON COLUMN {target}.\"{column}\" IS '{text}'")


def mark_stale(con: duckdb.DuckDBPyConnection) -> None:
    """Force the next refresh to rebuild everything (e.g. after categories were rewritten)."""
    schema.set_meta(con, _STATE_KEY, "")


def marts_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the marts exist, match marts.sql and were fully built at least once."""
    return (
        _exists(con)
        and schema.get_meta(con, "marts_digest") == marts_digest()
        and schema.get_meta(con, _STATE_KEY) == marts_digest()
    )


def needs_full_refresh(con: duckdb.DuckDBPyConnection, touched_documents: int) -> bool:
    """Full rebuild when the marts are stale or the load touched a large share of documents
    (one set-based rebuild beats deleting and reinserting most rows)."""
    if not marts_current(con):
        return True
    total = scalar(con, "SELECT count(*) FROM source_document")
    return touched_documents > FULL_REFRESH_SHARE * max(total, 1)


def _years(con: duckdb.DuckDBPyConnection) -> list[int | None]:
    rows = con.execute(
        "SELECT fiscal_year FROM fact_project_budget UNION "
        "SELECT fiscal_year FROM fact_indicator_target ORDER BY 1 NULLS LAST"
    ).fetchall()
    return [year for (year,) in rows]


_YEAR_SCOPE = "fiscal_year IS NOT DISTINCT FROM $year::INTEGER"


def _insert(con: duckdb.DuckDBPyConnection, scope: str, params: dict, order: bool) -> None:
    # A full rebuild sorts each year's rows by township: the marts then lie in (year,
    # township) order and DuckDB's zone maps skip the row groups a year or township
    # filter excludes.
    sort = " ORDER BY township, document_id" if order else ""
    con.execute(
        "INSERT INTO mart_project_budget BY NAME SELECT * FROM ("
        + _PROJECT_SELECT.format(scope_f=scope)
        + ")"
        + sort,
        params,
    )
    con.execute(
        "INSERT INTO mart_indicator_target BY NAME SELECT * FROM ("
        + _INDICATOR_SELECT.format(scope_t=scope)
        + ")"
        + sort,
        params,
    )


_TOWN_SCOPE = (
    "(township IN (SELECT unnest($towns::VARCHAR[])) OR ($null_town AND township IS NULL))"
)


def _townships(con: duckdb.DuckDBPyConnection, scope: str, params: dict) -> set[str | None]:
    rows = con.execute(
        f"SELECT DISTINCT township FROM mart_project_budget WHERE {scope} UNION "
        f"SELECT DISTINCT township FROM mart_indicator_target WHERE {scope}",
        params,
    ).fetchall()
    return {town for (town,) in rows}


def refresh_rollups(
    con: duckdb.DuckDBPyConnection, townships: set[str | None] | None = None
) -> None:
    """Recompute the rollups from the marts: all of them, or the rows of these townships
    (every rollup is grouped by township, so a township's rows depend on its rows only);
    then the point samples and target outliers (``refresh_samples``)."""
    if townships is None:
        scope, params = "TRUE", {}
    else:
        named = sorted(t for t in townships if t is not None)
        scope, params = _TOWN_SCOPE, {"towns": named, "null_town": None in townships}
    for table, selects in ROLLUP_SETS.items():
        con.execute(f"DELETE FROM {table} WHERE {scope}", params)
        for select in selects:  # one grouping set at a time, in ROLLUP_ORDER
            con.execute(f"INSERT INTO {table} BY NAME {select.format(scope=scope)}", params)
    con.execute(f"DELETE FROM {FILTER_OPTION_TABLE}")  # whole: one pass over the rollups
    con.execute(f"INSERT INTO {FILTER_OPTION_TABLE} BY NAME {FILTER_OPTION_SELECT}")
    if townships is not None:  # the groups these townships were in, before and after
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {TOUCHED_GROUPS} AS "
            f"SELECT DISTINCT {', '.join(GROUP_COLUMNS)} FROM {BOX_TABLE} WHERE {scope}",
            params,
        )
    con.execute(f"DELETE FROM {BOX_TABLE} WHERE {scope}", params)
    batches = _town_batches(con, scope, params)
    for select in BOX_SELECTS:  # measure-major, then township ranges (the former layout)
        for batch, bounds in batches:
            con.execute(
                f"INSERT INTO {BOX_TABLE} BY NAME {select.format(scope=f'{scope} AND {batch}')}",
                params | bounds,
            )
    if townships is None:
        refresh_samples(con)
        return
    con.execute(
        f"INSERT INTO {TOUCHED_GROUPS} SELECT DISTINCT {', '.join(GROUP_COLUMNS)} "
        f"FROM {BOX_TABLE} WHERE {scope}",
        params,
    )
    try:
        _update_samples(con, townships)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {TOUCHED_GROUPS}")


# A group of mart_box_rollup, and the temporary table of the groups an incremental
# refresh touched (their row counts, so every township's quota, may have changed).
GROUP_COLUMNS = (
    "measure",
    "all_units",
    "all_years",
    "all_categories",
    "family",
    "unit",
    "fiscal_year",
    "project_category",
)
TOUCHED_GROUPS = "_touched_box_groups"
QUOTAS = "_sample_quotas"  # temporary: the (touched) groups' quotas of one measure and set
STAGED = "_sample_staged"  # temporary: one filter set's sample rows before the sorted insert
OUTLIER_RANGE = "_outlier_range"  # temporary: the comparable targets of one family range
OUTLIERS_STAGED = "_outliers_staged"  # temporary: every set's outliers before the sorted insert
_QUOTAS_READ = f"SELECT * FROM {QUOTAS}"
_TOUCHED_SCOPE = (
    f"hash({', '.join(GROUP_COLUMNS)}) IN "
    f"(SELECT hash({', '.join(GROUP_COLUMNS)}) FROM {TOUCHED_GROUPS})"
)
_SAMPLE_ORDER = {"target": " ORDER BY family, target_unit, fiscal_year, project_category, township"}


def refresh_samples(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every stored point sample and target outlier from the marts and
    mart_box_rollup (run after the box statistics).

    One statement per filter set held every row's ranking window at once: 21.5M target
    rows ran out of a 1 GB memory limit (issue 14). The samples are picked per township
    range (``_town_batches``: a township's ranks depend on its own rows and its quota only,
    and the quotas are computed once for the whole group); the outliers per range of whole
    families (``_rebuild_outliers``). Each set's rows are stored in the order of the former
    single statement."""
    batches = _town_batches(con, "TRUE", {}, SAMPLE_BYTES_PER_ROW)
    # the batch's own townships' quotas: the batch conditions hold on the labels too
    quotas = f"SELECT * FROM {QUOTAS} WHERE {{row_scope}}"
    for measure, table in SAMPLE_TABLES.items():
        con.execute(f"DELETE FROM {table}")
        for all_years, all_cats in SAMPLE_SETS:
            keys = _sample_keys(measure, all_years, all_cats)
            stats = _sample_stats(measure, all_years, all_cats).format(box_scope="TRUE")
            con.execute(  # every group's quotas, in township order (zone maps) for the batches
                f"CREATE OR REPLACE TEMP TABLE {QUOTAS} AS "
                f"SELECT * FROM ({sample_quotas(stats, keys)}) ORDER BY township"
            )
            sql = _sample_set_select(measure, all_years, all_cats, stored=False, quotas=quotas)
            # sorted by family and group within each set: zone maps then skip the other
            # families (at 40k: 51-72 -> 36-38 ms CPU unfiltered, 75 -> 24 with a category)
            sort = _SAMPLE_ORDER.get(measure, "")
            target = STAGED if sort else table  # ranges cut across the sort: stage them
            if sort:
                con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGED} AS FROM {table} LIMIT 0")
            for batch, bounds in batches:
                con.execute(
                    f"INSERT INTO {target} BY NAME "
                    + sql.format(row_scope=batch, box_scope="TRUE"),
                    bounds,
                )
            if sort:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {STAGED}{sort}")
    con.execute(f"DROP TABLE IF EXISTS {STAGED}")
    con.execute(f"DROP TABLE IF EXISTS {QUOTAS}")
    _rebuild_outliers(con)


def _rebuild_outliers(con: duckdb.DuckDBPyConnection) -> None:
    """Every outlier set, per range of whole families: the range's rows are read from the
    marts once (OUTLIER_RANGE) for the three sets, and all rows are stored in the order of
    the former one statement per set (set, then family and group)."""
    con.execute(f"DELETE FROM {OUTLIER_TABLE}")
    selects = _outlier_selects(f"SELECT * FROM {OUTLIER_RANGE}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {OUTLIERS_STAGED} AS "
        f"SELECT *, 0 AS _set FROM {OUTLIER_TABLE} LIMIT 0"
    )
    scope = f"{FAMILY_SQL} IN (SELECT unnest($families::VARCHAR[]))"
    for named in _family_batches(con):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {OUTLIER_RANGE} AS "
            + _outlier_base().format(row_scope=scope),
            {"families": named},
        )
        for number, select in enumerate(selects):
            con.execute(
                f"INSERT INTO {OUTLIERS_STAGED} BY NAME SELECT *, {number} AS _set FROM ({select})"
            )
    con.execute(
        f"INSERT INTO {OUTLIER_TABLE} BY NAME SELECT * EXCLUDE (_set) FROM {OUTLIERS_STAGED} "
        "ORDER BY _set, family, fiscal_year, project_category"
    )
    con.execute(f"DROP TABLE IF EXISTS {OUTLIER_RANGE}")
    con.execute(f"DROP TABLE IF EXISTS {OUTLIERS_STAGED}")


def _family_batches(con: duckdb.DuckDBPyConnection) -> list[list[str]]:
    """The target families in order, cut into consecutive ranges of about the memory limit
    over OUTLIER_BYTES_PER_ROW comparable rows each (counted from the box statistics; a
    family is never split, a larger one is a range alone)."""
    rows = con.execute(
        f"SELECT family, sum(n) FROM {BOX_TABLE} WHERE measure = 'target' AND all_units "
        "AND all_years AND all_categories GROUP BY family ORDER BY family"
    ).fetchall()
    per_batch = BOX_BATCH_ROWS or _rows_per_batch(con, OUTLIER_BYTES_PER_ROW)
    batches: list[list[str]] = []
    total = per_batch
    for family, count in rows:
        if total + count > per_batch:
            batches.append([])
            total = 0
        batches[-1].append(family)
        total += count
    return batches


def _insert_outliers(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    con.execute(
        f"INSERT INTO {OUTLIER_TABLE} BY NAME SELECT * FROM ({sql}) "
        "ORDER BY family, fiscal_year, project_category"
    )


def _update_samples(con: duckdb.DuckDBPyConnection, townships: set[str | None]) -> None:
    """Bring the stored samples and outliers up to date after the rows of ``townships``
    changed (their groups in TOUCHED_GROUPS). A township's ranking depends on its own rows
    and quartiles only, so another township keeps its stored ranks up to its new quota
    (the group's row count moved it) and gains the ranks between; the changed townships
    are picked anew. Only those townships' rows are read: equal to a full rebuild
    (tests/test_marts_samples.py) at a fraction of its cost. Outliers depend on the
    whole group's quartiles: the touched groups (family, and year or category) are
    recomputed."""
    labels = sorted({UNKNOWN_TOWNSHIP if t is None else t for t in townships})
    _update_point_samples(con, labels)
    _update_outliers(con)
    con.execute(f"DROP TABLE IF EXISTS {QUOTAS}")


def _update_point_samples(con: duckdb.DuckDBPyConnection, labels: list[str]) -> None:
    for measure, table in SAMPLE_TABLES.items():
        con.execute(
            f"DELETE FROM {table} WHERE township IN (SELECT unnest($t::VARCHAR[]))", {"t": labels}
        )
        for all_years, all_cats in SAMPLE_SETS:
            keys = _sample_keys(measure, all_years, all_cats)
            stats = _sample_stats(measure, all_years, all_cats).format(box_scope=_TOUCHED_SCOPE)
            con.execute(  # the touched groups' quotas, read three times below
                f"CREATE OR REPLACE TEMP TABLE {QUOTAS} AS {sample_quotas(stats, keys)}"
            )
            on = " AND ".join(f"s.{c} IS NOT DISTINCT FROM q.{c}" for c in (*keys, "township"))
            con.execute(  # a quota that shrank: drop the ranks above it
                f"""DELETE FROM {table} s USING {QUOTAS} q
                    WHERE s.all_years = {all_years} AND s.all_categories = {all_cats}
                      AND {on} AND s._rank > q._quota"""
            )
            have = _stored_ranks(measure, all_years, all_cats)
            wanting = con.execute(
                f"SELECT DISTINCT township FROM ({sample_wants(_QUOTAS_READ, keys, have)}) "
                "WHERE least(_quota, _n) > _have"
            ).fetchall()
            if not wanting:
                continue
            towns = sorted(t for (t,) in wanting)  # labels: 未注明 is also no township
            sql = _sample_set_select(measure, all_years, all_cats, quotas=_QUOTAS_READ)
            sql = sql.format(row_scope=_TOWN_SCOPE, box_scope=_TOUCHED_SCOPE)
            sort = _SAMPLE_ORDER.get(measure, "")
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT * FROM ({sql}){sort}",
                {"towns": towns, "null_town": UNKNOWN_TOWNSHIP in towns},
            )


def _update_outliers(con: duckdb.DuckDBPyConnection) -> None:
    for (all_years, all_cats), select in zip(SAMPLE_SETS, _outlier_selects(), strict=True):
        hashed = ["{family}", *["CAST(fiscal_year AS INTEGER)"] * (not all_years)]
        hashed += ["CAST(project_category AS VARCHAR)"] * (not all_cats)
        group = "hash(" + ", ".join(hashed) + ")"
        touched = f"""{group} IN (SELECT {group.format(family="family")} FROM {TOUCHED_GROUPS}
            WHERE measure = 'target' AND NOT all_units AND all_years = {all_years}
              AND all_categories = {all_cats})"""
        con.execute(
            f"DELETE FROM {OUTLIER_TABLE} WHERE all_years = {all_years} "
            f"AND all_categories = {all_cats} AND {touched.format(family='family')}"
        )
        rows = touched.format(family=FAMILY_SQL)
        if not all_years:  # the marts lie in year order: zone maps skip the other years
            rows += f" AND {_years_in(con)}"
        _insert_outliers(con, select.format(row_scope=rows))


def _years_in(con: duckdb.DuckDBPyConnection) -> str:
    """The touched target groups' fiscal years as a literal filter on the marts."""
    years = con.execute(
        f"SELECT DISTINCT fiscal_year FROM {TOUCHED_GROUPS} WHERE measure = 'target'"
    ).fetchall()
    named = ", ".join(str(int(y)) for (y,) in years if y is not None) or "NULL"
    return (
        f"(fiscal_year IN ({named})"
        + " OR fiscal_year IS NULL" * any(y is None for (y,) in years)
        + ")"
    )


def _town_batches(
    con: duckdb.DuckDBPyConnection,
    scope: str,
    params: dict,
    bytes_per_row: int = BOX_BYTES_PER_ROW,
) -> list[tuple[str, dict]]:
    """Township ranges of about BOX_BATCH_ROWS indicator rows each, covering every
    township (open first and last range; NULL and a township named UNKNOWN_TOWNSHIP
    together apart, as the samples label both alike). The box statistics keep each group's
    values in memory and DuckDB cannot spill them: batches bound that memory, and the
    marts' (year, township) order lets each batch skip most row groups."""
    rows = con.execute(
        f"SELECT township, count(*) FROM mart_indicator_target WHERE {scope} "
        "AND township IS NOT NULL GROUP BY township ORDER BY township",
        params,
    ).fetchall()
    cuts: list[str] = []
    total = 0
    per_batch = BOX_BATCH_ROWS or _rows_per_batch(con, bytes_per_row)
    for town, count in rows:
        total += count
        if total >= per_batch:
            cuts.append(town)
            total = 0
    batches: list[tuple[str, dict]] = []
    lower: str | None = None
    for cut in [*cuts, None]:
        conds = ["township > $lo"] * (lower is not None) + ["township <= $hi"] * (cut is not None)
        bounds = {"lo": lower} if lower is not None else {}
        bounds |= {"hi": cut} if cut is not None else {}
        conds.append(f"township <> '{UNKNOWN_TOWNSHIP}'")
        batches.append(("(" + " AND ".join(conds) + ")", bounds))
        lower = cut
    return [*batches, (f"(township IS NULL OR township = '{UNKNOWN_TOWNSHIP}')", {})]


def _rows_per_batch(con: duckdb.DuckDBPyConnection, bytes_per_row: int = BOX_BYTES_PER_ROW) -> int:
    text = str(scalar(con, "SELECT current_setting('memory_limit')"))
    found = _SIZE.search(text)
    if not found:  # no limit ("-1") or an unknown form: one batch
        return 1 << 62
    scale = 1024 ** "KMGT".find(found[2].upper()) * 1024 if found[2] else 1
    return max(10_000, int(float(found[1]) * scale) // bytes_per_row)


def refresh(
    con: duckdb.DuckDBPyConnection,
    documents: Iterable[int] | None = None,
    units: Iterable[int] = (),
) -> None:
    """Rebuild the marts: everything (``documents=None``) or the rows of these documents and
    of every document of these units; then the rollups.

    A full rebuild inserts one fiscal year at a time: the joins and the sort then hold one
    year's rows, not the whole warehouse (the former single INSERT was the load's memory
    peak). It commits the marts before computing the rollups from them: reading 2.5M
    uncommitted rows of the same transaction cost the rollups 2x the CPU and held them in
    the memory limit. Meanwhile the marts are marked stale, so an interruption between the
    two leads to a full rebuild on the next load. An incremental refresh is one
    transaction."""
    full = documents is None
    docs = [] if documents is None else sorted(set(documents))
    unit_keys = sorted(set(units))
    if full:
        with _transaction(con):
            schema.set_meta(con, _STATE_KEY, "")
            for table in MART_TABLES:
                con.execute(f"DELETE FROM {table}")
            for year in _years(con):
                _insert(con, _YEAR_SCOPE, {"year": year}, order=True)
        with _transaction(con):
            refresh_rollups(con)
        with _transaction(con):  # its own transaction: the rollups' undo data is gone
            review_mart.refresh(con)
            schema.set_meta(con, _STATE_KEY, marts_digest())
    elif docs or unit_keys:
        with _transaction(con):
            params = {"docs": docs, "units": unit_keys}
            towns = _townships(con, _SCOPE, params)  # before: rows may move or vanish
            for table in MART_TABLES:
                con.execute(f"DELETE FROM {table} WHERE {_SCOPE}", params)
            _insert(con, _SCOPE, params, order=False)
            refresh_rollups(con, towns | _townships(con, _SCOPE, params))
            review_mart.refresh(con, docs, unit_keys)


@contextlib.contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        # A failed write (disk full, file size limit) may already have ended the
        # transaction: keep the real error, not "cannot rollback".
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
