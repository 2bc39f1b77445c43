"""Parse throughput per file format on the five seeds (documents/s, one core).

The seeds are rebuilt as .docx, .html and .pdf (printed by headless Chromium) in a
temporary folder, exactly as the reader tests build them, then each format is parsed
``--rounds`` times; the median pass is reported.

Usage: python -m benchmarks.parse_formats [--rounds N] [--pdf-rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from etl.parser import parse_file
from etl.readers import read_blocks
from etl.readers.text import read_text

DATA = Path(__file__).resolve().parents[1] / "data"


def build(folder: Path) -> dict[str, list[Path]]:
    """The seeds in every format the project reads (PDF only when Chromium is there)."""
    from tests.fixtures.build_office import docx_from_blocks
    from tests.fixtures.build_web import chromium, html_from_blocks, pdf_from_html

    seeds = sorted(DATA.glob("[0-9][0-9][0-9]_*.txt"))
    files: dict[str, list[Path]] = {"txt": seeds, "docx": [], "html": [], "pdf": []}
    for seed in seeds:
        blocks = read_text(seed).blocks
        files["docx"].append(docx_from_blocks(blocks, folder / f"{seed.stem}.docx"))
        page = html_from_blocks(blocks, folder / f"{seed.stem}.html")
        files["html"].append(page)
        if chromium() is not None:
            files["pdf"].append(pdf_from_html(page, folder / f"{seed.stem}.pdf"))
    return files


def measure(files: list[Path], rounds: int) -> tuple[float, float, float]:
    """Median seconds per pass: read_blocks only, whole parse_file (wall clock), and
    parse_file in CPU time of this process (steadier on a shared machine)."""
    read_times, parse_times, cpu_times = [], [], []
    for _ in range(rounds):
        start = time.perf_counter()
        for file in files:
            read_blocks(file)
        read_times.append(time.perf_counter() - start)
        start, cpu = time.perf_counter(), time.process_time()
        for file in files:
            parse_file(file, manifest=[])
        parse_times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu)
    return (
        statistics.median(read_times),
        statistics.median(parse_times),
        statistics.median(cpu_times),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--pdf-rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parse_formats_") as tmp:
        files = build(Path(tmp))
        parse_file(files["txt"][0])  # warm caches (admin table, regexes)
        print(
            f"{'format':<6} {'docs':>4} {'KB':>7} {'read ms':>9} {'parse ms':>9} {'docs/s':>7}"
            f" {'cpu ms':>8} {'docs/cpu-s':>10}"
        )
        for fmt, paths in files.items():
            if not paths:
                print(f"{fmt:<6} skipped (chromium is not installed)")
                continue
            rounds = args.pdf_rounds if fmt == "pdf" else args.rounds
            read, parse, cpu = measure(paths, rounds)
            size = sum(p.stat().st_size for p in paths) / 1024
            print(
                f"{fmt:<6} {len(paths):>4} {size:>7.0f} {read * 1000:>9.0f} {parse * 1000:>9.0f}"
                f" {len(paths) / parse:>7.1f} {cpu * 1000:>8.0f} {len(paths) / cpu:>10.1f}"
            )


if __name__ == "__main__":
    main()
