"""Render benchmark results as docs/benchmarks.md."""

from __future__ import annotations

TARGETS = {
    "load_s": 300.0,  # 40,000 docs parsed and loaded
    "rss_mb": 2000.0,
    "reload_s": 2.0,  # one changed doc in a 10,000-doc warehouse
    "query_p95_ms": 300.0,  # every dashboard query at 40,000 docs
    "parse_ratio": 10.0,  # parser within 10x of the read-and-split floor
}


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f}"


def _verdict(value: float, target: float, unit: str) -> str:
    if value <= target:
        return f"met ({value:,.2f} {unit} ≤ {target:,.0f} {unit})"
    return f"**missed by {value - target:,.2f} {unit} ({value / target:.1f}× the target)**"


def _reparsed(counts: dict | None) -> str:
    """Why a reload was slow: the loader re-parses every file when the parser changed."""
    if not counts:
        return ""
    return (
        f"; loader re-parsed {counts['loaded'] + counts['replaced']:,}, skipped "
        f"{counts['unchanged']:,}"
    )


def _size_section(r: dict) -> list[str]:
    c, p, ld, inc = r["corpus"], r["parse"], r["load"], r["incremental"]
    layouts = ", ".join(f"{k} {v}" for k, v in sorted(c["layouts"].items()))
    lines = [
        f"### {c['docs']:,} documents",
        "",
        f"Load average (1/5/15 min) before: {r.get('loadavg_start', '?')}, after: "
        f"{r.get('loadavg_end', '?')}.",
        "",
        f"Corpus: {_mb(c['bytes'])} MB, {c['projects']:,} projects, {c['indicators']:,} indicator "
        f"rows, {c['broken']} broken files; layouts: {layouts}. "
        + (
            f"Generated in {r['gen_s']:.1f} s."
            if r.get("gen_s") is not None
            else "Reused from an earlier run."
        ),
        "",
        "| measure | value |",
        "|---|---|",
        f"| read-and-split floor (1 core, {p['sample_docs']:,} docs) | "
        f"{p['floor_mb_s']:,.1f} MB/s, {p['floor_docs_s']:,.0f} docs/s |",
        f"| parser, 1 core ({p['sample_docs']:,} docs) | {p['one_mb_s']:,.2f} MB/s, "
        f"{p['one_docs_s']:,.0f} docs/s |",
        f"| parser, all {p['cores']} cores ({p['all_docs']:,} docs, process pool) | "
        f"{p['all_mb_s']:,.2f} MB/s, {p['all_docs_s']:,.0f} docs/s ({p['all_s']:.1f} s) |",
        f"| parser, 1 core, by CPU time (immune to other load) | {p['one_cpu_mb_s']:,.2f} MB/s, "
        f"{p['one_cpu_docs_s']:,.0f} docs/s |",
        f"| parser / floor (1 core): wall, CPU time | {p['ratio']:.1f}×, {p['ratio_cpu']:.1f}× |",
        f"| `etl load` from empty, wall time | {ld['wall_s']:.1f} s (exit {ld['exit']}; "
        f"{ld['cpu_s']:.0f} CPU-s by wait4, pool workers possibly excluded) |",
        f"| `etl load` peak RSS, largest process | {ld['max_process_mb']:,.0f} MB |",
        f"| `etl load` peak RSS, whole process tree (sum) | {ld['tree_peak_mb']:,.0f} MB |",
        "| reload, nothing changed (`etl load DIR`) | "
        f"{inc['unchanged_dir_s']:.2f} s{_reparsed(inc.get('unchanged_counts'))} |",
        f"| reload one changed file (`etl load FILE`) | {inc['one_file_s']:.2f} s "
        f"({inc['one_file_cpu_s']:.2f} CPU-s) |",
        "| reload one changed file by rescanning the folder (`etl load DIR`) | "
        f"{inc['rescan_dir_s']:.2f} s{_reparsed(inc.get('rescan_counts'))} |",
        "| loaded counts = manifest ground truth | "
        f"{'yes' if not r['count_problems'] else 'NO: ' + '; '.join(r['count_problems'][:5])} |",
        "",
    ]
    for label, timings in r["dashboard"].items():
        lines += [
            f"Dashboard page queries, {label} (ms, {r['runs']} runs after one cold run):",
            "",
            "| page / query | cold | median | p95 |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {name} | {t['cold_ms']:.1f} | {t['median_ms']:.1f} | {t['p95_ms']:.1f} |"
            for name, t in timings.items()
        ]
        lines.append("")
    lines += [
        "Ad-hoc example queries (`warehouse/serve/sql_examples.py`, ms):",
        "",
        "| example | median | p95 |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {name} | {t['median_ms']:.1f} | {t['p95_ms']:.1f} |"
        for name, t in r["examples"].items()
    ]
    pb = r.get("pandas")
    if pb:
        lines += [
            "",
            f"Analyst baseline without the warehouse: reading {pb['projects']:,} projects / "
            f"{pb['indicators']:,} indicators of parsed JSON records into DataFrames took "
            f"{pb['frames_s']:.1f} s; then each aggregate (median ms):",
            "",
            "| aggregate | pandas | warehouse (dashboard query) | pandas / warehouse |",
            "|---|---:|---:|---:|",
        ]
        base = r["dashboard"][next(iter(r["dashboard"]))]
        pandas_total = warehouse_total = 0.0
        for name, t in pb["queries"].items():
            key = next((k for k in base if k.endswith(f"/ {name}")), None)
            w = base[key]["median_ms"] if key else float("nan")
            pandas_total += t["median_ms"]
            warehouse_total += w
            lines.append(f"| {name} | {t['median_ms']:.1f} | {w:.1f} | {t['median_ms'] / w:.2f}× |")
        lines.append(
            f"| **all of them** | {pandas_total:.1f} | {warehouse_total:.1f} | "
            f"{pandas_total / warehouse_total:.2f}× |"
        )
        first = pb["frames_s"] * 1000 + pandas_total
        lines.append(
            f"| **including reading the records** | {first:,.0f} | {warehouse_total:.1f} | "
            f"{first / warehouse_total:,.0f}× |"
        )
    lines.append("")
    return lines


def targets_section(results: list[dict]) -> list[str]:
    by_n = {r["corpus"]["docs"]: r for r in results}
    lines = ["## Targets", "", "| target | result |", "|---|---|"]
    big = by_n.get(40_000)
    if big:
        lines.append(
            "| 40,000 docs parsed and loaded < 5 min | "
            f"{_verdict(big['load']['wall_s'], TARGETS['load_s'], 's')} |"
        )
        rss = max(big["load"]["max_process_mb"], big["load"]["tree_peak_mb"])
        lines.append(
            "| peak RSS < 2 GB (40,000 docs; the larger of the two measures) | "
            f"{_verdict(rss, TARGETS['rss_mb'], 'MB')} |"
        )
        worst = max(
            (
                (name, t["p95_ms"])
                for timings in big["dashboard"].values()
                for name, t in timings.items()
            ),
            key=lambda x: x[1],
        )
        lines.append(
            "| every dashboard query < 300 ms p95 at 40,000 docs | "
            f"{_verdict(worst[1], TARGETS['query_p95_ms'], 'ms')}; slowest: {worst[0]} |"
        )
    else:
        lines.append("| 40,000-document targets | not run in this invocation |")
    mid = by_n.get(10_000)
    if mid:
        one = mid["incremental"]["one_file_s"]
        lines.append(
            "| reload one changed doc in a 10,000-doc warehouse < 2 s (`etl load FILE`) | "
            f"{_verdict(one, TARGETS['reload_s'], 's')} |"
        )
        lines.append(
            "| same, by rescanning the folder (`etl load DIR`) | "
            f"{_verdict(mid['incremental']['rescan_dir_s'], TARGETS['reload_s'], 's')} |"
        )
    largest = max(results, key=lambda r: r["parse"]["sample_docs"])
    ratio = largest["parse"]["ratio_cpu"]
    lines.append(
        "| parser within 10× of the read-and-split floor (CPU time, "
        f"{largest['parse']['sample_docs']:,}-doc sample) "
        f"| {_verdict(ratio, TARGETS['parse_ratio'], '×')} |"
    )
    return lines + [""]


def render(machine: dict, when: str, command: str, results: list[dict], notes: list[str]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `{command}` on {when}. Reproduce with the same command (see README); "
        "corpora are synthetic (`python -m etl synth`, same seed → same files).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in machine.items()]
    lines += ["", *targets_section(results), "## Results by corpus size", ""]
    for r in results:
        lines += _size_section(r)
    if notes:
        lines += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    return "\n".join(lines)
