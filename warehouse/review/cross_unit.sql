-- Goal review, set-based part (warehouse/load/review_sql.py runs it after each load).
-- The per-project rules run on each document's record (etl/review); what only the warehouse
-- can see — the same indicator with the same target in several units of one fiscal year —
-- is found here, over the facts. Findings are added to goal_review_finding with
-- ordinal >= 10000 (so a rerun can replace exactly them) and rule_id R21; they are 提示
-- and do not change grades: a unit's grade must not depend on what other units loaded.
-- Placeholders: {years} = fiscal years to recompute, {min_units} = units that must share it,
-- {severity} = the severity, {offset} = first ordinal.

DELETE FROM goal_review_finding
WHERE ordinal >= {offset}
  AND project_key IN (SELECT project_key FROM fact_project_budget WHERE fiscal_year IN ({years}));

INSERT INTO goal_review_finding BY NAME
WITH facts AS (  -- the keys are computed once per distinct name and target text, not per row
    SELECT
        t.project_key, t.document_id, t.unit_key, t.fiscal_year, t.ordinal, t.source_line,
        i.indicator_name, t.target_raw, i.name_key
    FROM fact_indicator_target AS t
    JOIN (SELECT indicator_key, indicator_name,
                 regexp_replace(lower(indicator_name), '[\s[:punct:]（）【】《》，。、：；“”‘’！？·—…]+', '', 'g')
                     AS name_key
          FROM dim_indicator
          WHERE coalesce(level1, '') <> '满意度指标'
            AND length(coalesce(indicator_name, '')) >= 2) AS i
      ON i.indicator_key = t.indicator_key
    WHERE t.scope = 'project'
      AND t.fiscal_year IN ({years})
      AND coalesce(t.target_kind, '') <> 'deadline'
      AND coalesce(trim(t.target_raw), '') <> ''
),
targets AS (
    SELECT target_raw,
           replace(regexp_replace(lower(target_raw), '[\s（）【】《》，。、：；“”‘’！？·—…]+', '', 'g'),
                   '百分比', '%') AS target_key
    FROM (SELECT DISTINCT target_raw FROM facts)
),
rows AS (
    SELECT f.*, k.target_key FROM facts AS f JOIN targets AS k USING (target_raw)
),
shared AS (
    SELECT fiscal_year, name_key, target_key, count(DISTINCT unit_key) AS units
    FROM rows
    GROUP BY ALL
    HAVING count(DISTINCT unit_key) >= {min_units}
),
hits AS (
    SELECT r.*, s.units,
           row_number() OVER (PARTITION BY r.project_key, r.name_key, r.target_key
                              ORDER BY r.ordinal) AS nth
    FROM rows AS r
    JOIN shared AS s USING (fiscal_year, name_key, target_key)
),
numbered AS (
    SELECT *, {offset} - 1 + row_number() OVER (PARTITION BY project_key ORDER BY ordinal)
              AS finding_ordinal
    FROM hits
    WHERE nth = 1
)
SELECT
    (md5_number(concat_ws('|', 'finding_cross', project_key, finding_ordinal)) >> 65)::BIGINT
        AS finding_key,
    project_key,
    document_id,
    finding_ordinal AS ordinal,
    'R21' AS rule_id,
    '{severity}' AS severity,
    concat('指标「', indicator_name, '」＝「', target_raw, '」在', fiscal_year, '年度的', units,
           '个单位中完全相同，疑似跨单位套用同一模板') AS message,
    '{hint}' AS hint,
    ordinal - 1 AS indicator_index,
    indicator_name,
    source_line
FROM numbered;
