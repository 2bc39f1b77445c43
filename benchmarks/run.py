"""``python -m benchmarks.run [--sizes 100,1000,10000,40000] [--quick]``.

Generates synthetic corpora, measures parsing, loading, reloading and queries, and writes
docs/benchmarks.md: the generated part lies between two HTML-comment markers; whatever
follows the end marker (hand-measured sections) is kept when the report is regenerated.
``--sizes 400000`` works too (about an hour of generation and loading and ~5 GB of text;
the pandas baseline then reads its DataFrames from the warehouse, see PANDAS_RECORDS_MAX).
``--quick`` (200 documents) is the CI smoke test: it fails when the loaded warehouse does not
match the corpus manifest, and writes its report under var/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TypedDict

from benchmarks import load_bench, machine, parse_bench, query_bench, report, scale_up
from benchmarks.corpus import corpus_stats, ensure_corpus

ROOT = Path(__file__).resolve().parents[1]
# Above this many documents the pandas baseline builds its DataFrames from the warehouse's
# views instead of dumping and re-reading parsed JSON records (400,000 documents: ~25M rows).
PANDAS_RECORDS_MAX = 40_000


class RunMeta(TypedDict):
    """meta.json: when and how the results were produced, on which machine."""

    when: str
    command: str
    machine: dict[str, str]


def _fresh_db(path: Path) -> Path:
    for old in path.parent.glob(path.name + "*"):
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()
    return path


def bench_size(n: int, args: argparse.Namespace, log) -> dict:
    work: Path = args.work
    started_load = machine.load_average()
    log(f"[{n}] corpus")
    folder, manifest, gen_s = ensure_corpus(work, n, args.seed)
    stats = corpus_stats(folder, manifest)
    files = stats.pop("files")
    log(f"[{n}] parse throughput")
    parse = parse_bench.run(files, args.single_core_max, args.parse_pool_max)
    db = _fresh_db(work / f"warehouse_{n}.duckdb")
    log(f"[{n}] etl load")
    load = load_bench.run_load([str(folder)], db)
    counts = load_bench.warehouse_counts(db)
    problems = load_bench.check_counts(counts, manifest)
    log(f"[{n}] reloads")
    # a 400,000-document warehouse is ~10 GB: old versions kept by default would fill the disk
    extra = ("--keep-versions", "0") if n > PANDAS_RECORDS_MAX else ()
    incremental = load_bench.incremental(folder, manifest, db, extra)
    log(f"[{n}] dashboard and example queries")
    dashboard = query_bench.dashboard_latency(db, args.runs, all_filters=True)
    examples = query_bench.example_latency(db, args.runs)
    pandas = None
    if not args.no_pandas:
        log(f"[{n}] pandas baseline")
        if n > PANDAS_RECORDS_MAX:  # JSON records of every document would not fit in RAM
            pandas = query_bench.pandas_baseline(None, max(5, args.runs // 4), db=db, warehouse=db)
        else:
            records = work / f"records_{n}"
            parse_bench.dump_records(files, records)
            pandas = query_bench.pandas_baseline(records, max(5, args.runs // 4), warehouse=db)
            shutil.rmtree(records)
    load.pop("output", None)
    return {
        "corpus": stats,
        "gen_s": gen_s,
        "parse": parse,
        "load": load,
        "count_problems": problems,
        "incremental": incremental,
        "dashboard": dashboard,
        "examples": examples,
        "pandas": pandas,
        "runs": args.runs,
        "loadavg_start": started_load,
        "loadavg_end": machine.load_average(),
    }


def _write(results_file: Path, results: list[dict]) -> None:
    results_file.write_text(
        json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )


def bench_scaled(source_n: int, factor: int, args: argparse.Namespace, log) -> dict | None:
    """The dashboard queries on a scaled copy (``benchmarks.scale_up``) of the ``source_n``
    warehouse: issue 14 measures them at 400,000 documents without loading that many. The
    copy is rebuilt from the current source file and kept next to it (``scaled_N.duckdb``)."""
    source = args.work / f"warehouse_{source_n}.duckdb"
    if not source.exists():
        log(f"[scaled] no {source}: run --sizes {source_n} first (or with --append)")
        return None
    target = _fresh_db(args.work / f"scaled_{source_n * factor}.duckdb")
    log(f"[scaled] copy of {source_n:,} docs x{factor} -> {target.name}")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale_up", str(source), str(target)]
        + ["--factor", str(factor), "--year-groups", str(args.year_groups)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    build_s = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: counts not factor x the source (reported below)
        log(f"[scaled] scale_up failed: {(done.stderr or done.stdout).strip()[-500:]}")
        return None
    counts = scale_up.warehouse_counts(target)
    problems = scale_up.check_scaled(scale_up.warehouse_counts(source), counts, factor)
    log(f"[scaled] dashboard queries on {counts['documents']:,} docs")
    return {
        "source_docs": source_n,
        "factor": factor,
        "year_groups": args.year_groups,
        "build_s": build_s,
        "build_output": done.stdout.strip()[-2000:],
        "counts": counts,
        "count_problems": problems,
        "db_file_mb": target.stat().st_size / 1e6,
        "runs": args.runs,
        "loadavg_start": machine.load_average(),
        "dashboard": query_bench.dashboard_latency(target, args.runs, all_filters=True),
        "loadavg_end": machine.load_average(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000,40000")
    parser.add_argument(
        "--quick", action="store_true", help="200 documents, correctness smoke test"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query")
    parser.add_argument(
        "--single-core-max",
        type=int,
        default=10_000,
        help="documents timed on one core (a prefix of the corpus)",
    )
    parser.add_argument(
        "--parse-pool-max",
        type=int,
        default=40_000,
        help="documents parsed on all cores outside the load (a prefix of the corpus)",
    )
    parser.add_argument(
        "--append",
        action="store_true",
        help="keep the last run's results for other sizes (a size measured now replaces its old "
        "entry), so a long --sizes 400000 run can join the 1,000-40,000 report",
    )
    parser.add_argument(
        "--scaled-from",
        type=int,
        default=None,
        help="after the runs, time the dashboard queries on a scaled copy of this size's "
        "warehouse (e.g. 40000 with --factor 10: the 400,000-document query target); "
        "stored under that size's results entry as scaled_dashboard",
    )
    parser.add_argument("--factor", type=int, default=10, help="copies for --scaled-from")
    parser.add_argument(
        "--year-groups", type=int, default=2, help="year blocks for --scaled-from (scale_up)"
    )
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas baseline")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "benchmarks")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="re-render the report from the last run's results.json",
    )
    parser.add_argument("--note", action="append", default=[], help="extra note for the report")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="report path (default docs/benchmarks.md; var/benchmarks/quick.md with --quick)",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    sizes = [200] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.quick:
        args.runs = min(args.runs, 5)
    out = args.out or (args.work / "quick.md" if args.quick else ROOT / "docs" / "benchmarks.md")
    args.work.mkdir(parents=True, exist_ok=True)
    command = "python -m benchmarks.run " + " ".join(sys.argv[1:] if argv is None else argv)

    def log(message: str) -> None:
        print(f"{dt.datetime.now():%H:%M:%S} {message}", file=sys.stderr, flush=True)

    results_file, meta_file = args.work / "results.json", args.work / "meta.json"
    if args.render_only:
        results = json.loads(results_file.read_text(encoding="utf-8"))
        meta: RunMeta = (
            json.loads(meta_file.read_text(encoding="utf-8"))
            if meta_file.exists()
            else {
                "when": f"{dt.datetime.fromtimestamp(results_file.stat().st_mtime):%Y-%m-%d %H:%M}",
                "command": command,
                "machine": machine.describe(),
            }
        )
    else:
        meta = {
            "when": f"{dt.datetime.now():%Y-%m-%d %H:%M}",
            "command": command.strip(),
            "machine": machine.describe(),
        }
        earlier = (
            json.loads(results_file.read_text(encoding="utf-8"))
            if args.append and results_file.exists()
            else []
        )
        if args.append and meta_file.exists():
            previous = json.loads(meta_file.read_text(encoding="utf-8"))
            meta["command"] = f"{previous['command']}; then {meta['command']}"
            meta["when"] = f"{previous['when']} and {meta['when']}"
        meta_file.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        results = [r for r in earlier if r["corpus"]["docs"] not in set(sizes)]
        for n in sizes:
            result = bench_size(n, args, log)
            results = sorted(
                [r for r in results if r["corpus"]["docs"] != result["corpus"]["docs"]] + [result],
                key=lambda r: r["corpus"]["docs"],
            )
            _write(results_file, results)
        if args.scaled_from:
            entry = next((r for r in results if r["corpus"]["docs"] == args.scaled_from), None)
            if entry is None:
                log(f"[scaled] no results for {args.scaled_from} docs: add it to --sizes")
            else:
                scaled = bench_scaled(args.scaled_from, args.factor, args, log)
                if scaled is not None:
                    entry["scaled_dashboard"] = scaled
                    _write(results_file, results)
    notes = [
        f"Single-core parse figures use the first {args.single_core_max:,} documents "
        "of larger corpora.",
        "Every timing reads files from the page cache (a warm-up pass reads the corpus first).",
        "`etl load` runs as a subprocess exactly as a user types it; its wall time includes "
        "interpreter start-up, parsing on all cores, DuckDB writes and the data checks.",
        *args.note,
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    kept = report.hand_written(out.read_text(encoding="utf-8")) if out.exists() else ""
    out.write_text(
        report.wrap(report.render(meta["machine"], meta["when"], meta["command"], results, notes))
        + kept,
        encoding="utf-8",
    )
    log(f"wrote {out}")
    failures = [f"{r['corpus']['docs']} docs: {p}" for r in results for p in r["count_problems"]]
    for failure in failures[:20]:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
