"""Latency of every dashboard page query and ad-hoc example, and the pandas baseline.

The baseline is what an analyst would do without the warehouse: read the parsed records
(JSON lines), flatten them into DataFrames and group by. It is compared with the dashboard
queries that compute the same aggregates.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd


def _stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": p95 * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def _time(fn: Callable[[], object], runs: int) -> tuple[dict, float]:
    started = time.perf_counter()
    fn()  # the first (cold) run is reported apart
    cold = time.perf_counter() - started
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    out = _stats(samples)
    out["cold_ms"] = cold * 1000
    return out, cold


def _runner(con: duckdb.DuckDBPyConnection):
    from dashboard.data.common import connection_runner

    return connection_runner(con)


def dashboard_latency(db: Path, runs: int) -> dict:
    """{filter label: {page/query: stats}} for no filter and for the latest year."""
    from dashboard.data.filter_model import Filters
    from dashboard.data.perf import page_queries

    con = duckdb.connect(str(db.resolve()), read_only=True)
    run = _runner(con)
    try:
        years = sorted(
            str(y)
            for (y,) in con.execute(
                "SELECT DISTINCT fiscal_year FROM v_project_budget WHERE fiscal_year IS NOT NULL"
            ).fetchall()
        )
        out: dict[str, dict] = {}
        filters = [("无筛选 (all data)", Filters())]
        if years:
            filters.append((f"年度={years[-1]}", Filters(years=(years[-1],))))
        for label, f in filters:
            timings = {}
            for page, named in page_queries(run, f).items():
                for name, fn in named.items():
                    timings[f"{page} / {name}"] = _time(fn, runs)[0]
            out[label] = timings
        return out
    finally:
        con.close()


def example_latency(db: Path, runs: int) -> dict:
    from warehouse.serve.sql_examples import EXAMPLES

    con = duckdb.connect(str(db.resolve()), read_only=True)
    try:
        return {
            ex.title: _time(lambda sql=ex.sql: con.execute(sql).fetchall(), runs)[0]
            for ex in EXAMPLES
        }
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


def pandas_baseline(records_dir: Path, runs: int) -> dict:
    started = time.perf_counter()
    p, i = load_frames(records_dir)
    frames_s = time.perf_counter() - started
    timings = {name: _time(fn, runs)[0] for name, fn in _pandas_aggregates(p, i).items()}
    return {"frames_s": frames_s, "projects": len(p), "indicators": len(i), "queries": timings}
