"""Latency of every dashboard page query and ad-hoc example, and the pandas baseline.

The baseline is what an analyst would do without the warehouse: read the parsed records
(JSON lines), flatten them into DataFrames and group by. It is compared with the dashboard
queries that compute the same aggregates.
"""

from __future__ import annotations

import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

if TYPE_CHECKING:  # the dashboard is imported only when a benchmark runs
    from dashboard.data.filter_model import Filters


def _stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": p95 * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def _time(fn: Callable[[], object], runs: int) -> tuple[dict, float]:
    """Wall-clock stats, plus the process CPU time per run (DuckDB's threads included):
    on a shared machine the wall clock mostly measures waiting for a core."""
    started = time.perf_counter()
    fn()  # the first (cold) run is reported apart
    cold = time.perf_counter() - started
    samples, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    out = _stats(samples)
    out["cold_ms"] = cold * 1000
    out["cpu_median_ms"] = statistics.median(cpu) * 1000
    out["cpu_p95_ms"] = _stats(cpu)["p95_ms"]
    return out, cold


def _runner(con: duckdb.DuckDBPyConnection):
    from dashboard.data.common import connection_runner

    return connection_runner(con)


def bench_filters(con: duckdb.DuckDBPyConnection) -> list[tuple[str, Filters]]:
    """The filters the issue names: none, the latest year, one township (the one with most
    projects), one category (the most common). The text search is a query of its own
    (项目明细 / search_projects_text) and runs under every filter."""
    from dashboard.data.filter_model import Filters

    def top(sql: str) -> str | None:
        row = con.execute(sql).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    filters: list[tuple[str, Filters]] = [("无筛选 (all data)", Filters())]
    year = top("SELECT max(fiscal_year) FROM mart_project_budget")
    if year:
        filters.append((f"年度={year}", Filters(years=(year,))))
    town = top(
        "SELECT township FROM mart_project_budget WHERE township IS NOT NULL "
        "GROUP BY ALL ORDER BY count(*) DESC, township LIMIT 1"
    )
    if town:
        filters.append((f"乡镇={town}", Filters(townships=(town,))))
    category = top(
        "SELECT project_category FROM mart_project_budget WHERE project_category IS NOT NULL "
        "GROUP BY ALL ORDER BY count(*) DESC, project_category LIMIT 1"
    )
    if category:
        filters.append((f"类别={category}", Filters(categories=(category,))))
    return filters


def dashboard_latency(db: Path, runs: int, all_filters: bool = False) -> dict:
    """{filter label: {page/query: stats}}: no filter and the latest year, or with
    ``all_filters`` also one township and one category."""
    from dashboard.data.perf import page_queries

    con = duckdb.connect(str(db.resolve()), read_only=True)
    run = _runner(con)
    try:
        filters = bench_filters(con)
        if not all_filters:
            filters = filters[:2]
        out: dict[str, dict] = {}
        for label, f in filters:
            timings = {}
            for page, named in page_queries(run, f).items():
                for name, fn in named.items():
                    timings[f"{page} / {name}"] = _time(fn, runs)[0]
            out[label] = timings
        return out
    finally:
        con.close()


def whole_table_latency(db: Path, runs: int) -> dict:
    """{aggregate: stats} of the warehouse queries the pandas baseline is compared with, in
    their unfolded form (every township, ``limit=None``): the pages fold to 25 townships,
    pandas computes them all, so the comparison times the same work on both sides."""
    from dashboard.data import budgets, common, indicators, overview, targets
    from dashboard.data.filter_model import Filters

    con = duckdb.connect(str(db.resolve()), read_only=True)
    run = _runner(con)
    f = Filters()
    queries: dict[str, Callable[[], object]] = {
        "overview_kpis": lambda: overview.overview_kpis(run, f),
        "budget_by_township": lambda: common.budget_by_township(run, f, limit=None),
        "indicators_by_level1": lambda: overview.indicators_by_level1(run, f, limit=None),
        "top_projects": lambda: common.top_projects(run, f),
        "spending_plan": lambda: budgets.spending_plan(run, f, limit=None),
        "level_mix_level2": lambda: indicators.level_mix(run, f, "level2", limit=None),
        "level2_coverage": lambda: indicators.level2_coverage(run, f, limit=None),
        "indicators_per_project": lambda: indicators.indicators_per_project(run, f),
        "kind_mix": lambda: targets.kind_mix(run, f, limit=None),
    }
    try:
        return {name: _time(fn, runs)[0] for name, fn in queries.items()}
    finally:
        con.close()


def _fetch_all(con: duckdb.DuckDBPyConnection, sql: str) -> Callable[[], object]:
    """One run of ``sql`` (bound now, not to the loop variable's last value)."""
    return lambda: con.execute(sql).fetchall()


def example_latency(db: Path, runs: int) -> dict:
    from warehouse.serve.sql_examples import EXAMPLES

    con = duckdb.connect(str(db.resolve()), read_only=True)
    try:
        return {ex.title: _time(_fetch_all(con, ex.sql), runs)[0] for ex in EXAMPLES}
    finally:
        con.close()


def load_frames(records_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parsed records (JSON lines) flattened into project and indicator frames."""
    projects: list[tuple] = []
    indicators: list[tuple] = []
    for part in sorted(records_dir.glob("part-*.jsonl")):
        with open(part, encoding="utf-8") as handle:
            for line in handle:
                rec = json.loads(line)
                unit = rec["unit"]
                township, year, path = (
                    unit.get("township") or "（未识别乡镇）",
                    rec["fiscal_year"],
                    rec["source"]["path"],
                )
                for p in rec["projects"]:
                    key = f"{path}#{p['seq']}"
                    plan = p.get("spend_plan_pct") or [None] * 4
                    projects.append(
                        (key, path, township, year, p["name"], p["budget"]["total_yuan"], *plan)
                    )
                    for ind in p["indicators"]:
                        t = ind["target"]
                        indicators.append(
                            (
                                key,
                                township,
                                year,
                                "project",
                                ind["level1"],
                                ind["level2"],
                                ind["name"],
                                t["kind"],
                                t["value"] if isinstance(t["value"], int | float) else None,
                            )
                        )
                for ind in rec.get("unit_indicators") or []:
                    t = ind["target"]
                    indicators.append(
                        (
                            None,
                            township,
                            year,
                            "unit",
                            ind["level1"],
                            ind["level2"],
                            ind["name"],
                            t["kind"],
                            t["value"] if isinstance(t["value"], int | float) else None,
                        )
                    )
    p_frame = pd.DataFrame(
        projects,
        columns=[
            "project_key",
            "path",
            "township",
            "fiscal_year",
            "project_name",
            "budget_total_yuan",
            "q1",
            "q2",
            "q3",
            "q4",
        ],
    )
    i_frame = pd.DataFrame(
        indicators,
        columns=[
            "project_key",
            "township",
            "fiscal_year",
            "scope",
            "level1",
            "level2",
            "name",
            "kind",
            "value",
        ],
    )
    return p_frame, i_frame


def frames_from_warehouse(db: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same rows the dashboard queries read (the analyst views), as the DataFrames
    ``load_frames`` builds: for scaled copies, which have no parsed records."""
    con = duckdb.connect(str(db.resolve()), read_only=True)
    try:
        p = con.execute(
            """SELECT project_key, source_file AS path,
                      coalesce(township, '（未识别乡镇）') AS township, fiscal_year,
                      project_name, budget_total_yuan, plan_q1_pct AS q1, plan_q2_pct AS q2,
                      plan_q3_pct AS q3, plan_q4_pct AS q4
               FROM v_project_budget"""
        ).df()
        i = con.execute(
            """SELECT project_key, coalesce(township, '（未识别乡镇）') AS township,
                      fiscal_year, scope, level1, level2, indicator_name AS name,
                      target_kind AS kind, target_value AS value
               FROM v_indicator_target"""
        ).df()
    finally:
        con.close()
    return p, i


def _pandas_aggregates(p: pd.DataFrame, i: pd.DataFrame) -> dict[str, Callable[[], object]]:
    quantitative = ("number", "percent", "money", "deadline")

    def overview():
        return {
            "townships": pd.concat([p["township"], i["township"]]).nunique(),
            "projects": len(p),
            "budget": p["budget_total_yuan"].sum(),
            "indicators": len(i),
            "quantitative": i["kind"].isin(quantitative).mean() * 100,
        }

    def spending():
        plan = p.dropna(subset=["q1", "q2", "q3", "q4"], how="all")
        return (
            plan.melt(id_vars=["township"], value_vars=["q1", "q2", "q3", "q4"])
            .groupby(["township", "variable"])["value"]
            .agg(["mean", "count"])
        )

    def level_mix():
        counts = i.groupby(["township", "level2"]).size().rename("n").reset_index()
        counts["share"] = 100 * counts["n"] / counts.groupby("township")["n"].transform("sum")
        return counts

    def coverage():
        hits = i[i["scope"] == "project"].groupby(["township", "level2"])["project_key"].nunique()
        totals = p.groupby("township").size()
        return hits / totals.reindex(hits.index.get_level_values(0)).to_numpy() * 100

    def per_project():
        n = i[i["scope"] == "project"].groupby("project_key").size().rename("indicators")
        return p.set_index("project_key").join(n)[
            ["township", "fiscal_year", "project_name", "indicators"]
        ]

    return {
        "overview_kpis": overview,
        "budget_by_township": lambda: (
            p.groupby("township")
            .agg(
                projects=("project_key", "size"),
                with_budget=("budget_total_yuan", "count"),
                budget_yuan=("budget_total_yuan", "sum"),
            )
            .sort_values("budget_yuan", ascending=False)
        ),
        "indicators_by_level1": lambda: i.groupby(["level1", "township"]).size(),
        "top_projects": lambda: p.nlargest(10, "budget_total_yuan"),
        "spending_plan": spending,
        "level_mix_level2": level_mix,
        "level2_coverage": coverage,
        "indicators_per_project": per_project,
        "kind_mix": lambda: i.groupby(["township", "kind"]).size(),
    }


def pandas_baseline(
    records_dir: Path | None, runs: int, db: Path | None = None, warehouse: Path | None = None
) -> dict:
    """Time building the DataFrames (from parsed JSON records, or from a warehouse's views
    with ``db``) and each aggregate on them; with ``warehouse``, also the same aggregates as
    warehouse queries over every township (``whole_table_latency``)."""
    started = time.perf_counter()
    if db is not None:
        p, i = frames_from_warehouse(db)
    elif records_dir is not None:
        p, i = load_frames(records_dir)
    else:
        raise ValueError("pandas_baseline needs parsed records or a warehouse file")
    frames_s = time.perf_counter() - started
    timings = {name: _time(fn, runs)[0] for name, fn in _pandas_aggregates(p, i).items()}
    return {
        "frames_s": frames_s,
        "frames_from": "warehouse views" if db is not None else "parsed JSON records",
        "projects": len(p),
        "indicators": len(i),
        "queries": timings,
        "warehouse": whole_table_latency(warehouse, runs) if warehouse is not None else None,
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.query_bench DB [--runs N] [--pandas] [--json OUT]``: every
    dashboard query under every benchmark filter on an existing warehouse (e.g. a scaled
    copy from ``benchmarks.scale_up``), p95 table on stdout."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.query_bench")
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--pandas", action="store_true", help="also the pandas baseline")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"找不到数据仓库文件：{args.db}", file=sys.stderr)
        return 2
    result: dict = {"dashboard": dashboard_latency(args.db, args.runs, all_filters=True)}
    labels = list(result["dashboard"])
    print("p95 ms, wall clock (CPU time of the process)")
    print("| page / query | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))
    for name in result["dashboard"][labels[0]]:
        cells = [
            f"{result['dashboard'][label][name]['p95_ms']:.0f} "
            f"({result['dashboard'][label][name]['cpu_p95_ms']:.0f})"
            for label in labels
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.pandas:
        result["pandas"] = pandas_baseline(
            None, max(3, args.runs // 2), db=args.db, warehouse=args.db
        )
        print(json.dumps(result["pandas"], ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
