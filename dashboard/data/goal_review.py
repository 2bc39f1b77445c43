"""The reviewer's worklist behind the 目标审核 page: which projects to send back first, each
finding with the source text it is about, and a link to the project card. Free of
streamlit so it can be tested; every query goes through a runner ``run(sql, params)``."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pandas as pd

from dashboard.data.filter_model import UNKNOWN_TOWNSHIP, Filters
from dashboard.view.formatting import fmt_year
from etl.review.catalog import RULES
from etl.vocabulary import severity_keys, sql_list

Runner = Callable[[str, list | None], pd.DataFrame]
PROJECT_PAGE = "projects"  # url_path of 项目明细 (dashboard/streamlit_app.py)
GRADE_RANK = {"差": 0, "中": 1, "良": 2, "优": 3}
SEVERITY_RANK = {"严重": 0, "一般": 1, "提示": 2}
# Rules about money point at amounts; the source text shows the budget figures as well.
MONEY_RULES = frozenset({"R04", "R05", "R06", "R22", "R26"})


_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:=")


def md_escape(text: object) -> str:
    """Data text made inert for the few widget labels that interpret markdown (expanders):
    every markdown, link, colour and icon character gets a backslash."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text))


def card_link(project_name: str, township: str | None, fiscal_year: float | str | None) -> str:
    """Relative URL of the project's card on 项目明细 (its search box and project choice are
    bound to the query string; the label format is the page's own)."""
    label = f"{project_name} · {township or UNKNOWN_TOWNSHIP} · {fmt_year(fiscal_year)}"
    return f"{PROJECT_PAGE}?q={quote(project_name)}&project={quote(label)}"


WORKLIST_ROWS = 1_000  # projects the page lists; its download takes the whole selection
WORKBOOK_PROJECTS = 5_000  # the reviewer workbook (a sheet per unit) up to this many projects
DOWNLOAD_PROJECTS = 100_000  # the whole ordered list downloads up to this many projects;
# the full finding list (≈ 12 rows a project) up to WORKBOOK_PROJECTS projects

# One row per reviewed project of the selection, with its unit and budget; the filter applies
# to fiscal_year and the raw township (NULL = unknown) as everywhere else.
REVIEWED_PROJECTS = """
    SELECT g.project_key, g.document_id, g.grade, g.score, f.fiscal_year, u.township,
           u.unit_name, f.budget_total_yuan
    FROM goal_review_project AS g
    JOIN fact_project_budget AS f ON f.project_key = g.project_key
    JOIN dim_unit AS u ON u.unit_key = f.unit_key
"""
# Findings per severity, one count column each (serious, normal, remarks: the vocabulary's
# keys), for the worklist and the 目标审核 charts.
SEVERITY_COUNTS = ", ".join(
    f"COUNT(*) FILTER (WHERE severity = {sql_list([word])}) AS {key}"
    for key, word in severity_keys().items()
)
_GRADE_ORDER = (
    "CASE v.grade "
    + " ".join(f"WHEN '{grade}' THEN {rank}" for grade, rank in GRADE_RANK.items())
    + " ELSE 9 END"
)


def worklist(
    run: Runner, f: Filters, *, grades: tuple[str, ...] = (), limit: int | None = None
) -> pd.DataFrame:
    """One row per project, in the order a reviewer sends tables back: refused (差) before
    sent back (中); then serious findings, then the lowest score, then the most money.
    ``rank`` is the place in the whole selection; ``grades`` keeps those grades only and
    ``limit`` the first rows (ranked and cut in SQL: a national selection has millions)."""
    where, params = f.where(alias="v", category=False)
    kept = ""
    if grades:
        kept = f"WHERE grade IN ({', '.join('?' for _ in grades)})"
        params = [*params, *grades]
    cut = f"LIMIT {int(limit)}" if limit is not None else ""
    frame = run(
        f"""
        WITH v AS (SELECT * FROM ({REVIEWED_PROJECTS}) AS v WHERE {where}),
        c AS (
            SELECT project_key, COUNT(*) AS findings, {SEVERITY_COUNTS}
            FROM goal_review_finding
            WHERE project_key IN (SELECT project_key FROM v)
            GROUP BY project_key
        ),
        ranked AS (
            SELECT row_number() OVER (
                       ORDER BY {_GRADE_ORDER}, coalesce(c.serious, 0) DESC,
                                v.score ASC NULLS LAST, coalesce(c.normal, 0) DESC,
                                coalesce(v.budget_total_yuan, 0) DESC,
                                coalesce(v.township, '{UNKNOWN_TOWNSHIP}'), p.project_name,
                                v.project_key
                   ) AS rank,
                   v.fiscal_year, coalesce(v.township, '{UNKNOWN_TOWNSHIP}') AS township,
                   v.unit_name, p.project_code, p.project_name, v.grade, v.score,
                   coalesce(c.findings, 0) AS findings,
                   {", ".join(f"coalesce(c.{k}, 0) AS {k}" for k in severity_keys())},
                   v.budget_total_yuan, d.path AS source_file, v.project_key
            FROM v
            JOIN dim_project AS p ON p.project_key = v.project_key
            JOIN source_document AS d ON d.document_id = v.document_id
            LEFT JOIN c ON c.project_key = v.project_key
        )
        SELECT * FROM ranked {kept} ORDER BY rank {cut}
        """,
        params,
    )
    frame["card"] = [
        card_link(n, t, y)
        for n, t, y in zip(
            frame["project_name"], frame["township"], frame["fiscal_year"], strict=True
        )
    ]
    return frame.reset_index(drop=True)


def grade_counts(run: Runner, f: Filters) -> dict[str, int]:
    """grade → reviewed projects in the selection (the page's headline numbers)."""
    where, params = f.where(alias="v", category=False)
    frame = run(
        f"SELECT v.grade, COUNT(*) AS n FROM ({REVIEWED_PROJECTS}) AS v WHERE {where} GROUP BY 1",
        params,
    )
    return {str(g): int(n) for g, n in zip(frame["grade"], frame["n"], strict=True)}


def findings(run: Runner, project_keys: list[int]) -> pd.DataFrame:
    """The findings of these projects with the row they are about: the indicator (level 2,
    name, printed target) for row findings, the budget figures for money findings."""
    if not project_keys:
        return pd.DataFrame(
            columns=["project_key", "rule_id", "severity", "message", "hint", "source_text"]
        )
    frame = run(
        """
        SELECT r.project_key, r.ordinal, r.rule_id, r.severity, r.message, r.hint,
               r.indicator_name, r.source_line,
               i.level2, t.target_raw, t.description,
               b.budget_total_yuan, b.fiscal_funds_yuan, b.other_funds_yuan,
               b.plan_q1_pct, b.plan_q2_pct, b.plan_q3_pct, b.plan_q4_pct
        FROM goal_review_finding AS r
        LEFT JOIN fact_indicator_target AS t
               ON t.project_key = r.project_key AND t.scope = 'project'
              AND t.ordinal = r.indicator_index + 1
        LEFT JOIN dim_indicator AS i ON i.indicator_key = t.indicator_key
        LEFT JOIN fact_project_budget AS b ON b.project_key = r.project_key
        WHERE r.project_key IN (SELECT unnest(?::BIGINT[]))
        """,
        [[int(k) for k in project_keys]],
    )
    if frame.empty:
        return frame
    frame["rule_title"] = [_title(r) for r in frame["rule_id"]]
    frame["source_text"] = [_source_text(row) for row in frame.itertuples()]
    frame["_sev"] = frame["severity"].map(SEVERITY_RANK).fillna(9)
    frame = frame.sort_values(["project_key", "_sev", "source_line", "ordinal"], kind="stable")
    return frame.drop(columns=["_sev"]).reset_index(drop=True)


def rule_titles(run: Runner) -> dict[str, str]:
    """rule_id → "R01 一级指标缺失", read from the warehouse's rule catalogue (table
    review_rule, written with the schema); empty for a warehouse loaded before that table
    existed (titles then show as the bare rule id until the next load)."""
    present = run(
        "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'review_rule'", None
    )
    if present.empty or not int(present["n"].iloc[0]):
        return {}
    frame = run("SELECT rule_id, title FROM review_rule ORDER BY rule_id", None)
    return {str(r): f"{r} {t}" for r, t in zip(frame["rule_id"], frame["title"], strict=True)}


def _title(rule_id: str | None) -> str:
    rule = RULES.get(rule_id or "")
    return f"{rule_id} {rule.title}" if rule else (rule_id or "")


def _wan(value: float | None) -> str:
    if value is None or value != value:  # NaN
        return "空"
    return f"{float(value) / 10000:,.2f}万元"


def _source_text(row) -> str:
    """What the finding is about, as printed: the goal cell or the amount cell."""
    parts = []
    if isinstance(row.indicator_name, str) and row.indicator_name:
        head = f"［{row.level2}］" if isinstance(row.level2, str) and row.level2 else ""
        target = row.target_raw if isinstance(row.target_raw, str) else ""
        parts.append(f"{head}{row.indicator_name}：{target or '（空）'}")
    if row.rule_id in MONEY_RULES:
        money = (
            f"预算数 {_wan(row.budget_total_yuan)}；财政资金 {_wan(row.fiscal_funds_yuan)}；"
            f"其他资金 {_wan(row.other_funds_yuan)}"
        )
        if row.rule_id in ("R06", "R26"):
            plan = [row.plan_q1_pct, row.plan_q2_pct, row.plan_q3_pct, row.plan_q4_pct]
            shown = "、".join("空" if v is None or v != v else f"{v:g}%" for v in plan)
            money = f"资金支出计划：{shown}"
        parts.append(money)
    return "　".join(parts)
