-- Mart tables: the analyst views materialized once per load (warehouse/schema/marts.py), so that
-- dashboard queries scan one table instead of joining five (2.5M indicator rows at 40,000
-- documents). Derived data only: marts.py rebuilds them from the fact and dimension tables
-- (fully, or for the documents and units a load touched). Recreated (and fully refreshed)
-- whenever this file changes; no schema_version bump needed.
-- The tables are created from their SELECT (warehouse/schema/marts.py), so a new fact column flows
-- through; a column without a comment here takes the comment of the fact or dimension
-- column it comes from. Comment here only what the marts add or say differently.

COMMENT ON TABLE mart_project_budget IS '汇总表：项目预算（v_project_budget 的物化，载入时刷新）/ Mart: v_project_budget materialized at load time, plus search helpers';
COMMENT ON COLUMN mart_project_budget.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN mart_project_budget.province IS '省 / Province';
COMMENT ON COLUMN mart_project_budget.city IS '市 / City';
COMMENT ON COLUMN mart_project_budget.county IS '县（区）/ County';
COMMENT ON COLUMN mart_project_budget.township IS '乡镇 / Township';
COMMENT ON COLUMN mart_project_budget.unit_code IS '单位编码 / Unit code';
COMMENT ON COLUMN mart_project_budget.unit_name IS '单位名称 / Unit name';
COMMENT ON COLUMN mart_project_budget.project_code IS '项目编码 / Project code';
COMMENT ON COLUMN mart_project_budget.project_name IS '项目名称 / Project name';
COMMENT ON COLUMN mart_project_budget.project_category IS '项目功能分类 / Project category';
COMMENT ON COLUMN mart_project_budget.budget_total_yuan IS '预算数（元）/ Total budget, yuan';
COMMENT ON COLUMN mart_project_budget.fiscal_funds_yuan IS '财政资金（元）/ Fiscal funds, yuan';
COMMENT ON COLUMN mart_project_budget.other_funds_yuan IS '其他资金（元）/ Other funds, yuan';
COMMENT ON COLUMN mart_project_budget.source_file IS '来源文件路径 / Source file path';
COMMENT ON COLUMN mart_project_budget.project_key IS '项目代理键 / Project key';
COMMENT ON COLUMN mart_project_budget.document_id IS '来源文件键 / Document key';
COMMENT ON COLUMN mart_project_budget.purpose IS '资金用途 / Purpose of the funds';
COMMENT ON COLUMN mart_project_budget.goals IS '绩效目标（换行分隔）/ Goals, newline-separated';
COMMENT ON COLUMN mart_project_budget.plan_q1_pct IS '用款计划 3月累计（%）/ Spending plan checkpoint 1';
COMMENT ON COLUMN mart_project_budget.plan_q2_pct IS '用款计划 6月累计（%）/ Spending plan checkpoint 2';
COMMENT ON COLUMN mart_project_budget.plan_q3_pct IS '用款计划 10月累计（%）/ Spending plan checkpoint 3';
COMMENT ON COLUMN mart_project_budget.plan_q4_pct IS '用款计划 12月累计（%）/ Spending plan checkpoint 4';
COMMENT ON COLUMN mart_project_budget.source_line IS '来源文件行号 / Source line';
COMMENT ON COLUMN mart_project_budget.indicator_count IS '指标行数 / Indicator rows';
COMMENT ON COLUMN mart_project_budget.unit_key IS '单位代理键 / Unit key';
COMMENT ON COLUMN mart_project_budget.seq IS '文件内项目序号 / Order in the document';
COMMENT ON COLUMN mart_project_budget.level2_set IS '本项目指标覆盖的二级指标（去重、排序）/ Distinct level-2 types of the project''s indicators';
COMMENT ON COLUMN mart_project_budget.search_text IS '检索文本（小写；名称、编码、目标、用途、单位、指标名称/描述/指标值，以 \x1f 分隔）/ Lower-cased search text, fields separated by U+001F';

COMMENT ON TABLE mart_indicator_target IS '汇总表：绩效指标目标值（v_indicator_target 的物化，载入时刷新）/ Mart: v_indicator_target materialized at load time';
COMMENT ON COLUMN mart_indicator_target.scope IS '范围：project / unit / Scope';
COMMENT ON COLUMN mart_indicator_target.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN mart_indicator_target.province IS '省 / Province';
COMMENT ON COLUMN mart_indicator_target.city IS '市 / City';
COMMENT ON COLUMN mart_indicator_target.county IS '县（区）/ County';
COMMENT ON COLUMN mart_indicator_target.township IS '乡镇 / Township';
COMMENT ON COLUMN mart_indicator_target.unit_name IS '单位名称 / Unit name';
COMMENT ON COLUMN mart_indicator_target.project_code IS '项目编码 / Project code';
COMMENT ON COLUMN mart_indicator_target.project_name IS '项目名称 / Project name';
COMMENT ON COLUMN mart_indicator_target.level1 IS '一级指标 / Level 1';
COMMENT ON COLUMN mart_indicator_target.level2 IS '二级指标 / Level 2';
COMMENT ON COLUMN mart_indicator_target.indicator_name IS '三级指标 / Indicator name';
COMMENT ON COLUMN mart_indicator_target.description IS '指标描述 / Description';
COMMENT ON COLUMN mart_indicator_target.target_raw IS '指标值原文 / Target as printed';
COMMENT ON COLUMN mart_indicator_target.target_op IS '比较符 / Operator';
COMMENT ON COLUMN mart_indicator_target.target_value IS '目标数值 / Target value';
COMMENT ON COLUMN mart_indicator_target.target_value_max IS '区间上限 / Upper bound';
COMMENT ON COLUMN mart_indicator_target.target_unit IS '计量单位 / Unit';
COMMENT ON COLUMN mart_indicator_target.target_value_yuan IS '金额目标（元）/ Money target in yuan';
COMMENT ON COLUMN mart_indicator_target.target_kind IS '目标类型 / Target kind';
COMMENT ON COLUMN mart_indicator_target.deadline IS '完成时限 / Deadline';
COMMENT ON COLUMN mart_indicator_target.basis IS '指标值确定依据 / Basis';
COMMENT ON COLUMN mart_indicator_target.weight IS '权重 / Weight';
COMMENT ON COLUMN mart_indicator_target.direction IS '指标方向 / Direction';
COMMENT ON COLUMN mart_indicator_target.source_file IS '来源文件路径 / Source file path';
COMMENT ON COLUMN mart_indicator_target.source_line IS '来源文件行号 / Source line';
COMMENT ON COLUMN mart_indicator_target.project_key IS '项目代理键 / Project key';
COMMENT ON COLUMN mart_indicator_target.project_category IS '项目功能分类 / Project category';
COMMENT ON COLUMN mart_indicator_target.indicator_family IS '指标族 / Indicator family';
COMMENT ON COLUMN mart_indicator_target.unit_code IS '单位编码 / Unit code';
COMMENT ON COLUMN mart_indicator_target.document_id IS '来源文件键 / Document key';
COMMENT ON COLUMN mart_indicator_target.target_key IS '指标行代理键 / Row key';
COMMENT ON COLUMN mart_indicator_target.indicator_key IS '指标定义键 / Indicator definition key';
COMMENT ON COLUMN mart_indicator_target.ordinal IS '表内行序号 / Row order';
COMMENT ON COLUMN mart_indicator_target.level1_raw IS '一级指标原文 / Level 1 as printed';
COMMENT ON COLUMN mart_indicator_target.level2_raw IS '二级指标原文 / Level 2 as printed';
COMMENT ON COLUMN mart_indicator_target.unit_key IS '单位代理键（增量刷新用）/ Unit key, for incremental refresh';
COMMENT ON COLUMN mart_indicator_target.target_label IS '规范化的目标值标签（如“≥90%”“12月31日前”），用于最常见目标值统计 / Normalized target label for the common-targets chart';

-- Rollups (warehouse/schema/marts.py ROLLUPS): per township and key in four grouping sets
-- (all_years / all_categories flags; the year or category column is NULL in the "all" sets),
-- recomputed from the marts after every refresh; the dashboard sums them.
COMMENT ON TABLE mart_project_rollup IS '汇总表：各乡镇项目数、预算、用款计划合计（按年度/类别分组集）/ Rollup of mart_project_budget per township, in year/category grouping sets';
COMMENT ON COLUMN mart_project_rollup.projects IS '项目数 / Projects';
COMMENT ON COLUMN mart_project_rollup.projects_with_budget IS '有预算数的项目数 / Projects with a budget';
COMMENT ON COLUMN mart_project_rollup.budget_yuan IS '预算合计（元）/ Budget total, yuan';
COMMENT ON COLUMN mart_project_rollup.plan_q1_n IS '有 3月用款计划的项目数 / Projects with checkpoint 1';
COMMENT ON COLUMN mart_project_rollup.plan_q1_sum IS '3月用款计划（%）之和 / Sum of checkpoint 1';
COMMENT ON COLUMN mart_project_rollup.plan_q2_n IS '有 6月用款计划的项目数 / Projects with checkpoint 2';
COMMENT ON COLUMN mart_project_rollup.plan_q2_sum IS '6月用款计划（%）之和 / Sum of checkpoint 2';
COMMENT ON COLUMN mart_project_rollup.plan_q3_n IS '有 10月用款计划的项目数 / Projects with checkpoint 3';
COMMENT ON COLUMN mart_project_rollup.plan_q3_sum IS '10月用款计划（%）之和 / Sum of checkpoint 3';
COMMENT ON COLUMN mart_project_rollup.plan_q4_n IS '有 12月用款计划的项目数 / Projects with checkpoint 4';
COMMENT ON COLUMN mart_project_rollup.plan_q4_sum IS '12月用款计划（%）之和 / Sum of checkpoint 4';
COMMENT ON TABLE mart_level_rollup IS '汇总表：各乡镇一级/二级指标的指标数 / Indicator rows per township and level 1/2';
COMMENT ON TABLE mart_kind_rollup IS '汇总表：各乡镇各目标类型的指标数 / Indicator rows per township and target kind';
COMMENT ON TABLE mart_family_rollup IS '汇总表：各乡镇各指标族、计量单位的指标数 / Indicator rows per township, family and unit';
COMMENT ON COLUMN mart_family_rollup.comparable IS '可跨项目比较的年度数值目标 / Annual numeric target comparable across projects';
COMMENT ON TABLE mart_target_label_rollup IS '汇总表：年度目标按规范化目标值标签计数 / Annual targets per township and normalized label';
COMMENT ON TABLE mart_filter_option IS '侧栏筛选项：有数据的年度、乡镇、类别（空值为未知）/ The sidebar''s choices: years, townships and categories with data (NULL = unknown)';
COMMENT ON TABLE mart_level2_rollup IS '汇总表：含某二级指标的项目数 / Projects having each level-2 type, per township';
COMMENT ON COLUMN mart_level2_rollup.level2 IS '二级指标 / Level 2';
COMMENT ON COLUMN mart_level2_rollup.projects_with IS '含该二级指标的项目数 / Projects with it';
COMMENT ON COLUMN mart_project_rollup.all_years IS '是否为全部年度（此时 fiscal_year 为空）/ Over all years';
COMMENT ON COLUMN mart_project_rollup.all_categories IS '是否为全部类别（此时 project_category 为空）/ Over all categories';
COMMENT ON COLUMN mart_level_rollup.all_years IS '是否为全部年度（此时 fiscal_year 为空）/ Over all years';
COMMENT ON COLUMN mart_level_rollup.all_categories IS '是否为全部类别（此时 project_category 为空）/ Over all categories';
COMMENT ON COLUMN mart_level_rollup.indicators IS '指标行数 / Indicator rows';
COMMENT ON COLUMN mart_kind_rollup.all_years IS '是否为全部年度（此时 fiscal_year 为空）/ Over all years';
COMMENT ON COLUMN mart_kind_rollup.all_categories IS '是否为全部类别（此时 project_category 为空）/ Over all categories';
COMMENT ON COLUMN mart_kind_rollup.indicators IS '指标行数 / Indicator rows';
COMMENT ON COLUMN mart_family_rollup.all_years IS '是否为全部年度（此时 fiscal_year 为空）/ Over all years';
COMMENT ON COLUMN mart_family_rollup.all_categories IS '是否为全部类别（此时 project_category 为空）/ Over all categories';
COMMENT ON COLUMN mart_family_rollup.indicators IS '指标行数 / Indicator rows';
COMMENT ON COLUMN mart_target_label_rollup.all_years IS '是否为全部年度（此时 fiscal_year 为空）/ Over all years';
COMMENT ON COLUMN mart_target_label_rollup.all_categories IS '是否为全部类别（此时 project_category 为空）/ Over all categories';
COMMENT ON COLUMN mart_target_label_rollup.indicators IS '指标行数 / Indicator rows';
COMMENT ON COLUMN mart_level2_rollup.all_years IS '是否为全部年度（此时 fiscal_year 为空）/ Over all years';
COMMENT ON COLUMN mart_level2_rollup.all_categories IS '是否为全部类别（此时 project_category 为空）/ Over all categories';
COMMENT ON TABLE mart_box_rollup IS '汇总表：各乡镇箱线图统计（预算、指标数、目标值），按全部/单一年度与类别预先计算 / Exact per-township box statistics for every filter of at most one year and one category';
COMMENT ON COLUMN mart_box_rollup.measure IS '度量：budget 项目预算 / indicator_count 指标数 / target 目标值 / Measure';
COMMENT ON COLUMN mart_box_rollup.family IS '指标族（目标值）/ Indicator family (targets)';
COMMENT ON COLUMN mart_box_rollup.unit IS '计量单位（目标值；all_units 时为空）/ Unit (targets)';
COMMENT ON COLUMN mart_box_rollup.all_units IS '是否为全部单位合计 / Over all units';
COMMENT ON COLUMN mart_box_rollup.all_years IS '是否为全部年度（此时 fiscal_year 为空）/ Over all years';
COMMENT ON COLUMN mart_box_rollup.all_categories IS '是否为全部类别（此时 project_category 为空）/ Over all categories';
COMMENT ON COLUMN mart_box_rollup.n IS '条数 / Rows';
COMMENT ON COLUMN mart_box_rollup.q1 IS '下四分位数 / First quartile';
COMMENT ON COLUMN mart_box_rollup.median IS '中位数 / Median';
COMMENT ON COLUMN mart_box_rollup.q3 IS '上四分位数 / Third quartile';
COMMENT ON COLUMN mart_box_rollup.lower IS '下须（1.5 IQR 内最小值）/ Lower whisker';
COMMENT ON COLUMN mart_box_rollup.upper IS '上须（1.5 IQR 内最大值）/ Upper whisker';
COMMENT ON COLUMN mart_box_rollup.zeros IS '值为 0 的条数 / Rows whose value is 0';
COMMENT ON TABLE mart_budget_sample IS '汇总表：项目预算分布图的抽样点（全部 / 单一年度 / 单一类别，按乡镇比例抽取，离群值优先）/ Stored strip-chart sample of project budgets per filter set';
COMMENT ON TABLE mart_indicator_count_sample IS '汇总表：每个项目指标数量图的抽样点（全部 / 单一年度 / 单一类别）/ Stored strip-chart sample of indicators per project per filter set';
COMMENT ON TABLE mart_target_sample IS '汇总表：目标值对比图的抽样点（指标族 × 计量单位 × 全部 / 单一年度 / 单一类别）/ Stored strip-chart sample of comparable targets per family, unit and filter set';
COMMENT ON TABLE mart_target_outlier IS '汇总表：需要关注的目标值（每个指标族与筛选组合的前 1,000 条及总数）/ First 1,000 flagged targets per family and filter set, with their total';

COMMENT ON TABLE mart_review_project IS '汇总表：绩效目标审核，每个已审核项目一行（等级、得分、各严重程度问题条数；warehouse/schema/review_mart.py）/ One row per reviewed project with grade, score and findings per severity';
COMMENT ON TABLE mart_review_rule IS '汇总表：绩效目标审核，各文件每条规则、每种严重程度的问题条数与项目数 / Findings and projects per document, rule and severity';
COMMENT ON TABLE mart_review_finding IS '汇总表：绩效目标审核，每条问题一行，附项目所在乡镇与所指指标行（二级指标、目标值、指标说明），按乡镇存放以便按页读取 / One row per finding with the township and the indicator row of its project, stored in township order';
