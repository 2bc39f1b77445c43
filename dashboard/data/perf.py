"""Every page's data queries by name, so a benchmark can time them without Streamlit.

``page_queries(run, filters)`` returns ``{page: {query name: zero-argument callable}}``; the
callables are exactly what the pages run (the page's default choices, e.g. the first family).
``time_pages`` runs them and reports milliseconds per page (the issue asks for < 200 ms).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd

from dashboard.data import queries
from dashboard.data.filter_model import Filters
from dashboard.data.queries import Runner


def _first(frame: pd.DataFrame, column: str, default: str) -> str:
    return str(frame[column].iloc[0]) if not frame.empty else default


def page_queries(run: Runner, f: Filters | None = None) -> dict[str, dict[str, Callable]]:
    """Page → query name → callable, mirroring what each page runs on first load."""
    f = f or Filters()
    families = queries.indicator_families(run, f)
    numeric = families.loc[families["numeric"] > 0]
    family = _first(numeric, "family", "满意度")
    unit = _first(queries.family_units(run, f, family), "unit", "%")
    first_project = _first(queries.search_projects(run, f, ""), "project_key", "")
    return {
        "sidebar": {"filter_options": lambda: queries.filter_options(run)},
        "总览": {
            "overview_kpis": lambda: queries.overview_kpis(run, f),
            "budget_by_township": lambda: queries.budget_by_township(run, f),
            "indicators_by_level1": lambda: queries.indicators_by_level1(run, f),
            "load_warnings": lambda: queries.load_warnings(run, f),
        },
        "预算对比": {
            "budget_by_category": lambda: queries.budget_by_category(run, f),
            "budget_by_township": lambda: queries.budget_by_township(run, f),
            "top_projects": lambda: queries.top_projects(run, f),
            "project_budgets": lambda: queries.project_budgets(run, f),
            "project_budget_box": lambda: queries.project_budget_box(run, f),
            "spending_plan": lambda: queries.spending_plan(run, f),
        },
        "指标结构": {
            "level_mix_level1": lambda: queries.level_mix(run, f, "level1"),
            "level_mix_level2": lambda: queries.level_mix(run, f, "level2"),
            "level2_coverage": lambda: queries.level2_coverage(run, f),
            "indicators_per_project": lambda: queries.indicators_per_project(run, f),
            "indicators_per_project_box": lambda: queries.indicators_per_project_box(run, f),
        },
        "目标值对比": {
            "indicator_families": lambda: queries.indicator_families(run, f),
            "family_units": lambda: queries.family_units(run, f, family),
            "family_targets": lambda: queries.family_targets(run, f, family, unit),
            "family_target_box": lambda: queries.family_target_box(run, f, family, unit),
            "target_outliers": lambda: queries.target_outliers(run, f, family),
            "kind_mix": lambda: queries.kind_mix(run, f),
            "common_targets": lambda: queries.common_targets(run, f, family),
        },
        "项目明细": {
            "search_projects": lambda: queries.search_projects(run, f, ""),
            "search_projects_text": lambda: queries.search_projects(run, f, "满意度"),
            "project_card": lambda: queries.project_card(run, first_project),
            "project_indicators": lambda: queries.project_indicators(run, first_project),
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
    runner = queries.connection_runner(duckdb.connect(target, read_only=True))
    for page, ms in time_pages(runner).items():
        print(f"{page}\t{ms:7.1f} ms")
