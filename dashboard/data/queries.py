"""Every SQL the dashboard pages run, against the analyst views only.

Each function takes a *runner* (``run(sql, params) -> DataFrame``; the app passes
``dashboard.data.db.run_query``, tests pass a plain DuckDB connection wrapper) and the sidebar
``Filters``. Money stays in yuan here; pages convert to 万元 for display. NULL townships,
years and categories are labelled so that groups never silently disappear.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import duckdb
import pandas as pd

from dashboard.data.filter_model import UNKNOWN_CATEGORY, UNKNOWN_TOWNSHIP, UNKNOWN_YEAR, Filters
from dashboard.view.formatting import KIND_LABELS, QUANTITATIVE_KINDS
from etl.vocabulary import sql_list, target_kinds
from warehouse.schema.marts import TARGET_LABEL_SQL

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


TOWNSHIP = f"COALESCE(township, '{UNKNOWN_TOWNSHIP}')"
CATEGORY = f"COALESCE(project_category, '{UNKNOWN_CATEGORY}')"
FAMILY = "COALESCE(indicator_family, '其他')"
UNIT_SCOPE_PROJECT = "（部门/单位整体）"
NO_UNIT = "（无单位）"
PERCENT_FAMILIES = ("满意度", "完成率/合格率")
_QUANT = sql_list(QUANTITATIVE_KINDS)  # one definition: data/vocabulary/kinds.toml
# Targets compared across projects, townships and years (目标值对比): annual targets whose value
# is a level on the indicator's own scale (not a tolerance, date or long-term goal). A
# per-place target is one point of its own, its place shown with the name (docs/dashboard.md).
COMPARABLE = (
    f"coalesce(horizon, 'annual') = 'annual' AND target_value IS NOT NULL "
    f"AND target_kind IN ({sql_list(target_kinds().numeric)})"
)
_NAME_WITH_PLACE = "indicator_name || coalesce('（' || place || '）', '')"


def _sort_years(values: list[str]) -> list[str]:
    known = sorted((v for v in values if v != UNKNOWN_YEAR), key=int, reverse=True)
    return known + ([UNKNOWN_YEAR] if UNKNOWN_YEAR in values else [])


def _sort_last(values: list[str], last: str) -> list[str]:
    return sorted(v for v in values if v != last) + ([last] if last in values else [])


# ---------------------------------------------------------------- shared / sidebar


def filter_options(run: Runner) -> dict[str, list[str]]:
    """All years, townships and categories in the warehouse (independent of the filter)."""
    frame = run(
        f"""
        SELECT 'year' AS kind, COALESCE(CAST(fiscal_year AS VARCHAR), '{UNKNOWN_YEAR}') AS value
          FROM v_project_budget
        UNION SELECT 'year', COALESCE(CAST(fiscal_year AS VARCHAR), '{UNKNOWN_YEAR}')
          FROM v_indicator_target
        UNION SELECT 'township', {TOWNSHIP} FROM v_project_budget
        UNION SELECT 'township', {TOWNSHIP} FROM v_indicator_target
        UNION SELECT 'category', {CATEGORY} FROM v_project_budget
        """,
        None,
    )
    by_kind = {
        k: [str(v) for v in frame.loc[frame["kind"] == k, "value"]]
        for k in ("year", "township", "category")
    }
    return {
        "years": _sort_years(by_kind["year"]),
        "townships": _sort_last(by_kind["township"], UNKNOWN_TOWNSHIP),
        "categories": _sort_last(by_kind["category"], UNKNOWN_CATEGORY),
    }


# ---------------------------------------------------------------- 总览


def overview_kpis(run: Runner, f: Filters) -> dict[str, float | int | None]:
    """Tiles: townships, projects, total budget (yuan), indicators, quantitative share (%)."""
    where, params = f.where()
    frame = run(
        f"""
        WITH p AS (SELECT * FROM v_project_budget WHERE {where}),
             i AS (SELECT * FROM v_indicator_target WHERE {where})
        SELECT
          (SELECT count(DISTINCT t) FROM (SELECT {TOWNSHIP} AS t FROM p
                                          UNION ALL SELECT {TOWNSHIP} FROM i)) AS townships,
          (SELECT count(*) FROM p) AS projects,
          (SELECT sum(budget_total_yuan) FROM p) AS budget_yuan,
          (SELECT count(*) FILTER (WHERE budget_total_yuan IS NULL) FROM p) AS projects_without_budget,
          (SELECT count(*) FROM i) AS indicators,
          (SELECT count(*) FILTER (WHERE target_kind IN ({_QUANT})) FROM i) AS quantitative
        """,
        params + params,
    )
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


def budget_by_township(run: Runner, f: Filters) -> pd.DataFrame:
    """township, projects, projects_with_budget, budget_yuan (NULL when none printed)."""
    where, params = f.where()
    return run(
        f"""
        SELECT {TOWNSHIP} AS township, count(*) AS projects,
               count(budget_total_yuan) AS projects_with_budget,
               sum(budget_total_yuan) AS budget_yuan
        FROM v_project_budget WHERE {where}
        GROUP BY ALL ORDER BY budget_yuan DESC NULLS LAST, township
        """,
        params,
    )


def indicators_by_level1(run: Runner, f: Filters) -> pd.DataFrame:
    """level1, township, indicators."""
    where, params = f.where()
    return run(
        f"""
        SELECT COALESCE(level1, '未注明') AS level1, {TOWNSHIP} AS township,
               count(*) AS indicators
        FROM v_indicator_target WHERE {where}
        GROUP BY ALL ORDER BY level1, township
        """,
        params,
    )


def load_warnings(run: Runner, f: Filters) -> pd.DataFrame:
    """Warnings raised while loading (year/township filter only: warnings carry no category)."""
    where, params = f.where(category=False)
    return run(
        f"""
        SELECT fiscal_year, {TOWNSHIP} AS township, unit_name, source_file, code, message,
               line, project_name
        FROM v_load_warning WHERE {where}
        ORDER BY township, source_file, line NULLS FIRST
        """,
        params,
    )


# ---------------------------------------------------------------- point clouds

MAX_POINTS = 5000  # points a strip chart draws; more is unreadable and slow to ship


def _sampled(base: str, value: str, key: str, order: str) -> str:
    """Bounded, deterministic, township-stratified sample of ``base`` (needs a township
    column): each township keeps a share of ``MAX_POINTS`` proportional to its rows (at
    least one), its box-plot outliers first, then rows in ``key`` order (md5-based keys, so
    effectively random but stable). Returns every row when there are at most MAX_POINTS."""
    return f"""
        WITH base AS NOT MATERIALIZED ({base}),
        s AS (
          SELECT township, count(*) AS _n, quantile_cont({value}, 0.25) AS _q1,
                 quantile_cont({value}, 0.75) AS _q3
          FROM base GROUP BY township
        ), total AS (SELECT count(*) AS _all FROM base),
        picked AS (
          SELECT {key} FROM (
            SELECT base.{key}, s._n, row_number() OVER (
                     PARTITION BY base.township
                     ORDER BY ({value} < _q1 - 1.5 * (_q3 - _q1)
                               OR {value} > _q3 + 1.5 * (_q3 - _q1)) DESC, base.{key}) AS _rn
            FROM base JOIN s USING (township)
          ), total
          WHERE _all <= {MAX_POINTS} OR _rn <= ceil({MAX_POINTS} * _n / _all)
        )
        SELECT * EXCLUDE ({key}) FROM base WHERE {key} IN (SELECT {key} FROM picked)
        ORDER BY {order}
    """


def _box(base: str, value: str) -> str:
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


# ---------------------------------------------------------------- 预算对比


def budget_by_category(run: Runner, f: Filters) -> pd.DataFrame:
    """township, category, projects, budget_yuan, share_pct (of the township's budget)."""
    where, params = f.where()
    return run(
        f"""
        SELECT *, 100.0 * budget_yuan / sum(budget_yuan) OVER (PARTITION BY township) AS share_pct
        FROM (
          SELECT {TOWNSHIP} AS township, {CATEGORY} AS category, count(*) AS projects,
                 sum(budget_total_yuan) AS budget_yuan
          FROM v_project_budget WHERE {where} AND budget_total_yuan IS NOT NULL
          GROUP BY ALL
        )
        ORDER BY township, budget_yuan DESC, category
        """,
        params,
    )


def top_projects(run: Runner, f: Filters, limit: int = 10) -> pd.DataFrame:
    """The largest projects by total budget; ``label`` adds the township to duplicate names."""
    where, params = f.where()
    return run(
        f"""
        SELECT * FROM (
          SELECT CAST(project_key AS VARCHAR) AS project_key, project_name,
                 CASE WHEN count(*) OVER (PARTITION BY project_name) > 1
                      THEN project_name || '（' || {TOWNSHIP} || '）' ELSE project_name END AS label,
                 {TOWNSHIP} AS township, fiscal_year, {CATEGORY} AS category,
                 budget_total_yuan, fiscal_funds_yuan, other_funds_yuan, source_file
          FROM v_project_budget WHERE {where} AND budget_total_yuan IS NOT NULL
        )
        ORDER BY budget_total_yuan DESC, project_name LIMIT ?
        """,
        params + [int(limit)],
    )


def _project_budget_base(f: Filters) -> tuple[str, list]:
    where, params = f.where()
    return (
        f"""
        SELECT {TOWNSHIP} AS township, project_name, {CATEGORY} AS category, fiscal_year,
               budget_total_yuan, project_key AS _key
        FROM v_project_budget WHERE {where} AND budget_total_yuan IS NOT NULL
        """,
        params,
    )


def project_budgets(run: Runner, f: Filters) -> pd.DataFrame:
    """Projects with a budget for the per-township distribution: all of them up to
    MAX_POINTS, else a stratified sample (``project_budget_box`` has the exact statistics)."""
    base, params = _project_budget_base(f)
    return run(
        _sampled(base, "budget_total_yuan", "_key", "township, budget_total_yuan DESC"), params
    )


def project_budget_box(run: Runner, f: Filters) -> pd.DataFrame:
    """Exact box-plot statistics of project budgets (yuan) per township."""
    base, params = _project_budget_base(f)
    return run(_box(base, "budget_total_yuan"), params)


def spending_plan(run: Runner, f: Filters) -> pd.DataFrame:
    """township, checkpoint (3月/6月/10月/12月), month, avg_pct (project mean), projects."""
    where, params = f.where()
    return run(
        f"""
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
        SELECT township, checkpoint, month, avg(pct) AS avg_pct, count(pct) AS projects
        FROM long WHERE pct IS NOT NULL
        GROUP BY ALL ORDER BY township, month
        """,
        params,
    )


# ---------------------------------------------------------------- 指标结构


def level_mix(run: Runner, f: Filters, level: str = "level1") -> pd.DataFrame:
    """township, level, indicators, share_pct within the township (level1 or level2)."""
    if level not in ("level1", "level2"):
        raise ValueError(f"unknown level column: {level}")
    where, params = f.where()
    return run(
        f"""
        SELECT *, 100.0 * indicators / sum(indicators) OVER (PARTITION BY township) AS share_pct
        FROM (
          SELECT {TOWNSHIP} AS township, COALESCE({level}, '未注明') AS level,
                 count(*) AS indicators
          FROM v_indicator_target WHERE {where} GROUP BY ALL
        )
        ORDER BY township, level
        """,
        params,
    )


def level2_coverage(run: Runner, f: Filters) -> pd.DataFrame:
    """Share of each township's projects that have at least one indicator of each level 2."""
    where, params = f.where(alias="p")
    if _has_marts(run):  # per-project level-2 sets precomputed at load time
        hits = """
          SELECT township, level2, count(*) AS projects_with
          FROM (SELECT township, unnest(level2_set) AS level2 FROM p)
          GROUP BY ALL"""
        source = "mart_project_budget"
        extra = ", p.level2_set"
    else:
        hits = """
          SELECT p.township, i.level2, count(DISTINCT p.project_key) AS projects_with
          FROM p JOIN v_indicator_target i ON i.project_key = p.project_key
          WHERE i.scope = 'project' AND i.level2 IS NOT NULL
          GROUP BY ALL"""
        source = "v_project_budget"
        extra = ""
    return run(
        f"""
        WITH p AS (
          SELECT p.project_key, COALESCE(p.township, '{UNKNOWN_TOWNSHIP}') AS township{extra}
          FROM {source} p WHERE {where}
        ), totals AS (
          SELECT township, count(*) AS projects FROM p GROUP BY ALL
        ), hits AS ({hits}
        ), levels AS (SELECT DISTINCT level2 FROM hits)
        SELECT t.township, l.level2, COALESCE(h.projects_with, 0) AS projects_with,
               t.projects, 100.0 * COALESCE(h.projects_with, 0) / t.projects AS share_pct
        FROM totals t CROSS JOIN levels l
        LEFT JOIN hits h ON h.township = t.township AND h.level2 = l.level2
        ORDER BY t.township, l.level2
        """,
        params,
    )


def _indicators_per_project_base(f: Filters) -> tuple[str, list]:
    where, params = f.where()
    return (
        f"""
        SELECT CAST(project_key AS VARCHAR) AS project_key, {TOWNSHIP} AS township,
               fiscal_year, project_name, {CATEGORY} AS category,
               COALESCE(indicator_count, 0) AS indicator_count, project_key AS _key
        FROM v_project_budget WHERE {where}
        """,
        params,
    )


def indicators_per_project(run: Runner, f: Filters) -> pd.DataFrame:
    """Projects with their indicator count: all up to MAX_POINTS, else a stratified sample
    (``indicators_per_project_box`` has exact statistics and the count of zeros)."""
    base, params = _indicators_per_project_base(f)
    return run(
        _sampled(base, "indicator_count", "_key", "township, indicator_count DESC, project_name"),
        params,
    )


def indicators_per_project_box(run: Runner, f: Filters) -> pd.DataFrame:
    """Exact box-plot statistics of indicators per project, per township."""
    base, params = _indicators_per_project_base(f)
    return run(_box(base, "indicator_count"), params)


# ---------------------------------------------------------------- 目标值对比


def indicator_families(run: Runner, f: Filters) -> pd.DataFrame:
    """family, indicators, numeric (with a number target); most numeric first."""
    where, params = f.where()
    return run(
        f"""
        SELECT {FAMILY} AS family, count(*) AS indicators,
               count(*) FILTER (WHERE {COMPARABLE}) AS numeric
        FROM v_indicator_target WHERE {where}
        GROUP BY ALL ORDER BY numeric DESC, indicators DESC, family
        """,
        params,
    )


def family_units(run: Runner, f: Filters, family: str) -> pd.DataFrame:
    """The units numeric targets of one family use, most common first."""
    where, params = f.where()
    return run(
        f"""
        SELECT COALESCE(target_unit, '{NO_UNIT}') AS unit, count(*) AS targets
        FROM v_indicator_target
        WHERE {where} AND {FAMILY} = ? AND {COMPARABLE}
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
        SELECT {TOWNSHIP} AS township, fiscal_year,
               COALESCE(project_name, '{UNIT_SCOPE_PROJECT}') AS project_name, unit_name,
               scope, {_NAME_WITH_PLACE} AS indicator_name, target_raw, target_op, target_value,
               target_value_max, COALESCE(target_unit, '{NO_UNIT}') AS target_unit, target_kind,
               source_file, source_line,
               hash(source_file, source_line, indicator_name, place, target_raw) AS _key
        FROM v_indicator_target
        WHERE {where} AND {FAMILY} = ? AND {COMPARABLE} {unit_sql}
        """,
        params + [family] + unit_params,
    )


def family_targets(run: Runner, f: Filters, family: str, unit: str | None = None) -> pd.DataFrame:
    """Numeric targets of a family (optionally one unit), one row per indicator: all up to
    MAX_POINTS, else a stratified sample keeping outliers (``family_target_box`` is exact)."""
    base, params = _family_target_base(f, family, unit)
    return run(_sampled(base, "target_value", "_key", "township, target_value"), params)


def family_target_box(
    run: Runner, f: Filters, family: str, unit: str | None = None
) -> pd.DataFrame:
    """Exact box-plot statistics of a family's numeric targets per township."""
    base, params = _family_target_base(f, family, unit)
    return run(_box(base, "target_value"), params)


def kind_mix(run: Runner, f: Filters) -> pd.DataFrame:
    """township, kind (Chinese label), indicators, share_pct."""
    where, params = f.where()
    frame = run(
        f"""
        SELECT *, 100.0 * indicators / sum(indicators) OVER (PARTITION BY township) AS share_pct
        FROM (
          SELECT {TOWNSHIP} AS township, COALESCE(target_kind, 'qualitative') AS target_kind,
                 count(*) AS indicators
          FROM v_indicator_target WHERE {where} GROUP BY ALL
        )
        ORDER BY township, target_kind
        """,
        params,
    )
    frame["kind"] = [KIND_LABELS.get(k, k) for k in frame["target_kind"]]
    return frame


_TARGET_LABEL = TARGET_LABEL_SQL  # one definition, shared with the mart column


def common_targets(
    run: Runner, f: Filters, family: str | None = None, limit: int = 15
) -> pd.DataFrame:
    """Most frequent normalized target values (label, kind, indicators, townships)."""
    where, params = f.where()
    family_sql, family_params = ("", [])
    if family is not None:
        family_sql, family_params = f"AND {FAMILY} = ?", [family]
    # The label is precomputed per row in the mart (same SQL); older warehouses compute it.
    label, source = (
        ("target_label", "mart_indicator_target")
        if _has_marts(run)
        else (_TARGET_LABEL, "v_indicator_target")
    )
    frame = run(
        f"""
        SELECT target, target_kind, count(*) AS indicators,
               count(DISTINCT township) AS townships
        FROM (
          SELECT {label} AS target, COALESCE(target_kind, 'qualitative') AS target_kind,
                 {TOWNSHIP} AS township
          FROM {source} WHERE {where} {family_sql} AND coalesce(horizon, 'annual') = 'annual'
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
                 {_NAME_WITH_PLACE} AS indicator_name, target_raw, target_value,
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


# ---------------------------------------------------------------- 项目明细


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _has_marts(run: Runner) -> bool:
    """Whether the warehouse has the mart tables with their precomputed columns
    (warehouse/schema/marts.py: search text, level-2 sets, target labels). Warehouse versions built
    before them, and test fixtures, use the slower queries over the views."""
    frame = run(
        "SELECT count(*) AS n FROM duckdb_columns() WHERE "
        "(table_name = 'mart_project_budget' AND column_name = 'search_text') OR "
        "(table_name = 'mart_indicator_target' AND column_name = 'target_label')",
        None,
    )
    return int(frame["n"].iloc[0]) == 2


def search_words(text: str) -> list[str]:
    """The words of a search (spaces, full-width spaces and commas separate them)."""
    return [w for w in re.split(r"[\s,，、;；]+", (text or "").strip()) if w][:MAX_WORDS]


SEARCH_FIELDS = (
    ("project_name", "项目名称"),
    ("project_code", "项目编码"),
    ("goals", "绩效目标"),
    ("purpose", "资金用途"),
    ("unit_name", "单位名称"),
)
MAX_WORDS = 8


def search_projects(run: Runner, f: Filters, text: str = "", limit: int = 500) -> pd.DataFrame:
    """Projects containing every word of ``text`` (AND) in their name, code, unit, purpose,
    goals or indicators; ``matched_in`` names the fields, ``snippet`` marks the words."""
    words = search_words(text)
    frame = (
        _search_mart(run, f, words, limit)
        if _has_marts(run)
        else _search_views(run, f, words, limit)
    )
    matched, snippets = [], []
    for row in frame.itertuples(index=False):
        places, snippet = [], ""
        for column, label in SEARCH_FIELDS:
            value = getattr(row, column)
            if isinstance(value, str) and any(w.lower() in value.lower() for w in words):
                places.append(label)
                if not snippet:
                    snippet = mark_words(value, words)
        if (
            words
            and len(places) < len(SEARCH_FIELDS)
            and not all(
                any(w.lower() in str(getattr(row, c) or "").lower() for c, _ in SEARCH_FIELDS)
                for w in words
            )
        ):
            places.append("绩效指标")
        matched.append("、".join(places) if words else None)
        snippets.append(snippet or None)
    out = frame.drop(columns=["goals", "purpose"])
    out["matched_in"] = matched
    out["snippet"] = snippets
    return out


def mark_words(text: str, words: list[str], width: int = 60) -> str:
    """The part of ``text`` around the first match, each word wrapped in 【】 (plain text:
    tables show it literally, so no markup from the document can take effect)."""
    flat = " ".join(str(text).split())
    lower = flat.lower()
    hits = [lower.find(w.lower()) for w in words if w.lower() in lower]
    start = max(0, min(hits) - width // 3) if hits else 0
    piece = flat[start : start + width]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
    marked = pattern.sub(lambda m: f"【{m.group(0)}】", piece)
    return ("…" if start else "") + marked + ("…" if start + width < len(flat) else "")


_SEARCH_COLUMNS = f"""CAST(p.project_key AS VARCHAR) AS project_key,
    COALESCE(p.township, '{UNKNOWN_TOWNSHIP}') AS township, p.fiscal_year, p.project_name, p.project_code,
    COALESCE(p.project_category, '{UNKNOWN_CATEGORY}') AS category, p.budget_total_yuan, p.unit_name,
    p.source_file, p.source_line, p.goals, p.purpose"""


def _search_views(run: Runner, f: Filters, words: list[str], limit: int) -> pd.DataFrame:
    """Over the views (fixtures, warehouses without marts): every word somewhere."""
    where, params = f.where(alias="p")
    conditions, word_params = [], []
    for word in words:
        pattern = _like(word)
        fields = " OR ".join(f"p.{c} ILIKE ? ESCAPE '\\'" for c, _ in SEARCH_FIELDS)
        conditions.append(
            f"""({fields} OR EXISTS (SELECT 1 FROM v_indicator_target i
                WHERE CAST(i.project_key AS VARCHAR) = CAST(p.project_key AS VARCHAR)
                  AND (i.indicator_name ILIKE ? ESCAPE '\\' OR i.description ILIKE ? ESCAPE '\\'
                       OR i.target_raw ILIKE ? ESCAPE '\\')))"""
        )
        word_params += [pattern] * (len(SEARCH_FIELDS) + 3)
    match = " AND ".join(conditions) or "TRUE"
    return run(
        f"""SELECT {_SEARCH_COLUMNS} FROM v_project_budget p WHERE {where} AND {match}
            ORDER BY township, source_file, source_line LIMIT ?""",
        params + word_params + [int(limit)],
    )


def _search_mart(run: Runner, f: Filters, words: list[str], limit: int) -> pd.DataFrame:
    """One scan of the precomputed lower-cased search text, one ``contains`` per word."""
    where, params = f.where(alias="p")
    match = " AND ".join("contains(p.search_text, ?)" for _ in words) or "TRUE"
    return run(
        f"""SELECT {_SEARCH_COLUMNS} FROM mart_project_budget p WHERE {where} AND {match}
            ORDER BY township, source_file, source_line LIMIT ?""",
        params + [w.lower() for w in words] + [int(limit)],
    )


def project_card(run: Runner, project_key: str) -> pd.DataFrame:
    """One project's row from v_project_budget (empty when the key is unknown)."""
    return run(
        "SELECT * FROM v_project_budget WHERE CAST(project_key AS VARCHAR) = ? LIMIT 1",
        [str(project_key)],
    )


def project_indicators(run: Runner, project_key: str) -> pd.DataFrame:
    """The full indicator table of one project in document order."""
    return run(
        """
        SELECT level1, level2, indicator_name, description, target_raw, target_kind,
               target_op, target_value, target_unit, deadline, basis, weight, direction,
               indicator_family, source_line, horizon, place
        FROM v_indicator_target WHERE CAST(project_key AS VARCHAR) = ?
        ORDER BY source_line, ordinal
        """,
        [str(project_key)],
    )


# ---------------------------------------------------------------- quality marks, review, years


def has_view(run: Runner, name: str, column: str = "project_key") -> bool:
    """Whether a view or table with ``column`` exists (fixtures and older warehouses lack
    the newer ones)."""
    frame = run(
        "SELECT count(*) AS n FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
        [name, column],
    )
    return int(frame["n"].iloc[0]) > 0


def project_flags(run: Runner) -> pd.DataFrame:
    """project_key (text), flag_text: load warnings and money findings per project."""
    if not has_view(run, "v_project_flag"):
        return pd.DataFrame(
            {"project_key": pd.Series(dtype=str), "flag_text": pd.Series(dtype=str)}
        )
    return run(
        "SELECT CAST(project_key AS VARCHAR) AS project_key, flag_text FROM v_project_flag", None
    )


def township_flags(run: Runner, f: Filters) -> pd.DataFrame:
    """township, flagged (projects carrying a ⚠), flag_text (first few warnings)."""
    if not has_view(run, "v_project_flag"):
        return pd.DataFrame(columns=["township", "flagged", "flag_text"])
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
    if not has_view(run, "v_goal_review"):
        return pd.DataFrame(columns=["grade", "projects"])
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
    if not has_view(run, "v_project_flag"):
        return 0
    where, params = f.where(alias="p")
    frame = run(
        f"""SELECT count(*) AS n FROM v_project_budget p
            WHERE {where} AND p.project_key IN (SELECT project_key FROM v_project_flag)""",
        params,
    )
    return int(frame["n"].iloc[0])


def project_review(run: Runner, project_key: str) -> pd.DataFrame:
    """grade, rule_id, severity, message, hint of one project (one row, rule_id NULL, when
    the review found nothing; empty when the warehouse has no review)."""
    if not has_view(run, "v_goal_review"):
        return pd.DataFrame(columns=["grade", "rule_id", "severity", "message", "hint"])
    return run(
        """SELECT grade, rule_id, severity, message, hint, source_line FROM v_goal_review
           WHERE CAST(project_key AS VARCHAR) = ? ORDER BY rule_id NULLS FIRST, source_line""",
        [str(project_key)],
    )


def project_source_text(run: Runner, project_key: str) -> pd.DataFrame:
    """first_line, last_line, text stored at load time (empty when none was stored)."""
    if not has_view(run, "project_source_text"):
        return pd.DataFrame(columns=["first_line", "last_line", "text"])
    return run(
        "SELECT first_line, last_line, text FROM project_source_text "
        "WHERE CAST(project_key AS VARCHAR) = ? LIMIT 1",
        [str(project_key)],
    )


def budget_by_township_year(run: Runner, f: Filters) -> pd.DataFrame:
    """township, fiscal_year (NULL kept), budget_yuan: for charts that span years."""
    where, params = f.where()
    return run(
        f"""
        SELECT {TOWNSHIP} AS township, fiscal_year, sum(budget_total_yuan) AS budget_yuan,
               count(*) AS projects
        FROM v_project_budget WHERE {where} AND budget_total_yuan IS NOT NULL
        GROUP BY ALL ORDER BY township, fiscal_year
        """,
        params,
    )
