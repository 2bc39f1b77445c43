-- Data checks: every query must return zero rows. Run after every load (results in the
-- summary and in load_run.check_report) and by tests/test_warehouse_checks.py.
-- Format: a "-- check: <name> | <Chinese description>" line, then one SELECT ending with ";".
-- Optionally a "-- scoped:" line, then the same check over what a small load touched
-- (warehouse/load/checks.py, docs/reload_path.md): it must find exactly the rows the full
-- query finds whenever the version the load started from passed every check. Its tables:
-- chk_doc (documents whose rows the load wrote, deleted, reviewed or refreshed in a mart),
-- chk_gone_project (every project key the deleted documents' rows used), chk_gone_unit and
-- chk_gone_year (dimension keys the load deleted). Duplicates can only involve a row the
-- load inserted; an orphan is a row the load inserted or a row whose parent it deleted.

-- check: pk_dim_unit | dim_unit.unit_key 唯一
SELECT unit_key, count(*) AS n FROM dim_unit GROUP BY unit_key HAVING count(*) > 1;
-- check: pk_dim_fiscal_year | dim_fiscal_year.fiscal_year 唯一
SELECT fiscal_year, count(*) AS n FROM dim_fiscal_year GROUP BY fiscal_year HAVING count(*) > 1;
-- check: pk_dim_project | dim_project.project_key 唯一
SELECT project_key, count(*) AS n FROM dim_project GROUP BY project_key HAVING count(*) > 1;
-- scoped:
SELECT project_key, count(*) AS n FROM dim_project
WHERE project_key IN (SELECT project_key FROM dim_project
                      WHERE document_id IN (SELECT document_id FROM chk_doc))
GROUP BY project_key HAVING count(*) > 1;
-- check: pk_dim_indicator | dim_indicator.indicator_key 唯一
SELECT indicator_key, count(*) AS n FROM dim_indicator GROUP BY indicator_key HAVING count(*) > 1;
-- check: pk_source_document | source_document.document_id 与 path 唯一
SELECT document_id, count(*) AS n FROM source_document GROUP BY document_id HAVING count(*) > 1
UNION ALL
SELECT NULL, count(*) FROM source_document GROUP BY path HAVING count(*) > 1;
-- check: pk_fact_project_budget | fact_project_budget.project_key 唯一（粒度：项目×年度）
SELECT project_key, count(*) AS n FROM fact_project_budget GROUP BY project_key HAVING count(*) > 1;
-- check: pk_fact_indicator_target | fact_indicator_target.target_key 唯一
SELECT target_key, count(*) AS n FROM fact_indicator_target GROUP BY target_key HAVING count(*) > 1;
-- scoped:
SELECT target_key, count(*) AS n FROM fact_indicator_target
WHERE target_key IN (SELECT target_key FROM fact_indicator_target
                     WHERE document_id IN (SELECT document_id FROM chk_doc))
GROUP BY target_key HAVING count(*) > 1;
-- check: pk_load_warning | load_warning.warning_key 唯一
SELECT warning_key, count(*) AS n FROM load_warning GROUP BY warning_key HAVING count(*) > 1;
-- check: pk_goal_review | 审核表主键唯一
SELECT project_key, count(*) AS n FROM goal_review_project GROUP BY project_key HAVING count(*) > 1
UNION ALL
SELECT finding_key, count(*) FROM goal_review_finding GROUP BY finding_key HAVING count(*) > 1;
-- scoped:
SELECT project_key, count(*) AS n FROM goal_review_project
WHERE project_key IN (SELECT project_key FROM goal_review_project
                      WHERE document_id IN (SELECT document_id FROM chk_doc))
GROUP BY project_key HAVING count(*) > 1
UNION ALL
SELECT finding_key, count(*) FROM goal_review_finding
WHERE finding_key IN (SELECT finding_key FROM goal_review_finding
                      WHERE document_id IN (SELECT document_id FROM chk_doc))
GROUP BY finding_key HAVING count(*) > 1;
-- check: pk_reject | reject.path 唯一
SELECT path, count(*) AS n FROM reject GROUP BY path HAVING count(*) > 1;

-- check: orphan_budget | 项目预算事实均有项目、单位、年度与来源文件
SELECT f.project_key FROM fact_project_budget AS f
WHERE f.project_key NOT IN (SELECT project_key FROM dim_project)
   OR f.unit_key NOT IN (SELECT unit_key FROM dim_unit)
   OR f.document_id NOT IN (SELECT document_id FROM source_document)
   OR (f.fiscal_year IS NOT NULL AND f.fiscal_year NOT IN (SELECT fiscal_year FROM dim_fiscal_year));
-- scoped:
SELECT f.project_key FROM fact_project_budget AS f
WHERE (f.document_id IN (SELECT document_id FROM chk_doc)
       OR f.project_key IN (SELECT project_key FROM chk_gone_project)
       OR f.unit_key IN (SELECT unit_key FROM chk_gone_unit)
       OR f.fiscal_year IN (SELECT fiscal_year FROM chk_gone_year))
  AND (f.project_key NOT IN (SELECT project_key FROM dim_project)
   OR f.unit_key NOT IN (SELECT unit_key FROM dim_unit)
   OR f.document_id NOT IN (SELECT document_id FROM source_document)
   OR (f.fiscal_year IS NOT NULL AND f.fiscal_year NOT IN (SELECT fiscal_year FROM dim_fiscal_year)));
-- check: orphan_target | 指标事实均有指标定义、单位、来源文件；项目范围的指标有项目
SELECT t.target_key FROM fact_indicator_target AS t
WHERE t.indicator_key NOT IN (SELECT indicator_key FROM dim_indicator)
   OR t.unit_key NOT IN (SELECT unit_key FROM dim_unit)
   OR t.document_id NOT IN (SELECT document_id FROM source_document)
   OR (t.scope = 'project' AND (t.project_key IS NULL
       OR t.project_key NOT IN (SELECT project_key FROM fact_project_budget)))
   OR (t.scope = 'unit' AND t.project_key IS NOT NULL)
   OR t.scope NOT IN ('project', 'unit');
-- scoped:
-- (indicator rows are deleted only when no fact uses them: no gone list needed)
SELECT t.target_key FROM fact_indicator_target AS t
WHERE (t.document_id IN (SELECT document_id FROM chk_doc)
       OR t.project_key IN (SELECT project_key FROM chk_gone_project)
       OR t.unit_key IN (SELECT unit_key FROM chk_gone_unit))
  AND (t.indicator_key NOT IN (SELECT indicator_key FROM dim_indicator)
   OR t.unit_key NOT IN (SELECT unit_key FROM dim_unit)
   OR t.document_id NOT IN (SELECT document_id FROM source_document)
   OR (t.scope = 'project' AND (t.project_key IS NULL
       OR t.project_key NOT IN (SELECT project_key FROM fact_project_budget)))
   OR (t.scope = 'unit' AND t.project_key IS NOT NULL)
   OR t.scope NOT IN ('project', 'unit'));
-- check: orphan_project | 项目维度均有预算事实（无孤立项目）
SELECT p.project_key FROM dim_project AS p
WHERE p.project_key NOT IN (SELECT project_key FROM fact_project_budget);
-- scoped:
SELECT p.project_key FROM dim_project AS p
WHERE (p.document_id IN (SELECT document_id FROM chk_doc)
       OR p.project_key IN (SELECT project_key FROM chk_gone_project))
  AND p.project_key NOT IN (SELECT project_key FROM fact_project_budget);
-- check: orphan_dimension | 维度行均被引用（单位、指标、年度）
SELECT unit_key FROM dim_unit WHERE unit_key NOT IN (SELECT unit_key FROM source_document)
UNION ALL
SELECT indicator_key FROM dim_indicator
WHERE indicator_key NOT IN (SELECT indicator_key FROM fact_indicator_target)
UNION ALL
SELECT fiscal_year FROM dim_fiscal_year
WHERE fiscal_year NOT IN (SELECT fiscal_year FROM source_document WHERE fiscal_year IS NOT NULL);
-- check: orphan_document_rows | 警告、审核行均属于已载入的文件与项目
SELECT document_id FROM load_warning WHERE document_id NOT IN (SELECT document_id FROM source_document)
UNION ALL
SELECT project_key FROM goal_review_project WHERE project_key NOT IN (SELECT project_key FROM fact_project_budget)
UNION ALL
SELECT project_key FROM goal_review_finding WHERE project_key NOT IN (SELECT project_key FROM goal_review_project);
-- scoped:
SELECT document_id FROM load_warning
WHERE document_id IN (SELECT document_id FROM chk_doc)
  AND document_id NOT IN (SELECT document_id FROM source_document)
UNION ALL
SELECT project_key FROM goal_review_project
WHERE (document_id IN (SELECT document_id FROM chk_doc)
       OR project_key IN (SELECT project_key FROM chk_gone_project))
  AND project_key NOT IN (SELECT project_key FROM fact_project_budget)
UNION ALL
SELECT project_key FROM goal_review_finding
WHERE (document_id IN (SELECT document_id FROM chk_doc)
       OR project_key IN (SELECT project_key FROM chk_gone_project))
  AND project_key NOT IN (SELECT project_key FROM goal_review_project);
-- check: project_has_indicator | 每个项目至少一条指标，否则须有 project_without_indicators 警告
SELECT f.project_key FROM fact_project_budget AS f
WHERE NOT EXISTS (SELECT 1 FROM fact_indicator_target AS t WHERE t.project_key = f.project_key)
  AND NOT EXISTS (SELECT 1 FROM load_warning AS w
                  WHERE w.project_key = f.project_key AND w.code = 'project_without_indicators');
-- scoped:
SELECT f.project_key FROM fact_project_budget AS f
WHERE (f.document_id IN (SELECT document_id FROM chk_doc)
       OR f.project_key IN (SELECT project_key FROM chk_gone_project))
  AND NOT EXISTS (SELECT 1 FROM fact_indicator_target AS t WHERE t.project_key = f.project_key)
  AND NOT EXISTS (SELECT 1 FROM load_warning AS w
                  WHERE w.project_key = f.project_key AND w.code = 'project_without_indicators');
-- check: indicator_count | 项目的 indicator_count 与指标事实行数一致
SELECT f.project_key FROM fact_project_budget AS f
LEFT JOIN (SELECT project_key, count(*) AS n FROM fact_indicator_target
           WHERE scope = 'project' GROUP BY project_key) AS c ON c.project_key = f.project_key
WHERE coalesce(c.n, 0) <> coalesce(f.indicator_count, 0);
-- scoped:
WITH scoped AS (  -- projects of touched documents, or counted by rows a load wrote or deleted
    SELECT project_key FROM fact_project_budget
    WHERE document_id IN (SELECT document_id FROM chk_doc)
    UNION SELECT project_key FROM fact_indicator_target
    WHERE document_id IN (SELECT document_id FROM chk_doc)
    UNION SELECT project_key FROM chk_gone_project
)
SELECT f.project_key FROM fact_project_budget AS f
LEFT JOIN (SELECT project_key, count(*) AS n FROM fact_indicator_target
           WHERE scope = 'project' AND project_key IN (SELECT project_key FROM scoped)
           GROUP BY project_key) AS c ON c.project_key = f.project_key
WHERE f.project_key IN (SELECT project_key FROM scoped)
  AND coalesce(c.n, 0) <> coalesce(f.indicator_count, 0);
-- check: fund_parts | 财政资金＋其他资金＝预算数，否则须有 fund_parts_mismatch / fund_mismatch 警告
SELECT f.project_key FROM fact_project_budget AS f
WHERE f.budget_total_yuan IS NOT NULL AND f.fiscal_funds_yuan IS NOT NULL
  AND abs(f.budget_total_yuan - f.fiscal_funds_yuan - coalesce(f.other_funds_yuan, 0)) > 0.5
  AND NOT EXISTS (SELECT 1 FROM load_warning AS w
                  WHERE w.project_key = f.project_key AND w.code IN ('fund_parts_mismatch', 'fund_mismatch'));
-- scoped:
SELECT f.project_key FROM fact_project_budget AS f
WHERE (f.document_id IN (SELECT document_id FROM chk_doc)
       OR f.project_key IN (SELECT project_key FROM chk_gone_project))
  AND f.budget_total_yuan IS NOT NULL AND f.fiscal_funds_yuan IS NOT NULL
  AND abs(f.budget_total_yuan - f.fiscal_funds_yuan - coalesce(f.other_funds_yuan, 0)) > 0.5
  AND NOT EXISTS (SELECT 1 FROM load_warning AS w
                  WHERE w.project_key = f.project_key AND w.code IN ('fund_parts_mismatch', 'fund_mismatch'));
-- check: document_counts | source_document 的项目数、指标数与事实表一致
SELECT d.document_id FROM source_document AS d
WHERE d.project_count <> (SELECT count(*) FROM fact_project_budget AS f WHERE f.document_id = d.document_id)
   OR d.indicator_count <> (SELECT count(*) FROM fact_indicator_target AS t WHERE t.document_id = d.document_id);
-- scoped:
SELECT d.document_id FROM source_document AS d
WHERE d.document_id IN (SELECT document_id FROM chk_doc)
  AND (d.project_count <> (SELECT count(*) FROM fact_project_budget AS f WHERE f.document_id = d.document_id)
   OR d.indicator_count <> (SELECT count(*) FROM fact_indicator_target AS t WHERE t.document_id = d.document_id));
-- check: target_kind | 指标值类型取值合法
-- @TARGET_KINDS@ is filled from data/vocabulary/kinds.toml (warehouse/load/checks.py).
SELECT target_key FROM fact_indicator_target
WHERE target_kind IS NOT NULL
  AND target_kind NOT IN (@TARGET_KINDS@);
-- scoped:
SELECT target_key FROM fact_indicator_target
WHERE document_id IN (SELECT document_id FROM chk_doc)
  AND target_kind IS NOT NULL
  AND target_kind NOT IN (@TARGET_KINDS@);

-- check: target_fields | 指标新字段取值合法：期限为年度/长期；完成时限仅用于 deadline 类型；期间起止仅用于 period 类型且起不晚于止
SELECT target_key FROM fact_indicator_target
WHERE horizon IS NULL OR horizon NOT IN (@HORIZONS@)
   OR (deadline IS NOT NULL AND target_kind IS DISTINCT FROM 'deadline')
   OR ((period_start IS NOT NULL OR period_end IS NOT NULL)
       AND target_kind IS DISTINCT FROM 'period')
   OR period_start > period_end;
-- scoped:
SELECT target_key FROM fact_indicator_target
WHERE document_id IN (SELECT document_id FROM chk_doc)
  AND (horizon IS NULL OR horizon NOT IN (@HORIZONS@)
   OR (deadline IS NOT NULL AND target_kind IS DISTINCT FROM 'deadline')
   OR ((period_start IS NOT NULL OR period_end IS NOT NULL)
       AND target_kind IS DISTINCT FROM 'period')
   OR period_start > period_end);

-- check: mart_rows | 汇总表（mart_*）的每文件行数与事实表一致（载入时已刷新）
SELECT 'mart_project_budget' AS mart, coalesce(f.document_id, m.document_id) AS document_id,
       f.n AS facts, m.n AS mart_rows
FROM (SELECT document_id, count(*) AS n FROM fact_project_budget GROUP BY ALL) AS f
FULL JOIN (SELECT document_id, count(*) AS n FROM mart_project_budget GROUP BY ALL) AS m
  ON m.document_id = f.document_id
WHERE f.n IS DISTINCT FROM m.n
UNION ALL
SELECT 'mart_indicator_target', coalesce(f.document_id, m.document_id), f.n, m.n
FROM (SELECT document_id, count(*) AS n FROM fact_indicator_target GROUP BY ALL) AS f
FULL JOIN (SELECT document_id, count(*) AS n FROM mart_indicator_target GROUP BY ALL) AS m
  ON m.document_id = f.document_id
WHERE f.n IS DISTINCT FROM m.n;
-- scoped:
SELECT 'mart_project_budget' AS mart, coalesce(f.document_id, m.document_id) AS document_id,
       f.n AS facts, m.n AS mart_rows
FROM (SELECT document_id, count(*) AS n FROM fact_project_budget
      WHERE document_id IN (SELECT document_id FROM chk_doc) GROUP BY ALL) AS f
FULL JOIN (SELECT document_id, count(*) AS n FROM mart_project_budget
           WHERE document_id IN (SELECT document_id FROM chk_doc) GROUP BY ALL) AS m
  ON m.document_id = f.document_id
WHERE f.n IS DISTINCT FROM m.n
UNION ALL
SELECT 'mart_indicator_target', coalesce(f.document_id, m.document_id), f.n, m.n
FROM (SELECT document_id, count(*) AS n FROM fact_indicator_target
      WHERE document_id IN (SELECT document_id FROM chk_doc) GROUP BY ALL) AS f
FULL JOIN (SELECT document_id, count(*) AS n FROM mart_indicator_target
           WHERE document_id IN (SELECT document_id FROM chk_doc) GROUP BY ALL) AS m
  ON m.document_id = f.document_id
WHERE f.n IS DISTINCT FROM m.n;
