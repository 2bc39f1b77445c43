-- Goal review, set-based part (warehouse/load/review_sql.py runs it after each load).
-- The per-project rules run on each document's record (etl/review); what only the warehouse
-- can see — the same indicator with the same target in several units of one fiscal year —
-- is found here, over the facts. Findings are added to goal_review_finding with
-- ordinal >= 10000 (so a rerun can replace exactly them) and rule_id R21; they are 提示
-- and do not change grades: a unit's grade must not depend on what other units loaded.
-- Placeholders (in braces below; Python fills them): years = fiscal years to recompute,
-- min_units = units that must share it, severity, hint, offset = first ordinal, enabled =
-- false when R21 is off (every copy goes), same_row = o and n equal in every column,
-- projects =
-- the statement filling cu_projects, the projects whose copies are recomputed: every
-- project of those years, or
-- (a small reload, warehouse/review/__init__.py cross_unit) only the projects with a row in
-- a group a touched document's rows are in now or were in before the load. A project in no
-- such group keeps its rows, and every group it is in keeps its units: its copies stand.

CREATE OR REPLACE TEMP MACRO cu_name_key(x) AS
    regexp_replace(lower(x), '[\s[:punct:]（）【】《》，。、：；“”‘’！？·—…]+', '', 'g');
CREATE OR REPLACE TEMP MACRO cu_target_key(x) AS
    replace(regexp_replace(lower(x), '[\s（）【】《》，。、：；“”‘’！？·—…]+', '', 'g'),
            '百分比', '%');

CREATE OR REPLACE TEMP TABLE cu_rows AS  -- every row that can be a copy, with its text keys
WITH facts AS (  -- the keys are computed once per distinct name and target text, not per row
    SELECT
        t.project_key, t.document_id, t.unit_key, t.fiscal_year, t.ordinal, t.source_line,
        i.indicator_name, t.target_raw, i.name_key
    FROM fact_indicator_target AS t
    JOIN (SELECT indicator_key, indicator_name, cu_name_key(indicator_name) AS name_key
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
    SELECT target_raw, cu_target_key(target_raw) AS target_key
    FROM (SELECT DISTINCT target_raw FROM facts)
)
SELECT f.*, k.target_key FROM facts AS f JOIN targets AS k USING (target_raw);

{projects}

-- the copies as they are now, and as they must be (same columns, same order)
CREATE OR REPLACE TEMP TABLE cu_old AS
SELECT * FROM goal_review_finding
WHERE ordinal >= {offset} AND project_key IN (SELECT project_key FROM cu_projects);
CREATE OR REPLACE TEMP TABLE cu_new AS SELECT * FROM goal_review_finding LIMIT 0;

INSERT INTO cu_new BY NAME
WITH shared AS (
    SELECT fiscal_year, name_key, target_key, count(DISTINCT unit_key) AS units
    FROM cu_rows
    GROUP BY ALL
    HAVING count(DISTINCT unit_key) >= {min_units}
),
hits AS (
    SELECT r.*, s.units,
           row_number() OVER (PARTITION BY r.project_key, r.name_key, r.target_key
                              ORDER BY r.ordinal) AS nth
    FROM cu_rows AS r
    JOIN shared AS s USING (fiscal_year, name_key, target_key)
    WHERE r.project_key IN (SELECT project_key FROM cu_projects) AND {enabled}
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

-- Only rows that differ are deleted and written (a reload of one document rarely changes
-- another unit's copies, but its groups span most projects of the year): fewer writes,
-- a smaller checkpoint, and cu_rewritten names the documents whose rows really changed.
CREATE OR REPLACE TEMP TABLE cu_del AS
SELECT o.* FROM cu_old AS o ANTI JOIN cu_new AS n ON {same_row};
CREATE OR REPLACE TEMP TABLE cu_ins AS
SELECT n.* FROM cu_new AS n ANTI JOIN cu_old AS o ON {same_row};
DELETE FROM goal_review_finding
WHERE ordinal >= {offset} AND finding_key IN (SELECT finding_key FROM cu_del);
INSERT INTO goal_review_finding SELECT * FROM cu_ins;
CREATE OR REPLACE TEMP TABLE cu_rewritten AS
SELECT document_id FROM cu_del UNION SELECT document_id FROM cu_ins;
DROP TABLE cu_old; DROP TABLE cu_new; DROP TABLE cu_del; DROP TABLE cu_ins;
