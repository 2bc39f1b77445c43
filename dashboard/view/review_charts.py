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
from dashboard.view import chart_theme
from etl.review.catalog import RULES

chart_theme.ensure_theme()

Runner = Callable[[str, list | None], pd.DataFrame]
GRADES = ["优", "良", "中", "差"]
GRADE_COLOURS = ["#2e7d32", "#1e88e5", "#f9a825", "#c62828"]
SEVERITIES = ["严重", "一般", "提示"]
SEVERITY_COLOURS = ["#c62828", "#f9a825", "#90a4ae"]
TOWNSHIP = f"COALESCE(township, '{UNKNOWN_TOWNSHIP}')"
_GRADE_RANK = "CASE grade WHEN '优' THEN 1 WHEN '良' THEN 2 WHEN '中' THEN 3 ELSE 4 END"
_SEVERITY_RANK = "CASE severity WHEN '严重' THEN 1 WHEN '一般' THEN 2 ELSE 3 END"


def rule_title(rule_id: str | None) -> str:
    rule = RULES.get(rule_id or "")
    return f"{rule_id} {rule.title}" if rule else (rule_id or "")


def grade_by_township(run: Runner, f: Filters) -> pd.DataFrame:
    """township, grade, projects: how many projects of each township got each grade."""
    where, params = f.where(category=False)
    return run(
        f"""
        SELECT {TOWNSHIP} AS township, grade, COUNT(DISTINCT project_key) AS projects
        FROM v_goal_review WHERE {where}
        GROUP BY 1, 2 ORDER BY 1, {_GRADE_RANK}
        """,
        params,
    )


def frequent_findings(run: Runner, f: Filters, limit: int = 20) -> pd.DataFrame:
    """rule_id, title, severity, findings, projects: the most frequent findings."""
    where, params = f.where(category=False)
    frame = run(
        f"""
        SELECT rule_id, severity, COUNT(*) AS findings, COUNT(DISTINCT project_key) AS projects
        FROM v_goal_review WHERE rule_id IS NOT NULL AND {where}
        GROUP BY 1, 2 ORDER BY findings DESC, rule_id, {_SEVERITY_RANK} LIMIT {int(limit)}
        """,
        params,
    )
    frame.insert(1, "title", [rule_title(r) for r in frame["rule_id"]])
    return frame


def project_grades(run: Runner, f: Filters) -> pd.DataFrame:
    """One row per project: grade and how many findings of each severity."""
    where, params = f.where(category=False)
    return run(
        f"""
        SELECT fiscal_year, {TOWNSHIP} AS township, unit_name, project_code, project_name, grade,
               COUNT(rule_id) AS findings,
               COUNT(*) FILTER (WHERE severity = '严重') AS serious,
               COUNT(*) FILTER (WHERE severity = '一般') AS normal,
               COUNT(*) FILTER (WHERE severity = '提示') AS remarks,
               any_value(source_file) AS source_file, project_key
        FROM v_goal_review WHERE {where}
        GROUP BY fiscal_year, township, unit_name, project_code, project_name, grade, project_key
        ORDER BY {_GRADE_RANK} DESC, serious DESC, findings DESC, township, project_name
        """,
        params,
    )


def finding_list(run: Runner, f: Filters, grades: list[str] | None = None) -> pd.DataFrame:
    """Every finding with its fix hint and source line, worst projects first."""
    where, params = f.where(category=False)
    if grades:
        where += f" AND grade IN ({', '.join('?' for _ in grades)})"
        params = [*params, *grades]
    frame = run(
        f"""
        SELECT fiscal_year, {TOWNSHIP} AS township, unit_name, project_code, project_name, grade,
               rule_id, severity, message, hint, source_file, source_line, project_key
        FROM v_goal_review WHERE {where}
        ORDER BY {_GRADE_RANK} DESC, township, unit_name, project_name, project_key,
                 {_SEVERITY_RANK}, source_line
        """,
        params,
    )
    frame.insert(
        frame.columns.get_loc("rule_id") + 1,
        "rule_title",
        [rule_title(r) if r else "" for r in frame["rule_id"]],
    )
    return frame


def grade_distribution_chart(frame: pd.DataFrame) -> alt.Chart:
    """Stacked horizontal bars: projects per township split by grade, 优 to 差."""
    data = frame.copy()
    data["order"] = data["grade"].map({g: i for i, g in enumerate(GRADES)})
    return (
        alt.Chart(data, title="各乡镇项目审核等级分布")
        .mark_bar()
        .encode(
            y=alt.Y("township:N", title="乡镇", sort="-x"),
            x=alt.X(
                "projects:Q",
                title="项目数",
                stack="zero",
                axis=alt.Axis(format="d", tickMinStep=1),  # counts: no 0.2 ticks
            ),
            color=alt.Color(
                "grade:N",
                title="审核等级",
                scale=alt.Scale(domain=GRADES, range=GRADE_COLOURS),
                sort=GRADES,
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("township:N", title="乡镇"),
                alt.Tooltip("grade:N", title="等级"),
                alt.Tooltip("projects:Q", title="项目数"),
            ],
        )
    )


def frequent_findings_chart(frame: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of the most frequent rules, coloured by severity."""
    return (
        alt.Chart(frame, title="最常见的问题")
        .mark_bar()
        .encode(
            y=alt.Y("title:N", title="审核规则", sort="-x"),
            x=alt.X("findings:Q", title="问题条数", axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color(
                "severity:N",
                title="严重程度",
                scale=alt.Scale(domain=SEVERITIES, range=SEVERITY_COLOURS),
            ),
            tooltip=[
                alt.Tooltip("title:N", title="规则"),
                alt.Tooltip("severity:N", title="严重程度"),
                alt.Tooltip("findings:Q", title="问题条数"),
                alt.Tooltip("projects:Q", title="涉及项目数"),
            ],
        )
    )


PROJECT_COLUMNS = {
    "fiscal_year": "年度",
    "township": "乡镇",
    "unit_name": "单位",
    "project_code": "项目编码",
    "project_name": "项目名称",
    "grade": "审核等级",
    "findings": "问题数",
    "serious": "严重",
    "normal": "一般",
    "remarks": "提示",
    "source_file": "来源文件",
}
FINDING_COLUMNS = {
    "fiscal_year": "年度",
    "township": "乡镇",
    "unit_name": "单位",
    "project_code": "项目编码",
    "project_name": "项目名称",
    "grade": "审核等级",
    "rule_title": "审核规则",
    "severity": "严重程度",
    "message": "问题说明",
    "hint": "修改建议",
    "source_file": "来源文件",
    "source_line": "行号",
}


def for_table(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Chinese headers, internal keys dropped (what users see and download)."""
    present = [c for c in columns if c in frame.columns]
    return frame[present].rename(columns=columns)
