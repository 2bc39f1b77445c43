"""Per-call costs of the hot small functions: target parsing, geography, the SQL guard.

Usage: python -m benchmarks.micro   (numbers, not pass/fail; see docs/benchmarks.md)
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _median_ms(fn, runs: int = 200) -> float:
    fn()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main() -> None:
    from etl.geography import resolve_unit
    from etl.targets import parse_target
    from warehouse.serve.sql_examples import EXAMPLES
    from warehouse.serve.sql_guard import check_query

    cells = [
        "≥95%",
        "=24人",
        "2021年12月底前",
        "<=45万元",
        "提高",
        "≥0.9年初该项经费下达后",
        "95%以上",
    ]
    per_target = _median_ms(
        lambda: [parse_target(c, indicator_name="群众满意度", fiscal_year=2021) for c in cells]
    )
    print(f"parse_target: {per_target / len(cells) * 1000:.1f} µs per call")
    text = (ROOT / "data" / "003_247e9d6eca422fe5.txt").read_text(encoding="utf-8")
    print(
        f"resolve_unit on a {len(text.encode()) // 1024} KB document: "
        f"{_median_ms(lambda: resolve_unit('河北永清经济开发区管理委员会', text), 50):.2f} ms"
    )
    catalog = {"v_project_budget", "v_indicator_target", "v_goal_review", "v_load_warning"}
    for example in EXAMPLES[:3]:
        print(
            f"SQL guard ({example.title}): "
            f"{_median_ms(lambda e=example: check_query(e.sql, catalog)):.2f} ms"
        )


if __name__ == "__main__":
    main()
