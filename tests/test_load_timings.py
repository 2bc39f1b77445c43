"""`etl load --timings`: where a load's time goes, per step and per review batch, from the
real command in its own process."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from warehouse.load.loader import PHASES

ROOT = Path(__file__).resolve().parents[1]


def _load(target: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    """`python -m etl load` in its own process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "etl", "load", str(target), "--db", str(db), "--no-progress"]
        + list(extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_timings_name_every_phase_and_every_review_batch(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for seed in sorted((ROOT / "data").glob("00*.txt"))[:2]:
        shutil.copy(seed, docs / seed.name)
    db = tmp_path / "warehouse.duckdb"
    done = _load(docs, db, "--timings")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Traceback" not in done.stderr
    # the summary lists every phase once, in order, with its seconds
    tail = out[out.index("各阶段用时：") :]
    found = re.findall(r"^  (.+)：(\d+\.\d\d) 秒$", tail, flags=re.M)
    assert [label for label, _ in found] == list(PHASES.values())
    total = float(re.search(r"用时 (\d+\.\d\d) 秒", out).group(1))  # type: ignore[union-attr]
    # each printed figure is rounded to 0.01 s: the sum may exceed the total by that much
    assert sum(float(s) for _, s in found) <= total + 0.005 * (len(found) + 1)
    # stderr traces the review: one line for the one batch of two documents, with memory
    batch = re.findall(
        r"审核 1–2 / 2：\d+\.\d 秒（.+），DuckDB 内存 \d+ MB，溢出 \d+ MB", done.stderr
    )
    assert len(batch) == 1, done.stderr
    assert "跨单位审核" in done.stderr


def test_without_timings_the_summary_and_stderr_stay_quiet(tmp_path: Path) -> None:
    seed = sorted((ROOT / "data").glob("00*.txt"))[0]
    db = tmp_path / "warehouse.duckdb"
    done = _load(seed, db)
    assert done.returncode == 0, done.stderr
    assert "各阶段用时" not in done.stdout
    assert "审核 1–1" not in done.stderr and "载入阶段" not in done.stderr
