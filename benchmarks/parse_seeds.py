"""Parse throughput on the bundled seed documents (MB/s and documents/s, one core).

CPU time of this process (`time.process_time`, so other load on the machine counts less),
medians of N passes, against the read-and-split floor (read, decode, split the lines).

Usage: python -m benchmarks.parse_seeds [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from etl.parser import parse_file
from etl.readers.text import split_lines

DATA = Path(__file__).resolve().parents[1] / "data"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    files = sorted(DATA.glob("*.txt"))
    size = sum(f.stat().st_size for f in files)
    parse_file(files[0])  # warm caches (admin table, regexes)
    parse_times, floor_times = [], []
    for _ in range(args.rounds):
        start = time.process_time()
        for file in files:
            parse_file(file, manifest=[])
        parse_times.append(time.process_time() - start)
        start = time.process_time()
        for file in files:
            split_lines(file.read_bytes().decode("utf-8"))
        floor_times.append(time.process_time() - start)
    best = statistics.median(parse_times)
    floor = statistics.median(floor_times)
    print(f"documents: {len(files)}, bytes: {size:,}")
    print(
        f"parse: {best * 1000:.1f} ms CPU per pass -> {size / best / 1e6:.2f} MB/s, "
        f"{len(files) / best:.0f} documents/s (median of {args.rounds})"
    )
    print(
        f"read-and-split floor: {floor * 1000:.2f} ms CPU"
        f" -> parser is {best / floor:.1f}x the floor"
    )


if __name__ == "__main__":
    main()
