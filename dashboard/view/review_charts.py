"""Queries and charts of the 目标审核 page, kept free of streamlit so they can be tested.

Every query reads the documented view ``v_goal_review`` (one row per finding; a project
without findings has one row with rule_id NULL) through a *runner*
``run(sql, params) -> DataFrame`` (the page passes ``dashboard.data.db.run_query``).
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from dashboard.data.filter_model import UNKNOWN_TOWNSHIP, Filters
from dashboard.data.goal_review import (
    REVIEWED_PROJECTS,
    SEVERITY_COUNTS,
    SEVERITY_RANK,
    finding_rows,
    rule_titles,
)
from dashboard.data.township_fold import MAX_TOWNSHIPS, RANK, fold_townships
from dashboard.view import chart_theme
from dashboard.view.charts import named_only
from dashboard.view.labels import label, labels
from etl.vocabulary import grades, severity_keys, sql_list
from warehouse.schema.review_mart import RULE_TABLE

chart_theme.ensure_theme()

Runner = Callable[[str, list | None], pd.DataFrame]
# Grades and severities: one vocabulary (data/vocabulary/, etl/vocabulary.py), best/worst first.
GRADES = list(grades())
GRADE_COLOURS = ["#2e7d32", "#1e88e5", "#f9a825", "#c62828"]
SEVERITY_HEADERS = dict(severity_keys())  # count column (serious, …) → 严重, …
SEVERITIES = list(SEVERITY_HEADERS.values())
SEVERITY_COLOURS = ["#c62828", "#f9a825", "#90a4ae"]
TOWNSHIP = f"COALESCE(township, '{UNKNOWN_TOWNSHIP}')"


def _rank(column: str, values: list[str]) -> str:
    """SQL rank of a vocabulary value in its order (unknown values last)."""
    cases = " ".join(f"WHEN {sql_list([v])} THEN {i}" for i, v in enumerate(values, 1))
    return f"CASE {column} {cases} ELSE {len(values) + 1} END"


_GRADE_RANK = _rank("grade", GRADES)
_SEVERITY_RANK = _rank("severity", SEVERITIES)


def rule_title(rule_id: str | None, titles: dict[str, str]) -> str:
    """ "R01 一级指标缺失" from the warehouse's rule catalogue, else the bare rule id."""
    return titles.get(rule_id or "", rule_id or "")


def grade_by_township(run: Runner, f: Filters, limit: int | None = MAX_TOWNSHIPS) -> pd.DataFrame:
    """township, grade, projects: how many projects of each township got each grade. Past
    ``limit`` townships (ranked by projects) the rest fold into one 其他 row
    (dashboard/data/township_fold.py); counted from the one-row-per-project review table,
    not the one-row-per-finding view."""
    where, params = f.where(alias="v", category=False)
    folded, params = fold_townships(
        f"FROM {REVIEWED_PROJECTS} AS v WHERE {where}",
        params,
        township=f"COALESCE(v.township, '{UNKNOWN_TOWNSHIP}')",
        keys={"grade": "v.grade"},
        sums={"projects": "COUNT(*)"},
        rank="COUNT(*)",
        limit=limit,
    )
    return run(
        f"SELECT * FROM ({folded}) WHERE grade IS NOT NULL ORDER BY {RANK}, {_GRADE_RANK}",
        params,
    )


def frequent_findings(run: Runner, f: Filters, limit: int = 20) -> pd.DataFrame:
    """rule_id, title, severity, findings, projects: the most frequent findings, summed from
    the per-document rule counts (warehouse/schema/review_mart.py: a project lies in one
    document, so the projects add up), not counted on 34M findings."""
    where, params = f.where(alias="v", category=False)
    frame = run(
        f"""
        SELECT rule_id, severity, SUM(findings)::BIGINT AS findings,
               SUM(projects)::BIGINT AS projects
        FROM {RULE_TABLE} AS v WHERE {where}
        GROUP BY 1, 2 ORDER BY findings DESC, rule_id, {_SEVERITY_RANK} LIMIT {int(limit)}
        """,
        params,
    )
    titles = rule_titles(run)
    frame.insert(1, "title", [rule_title(r, titles) for r in frame["rule_id"]])
    return frame


def project_grades(run: Runner, f: Filters) -> pd.DataFrame:
    """One row per project: grade and how many findings of each severity."""
    where, params = f.where(category=False)
    return run(
        f"""
        SELECT fiscal_year, {TOWNSHIP} AS township, unit_name, project_code, project_name, grade,
               COUNT(rule_id) AS findings,
               {SEVERITY_COUNTS},
               any_value(source_file) AS source_file, project_key
        FROM v_goal_review WHERE {where}
        GROUP BY fiscal_year, township, unit_name, project_code, project_name, grade, project_key
        ORDER BY {_GRADE_RANK} DESC, serious DESC, findings DESC, township, project_name
        """,
        params,
    )


FINDING_ROWS = 2_000  # findings the page lists; its download takes the whole list


def finding_list(
    run: Runner, f: Filters, grades: list[str] | None = None, limit: int | None = None
) -> pd.DataFrame:
    """Every finding with its fix hint and source line, worst projects first (the first
    ``limit`` when given: a national selection has tens of millions).

    The projects come first, in list order, from the review mart, and only as many as
    fill ``limit`` rows (a project gives one row per finding, or one without findings);
    then their findings are read from the findings mart by township (``finding_rows``).
    Reading the findings of every project of the selection to sort them took 15 s
    nationally; joining the chosen projects to the 34M findings, 1.6 s."""
    where, params = f.where(alias="v", category=False)
    if grades:
        where += f" AND grade IN ({', '.join('?' for _ in grades)})"
        params = [*params, *grades]
    project_order = f"{_GRADE_RANK} DESC, {TOWNSHIP}, unit_name, project_name, project_key"
    chosen = f"SELECT * FROM {REVIEWED_PROJECTS} AS v WHERE {where}"
    if limit is not None:
        chosen = f"""
            SELECT * FROM (
                SELECT *, sum(greatest(findings, 1)) OVER (
                           ORDER BY {project_order} ROWS UNBOUNDED PRECEDING) AS upto
                FROM ({chosen} ORDER BY {project_order} LIMIT {int(limit)})
            ) WHERE upto - greatest(findings, 1) < {int(limit)}"""
    projects = run(
        f"""
        SELECT fiscal_year, {TOWNSHIP} AS township, unit_name, project_code, project_name,
               grade, source_file, source_line, project_key, township AS stored_township
        FROM ({chosen}) ORDER BY {project_order}
        """,
        params,
    )
    found = finding_rows(
        run, projects["project_key"].tolist(), projects["stored_township"].tolist()
    )
    found = found[["project_key", "rule_id", "severity", "message", "hint", "source_line"]]
    frame = projects.drop(columns=["stored_township"]).assign(position=range(len(projects)))
    frame = frame.merge(found, on="project_key", how="left", suffixes=("_project", ""))
    frame["source_line"] = frame["source_line"].fillna(frame["source_line_project"]).astype("Int64")
    frame["severity_rank"] = [SEVERITY_RANK.get(s, len(SEVERITY_RANK)) for s in frame["severity"]]
    frame = frame.sort_values(
        ["position", "severity_rank", "source_line", "rule_id", "message"],
        kind="stable",
        na_position="last",
    )
    if limit is not None:
        frame = frame.head(int(limit))
    titles = rule_titles(run)
    frame["rule_title"] = [
        rule_title(r, titles) if isinstance(r, str) and r else "" for r in frame["rule_id"]
    ]
    # what the page shows and downloads (FINDING_COLUMNS), then the keys it links by
    return frame[[*FINDING_COLUMNS, "rule_id", "project_key"]].reset_index(drop=True)


def grade_distribution_chart(frame: pd.DataFrame) -> alt.Chart:
    """Stacked horizontal bars: projects per township split by grade, 优 to 差. The 其他 row
    of folded townships is left out (it would dwarf the rest; the page's caption counts
    it)."""
    data, note = named_only(frame)
    data = data.copy()
    data["order"] = data["grade"].map({g: i for i, g in enumerate(GRADES)})
    return (
        alt.Chart(
            data,
            title=alt.TitleParams("各乡镇项目审核等级分布", subtitle=note.lstrip("；") or ""),
        )
        .mark_bar()
        .encode(
            y=alt.Y("township:N", title=label("township"), sort="-x"),
            x=alt.X(
                "projects:Q",
                title=label("projects"),
                stack="zero",
                axis=alt.Axis(format="d", tickMinStep=1),  # counts: no 0.2 ticks
            ),
            color=alt.Color(
                "grade:N",
                title=label("grade"),
                scale=alt.Scale(domain=GRADES, range=GRADE_COLOURS),
                sort=GRADES,
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("township:N", title=label("township")),
                alt.Tooltip("grade:N", title=label("grade")),
                alt.Tooltip("projects:Q", title=label("projects")),
            ],
        )
    )


def frequent_findings_chart(frame: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of the most frequent rules, coloured by severity."""
    return (
        alt.Chart(frame, title="最常见的问题")
        .mark_bar()
        .encode(
            y=alt.Y("title:N", title=label("title"), sort="-x"),
            x=alt.X(
                "findings:Q", title=label("findings"), axis=alt.Axis(format="d", tickMinStep=1)
            ),
            color=alt.Color(
                "severity:N",
                title=label("severity"),
                scale=alt.Scale(domain=SEVERITIES, range=SEVERITY_COLOURS),
            ),
            tooltip=[
                alt.Tooltip("title:N", title=label("title")),
                alt.Tooltip("severity:N", title=label("severity")),
                alt.Tooltip("findings:Q", title=label("findings")),
                alt.Tooltip("projects:Q", title=label("projects")),
            ],
        )
    )


PROJECT_COLUMNS = (
    labels(
        "fiscal_year",
        "township",
        "unit_name",
        "project_code",
        "project_name",
        "grade",
        "findings",
    )
    | SEVERITY_HEADERS
    | labels("source_file")
)
FINDING_COLUMNS = labels(
    "fiscal_year",
    "township",
    "unit_name",
    "project_code",
    "project_name",
    "grade",
    "rule_title",
    "severity",
    "message",
    "hint",
    "source_file",
    "source_line",
)


def for_table(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Chinese headers, internal keys dropped (what users see and download)."""
    present = [c for c in columns if c in frame.columns]
    return frame[present].rename(columns=columns)
