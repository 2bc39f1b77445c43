"""``python -m etl synth --docs N --out DIR [--seed S] [--jobs J]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from synth.corpus import FAMILY_SHARE, MANIFEST, write_corpus


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m etl synth",
        description="Write N realistic synthetic goal documents plus manifest.jsonl "
        "(the ground truth of each file). Same seed, same bytes.",
    )
    parser.add_argument("--docs", type=int, required=True, help="number of documents")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="worker processes (default: all cores); output does not depend on it",
    )
    parser.add_argument(
        "--family-share",
        type=float,
        default=FAMILY_SHARE,
        help="share of documents in the newer layout families F2/F3/F4/F7 "
        f"(default {FAMILY_SHARE}; 0 = only the four older layouts)",
    )
    args = parser.parse_args(argv)
    if args.docs < 1:
        parser.error("--docs must be at least 1")
    if not 0 <= args.family_share <= 1:
        parser.error("--family-share must be between 0 and 1")
    started = time.perf_counter()
    try:
        write_corpus(args.docs, args.out, args.seed, args.jobs, args.family_share)
    except (OSError, ValueError) as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    total = sum(p.stat().st_size for p in args.out.glob("*.txt"))
    print(
        f"wrote {args.docs} documents ({total / 1e6:.1f} MB) and {MANIFEST} to {args.out} "
        f"in {elapsed:.1f}s (seed {args.seed})",
        file=sys.stderr,
    )
    return 0
