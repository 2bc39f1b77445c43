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
from etl.vocabulary import grades, severity_keys
from warehouse.schema import review_mart

Runner = Callable[[str, list | None], pd.DataFrame]
PROJECT_PAGE = "projects"  # url_path of 项目明细 (dashboard/streamlit_app.py)
GRADE_RANK = {grade: rank for rank, grade in enumerate(reversed(grades()))}  # 差 first
SEVERITY_RANK = {word: rank for rank, word in enumerate(severity_keys().values())}  # 严重 first
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
TOWNSHIPS_PER_LOOKUP = 32  # townships per findings-mart lookup (``finding_rows``)
LOOKUP_BRANCHES = 8  # at most this many such lookups in one query, else one lookup for all
DETAIL_PROJECTS = 30  # the first projects of the list shown with their findings and source text
WORKBOOK_PROJECTS = 5_000  # the reviewer workbook (a sheet per unit) up to this many projects
DOWNLOAD_PROJECTS = 100_000  # the whole ordered list downloads up to this many projects;
# the full finding list (≈ 12 rows a project) up to WORKBOOK_PROJECTS projects

# One row per reviewed project with its year, township (NULL = unknown), unit, budget, grade,
# score and findings per severity (warehouse/schema/review_mart.py, refreshed with the marts):
# every query of the page is one scan of it, not a join of four tables and 34M findings.
REVIEWED_PROJECTS = review_mart.PROJECT_TABLE
SEVERITY_COUNTS = review_mart.SEVERITY_COUNTS
_GRADE_ORDER = (
    "CASE grade "
    + " ".join(f"WHEN '{grade}' THEN {rank}" for grade, rank in GRADE_RANK.items())
    + " ELSE 9 END"
)
_ORDER = (
    f"{_GRADE_ORDER}, serious DESC, score ASC NULLS LAST, normal DESC, "
    f"coalesce(budget_total_yuan, 0) DESC, coalesce(township, '{UNKNOWN_TOWNSHIP}'), "
    "project_name, project_key"
)


def worklist(
    run: Runner, f: Filters, *, grades: tuple[str, ...] = (), limit: int | None = None
) -> pd.DataFrame:
    """One row per project, in the order a reviewer sends tables back: refused (差) before
    sent back (中); then serious findings, then the lowest score, then the most money.
    ``rank`` is the place in the whole selection; ``grades`` keeps those grades only and
    ``limit`` the first rows. Ranked without numbering the whole selection (a national one
    has millions): the grade comes first in the order, so a project's rank is the count of
    the selection's projects of better-placed grades plus its place within its grade. The
    selection is read twice (grade counts, then a top-N) rather than through one CTE, which
    DuckDB would materialize with every column."""
    where, params = f.where(alias="v", category=False)
    kept = "TRUE"
    if grades:
        kept = f"grade IN ({', '.join('?' for _ in grades)})"
    cut = f"LIMIT {int(limit)}" if limit is not None else ""
    frame = run(
        f"""
        WITH before AS (
            SELECT {_GRADE_ORDER} AS place,
                   coalesce(sum(count(*)) OVER (ORDER BY {_GRADE_ORDER}
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS ahead
            FROM {REVIEWED_PROJECTS} AS v WHERE {where} GROUP BY 1
        ),
        top AS (
            SELECT *, {_GRADE_ORDER} AS place,
                   row_number() OVER (PARTITION BY place ORDER BY {_ORDER}) AS within
            FROM (SELECT * FROM {REVIEWED_PROJECTS} AS v WHERE {where} AND {kept}
                  ORDER BY {_ORDER} {cut})
        )
        SELECT (b.ahead + t.within)::BIGINT AS rank,
               t.fiscal_year, coalesce(t.township, '{UNKNOWN_TOWNSHIP}') AS township,
               t.unit_name, t.project_code, t.project_name, t.grade, t.score, t.findings,
               {", ".join(f"t.{k}" for k in severity_keys())},
               t.budget_total_yuan, t.source_file, t.project_key
        FROM top AS t JOIN before AS b ON b.place = t.place
        ORDER BY rank
        """,
        [*params, *params, *grades],
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
        f"SELECT v.grade, COUNT(*) AS n FROM {REVIEWED_PROJECTS} AS v WHERE {where} GROUP BY 1",
        params,
    )
    return {str(g): int(n) for g, n in zip(frame["grade"], frame["n"], strict=True)}


def finding_rows(run: Runner, project_keys: list[int], townships: list[str | None]) -> pd.DataFrame:
    """The findings of these projects (``townships``: each one's township, NULL = unknown)
    from the findings mart, one row per finding with the indicator row it is about.

    The mart lies in township order, so naming the projects' townships lets the scan skip
    every row group of other townships; the project keys then pick the rows. Projects of an
    unknown township are looked up in the mart's tail (NULLs last) by a second branch: an
    ``IN`` never matches NULL. DuckDB turns a lookup list of up to 50 values into a filter
    the scan checks against each row group's township range (above that, only the list's
    minimum and maximum), so the townships go in chunks of ``TOWNSHIPS_PER_LOOKUP``; past
    ``LOOKUP_BRANCHES`` chunks (a workbook of thousands of projects) they go in one lookup,
    pruned by that range only, rather than in hundreds of scans."""
    named = sorted({t for t in townships if isinstance(t, str)})
    keys = sorted({int(k) for k in project_keys})
    table, among = review_mart.FINDING_TABLE, "project_key IN (SELECT unnest(?::BIGINT[]))"
    branches = [f"SELECT * FROM {table} WHERE FALSE"]  # the columns when nothing is asked
    params: list = []
    size = TOWNSHIPS_PER_LOOKUP
    if len(named) > size * LOOKUP_BRANCHES:  # many townships (a workbook): one lookup
        size = len(named)
    for start in range(0, len(named), size):
        branches.append(
            f"SELECT * FROM {table} WHERE township IN (SELECT unnest(?::VARCHAR[])) AND {among}"
        )
        params += [named[start : start + size], keys]
    if any(not isinstance(t, str) for t in townships):
        branches.append(f"SELECT * FROM {table} WHERE township IS NULL AND {among}")
        params.append(keys)
    return run(" UNION ALL ".join(branches), params)


def findings(run: Runner, project_keys: list[int]) -> pd.DataFrame:
    """The findings of these projects with the row they are about: the indicator (level 2,
    name, printed target) for row findings, the budget figures for money findings. Read
    from the review marts by township (``finding_rows``): picking a few projects' rows out
    of the 34M findings and 21M indicator rows of a national warehouse took 0.6–2 s."""
    columns = ["project_key", "rule_id", "severity", "message", "hint", "source_text"]
    if not project_keys:
        return pd.DataFrame(columns=columns)
    projects = run(
        f"""
        SELECT project_key, township, {", ".join(review_mart.BUDGET_FIGURES)}
        FROM {REVIEWED_PROJECTS} WHERE project_key IN (SELECT unnest(?::BIGINT[]))
        """,
        [sorted({int(k) for k in project_keys})],
    )
    rows = finding_rows(run, projects["project_key"].tolist(), projects["township"].tolist())
    if rows.empty:
        return pd.DataFrame(columns=columns)
    frame = rows.drop(columns=["township"]).merge(
        projects.drop(columns=["township"]), on="project_key", how="left"
    )
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
