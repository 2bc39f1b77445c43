"""The set-based goal review on its own: time per step and per rule, and how it scales.

`python -m benchmarks.review_bench --sizes 250,500,1000 [--root DIR]` writes (or reuses)
seed-7 synthetic corpora, loads each into a fresh warehouse without the review, then times
``warehouse.review.review_documents`` over all documents: wall seconds and process CPU
seconds (DuckDB threads included), per step. With ``--python`` it also times the old
per-document Python review (etl.review, the test oracle) over the same records, in one
process, to compare the review share of the load.

`python -m benchmarks.review_bench --warehouse /work/bench/warehouse_10000.duckdb` instead
copies a loaded warehouse (the original is never opened read-write), re-reviews every
document, recomputes the cross-unit copies, then re-reviews one document (the fixed cost of a
one-document reload), and prints CPU seconds of each with a digest of goal_review_project /
goal_review_finding (ordered by every column): equal digests before and after a change to the
review mean row-for-row equal results.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import time
from pathlib import Path

import duckdb

from etl.review.config import default_config
from warehouse.dbutil import scalar
from warehouse.load.loader import load_paths
from warehouse.load.storage import current_file
from warehouse.review import cross_unit, review_documents


def _corpus(root: Path, n: int) -> Path:
    from synth.cli import main as synth_main

    folder = root / f"corpus_{n}"
    if not folder.exists():
        synth_main(["--docs", str(n), "--out", str(folder), "--seed", "7"])
    return folder


def bench_sql(root: Path, n: int) -> dict:
    """Load the corpus without the review, then review every document set-based."""
    folder = _corpus(root, n)
    db = root / f"wh_{n}" / "warehouse.duckdb"
    if current_file(db) is None:
        db.parent.mkdir(parents=True, exist_ok=True)
        load_paths([folder], db, progress=False, review=False)
    con = duckdb.connect(str(current_file(db)))
    try:
        docs = [d for (d,) in con.execute("SELECT document_id FROM source_document").fetchall()]
        rows = scalar(con, "SELECT count(*) FROM fact_indicator_target")
        timings: dict[str, float] = {}
        wall, cpu = time.perf_counter(), time.process_time()
        findings = review_documents(con, docs, default_config(), timings)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        con.close()
    return {
        "docs": len(docs),
        "rows": rows,
        "findings": findings,
        "wall": wall,
        "cpu": cpu,
        "steps": timings,
    }


def bench_python(root: Path, n: int) -> dict:
    """The per-document Python review over the same parsed records (CPU seconds)."""
    from etl.errors import DocumentError
    from etl.parser import parse_file
    from etl.review import review_record

    records = []
    parse_cpu = time.process_time()
    for path in sorted(_corpus(root, n).glob("*.txt")):
        try:
            records.append(parse_file(path))
        except DocumentError:
            continue
    parse_cpu = time.process_time() - parse_cpu
    cpu = time.process_time()
    for record in records:
        review_record(record)
    return {"docs": len(records), "parse_cpu": parse_cpu, "review_cpu": time.process_time() - cpu}


def _cpu(step, *args) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = step(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def review_digest(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    """Row count and sha256 (16 hex) of each review table, ordered by every column."""
    out = {}
    for table in ("goal_review_project", "goal_review_finding"):
        rows = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        out[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:16])
    return out


def bench_existing(warehouse: Path, work: Path) -> dict:
    """Re-review a copy of a loaded warehouse: all documents, cross-unit, one document."""
    copy = work / f"review_copy_{warehouse.stem}.duckdb"
    shutil.copyfile(warehouse.resolve(), copy)
    con = duckdb.connect(str(copy))
    try:
        docs = [d for (d,) in con.execute("SELECT document_id FROM source_document").fetchall()]
        config = default_config()
        timings: dict[str, float] = {}
        findings, wall, cpu = _cpu(review_documents, con, docs, config, timings)
        _, cross_wall, cross_cpu = _cpu(cross_unit, con, docs, config)
        one = [sorted(docs)[len(docs) // 2]]
        _, one_wall, one_cpu = _cpu(review_documents, con, one, config)
        _, one_cross_wall, one_cross_cpu = _cpu(cross_unit, con, one, config)
        digest = review_digest(con)
    finally:
        con.close()
        copy.unlink(missing_ok=True)
    return {
        "docs": len(docs),
        "findings": findings,
        "review": (wall, cpu),
        "cross_unit": (cross_wall, cross_cpu),
        "one_review": (one_wall, one_cpu),
        "one_cross_unit": (one_cross_wall, one_cross_cpu),
        "digest": digest,
        "steps": timings,
    }


def _print_existing(result: dict) -> None:
    print(f"{result['docs']} docs, {result['findings']} findings (wall s, CPU s):")
    for name in ("review", "cross_unit", "one_review", "one_cross_unit"):
        wall, cpu = result[name]
        print(f"  {name}: {wall:.3f} wall, {cpu:.3f} CPU")
    for table, (rows, digest) in result["digest"].items():
        print(f"  {table}: {rows} rows, sha256 {digest}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.review_bench")
    parser.add_argument("--sizes", default="250,500,1000")
    parser.add_argument("--root", type=Path, default=Path("/tmp/review_bench"))
    parser.add_argument("--python", action="store_true", help="also time the Python review")
    parser.add_argument("--warehouse", type=Path, help="re-review a copy of this warehouse")
    args = parser.parse_args(argv)
    args.root.mkdir(parents=True, exist_ok=True)
    if args.warehouse:
        _print_existing(bench_existing(args.warehouse, args.root))
        return 0
    results = []
    for n in [int(s) for s in args.sizes.split(",")]:
        result = bench_sql(args.root, n)
        results.append(result)
        line = (
            f"{result['docs']} docs, {result['rows']} rows, {result['findings']} findings: "
            f"SQL review {result['wall']:.2f} s wall, {result['cpu']:.2f} s CPU"
        )
        if args.python:
            py = bench_python(args.root, n)
            line += (
                f"; Python review {py['review_cpu']:.2f} s CPU "
                f"(parse {py['parse_cpu']:.2f} s CPU, {py['docs']} records)"
            )
        print(line, flush=True)
    steps = sorted(results[-1]["steps"].items(), key=lambda kv: -kv[1])
    print("| step | " + " | ".join(f"{r['docs']} docs (s)" for r in results) + " |")
    print("|---|" + "---:|" * len(results))
    for name, _ in steps:
        cells = " | ".join(f"{r['steps'].get(name, 0.0):.3f}" for r in results)
        print(f"| {name} | {cells} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
