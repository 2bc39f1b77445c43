"""Synthetic corpora for the benchmark, generated once per size and seed and then reused."""

from __future__ import annotations

import json
import time
from pathlib import Path

from synth.corpus import MANIFEST, read_manifest, write_corpus

STAMP = "benchmark-stamp.json"


def ensure_corpus(root: Path, n: int, seed: int) -> tuple[Path, list[dict], float | None]:
    """(folder, manifest, generation seconds or None when reused)."""
    folder = root / f"corpus_{n}_seed{seed}"
    stamp = folder / STAMP
    if stamp.exists() and (folder / MANIFEST).exists():
        info = json.loads(stamp.read_text(encoding="utf-8"))
        if info == {"docs": n, "seed": seed}:
            return folder, read_manifest(folder), None
    started = time.perf_counter()
    write_corpus(n, folder, seed)
    elapsed = time.perf_counter() - started
    stamp.write_text(json.dumps({"docs": n, "seed": seed}), encoding="utf-8")
    return folder, read_manifest(folder), elapsed


def corpus_stats(folder: Path, manifest: list[dict]) -> dict:
    layouts: dict[str, int] = {}
    for record in manifest:
        layouts[record["layout"]] = layouts.get(record["layout"], 0) + 1
    return {
        "docs": len(manifest),
        "bytes": sum(r["bytes"] for r in manifest),
        "projects": sum(r["n_projects"] for r in manifest),
        "indicators": sum(r["n_indicators"] + r["n_unit_indicators"] for r in manifest),
        "broken": sum(1 for r in manifest if r["broken"]),
        "layouts": layouts,
        "files": [folder / r["file"] for r in manifest],
    }
