"""Parse throughput against the read-and-split floor, on one core and on all cores.

The floor is what any parser must pay: read the bytes, decode them, split the lines.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def _decode(data: bytes) -> str | None:
    for codec in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def read_and_split(paths: list[Path]) -> tuple[int, int]:
    """The floor: bytes read and lines split."""
    total = lines = 0
    for path in paths:
        data = path.read_bytes()
        total += len(data)
        text = _decode(data)
        if text is not None:
            lines += len(text.replace("\r\n", "\n").split("\n"))
    return total, lines


def parse_all(paths: list[Path]) -> tuple[int, int, int]:
    """(bytes, documents parsed, documents refused) with the real parser."""
    from etl.errors import DocumentError
    from etl.parser import parse_file

    total = ok = refused = 0
    for path in paths:
        total += path.stat().st_size
        try:
            parse_file(path)
            ok += 1
        except DocumentError:
            refused += 1
    return total, ok, refused


def _parse_chunk(paths: list[str]) -> tuple[int, int, int]:
    return parse_all([Path(p) for p in paths])


def _dump_chunk(args: tuple[list[str], str]) -> int:
    """Parse and write records as JSON lines (the input of the pandas baseline)."""
    from etl.errors import DocumentError
    from etl.parser import parse_file

    paths, out = args
    written = 0
    with open(out, "w", encoding="utf-8") as handle:
        for path in paths:
            try:
                record = parse_file(path)
            except DocumentError:
                continue
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
    return written


def _chunks(paths: list[Path], size: int) -> list[list[str]]:
    names = [str(p) for p in paths]
    return [names[i : i + size] for i in range(0, len(names), size)]


def _timed(fn, *args):
    """(result, wall seconds, CPU seconds of this process)."""
    cpu, started = time.process_time(), time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - started, time.process_time() - cpu


def run(paths: list[Path], single_core_max: int, pool_max: int | None = None) -> dict:
    """Floor and parser timings; single-core figures use at most ``single_core_max`` docs,
    the all-cores pass at most ``pool_max`` (the load parses every document anyway)."""
    read_and_split(paths)  # warm the page cache so every pass reads from memory
    sample = paths[:single_core_max]
    paths = paths[:pool_max] if pool_max else paths
    (floor_bytes, _), floor_s, floor_cpu = _timed(read_and_split, sample)
    (one_bytes, ok, refused), one_s, one_cpu = _timed(parse_all, sample)
    cores = os.cpu_count() or 1
    started = time.perf_counter()
    with ProcessPoolExecutor(cores) as pool:
        results = list(
            pool.map(_parse_chunk, _chunks(paths, max(20, len(paths) // (cores * 16) + 1)))
        )
    all_s = time.perf_counter() - started
    all_bytes = sum(r[0] for r in results)
    return {
        "sample_docs": len(sample),
        "cores": cores,
        "floor_s": floor_s,
        "floor_mb_s": floor_bytes / 1e6 / floor_s,
        "floor_docs_s": len(sample) / floor_s,
        "one_s": one_s,
        "one_mb_s": one_bytes / 1e6 / one_s,
        "one_docs_s": len(sample) / one_s,
        "parsed": ok,
        "refused": refused,
        "all_docs": len(paths),
        "all_s": all_s,
        "all_mb_s": all_bytes / 1e6 / all_s,
        "all_docs_s": len(paths) / all_s,
        "ratio": one_s / floor_s,
        "floor_cpu_s": floor_cpu,
        "one_cpu_s": one_cpu,
        "ratio_cpu": one_cpu / floor_cpu,
        "one_cpu_mb_s": one_bytes / 1e6 / one_cpu,
        "one_cpu_docs_s": len(sample) / one_cpu,
    }


def dump_records(paths: list[Path], out: Path) -> int:
    """Write every parsed record as JSON lines under ``out`` (untimed preparation)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("part-*.jsonl"):
        old.unlink()
    chunks = _chunks(paths, 500)
    jobs = [(chunk, str(out / f"part-{i:05d}.jsonl")) for i, chunk in enumerate(chunks)]
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        return sum(pool.map(_dump_chunk, jobs))
