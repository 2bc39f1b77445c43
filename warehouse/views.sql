-- Analyst views. The first columns are exactly those of ../shared/CONTRACT.md section 3,
-- in that order; extras follow (the dashboard relies on their names too).
-- v_project_budget and v_indicator_target read the mart tables (marts.sql), which each load
-- refreshes from the fact and dimension tables (warehouse/marts.py holds the joins).

CREATE OR REPLACE VIEW v_project_budget AS
SELECT
    fiscal_year, province, city, county, township, unit_code, unit_name, project_code,
    project_name, project_category, budget_total_yuan, fiscal_funds_yuan, other_funds_yuan,
    source_file, project_key, document_id, purpose, goals, plan_q1_pct, plan_q2_pct,
    plan_q3_pct, plan_q4_pct, source_line, indicator_count, unit_key, seq
FROM mart_project_budget;

CREATE OR REPLACE VIEW v_indicator_target AS
SELECT
    scope, fiscal_year, province, city, county, township, unit_name, project_code,
    project_name, level1, level2, indicator_name, description, target_raw, target_op,
    target_value, target_value_max, target_unit, target_value_yuan, target_kind, deadline,
    basis, weight, direction, source_file, source_line, project_key, project_category,
    indicator_family, unit_code, document_id, target_key, indicator_key, ordinal, level1_raw,
    level2_raw
FROM mart_indicator_target;

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

COMMENT ON VIEW v_project_budget IS '分析视图：项目预算（每项目×年度一行）/ Analyst view: one row per project and fiscal year';
COMMENT ON COLUMN v_project_budget.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN v_project_budget.province IS '省 / Province';
COMMENT ON COLUMN v_project_budget.city IS '市 / City';
COMMENT ON COLUMN v_project_budget.county IS '县（区）/ County';
COMMENT ON COLUMN v_project_budget.township IS '乡镇 / Township';
COMMENT ON COLUMN v_project_budget.unit_code IS '单位编码 / Unit code';
COMMENT ON COLUMN v_project_budget.unit_name IS '单位名称 / Unit name';
COMMENT ON COLUMN v_project_budget.project_code IS '项目编码 / Project code';
COMMENT ON COLUMN v_project_budget.project_name IS '项目名称 / Project name';
COMMENT ON COLUMN v_project_budget.project_category IS '项目功能分类 / Project category';
COMMENT ON COLUMN v_project_budget.budget_total_yuan IS '预算数（元）/ Total budget, yuan';
COMMENT ON COLUMN v_project_budget.fiscal_funds_yuan IS '财政资金（元）/ Fiscal funds, yuan';
COMMENT ON COLUMN v_project_budget.other_funds_yuan IS '其他资金（元）/ Other funds, yuan';
COMMENT ON COLUMN v_project_budget.source_file IS '来源文件路径 / Source file path';
COMMENT ON COLUMN v_project_budget.project_key IS '项目代理键 / Project key';
COMMENT ON COLUMN v_project_budget.document_id IS '来源文件键 / Document key';
COMMENT ON COLUMN v_project_budget.purpose IS '资金用途 / Purpose of the funds';
COMMENT ON COLUMN v_project_budget.goals IS '绩效目标（换行分隔）/ Goals, newline-separated';
COMMENT ON COLUMN v_project_budget.plan_q1_pct IS '用款计划 3月累计（%）/ Spending plan checkpoint 1';
COMMENT ON COLUMN v_project_budget.plan_q2_pct IS '用款计划 6月累计（%）/ Spending plan checkpoint 2';
COMMENT ON COLUMN v_project_budget.plan_q3_pct IS '用款计划 10月累计（%）/ Spending plan checkpoint 3';
COMMENT ON COLUMN v_project_budget.plan_q4_pct IS '用款计划 12月累计（%）/ Spending plan checkpoint 4';
COMMENT ON COLUMN v_project_budget.source_line IS '来源文件行号 / Source line';
COMMENT ON COLUMN v_project_budget.indicator_count IS '指标行数 / Indicator rows';
COMMENT ON COLUMN v_project_budget.unit_key IS '单位代理键 / Unit key';
COMMENT ON COLUMN v_project_budget.seq IS '文件内项目序号 / Order in the document';

COMMENT ON VIEW v_indicator_target IS '分析视图：绩效指标目标值（每行一个指标）/ Analyst view: one row per indicator';
COMMENT ON COLUMN v_indicator_target.scope IS '范围：project / unit / Scope';
COMMENT ON COLUMN v_indicator_target.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN v_indicator_target.province IS '省 / Province';
COMMENT ON COLUMN v_indicator_target.city IS '市 / City';
COMMENT ON COLUMN v_indicator_target.county IS '县（区）/ County';
COMMENT ON COLUMN v_indicator_target.township IS '乡镇 / Township';
COMMENT ON COLUMN v_indicator_target.unit_name IS '单位名称 / Unit name';
COMMENT ON COLUMN v_indicator_target.project_code IS '项目编码 / Project code';
COMMENT ON COLUMN v_indicator_target.project_name IS '项目名称 / Project name';
COMMENT ON COLUMN v_indicator_target.level1 IS '一级指标 / Level 1';
COMMENT ON COLUMN v_indicator_target.level2 IS '二级指标 / Level 2';
COMMENT ON COLUMN v_indicator_target.indicator_name IS '三级指标 / Indicator name';
COMMENT ON COLUMN v_indicator_target.description IS '指标描述 / Description';
COMMENT ON COLUMN v_indicator_target.target_raw IS '指标值原文 / Target as printed';
COMMENT ON COLUMN v_indicator_target.target_op IS '比较符 / Operator';
COMMENT ON COLUMN v_indicator_target.target_value IS '目标数值 / Target value';
COMMENT ON COLUMN v_indicator_target.target_value_max IS '区间上限 / Upper bound';
COMMENT ON COLUMN v_indicator_target.target_unit IS '计量单位 / Unit';
COMMENT ON COLUMN v_indicator_target.target_value_yuan IS '金额目标（元）/ Money target in yuan';
COMMENT ON COLUMN v_indicator_target.target_kind IS '目标类型 / Target kind';
COMMENT ON COLUMN v_indicator_target.deadline IS '完成时限 / Deadline';
COMMENT ON COLUMN v_indicator_target.basis IS '指标值确定依据 / Basis';
COMMENT ON COLUMN v_indicator_target.weight IS '权重 / Weight';
COMMENT ON COLUMN v_indicator_target.direction IS '指标方向 / Direction';
COMMENT ON COLUMN v_indicator_target.source_file IS '来源文件路径 / Source file path';
COMMENT ON COLUMN v_indicator_target.source_line IS '来源文件行号 / Source line';
COMMENT ON COLUMN v_indicator_target.project_key IS '项目代理键 / Project key';
COMMENT ON COLUMN v_indicator_target.project_category IS '项目功能分类 / Project category';
COMMENT ON COLUMN v_indicator_target.indicator_family IS '指标族 / Indicator family';
COMMENT ON COLUMN v_indicator_target.unit_code IS '单位编码 / Unit code';
COMMENT ON COLUMN v_indicator_target.document_id IS '来源文件键 / Document key';
COMMENT ON COLUMN v_indicator_target.target_key IS '指标行代理键 / Row key';
COMMENT ON COLUMN v_indicator_target.indicator_key IS '指标定义键 / Indicator definition key';
COMMENT ON COLUMN v_indicator_target.ordinal IS '表内行序号 / Row order';
COMMENT ON COLUMN v_indicator_target.level1_raw IS '一级指标原文 / Level 1 as printed';
COMMENT ON COLUMN v_indicator_target.level2_raw IS '二级指标原文 / Level 2 as printed';

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
