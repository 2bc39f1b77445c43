-- Analyst views. The first columns are exactly those of docs/contract.md section 3,
-- in that order; extras follow (the dashboard relies on their names too).
-- v_project_budget and v_indicator_target read the mart tables (marts.sql), which each load
-- refreshes from the fact and dimension tables (warehouse/schema/marts.py holds the joins).

-- Contract columns first (the mart's SELECT keeps them in contract order), then every extra
-- column of the mart: a new fact column reaches the view with no edit here. Column comments
-- come from the field registry data/fields.toml (warehouse/schema/fields.py), for every view.
CREATE OR REPLACE VIEW v_project_budget AS
SELECT * EXCLUDE (level2_set, search_text) FROM mart_project_budget;

CREATE OR REPLACE VIEW v_indicator_target AS
SELECT * FROM mart_indicator_target;

CREATE OR REPLACE VIEW v_goal_review AS
SELECT
    f.fiscal_year,
    u.township,
    u.unit_name,
    p.project_code,
    p.project_name,
    g.grade,
    r.rule_id,
    r.severity,
    r.message,
    r.hint,
    d.path AS source_file,
    coalesce(r.source_line, f.source_line) AS source_line,
    g.project_key
FROM goal_review_project AS g
JOIN fact_project_budget AS f ON f.project_key = g.project_key
JOIN dim_project AS p ON p.project_key = g.project_key
JOIN dim_unit AS u ON u.unit_key = f.unit_key
JOIN source_document AS d ON d.document_id = g.document_id
LEFT JOIN goal_review_finding AS r ON r.project_key = g.project_key;

CREATE OR REPLACE VIEW v_load_warning AS
SELECT
    d.fiscal_year,
    u.township,
    u.unit_name,
    d.path AS source_file,
    w.code,
    w.message,
    w.line,
    w.project_name,
    w.origin,
    w.document_id,
    w.project_key
FROM load_warning AS w
JOIN source_document AS d ON d.document_id = w.document_id
LEFT JOIN dim_unit AS u ON u.unit_key = d.unit_key;

-- ===== Cross-year views (docs/project_identity.md) =====================================
-- Table macros so a load can compute the rows of a few project identities without running
-- the window functions over every year (a filter does not reach through a window); the
-- *_live views are the same macros over every identity (keys NULL).
CREATE OR REPLACE MACRO project_history_rows(keys) AS TABLE
WITH rows AS (
    SELECT coalesce(i.identity_key, p.project_key) AS identity_key, p.*,
           coalesce(i.link_method, 'single') AS link_method, coalesce(i.link_score, 1.0) AS link_score
    FROM mart_project_budget AS p
    LEFT JOIN project_identity AS i ON i.project_key = p.project_key
    WHERE p.fiscal_year IS NOT NULL
      AND (keys IS NULL OR coalesce(i.identity_key, p.project_key) IN (SELECT unnest(keys)))
), yearly AS (
    SELECT identity_key, fiscal_year,
           arg_min(province, seq) AS province, arg_min(city, seq) AS city,
           arg_min(county, seq) AS county, arg_min(township, seq) AS township,
           arg_min(unit_name, seq) AS unit_name, arg_min(project_code, seq) AS project_code,
           arg_min(project_name, seq) AS project_name,
           arg_min(project_category, seq) AS project_category,
           sum(budget_total_yuan) AS budget_total_yuan,
           min(project_key) AS project_key, count(*) AS rows_in_year,
           min(link_method) AS link_method, min(link_score) AS link_score
    FROM rows GROUP BY identity_key, fiscal_year
)
SELECT
    identity_key, fiscal_year, province, city, county, township, unit_name, project_code,
    project_name, project_category, budget_total_yuan,
    lag(fiscal_year) OVER w AS prev_fiscal_year,
    lag(budget_total_yuan) OVER w AS prev_budget_yuan,
    budget_total_yuan - lag(budget_total_yuan) OVER w AS change_yuan,
    CASE WHEN lag(budget_total_yuan) OVER w > 0
         THEN 100.0 * (budget_total_yuan - lag(budget_total_yuan) OVER w)
              / lag(budget_total_yuan) OVER w END AS change_pct,
    count(*) OVER (PARTITION BY identity_key) AS years_on_record,
    project_key, link_method, link_score
FROM yearly
WINDOW w AS (PARTITION BY identity_key ORDER BY fiscal_year);

CREATE OR REPLACE VIEW v_project_history_live AS SELECT * FROM project_history_rows(NULL);

CREATE OR REPLACE MACRO target_change_rows(keys) AS TABLE
WITH ind AS (  -- the indicator name is normalised once; its first row per place is kept
    SELECT identity_key, fiscal_year, indicator_name, level1, level2, target_raw, target_kind,
           target_unit, place, indicator_norm, value_cmp, deadline_day, lower_is_better,
           row_number() OVER (
               PARTITION BY identity_key, fiscal_year, indicator_norm
               ORDER BY source_line, ordinal) AS dup
    FROM (
        SELECT coalesce(pi.identity_key, t.project_key) AS identity_key, t.fiscal_year,
               t.indicator_name, t.level1, t.level2, t.target_raw, t.target_kind, t.target_unit,
               t.place, t.source_line, t.ordinal,
               -- one comparable row per indicator AND place: a per-place target is compared
               -- with the same place's target of the previous year, never with another place's
               lower(regexp_replace(t.indicator_name, '\s+', '', 'g'))
                   || coalesce(chr(31) || t.place, '') AS indicator_norm,
               CASE WHEN t.target_kind = 'money' THEN t.target_value_yuan
                    WHEN t.target_op = 'between' THEN (t.target_value + t.target_value_max) / 2
                    ELSE t.target_value END AS value_cmp,
               CASE WHEN t.target_kind = 'deadline'  -- month and day within the fiscal year
                    THEN (year(t.deadline) - t.fiscal_year) * 10000 + month(t.deadline) * 100
                         + day(t.deadline) END AS deadline_day,
               coalesce(t.direction = 'negative', t.target_op IN ('<=', '<'), false) AS lower_is_better
        FROM mart_indicator_target AS t
        LEFT JOIN project_identity AS pi ON pi.project_key = t.project_key
        WHERE t.scope = 'project' AND t.fiscal_year IS NOT NULL AND t.indicator_name IS NOT NULL
          AND t.horizon = 'annual'  -- comparisons use annual targets (docs/classification.md)
          AND (keys IS NULL OR (
              -- a superset first, by project (cheap on the largest table), then the exact test
              t.project_key IN (
                  SELECT project_key FROM project_identity
                  WHERE identity_key IN (SELECT unnest(keys))
                  UNION ALL SELECT unnest(keys))
              AND coalesce(pi.identity_key, t.project_key) IN (SELECT unnest(keys))))
    )
), cur AS (SELECT * EXCLUDE (dup) FROM ind WHERE dup = 1),
pairs AS (  -- project years that have an earlier year on record
    SELECT identity_key, fiscal_year, prev_fiscal_year, township, unit_name, project_name,
           project_category, budget_total_yuan, prev_budget_yuan, project_key
    FROM project_history_rows(keys) WHERE prev_fiscal_year IS NOT NULL
), this_year AS (  -- a year's indicators and the previous year's, keyed by the later year
    SELECT c.* FROM pairs AS p JOIN cur AS c USING (identity_key, fiscal_year)
), prev_year AS (  -- columns named: `* REPLACE` is DuckDB-only and the export DDL inlines this
    SELECT o.identity_key, p.fiscal_year, o.indicator_name, o.level1, o.level2, o.target_raw,
           o.target_kind, o.target_unit, o.place, o.indicator_norm, o.value_cmp, o.deadline_day,
           o.lower_is_better
    FROM pairs AS p JOIN cur AS o
      ON o.identity_key = p.identity_key AND o.fiscal_year = p.prev_fiscal_year
)
SELECT
    p.identity_key, p.fiscal_year, p.prev_fiscal_year, p.township, p.unit_name, p.project_name,
    coalesce(c.indicator_name, o.indicator_name) AS indicator_name,
    coalesce(c.level1, o.level1) AS level1, coalesce(c.level2, o.level2) AS level2,
    o.target_raw AS prev_target_raw, c.target_raw AS target_raw,
    o.value_cmp AS prev_value, c.value_cmp AS value,
    coalesce(c.target_unit, o.target_unit) AS target_unit,
    CASE
        WHEN o.indicator_norm IS NULL THEN 'new'
        WHEN c.indicator_norm IS NULL THEN 'dropped'
        WHEN c.deadline_day IS NOT NULL AND o.deadline_day IS NOT NULL THEN
            CASE WHEN c.deadline_day < o.deadline_day THEN 'raised'
                 WHEN c.deadline_day > o.deadline_day THEN 'lowered' ELSE 'unchanged' END
        WHEN c.value_cmp IS NOT NULL AND o.value_cmp IS NOT NULL
             AND c.target_kind IS NOT DISTINCT FROM o.target_kind
             AND (c.target_kind = 'money' OR c.target_unit IS NOT DISTINCT FROM o.target_unit)
             AND c.lower_is_better = o.lower_is_better THEN
            CASE WHEN c.value_cmp = o.value_cmp THEN 'unchanged'
                 WHEN (c.value_cmp > o.value_cmp) <> c.lower_is_better THEN 'raised'
                 ELSE 'lowered' END
        WHEN regexp_replace(c.target_raw, '\s+', '', 'g')
             = regexp_replace(o.target_raw, '\s+', '', 'g') THEN 'unchanged'
        ELSE 'changed'
    END AS change,
    p.prev_budget_yuan, p.budget_total_yuan,
    p.budget_total_yuan - p.prev_budget_yuan AS budget_change_yuan,
    p.project_key, p.project_category,
    coalesce(c.place, o.place) AS place
-- every indicator of either year once: both years, only this one (new) or only the last (dropped)
FROM this_year AS c
FULL JOIN prev_year AS o
  ON o.identity_key = c.identity_key AND o.fiscal_year = c.fiscal_year
 AND o.indicator_norm = c.indicator_norm
JOIN pairs AS p
  ON p.identity_key = coalesce(c.identity_key, o.identity_key)
 AND p.fiscal_year = coalesce(c.fiscal_year, o.fiscal_year);

CREATE OR REPLACE VIEW v_target_change_live AS SELECT * FROM target_change_rows(NULL);

-- The two views above are computed; the analyst views read their results, materialized at
-- every load by warehouse/load/derived.py (window functions over every year do not push filters
-- down, and the dashboard needs them fast at 40,000 documents).
CREATE TABLE IF NOT EXISTS mart_project_history AS SELECT * FROM v_project_history_live LIMIT 0;
CREATE TABLE IF NOT EXISTS mart_target_change AS SELECT * FROM v_target_change_live LIMIT 0;
CREATE OR REPLACE VIEW v_project_history AS SELECT * FROM mart_project_history;
CREATE OR REPLACE VIEW v_target_change AS SELECT * FROM mart_target_change;

CREATE OR REPLACE VIEW v_project_flag AS
SELECT project_key, string_agg(DISTINCT message, '；' ORDER BY message) AS flag_text,
       count(DISTINCT message) AS flags
FROM (
    SELECT project_key, message FROM load_warning WHERE project_key IS NOT NULL
    UNION ALL
    SELECT project_key, message FROM goal_review_finding WHERE rule_id IN ('R04', 'R05')
)
GROUP BY project_key;

COMMENT ON VIEW v_project_budget IS '分析视图：项目预算（每项目×年度一行）/ Analyst view: one row per project and fiscal year';

COMMENT ON VIEW v_indicator_target IS '分析视图：绩效指标目标值（每行一个指标）/ Analyst view: one row per indicator';

COMMENT ON VIEW v_goal_review IS '分析视图：绩效目标审核（每条问题一行；无问题的项目一行且 rule_id 为空）/ Goal review, one row per finding';

COMMENT ON VIEW v_load_warning IS '分析视图：载入警告 / Load warnings with their document and unit';

COMMENT ON VIEW v_project_history IS '分析视图：项目历年预算（每个跨年度项目×年度一行，含上一年度预算和变化）/ One row per project identity and fiscal year';

COMMENT ON VIEW v_target_change IS '分析视图：同一项目同一指标（同一地点）的年度目标与上一年度相比（raised 提高 / lowered 降低 / unchanged 不变 / new 新增 / dropped 取消 / changed 表述变化）/ Target change vs the previous year';

COMMENT ON VIEW v_project_flag IS '分析视图：项目的数据质量提示（载入警告与资金类审核问题）/ Data-quality marks per project';

COMMENT ON VIEW v_project_history_live IS '计算视图：项目历年预算（物化到 mart_project_history）/ Computed project history';
COMMENT ON VIEW v_target_change_live IS '计算视图：指标目标值年度变化（物化到 mart_target_change）/ Computed target change';
COMMENT ON TABLE mart_project_history IS '物化表：v_project_history 的数据，载入时刷新 / Materialized project history';
COMMENT ON TABLE mart_target_change IS '物化表：v_target_change 的数据，载入时刷新 / Materialized target change';
