"""Measure the warehouse side of a load without the real parser.

``python -m benchmarks.warehouse_only`` writes N JSON goal records (tests.support.records),
loads them, then changes one document and times its incremental reload: the < 2 s target of
issue 7 at 10,000 documents. Parsing is excluded on purpose; benchmarks/ measures the whole
pipeline.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import time
from pathlib import Path

from tests.support.records import (
    TEST_PARSER_VERSION,
    indicator,
    json_parse,
    project,
    record,
    write_record,
)
from warehouse.load.loader import LoadSummary, load_paths
from warehouse.load.storage import current_file


def synthetic_record(i: int, rng: random.Random) -> dict:
    """A township document with 10–20 projects of 5–8 indicators each."""
    projects = []
    for seq in range(1, rng.randint(10, 20) + 1):
        inds = [
            indicator(f"指标{rng.randint(1, 300)}", line=seq * 100 + k, value=rng.randint(1, 99))
            for k in range(rng.randint(5, 8))
        ]
        projects.append(
            project(
                seq,
                f"项目{rng.randint(1, 5000)}号{seq}",
                rng.randint(1, 500) * 1e4,
                code=f"P{i}-{seq}",
                indicators=inds,
                purpose="用于日常工作",
            )
        )
    rec = record(f"镇{i}", 2019 + i % 7, projects, code=f"{i:06d}")
    rec["unit"]["county"] = f"县{i % 500}"
    return rec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.warehouse_only")
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    docs, db = args.dir / "docs", args.dir / "db" / "warehouse.duckdb"
    t0 = time.perf_counter()
    if not docs.exists():
        for i in range(args.docs):
            write_record(docs / f"{i // 1000:03d}" / f"{i:06d}.txt", synthetic_record(i, rng))
    t1 = time.perf_counter()

    def load(paths: list[Path]) -> LoadSummary:
        return load_paths(
            paths, db, progress=False, parse=json_parse, version=TEST_PARSER_VERSION, review=False
        )

    full = load([docs])
    t2 = time.perf_counter()
    current = current_file(db)
    size = current.stat().st_size if current is not None else 0
    target = docs / "000" / "000007.txt"
    changed = copy.deepcopy(json_parse(target))
    changed["projects"][0]["budget"]["total_yuan"] += 1
    write_record(target, changed)
    reload = load([docs])
    t3 = time.perf_counter()
    one = load([target])  # the file alone: no folder walk / hashing
    t4 = time.perf_counter()
    print(f"documents {args.docs}, generate {t1 - t0:.1f} s")
    print(
        f"full load {t2 - t1:.1f} s: {full.projects} projects, {full.indicators} indicators, "
        f"db {size / 1e6:.1f} MB, cores {os.cpu_count()}"
    )
    print(
        f"reload after one change, whole folder given: {t3 - t2:.2f} s "
        f"(replaced {reload.replaced}, unchanged {reload.unchanged})"
    )
    print(
        f"reload of the same file given alone (unchanged): {t4 - t3:.2f} s "
        f"(unchanged {one.unchanged})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
