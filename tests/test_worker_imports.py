"""A parse worker imports neither DuckDB nor pyarrow nor numpy: it never uses them, and they
cost ~65 MB of resident memory per worker (the load's peak is the whole process tree)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import datetime as dt, hashlib, sys
from pathlib import Path
import warehouse.load.workers
from warehouse.load.classify import load_classifier
from warehouse.load.parse_worker import WorkerConfig, parse_one

path = Path("data/000_c5dc2f2abd3f2e97.txt")
sha = hashlib.sha256(path.read_bytes()).hexdigest()
config = WorkerConfig(load_classifier(), 1, dt.datetime.now(), source_text=True, columnar=True)
outcome = parse_one((str(path), sha, path.stat().st_size, "v"), config)
assert outcome.error is None and outcome.kind == "project" and outcome.rows is not None
print(",".join(m for m in ("duckdb", "pyarrow", "numpy", "pandas") if m in sys.modules))
"""


def test_a_parse_worker_never_imports_the_warehouse_libraries() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
