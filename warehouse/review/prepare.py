"""The review's working tables, built set-based from the facts of the documents under review:
rv_project (one row per project), rv_row (one row per indicator row with its normalised
text and the flags most rules ask for) and an empty rv_find for the findings."""

from __future__ import annotations

from warehouse.review.sqltext import any_word, key, lst, rule_cfg

LEVEL2_PARENT = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "经济成本指标": "成本指标",
    "社会成本指标": "成本指标",
    "生态环境成本指标": "成本指标",
}
COST_LEVEL2 = ("成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标")
QUANTITATIVE_KINDS = ("number", "percent", "money", "deadline")


def _parent_case() -> str:
    whens = " ".join(f"WHEN '{child}' THEN '{parent}'" for child, parent in LEVEL2_PARENT.items())
    return f"CASE i.level2 {whens} ELSE '' END"


def prepare_sql(config: dict) -> str:
    r11 = rule_cfg(config, "R11")
    placeholders = lst(
        r11.get("placeholders", ["", "无", "不涉及", "/", "—"]), norm=lambda v: key(v).lower()
    )
    any_zero = any_word("k", [key(w) for w in r11.get("none_means_zero_words", [])])
    money_units = lst(rule_cfg(config, "R03").get("money_units", ["元", "万元"]), norm=key)
    return f"""
CREATE OR REPLACE TEMP TABLE rv_project AS
SELECT f.project_key, f.project_key AS holder, f.document_id, f.seq, 'project' AS scope,
       p.project_name AS name, p.project_code AS code, f.source_line AS line,
       f.budget_total_yuan AS total, f.fiscal_funds_yuan AS fiscal,
       f.other_funds_yuan AS other, f.plan_q1_pct AS q1, f.plan_q2_pct AS q2,
       f.plan_q3_pct AS q3, f.plan_q4_pct AS q4, f.purpose,
       coalesce(f.goals, []::VARCHAR[]) AS goals, d.fiscal_year
FROM fact_project_budget AS f
JOIN dim_project AS p ON p.project_key = f.project_key
JOIN rv_doc AS d ON d.document_id = f.document_id;

CREATE OR REPLACE TEMP TABLE rv_row AS
WITH base AS (
    SELECT t.document_id, t.scope, t.project_key,
           coalesce(t.project_key, -t.document_id) AS holder,
           t.ordinal - 1 AS idx, t.source_line AS line, d.fiscal_year,
           coalesce(i.level2, '') AS level2,
           coalesce(nullif(i.level1, ''), {_parent_case()}) AS level1,
           coalesce(i.indicator_name, '') AS name, t.description,
           coalesce(t.target_raw, '') AS raw, t.target_op AS op, t.target_value AS value,
           t.target_value_max AS value_max, t.target_unit AS unit,
           t.target_value_yuan AS yuan, coalesce(t.target_kind, 'qualitative') AS kind,
           t.deadline, t.basis, t.weight, t.direction
    FROM fact_indicator_target AS t
    JOIN dim_indicator AS i USING (indicator_key)
    JOIN rv_doc AS d USING (document_id)
),
texts AS (  -- names, targets, units and bases repeat: each distinct text is keyed once
    SELECT t, k, regexp_replace(k, '[^\\p{{L}}\\p{{N}}]+', '', 'g') AS b,
           rv_quote(t, 30) AS q, {any_zero} AS z
    FROM (SELECT t, rv_key(t) AS k
          FROM (SELECT DISTINCT unnest([name, raw, coalesce(unit, ''), coalesce(basis, '')]) AS t
                FROM base))
),
keyed AS (
    SELECT base.*, n.k AS nk, n.b AS nb, r.k AS rk, r.b AS rb, u.k AS uk, u.b AS ub,
           s.k AS bk, coalesce(value, value_max) AS v0, n.q AS qname, n.z AS name_zero
    FROM base
    JOIN texts AS n ON n.t = base.name
    JOIN texts AS r ON r.t = base.raw
    JOIN texts AS u ON u.t = coalesce(base.unit, '')
    JOIN texts AS s ON s.t = coalesce(base.basis, '')
),
flagged AS (
SELECT *,
       coalesce(list_contains({placeholders}, lower(rk))
           AND NOT (rk = '无' AND name_zero),
           false) AS ph,
       coalesce((rk IN ('无', '0', '零', '=0') OR (op = '=' AND value = 0))
           AND name_zero,
           false) AS zero_target,
       coalesce(level2 IN {tuple(COST_LEVEL2)} OR level1 = '成本指标', false) AS is_cost,
       coalesce(level1 = '满意度指标' OR level2 = '服务对象满意度指标', false) AS is_sat,
       coalesce(kind = 'money' OR yuan IS NOT NULL OR list_contains({money_units}, uk), false)
           AS is_money,
       -- a direction that agrees with the sign may be the parser's inference from that sign
       -- (the record's direction_source is not stored): only a contradicting one counts
       CASE WHEN (direction = 'positive' AND op IN ('>=', '>'))
                 OR (direction = 'negative' AND op IN ('<=', '<')) THEN NULL
            ELSE direction END AS stated_direction
FROM keyed
)  -- sub in the same statement: an UPDATE would leave every later scan merging its versions
SELECT * EXCLUDE (name_zero), nk <> '' AND NOT ph AS sub FROM flagged;

CREATE OR REPLACE TEMP TABLE rv_count AS
SELECT holder, count(*) AS n_all, count(*) FILTER (WHERE sub) AS n_sub,
       min(line) FILTER (WHERE scope = 'unit') AS first_line
FROM rv_row GROUP BY holder;

-- the 部门整体 table is checked like a project called 部门整体绩效指标 (not graded)
INSERT INTO rv_project
SELECT NULL, -d.document_id, d.document_id, 0, 'unit', '部门整体绩效指标', NULL,
       c.first_line, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, []::VARCHAR[],
       d.fiscal_year
FROM rv_doc AS d JOIN rv_count AS c ON c.holder = -d.document_id;

CREATE OR REPLACE TEMP TABLE rv_p AS
SELECT p.*, coalesce(c.n_all, 0) AS n_all, coalesce(c.n_sub, 0) AS n_sub
FROM rv_project AS p LEFT JOIN rv_count AS c USING (holder);

CREATE OR REPLACE TEMP TABLE rv_find (
    holder BIGINT, document_id BIGINT, idx INTEGER, rule_id VARCHAR, severity VARCHAR,
    message VARCHAR, variant VARCHAR, line INTEGER, indicator_name VARCHAR, hint VARCHAR,
    k INTEGER DEFAULT 0  -- tie-break inside one rule and line (goal order, level order)
);
"""
