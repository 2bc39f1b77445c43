"""The parse receiver thread (warehouse/load/workers.py::IsolatedRun): outcomes in task
order, and a consumer that stops early (an error while writing) leaves no worker behind.

Real worker processes parsing real seed documents."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from tests.test_load_hardening import _wait_for
from warehouse.load import loader
from warehouse.load.classify import load_classifier
from warehouse.load.loader import load_paths
from warehouse.load.parse_worker import WorkerConfig, parser_version
from warehouse.load.workers import parse_isolated

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data").glob("[0-9][0-9][0-9]_*.txt"))


def _tasks(folder: Path, copies: int) -> list[tuple[str, str, int, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    version = parser_version()
    tasks = []
    for index in range(copies):
        for seed in SEEDS:
            path = folder / f"{index:02d}_{seed.name}"
            data = seed.read_bytes() + f"\n备注 {index}\n".encode()
            path.write_bytes(data)
            tasks.append((str(path), hashlib.sha256(data).hexdigest(), len(data), version))
    return tasks


def _config() -> WorkerConfig:
    import datetime as dt

    return WorkerConfig(load_classifier(), 1, dt.datetime(2026, 1, 1), None, columnar=True)


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def test_outcomes_arrive_in_task_order(tmp_path: Path) -> None:
    tasks = _tasks(tmp_path / "in", copies=4)
    run = parse_isolated(tasks, _config(), workers=2, memory_mb=1500, timeout_s=300)
    outcomes = list(run)
    assert [o.path for o in outcomes] == [t[0] for t in tasks]
    assert all(o.rows is not None for o in outcomes), [o.error for o in outcomes]
    assert run.finished


def test_closing_early_stops_every_worker(tmp_path: Path) -> None:
    tasks = _tasks(tmp_path / "in", copies=6)
    run = parse_isolated(tasks, _config(), workers=2, memory_mb=1500, timeout_s=300)
    assert run.pool is not None
    pids = [w.proc.pid for w in run.pool.workers]
    iterator = iter(run)
    first = next(iterator)
    assert first.path == tasks[0][0]
    run.close()  # the consumer gives up with outcomes outstanding
    assert not run.finished
    assert _wait_for(lambda: not _alive(pids)), _alive(pids)
    run.close()  # idempotent


def test_write_error_mid_load_stops_the_workers_and_keeps_the_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    _tasks(folder, copies=3)
    shutil.copy(ROOT / "data" / "manifest.toml", folder / "manifest.toml")
    db = tmp_path / "w.duckdb"
    calls = []

    def failing_hook(table: str, rows: object) -> None:
        calls.append(table)
        raise OSError("disk on fire")  # not a document's fault: the load stops

    monkeypatch.setattr(loader, "BATCH_DOCUMENTS", 2)
    monkeypatch.setattr(loader, "write_hook", failing_hook)
    before = set(_children())
    with pytest.raises(OSError, match="disk on fire"):
        load_paths([folder], db, progress=False)
    assert calls
    assert _wait_for(lambda: not (set(_children()) - before))
    assert not db.exists()  # no version was published


def _children() -> list[int]:
    """Live worker processes started by this test process."""
    marker = f"WAREHOUSE_PARENT_PID={os.getpid()}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ours = marker in (entry / "environ").read_bytes().split(b"\0")
            if ours and (entry / "stat").read_text().split(") ")[-1][:1] != "Z":
                found.append(int(entry.name))
        except OSError:
            continue
    return found
