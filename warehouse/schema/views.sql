-- Analyst views. The first columns are exactly those of docs/contract.md section 3,
-- in that order; extras follow (the dashboard relies on their names too).
-- v_project_budget and v_indicator_target read the mart tables (marts.sql), which each load
-- refreshes from the fact and dimension tables (warehouse/schema/marts.py holds the joins).


-- Contract columns first (the mart's SELECT keeps them in contract order), then every extra
-- column of the mart: a new fact column reaches the view with no edit here. Column comments
-- are inherited from the mart (warehouse/schema/ddl.py create_views).
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
CREATE OR REPLACE VIEW v_project_history_live AS
WITH rows AS (
    SELECT coalesce(i.identity_key, p.project_key) AS identity_key, p.*,
           coalesce(i.link_method, 'single') AS link_method, coalesce(i.link_score, 1.0) AS link_score
    FROM mart_project_budget AS p
    LEFT JOIN project_identity AS i ON i.project_key = p.project_key
    WHERE p.fiscal_year IS NOT NULL
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

CREATE OR REPLACE VIEW v_target_change_live AS
WITH ind AS (
    SELECT coalesce(pi.identity_key, t.project_key) AS identity_key, t.fiscal_year,
           t.indicator_name, t.level1, t.level2, t.target_raw, t.target_kind, t.target_unit,
           t.place,
           -- one comparable row per indicator AND place: a per-place target is compared with
           -- the same place's target of the previous year, never with another place's
           lower(regexp_replace(t.indicator_name, '\s+', '', 'g'))
               || coalesce(chr(31) || t.place, '') AS indicator_norm,
           CASE WHEN t.target_kind = 'money' THEN t.target_value_yuan
                WHEN t.target_op = 'between' THEN (t.target_value + t.target_value_max) / 2
                ELSE t.target_value END AS value_cmp,
           CASE WHEN t.target_kind = 'deadline'  -- month and day within the fiscal year
                THEN (year(t.deadline) - t.fiscal_year) * 10000 + month(t.deadline) * 100
                     + day(t.deadline) END AS deadline_day,
           coalesce(t.direction = 'negative', t.target_op IN ('<=', '<'), false) AS lower_is_better,
           row_number() OVER (
               PARTITION BY coalesce(pi.identity_key, t.project_key), t.fiscal_year,
                            lower(regexp_replace(t.indicator_name, '\s+', '', 'g')), t.place
               ORDER BY t.source_line, t.ordinal) AS dup
    FROM mart_indicator_target AS t
    LEFT JOIN project_identity AS pi ON pi.project_key = t.project_key
    WHERE t.scope = 'project' AND t.fiscal_year IS NOT NULL AND t.indicator_name IS NOT NULL
      AND t.horizon = 'annual'  -- comparisons use annual targets (docs/classification.md)
), cur AS (SELECT * EXCLUDE (dup) FROM ind WHERE dup = 1),
pairs AS (  -- project years that have an earlier year on record
    SELECT identity_key, fiscal_year, prev_fiscal_year, township, unit_name, project_name,
           project_category, budget_total_yuan, prev_budget_yuan, project_key
    FROM v_project_history_live WHERE prev_fiscal_year IS NOT NULL
), names AS (
    SELECT p.identity_key, p.fiscal_year, c.indicator_norm
    FROM pairs AS p JOIN cur AS c USING (identity_key, fiscal_year)
    UNION
    SELECT p.identity_key, p.fiscal_year, o.indicator_norm
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
FROM names AS n
JOIN pairs AS p USING (identity_key, fiscal_year)
LEFT JOIN cur AS c
  ON c.identity_key = n.identity_key AND c.fiscal_year = n.fiscal_year
 AND c.indicator_norm = n.indicator_norm
LEFT JOIN cur AS o
  ON o.identity_key = n.identity_key AND o.fiscal_year = p.prev_fiscal_year
 AND o.indicator_norm = n.indicator_norm;

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
COMMENT ON COLUMN v_goal_review.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN v_goal_review.township IS '乡镇 / Township';
COMMENT ON COLUMN v_goal_review.unit_name IS '单位名称 / Unit name';
COMMENT ON COLUMN v_goal_review.project_code IS '项目编码 / Project code';
COMMENT ON COLUMN v_goal_review.project_name IS '项目名称 / Project name';
COMMENT ON COLUMN v_goal_review.grade IS '审核等级 优/良/中/差 / Grade';
COMMENT ON COLUMN v_goal_review.rule_id IS '规则编号（无问题为空）/ Rule id, NULL when no finding';
COMMENT ON COLUMN v_goal_review.severity IS '严重程度 / Severity';
COMMENT ON COLUMN v_goal_review.message IS '问题说明 / Finding';
COMMENT ON COLUMN v_goal_review.hint IS '修改建议 / Fix hint';
COMMENT ON COLUMN v_goal_review.source_file IS '来源文件路径 / Source file path';
COMMENT ON COLUMN v_goal_review.source_line IS '来源文件行号 / Source line';
COMMENT ON COLUMN v_goal_review.project_key IS '项目代理键 / Project key';

COMMENT ON VIEW v_load_warning IS '分析视图：载入警告 / Load warnings with their document and unit';
COMMENT ON COLUMN v_load_warning.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN v_load_warning.township IS '乡镇 / Township';
COMMENT ON COLUMN v_load_warning.unit_name IS '单位名称 / Unit name';
COMMENT ON COLUMN v_load_warning.source_file IS '来源文件路径 / Source file path';
COMMENT ON COLUMN v_load_warning.code IS '警告代码 / Warning code';
COMMENT ON COLUMN v_load_warning.message IS '警告说明 / Message';
COMMENT ON COLUMN v_load_warning.line IS '来源文件行号 / Source line';
COMMENT ON COLUMN v_load_warning.project_name IS '相关项目 / Project name';
COMMENT ON COLUMN v_load_warning.origin IS '来源 parser/warehouse/review / Who raised it';
COMMENT ON COLUMN v_load_warning.document_id IS '来源文件键 / Document key';
COMMENT ON COLUMN v_load_warning.project_key IS '项目代理键 / Project key';

COMMENT ON VIEW v_project_history IS '分析视图：项目历年预算（每个跨年度项目×年度一行，含上一年度预算和变化）/ One row per project identity and fiscal year';

COMMENT ON VIEW v_target_change IS '分析视图：同一项目同一指标（同一地点）的年度目标与上一年度相比（raised 提高 / lowered 降低 / unchanged 不变 / new 新增 / dropped 取消 / changed 表述变化）/ Target change vs the previous year';

COMMENT ON VIEW v_project_flag IS '分析视图：项目的数据质量提示（载入警告与资金类审核问题）/ Data-quality marks per project';

-- ===== Comments of the cross-year tables and views =====================================
COMMENT ON VIEW v_project_history_live IS '计算视图：项目历年预算（物化到 mart_project_history）/ Computed project history';
COMMENT ON COLUMN v_project_history_live.identity_key IS '跨年度项目身份键 / Project identity';
COMMENT ON COLUMN v_project_history_live.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN v_project_history_live.province IS '省 / Province';
COMMENT ON COLUMN v_project_history_live.city IS '市 / City';
COMMENT ON COLUMN v_project_history_live.county IS '县（区）/ County';
COMMENT ON COLUMN v_project_history_live.township IS '乡镇 / Township';
COMMENT ON COLUMN v_project_history_live.unit_name IS '单位名称 / Unit name';
COMMENT ON COLUMN v_project_history_live.project_code IS '项目编码 / Project code';
COMMENT ON COLUMN v_project_history_live.project_name IS '项目名称（该年度）/ Project name that year';
COMMENT ON COLUMN v_project_history_live.project_category IS '项目功能分类 / Project category';
COMMENT ON COLUMN v_project_history_live.budget_total_yuan IS '本年度预算数（元）/ Budget this year, yuan';
COMMENT ON COLUMN v_project_history_live.prev_fiscal_year IS '该项目上一个有记录的年度 / Previous year on record';
COMMENT ON COLUMN v_project_history_live.prev_budget_yuan IS '上一年度预算数（元）/ Previous budget, yuan';
COMMENT ON COLUMN v_project_history_live.change_yuan IS '预算变化（元）/ Change, yuan';
COMMENT ON COLUMN v_project_history_live.change_pct IS '预算变化（%）/ Change, percent';
COMMENT ON COLUMN v_project_history_live.years_on_record IS '有记录的年度数 / Years on record';
COMMENT ON COLUMN v_project_history_live.project_key IS '该年度项目 → dim_project / Project in that year';
COMMENT ON COLUMN v_project_history_live.link_method IS '关联方式 code/name/fuzzy/confirmed/single / How the years were linked';
COMMENT ON COLUMN v_project_history_live.link_score IS '关联得分 0–1 / Link score';
COMMENT ON VIEW v_target_change_live IS '计算视图：指标目标值年度变化（物化到 mart_target_change）/ Computed target change';
COMMENT ON COLUMN v_target_change_live.identity_key IS '跨年度项目身份键 / Project identity';
COMMENT ON COLUMN v_target_change_live.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN v_target_change_live.prev_fiscal_year IS '该项目上一个有记录的年度 / Previous year on record';
COMMENT ON COLUMN v_target_change_live.township IS '乡镇 / Township';
COMMENT ON COLUMN v_target_change_live.unit_name IS '单位名称 / Unit name';
COMMENT ON COLUMN v_target_change_live.project_name IS '项目名称（该年度）/ Project name that year';
COMMENT ON COLUMN v_target_change_live.indicator_name IS '三级指标 / Indicator name';
COMMENT ON COLUMN v_target_change_live.level1 IS '一级指标 / Level 1';
COMMENT ON COLUMN v_target_change_live.level2 IS '二级指标 / Level 2';
COMMENT ON COLUMN v_target_change_live.prev_target_raw IS '上一年度指标值原文 / Previous target as printed';
COMMENT ON COLUMN v_target_change_live.target_raw IS '本年度指标值原文 / Target as printed';
COMMENT ON COLUMN v_target_change_live.prev_value IS '上一年度比较值（金额为元，区间取中值）/ Previous comparable value';
COMMENT ON COLUMN v_target_change_live.value IS '本年度比较值（金额为元，区间取中值）/ Comparable value';
COMMENT ON COLUMN v_target_change_live.target_unit IS '计量单位 / Unit';
COMMENT ON COLUMN v_target_change_live.change IS '变化：raised/lowered（按指标方向）/unchanged/new/dropped/changed / Change';
COMMENT ON COLUMN v_target_change_live.prev_budget_yuan IS '上一年度预算数（元）/ Previous budget, yuan';
COMMENT ON COLUMN v_target_change_live.budget_total_yuan IS '本年度预算数（元）/ Budget this year, yuan';
COMMENT ON COLUMN v_target_change_live.budget_change_yuan IS '项目预算变化（元）/ Budget change, yuan';
COMMENT ON COLUMN v_target_change_live.project_key IS '该年度项目 → dim_project / Project in that year';
COMMENT ON COLUMN v_target_change_live.project_category IS '项目功能分类 / Project category';
COMMENT ON COLUMN v_target_change_live.place IS '分地区目标的地点（与上一年度同一地点比较），项目整体目标为空 / Place of a per-place target';
COMMENT ON TABLE mart_project_history IS '物化表：v_project_history 的数据，载入时刷新 / Materialized project history';
COMMENT ON COLUMN mart_project_history.identity_key IS '跨年度项目身份键 / Project identity';
COMMENT ON COLUMN mart_project_history.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN mart_project_history.province IS '省 / Province';
COMMENT ON COLUMN mart_project_history.city IS '市 / City';
COMMENT ON COLUMN mart_project_history.county IS '县（区）/ County';
COMMENT ON COLUMN mart_project_history.township IS '乡镇 / Township';
COMMENT ON COLUMN mart_project_history.unit_name IS '单位名称 / Unit name';
COMMENT ON COLUMN mart_project_history.project_code IS '项目编码 / Project code';
COMMENT ON COLUMN mart_project_history.project_name IS '项目名称（该年度）/ Project name that year';
COMMENT ON COLUMN mart_project_history.project_category IS '项目功能分类 / Project category';
COMMENT ON COLUMN mart_project_history.budget_total_yuan IS '本年度预算数（元）/ Budget this year, yuan';
COMMENT ON COLUMN mart_project_history.prev_fiscal_year IS '该项目上一个有记录的年度 / Previous year on record';
COMMENT ON COLUMN mart_project_history.prev_budget_yuan IS '上一年度预算数（元）/ Previous budget, yuan';
COMMENT ON COLUMN mart_project_history.change_yuan IS '预算变化（元）/ Change, yuan';
COMMENT ON COLUMN mart_project_history.change_pct IS '预算变化（%）/ Change, percent';
COMMENT ON COLUMN mart_project_history.years_on_record IS '有记录的年度数 / Years on record';
COMMENT ON COLUMN mart_project_history.project_key IS '该年度项目 → dim_project / Project in that year';
COMMENT ON COLUMN mart_project_history.link_method IS '关联方式 code/name/fuzzy/confirmed/single / How the years were linked';
COMMENT ON COLUMN mart_project_history.link_score IS '关联得分 0–1 / Link score';
COMMENT ON TABLE mart_target_change IS '物化表：v_target_change 的数据，载入时刷新 / Materialized target change';
COMMENT ON COLUMN mart_target_change.identity_key IS '跨年度项目身份键 / Project identity';
COMMENT ON COLUMN mart_target_change.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN mart_target_change.prev_fiscal_year IS '该项目上一个有记录的年度 / Previous year on record';
COMMENT ON COLUMN mart_target_change.township IS '乡镇 / Township';
COMMENT ON COLUMN mart_target_change.unit_name IS '单位名称 / Unit name';
COMMENT ON COLUMN mart_target_change.project_name IS '项目名称（该年度）/ Project name that year';
COMMENT ON COLUMN mart_target_change.indicator_name IS '三级指标 / Indicator name';
COMMENT ON COLUMN mart_target_change.level1 IS '一级指标 / Level 1';
COMMENT ON COLUMN mart_target_change.level2 IS '二级指标 / Level 2';
COMMENT ON COLUMN mart_target_change.prev_target_raw IS '上一年度指标值原文 / Previous target as printed';
COMMENT ON COLUMN mart_target_change.target_raw IS '本年度指标值原文 / Target as printed';
COMMENT ON COLUMN mart_target_change.prev_value IS '上一年度比较值（金额为元，区间取中值）/ Previous comparable value';
COMMENT ON COLUMN mart_target_change.value IS '本年度比较值（金额为元，区间取中值）/ Comparable value';
COMMENT ON COLUMN mart_target_change.target_unit IS '计量单位 / Unit';
COMMENT ON COLUMN mart_target_change.change IS '变化：raised/lowered（按指标方向）/unchanged/new/dropped/changed / Change';
COMMENT ON COLUMN mart_target_change.prev_budget_yuan IS '上一年度预算数（元）/ Previous budget, yuan';
COMMENT ON COLUMN mart_target_change.budget_total_yuan IS '本年度预算数（元）/ Budget this year, yuan';
COMMENT ON COLUMN mart_target_change.budget_change_yuan IS '项目预算变化（元）/ Budget change, yuan';
COMMENT ON COLUMN mart_target_change.project_key IS '该年度项目 → dim_project / Project in that year';
COMMENT ON COLUMN mart_target_change.project_category IS '项目功能分类 / Project category';
COMMENT ON COLUMN mart_target_change.place IS '分地区目标的地点（与上一年度同一地点比较），项目整体目标为空 / Place of a per-place target';
COMMENT ON COLUMN v_project_history.identity_key IS '跨年度项目身份键 / Project identity';
COMMENT ON COLUMN v_project_history.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN v_project_history.province IS '省 / Province';
COMMENT ON COLUMN v_project_history.city IS '市 / City';
COMMENT ON COLUMN v_project_history.county IS '县（区）/ County';
COMMENT ON COLUMN v_project_history.township IS '乡镇 / Township';
COMMENT ON COLUMN v_project_history.unit_name IS '单位名称 / Unit name';
COMMENT ON COLUMN v_project_history.project_code IS '项目编码 / Project code';
COMMENT ON COLUMN v_project_history.project_name IS '项目名称（该年度）/ Project name that year';
COMMENT ON COLUMN v_project_history.project_category IS '项目功能分类 / Project category';
COMMENT ON COLUMN v_project_history.budget_total_yuan IS '本年度预算数（元）/ Budget this year, yuan';
COMMENT ON COLUMN v_project_history.prev_fiscal_year IS '该项目上一个有记录的年度 / Previous year on record';
COMMENT ON COLUMN v_project_history.prev_budget_yuan IS '上一年度预算数（元）/ Previous budget, yuan';
COMMENT ON COLUMN v_project_history.change_yuan IS '预算变化（元）/ Change, yuan';
COMMENT ON COLUMN v_project_history.change_pct IS '预算变化（%）/ Change, percent';
COMMENT ON COLUMN v_project_history.years_on_record IS '有记录的年度数 / Years on record';
COMMENT ON COLUMN v_project_history.project_key IS '该年度项目 → dim_project / Project in that year';
COMMENT ON COLUMN v_project_history.link_method IS '关联方式 code/name/fuzzy/confirmed/single / How the years were linked';
COMMENT ON COLUMN v_project_history.link_score IS '关联得分 0–1 / Link score';
COMMENT ON COLUMN v_target_change.identity_key IS '跨年度项目身份键 / Project identity';
COMMENT ON COLUMN v_target_change.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN v_target_change.prev_fiscal_year IS '该项目上一个有记录的年度 / Previous year on record';
COMMENT ON COLUMN v_target_change.township IS '乡镇 / Township';
COMMENT ON COLUMN v_target_change.unit_name IS '单位名称 / Unit name';
COMMENT ON COLUMN v_target_change.project_name IS '项目名称（该年度）/ Project name that year';
COMMENT ON COLUMN v_target_change.indicator_name IS '三级指标 / Indicator name';
COMMENT ON COLUMN v_target_change.level1 IS '一级指标 / Level 1';
COMMENT ON COLUMN v_target_change.level2 IS '二级指标 / Level 2';
COMMENT ON COLUMN v_target_change.prev_target_raw IS '上一年度指标值原文 / Previous target as printed';
COMMENT ON COLUMN v_target_change.target_raw IS '本年度指标值原文 / Target as printed';
COMMENT ON COLUMN v_target_change.prev_value IS '上一年度比较值（金额为元，区间取中值）/ Previous comparable value';
COMMENT ON COLUMN v_target_change.value IS '本年度比较值（金额为元，区间取中值）/ Comparable value';
COMMENT ON COLUMN v_target_change.target_unit IS '计量单位 / Unit';
COMMENT ON COLUMN v_target_change.change IS '变化：raised/lowered（按指标方向）/unchanged/new/dropped/changed / Change';
COMMENT ON COLUMN v_target_change.prev_budget_yuan IS '上一年度预算数（元）/ Previous budget, yuan';
COMMENT ON COLUMN v_target_change.budget_total_yuan IS '本年度预算数（元）/ Budget this year, yuan';
COMMENT ON COLUMN v_target_change.budget_change_yuan IS '项目预算变化（元）/ Budget change, yuan';
COMMENT ON COLUMN v_target_change.project_key IS '该年度项目 → dim_project / Project in that year';
COMMENT ON COLUMN v_target_change.project_category IS '项目功能分类 / Project category';
COMMENT ON COLUMN v_target_change.place IS '分地区目标的地点（与上一年度同一地点比较），项目整体目标为空 / Place of a per-place target';
COMMENT ON COLUMN v_project_flag.project_key IS '该年度项目 → dim_project / Project in that year';
COMMENT ON COLUMN v_project_flag.flag_text IS '提示内容 / Warning text';
COMMENT ON COLUMN v_project_flag.flags IS '提示条数 / Number of distinct warnings';
