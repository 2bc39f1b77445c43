"""Every page's data queries by name, so a benchmark can time them without Streamlit.

``page_queries(run, filters)`` returns ``{page: {query name: zero-argument callable}}``; the
callables are exactly what the pages run (the page's default choices, e.g. the first family).
``time_pages`` runs them and reports milliseconds per page (the issue asks for < 200 ms).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd

from dashboard.data import budgets as budgets_queries
from dashboard.data import common as common_queries
from dashboard.data import goal_review as review_queries
from dashboard.data import history as history_queries
from dashboard.data import indicators as indicators_queries
from dashboard.data import overview as overview_queries
from dashboard.data import projects as projects_queries
from dashboard.data import targets as targets_queries
from dashboard.data.common import Runner
from dashboard.data.filter_model import Filters
from dashboard.view import review_charts


def _first(frame: pd.DataFrame, column: str, default: str) -> str:
    return str(frame[column].iloc[0]) if not frame.empty else default


def page_queries(run: Runner, f: Filters | None = None) -> dict[str, dict[str, Callable]]:
    """Page → query name → callable, mirroring what each page runs on first load."""
    f = f or Filters()
    families = targets_queries.indicator_families(run, f)
    numeric = families.loc[families["numeric"] > 0]
    family = _first(numeric, "family", "满意度")
    unit = _first(targets_queries.family_units(run, f, family), "unit", "%")
    first_project = _first(projects_queries.search_projects(run, f, ""), "project_key", "")
    worst = review_queries.worklist(run, f, limit=review_queries.DETAIL_PROJECTS)[
        "project_key"
    ].tolist()
    history = {"budget_trend": lambda: history_queries.budget_trend(run, f, "township")}
    if history_queries.has_history(run):  # older warehouses and fixtures lack the views
        history["largest_changes"] = lambda: history_queries.largest_changes(run, f)
    return {
        "sidebar": {"filter_options": lambda: common_queries.filter_options(run)},
        "总览": {
            "overview_kpis": lambda: overview_queries.overview_kpis(run, f),
            "budget_by_township": lambda: common_queries.budget_by_township(run, f),
            "budget_by_township_year": lambda: overview_queries.budget_by_township_year(run, f),
            "indicators_by_level1": lambda: overview_queries.indicators_by_level1(run, f),
            "load_warnings": lambda: overview_queries.load_warnings(run, f, limit=10),
            "load_warning_count": lambda: overview_queries.load_warning_count(run, f),
        },
        "预算对比": {
            "budget_by_category": lambda: budgets_queries.budget_by_category(run, f),
            "township_names": lambda: common_queries.budget_by_township(run, f, limit=None),
            "top_projects": lambda: common_queries.top_projects(run, f),
            "project_budgets": lambda: budgets_queries.project_budgets(run, f),
            "project_budget_box": lambda: budgets_queries.project_budget_box(run, f),
            "spending_plan": lambda: budgets_queries.spending_plan(run, f),
        },
        "指标结构": {
            "level_mix_level1": lambda: indicators_queries.level_mix(run, f, "level1"),
            "level_mix_level2": lambda: indicators_queries.level_mix(run, f, "level2"),
            "level2_coverage": lambda: indicators_queries.level2_coverage(run, f),
            "indicators_per_project": lambda: indicators_queries.indicators_per_project(run, f),
            "indicators_per_project_box": lambda: indicators_queries.indicators_per_project_box(
                run, f
            ),
        },
        "目标值对比": {
            "indicator_families": lambda: targets_queries.indicator_families(run, f),
            "family_units": lambda: targets_queries.family_units(run, f, family),
            "family_targets": lambda: targets_queries.family_targets(run, f, family, unit),
            "family_target_box": lambda: targets_queries.family_target_box(run, f, family, unit),
            "target_outliers": lambda: targets_queries.target_outliers(run, f, family),
            "kind_mix": lambda: targets_queries.kind_mix(run, f),
            "common_targets": lambda: targets_queries.common_targets(run, f, family),
        },
        "历年对比": history,
        "目标审核": {
            "grade_counts": lambda: review_queries.grade_counts(run, f),
            "worklist": lambda: review_queries.worklist(
                run, f, grades=("差", "中"), limit=review_queries.WORKLIST_ROWS
            ),
            "grade_by_township": lambda: review_charts.grade_by_township(run, f),
            "frequent_findings": lambda: review_charts.frequent_findings(run, f),
            "finding_details": lambda: review_queries.findings(run, worst),
            "finding_list": lambda: review_charts.finding_list(
                run, f, limit=review_charts.FINDING_ROWS + 1
            ),
        },
        "项目明细": {
            "search_projects": lambda: projects_queries.search_projects(run, f, ""),
            "search_projects_text": lambda: projects_queries.search_projects(run, f, "满意度"),
            "project_card": lambda: projects_queries.project_card(run, first_project),
            "project_indicators": lambda: projects_queries.project_indicators(run, first_project),
        },
    }


def time_pages(run: Runner, f: Filters | None = None, repeat: int = 3) -> dict[str, float]:
    """Best-of-``repeat`` total milliseconds per page (uncached runner expected)."""
    totals: dict[str, float] = {}
    for page, named in page_queries(run, f).items():
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            for query in named.values():
                query()
            best = min(best, time.perf_counter() - start)
        totals[page] = best * 1000
    return totals


if __name__ == "__main__":  # pragma: no cover - manual benchmark
    import sys

    import duckdb

    from warehouse.paths import resolve_db_path

    target = sys.argv[1] if len(sys.argv) > 1 else str(resolve_db_path(None).resolve())
    runner = common_queries.connection_runner(duckdb.connect(target, read_only=True))
    for page, ms in time_pages(runner).items():
        print(f"{page}\t{ms:7.1f} ms")
