"""The goal review's marts: what the 目标审核 page ranks, counts and filters, one table scan
away (a national decade has 2.9 million reviewed projects and 34 million findings).

- ``mart_review_project``: one row per reviewed project with its year, township, unit,
  name, budget, grade, score and how many findings of each severity it has;
- ``mart_review_rule``: findings and projects per document, rule and severity (a project
  belongs to one document, so summing ``projects`` over documents counts each once);
- ``mart_review_finding``: every finding with its project's township and the indicator row
  it is about (二级指标, printed target, description), laid out by township so that the
  findings of a page's projects are read from a few row groups, not picked out of the
  whole findings table (34 million rows nationally).

All three are refreshed with the other marts (warehouse/schema/marts.py ``refresh``): fully, or
for the documents a load wrote, every document of a unit it upserted, and the documents
whose cross-unit findings the review rewrote (``rewritten_documents``).
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from etl.vocabulary import severity_keys, sql_list
from warehouse.dbutil import scalar

PROJECT_TABLE = "mart_review_project"
RULE_TABLE = "mart_review_rule"
FINDING_TABLE = "mart_review_finding"
TABLES = (PROJECT_TABLE, RULE_TABLE, FINDING_TABLE)
# The budget figures a money finding is shown with (the expanders read them from the mart).
BUDGET_FIGURES = (
    "budget_total_yuan",
    "fiscal_funds_yuan",
    "other_funds_yuan",
    "plan_q1_pct",
    "plan_q2_pct",
    "plan_q3_pct",
    "plan_q4_pct",
)


def per_severity(aggregate: str) -> str:
    """One column per severity (serious, normal, remarks: the vocabulary's keys), each
    ``aggregate`` over that severity's rows, e.g. ``COUNT(*)`` or ``SUM(n)``."""
    return ", ".join(
        f"{aggregate} FILTER (WHERE severity = {sql_list([word])}) AS {key}"
        for key, word in severity_keys().items()
    )


# Findings per severity over finding rows (the dashboard's per-project counts use it too).
SEVERITY_COUNTS = per_severity("COUNT(*)")

COUNTS = "_review_counts"  # temporary: findings per project, rule and severity (one scan)
_COUNTS_SELECT = f"""
CREATE OR REPLACE TEMP TABLE {COUNTS} AS
SELECT project_key, rule_id, severity, COUNT(*) AS n
FROM goal_review_finding WHERE {{scope}}
GROUP BY ALL
"""
_PER_SEVERITY = per_severity("SUM(n)")

# {scope}: a condition on document_id (FALSE to create the empty tables).
_PROJECT_SELECT = f"""
WITH m AS (
    SELECT fiscal_year, township, unit_name, project_code, project_name,
           {", ".join(BUDGET_FIGURES)}, source_file, source_line, project_key, document_id,
           unit_key
    FROM mart_project_budget WHERE {{scope}}
),
c AS (SELECT project_key, SUM(n) AS findings, {_PER_SEVERITY} FROM {COUNTS} GROUP BY project_key)
SELECT m.fiscal_year, m.township, m.unit_name, m.project_code, m.project_name, g.grade,
       g.score, coalesce(c.findings, 0)::BIGINT AS findings,
       {", ".join(f"coalesce(c.{key}, 0)::BIGINT AS {key}" for key in severity_keys())},
       {", ".join(f"m.{column}" for column in BUDGET_FIGURES)}, m.source_file, m.source_line,
       m.project_key, m.document_id, m.unit_key
FROM m
JOIN goal_review_project AS g ON g.project_key = m.project_key
LEFT JOIN c ON c.project_key = m.project_key
"""

# projects per document, rule and severity: one row of the counts per project
_RULE_SELECT = f"""
WITH m AS (
    SELECT p.project_key, p.document_id, p.fiscal_year, p.township
    FROM (SELECT * FROM mart_project_budget WHERE {{scope}}) AS p
    JOIN goal_review_project AS g ON g.project_key = p.project_key
)
SELECT m.fiscal_year, m.township, m.document_id, c.rule_id, c.severity,
       SUM(c.n)::BIGINT AS findings, COUNT(*) AS projects
FROM {COUNTS} AS c
JOIN m ON m.project_key = c.project_key
GROUP BY ALL
"""

# every finding with its project's township and the indicator row it points at
_FINDING_SELECT = """
WITH r AS (SELECT * FROM goal_review_finding WHERE {scope}),
p AS (SELECT project_key, township FROM mart_project_budget WHERE {scope}),
t AS (
    SELECT project_key, ordinal, indicator_key, target_raw, description
    FROM fact_indicator_target WHERE {scope} AND scope = 'project'
)
SELECT p.township, r.project_key, r.document_id, r.ordinal, r.rule_id, r.severity, r.message,
       r.hint, r.indicator_index, r.indicator_name, r.source_line, i.level2, t.target_raw,
       t.description
FROM r
JOIN p ON p.project_key = r.project_key
LEFT JOIN t ON t.project_key = r.project_key AND t.ordinal = r.indicator_index + 1
LEFT JOIN dim_indicator AS i ON i.indicator_key = t.indicator_key
"""

_SELECTS = {
    PROJECT_TABLE: _PROJECT_SELECT,
    RULE_TABLE: _RULE_SELECT,
    FINDING_TABLE: _FINDING_SELECT,
}
_SCOPE = "document_id IN (SELECT unnest($docs::BIGINT[]))"
# A full rebuild lies in (year, township) order: a year or township filter skips row groups.
# The findings lie by township: a page's projects come from a few townships (the finding
# list runs in township order) or are few (the expanders), and a lookup names their
# townships (dashboard/data/goal_review.py ``finding_rows``). An incremental refresh appends
# its rows in the same order, so they form runs of their own that a lookup can still skip;
# the next full rebuild merges them into place.
_ORDER = {
    PROJECT_TABLE: " ORDER BY fiscal_year, township",
    RULE_TABLE: " ORDER BY fiscal_year, township",
    FINDING_TABLE: " ORDER BY township NULLS LAST, project_key",
}


FINDINGS_PER_PASS = 2_000_000  # findings the findings mart orders in one statement


def _township_passes(
    con: duckdb.DuckDBPyConnection, scope: str, params: dict[str, list[int]]
) -> list[tuple[str, dict[str, str]]]:
    """Conditions on ``township`` that split writing the findings of ``scope`` into
    statements of about FINDINGS_PER_PASS findings, in township order, unknown last. One
    ORDER BY over a national decade's 34 million findings spilled 15 GB at a 1 GB limit;
    ranges of townships sort within it, and appended in order they give the same layout."""
    total = int(scalar(con, f"SELECT count(*) FROM goal_review_finding WHERE {scope}", params) or 0)
    passes = -(-total // FINDINGS_PER_PASS)
    if passes <= 1:
        return [("TRUE", {})]
    towns = con.execute(
        f"SELECT township, count(*) FROM mart_project_budget WHERE township IS NOT NULL "
        f"AND {scope} GROUP BY 1 ORDER BY 1",
        params,
    ).fetchall()
    share = sum(n for _, n in towns) / passes  # projects per pass, as the findings' proxy
    bounds: list[str] = []
    seen = 0
    for town, projects in towns:
        if len(bounds) < passes - 1 and seen >= share * (len(bounds) + 1):
            bounds.append(town)
        seen += projects
    edges: list[str | None] = [None, *bounds, None]
    conditions = []
    for low, high in zip(edges, edges[1:], strict=False):
        parts, values = ["township IS NOT NULL"], {}
        if low is not None:
            parts.append("township >= $low")
            values["low"] = low
        if high is not None:
            parts.append("township < $high")
            values["high"] = high
        conditions.append((" AND ".join(parts), values))
    return [*conditions, ("township IS NULL", {})]


def digest_text() -> str:
    """What defines the tables (part of the marts digest: a change rebuilds them)."""
    return _COUNTS_SELECT + "".join(_SELECTS.values())


def create(con: duckdb.DuckDBPyConnection) -> None:
    """Empty tables, their columns derived from their SELECT."""
    con.execute(_COUNTS_SELECT.format(scope="FALSE"))
    for table, select in _SELECTS.items():
        con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute(f"CREATE TABLE {table} AS {select.format(scope='FALSE')}")
    con.execute(f"DROP TABLE {COUNTS}")


def refresh(
    con: duckdb.DuckDBPyConnection,
    documents: Iterable[int] | None = None,
    units: Iterable[int] = (),
) -> None:
    """Rebuild both tables (``documents=None``) or the rows of these documents, of every
    document of these units and of the documents the last cross-unit review rewrote. Runs
    after mart_project_budget is current, inside the caller's transaction. The findings are
    read once (counted per project, rule and severity), not once per table."""
    params: dict[str, list[int]] = {}
    scope = "TRUE"
    if documents is not None:
        from warehouse.review import rewritten_documents  # the review imports the schema

        docs = {int(d) for d in documents} | rewritten_documents(con)
        unit_keys = sorted({int(u) for u in units})
        if unit_keys:  # every document of an upserted unit: its township may have moved
            docs.update(
                int(d)
                for (d,) in con.execute(
                    "SELECT document_id FROM source_document "
                    "WHERE unit_key IN (SELECT unnest(?::BIGINT[]))",
                    [unit_keys],
                ).fetchall()
            )
        if not docs:
            return
        params, scope = {"docs": sorted(docs)}, _SCOPE
    con.execute(_COUNTS_SELECT.format(scope=scope), params)
    try:
        for table, select in _SELECTS.items():
            con.execute(f"DELETE FROM {table} WHERE {scope}", params)
            passes = (
                _township_passes(con, scope, params) if table == FINDING_TABLE else [("TRUE", {})]
            )
            for condition, values in passes:
                con.execute(
                    f"INSERT INTO {table} BY NAME SELECT * FROM "
                    f"({select.format(scope=scope)}) WHERE {condition}{_ORDER[table]}",
                    {**params, **values},
                )
    finally:
        con.execute(f"DROP TABLE IF EXISTS {COUNTS}")
