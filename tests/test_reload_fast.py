"""The fast reload path (issue 14): unchanged files are known by their stat, not re-hashed;
a changed file of the same size is still found; the ``etl load`` process never imports
pandas."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.support.records import json_parse, record, write_record
from warehouse.load import file_stats, loader
from warehouse.load.loader import load_paths, sha256_file
from warehouse.load.storage import current_file

ROOT = Path(__file__).resolve().parents[1]
HASHED: list[str] = []


@pytest.fixture
def counting_hash(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Notes every file the loader reads to hash; stats count as settled at once."""
    HASHED.clear()

    def counted(path: Path) -> tuple[str, int]:
        HASHED.append(Path(path).name)
        return sha256_file(path)

    monkeypatch.setattr(loader, "sha256_file", counted)
    monkeypatch.setattr(file_stats, "SETTLE_NS", 0)
    return HASHED


def _load(paths: list[Path], db: Path):
    return load_paths(
        paths, db, progress=False, parse=json_parse, version="fast-1", review=False,
        isolate=False,
    )  # fmt: skip


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    for i, town in enumerate(["甲镇", "乙镇", "丙乡"]):
        write_record(docs / f"{i:02d}_{town}.txt", record(town, code=f"81{i:04d}"))
    return docs


def _stat_rows(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(current_file(db)), read_only=True)
    try:
        return dict(con.execute(f"SELECT path, sha256 FROM {file_stats.TABLE}").fetchall())
    finally:
        con.close()


def test_unchanged_files_are_not_hashed_again(folder: Path, tmp_path: Path, counting_hash):
    db = tmp_path / "w.duckdb"
    first = _load([folder], db)
    assert first.loaded == 3 and len(counting_hash) == 3
    recorded = _stat_rows(db)
    assert recorded == {str(p): sha256_file(p)[0] for p in folder.iterdir()}

    counting_hash.clear()
    again = _load([folder], db)
    assert not again.written and again.unchanged == 3
    assert counting_hash == []  # size, times and inode unchanged: no file was read


def test_same_size_change_with_restored_mtime_is_still_found(
    folder: Path, tmp_path: Path, counting_hash
):
    db = tmp_path / "w.duckdb"
    _load([folder], db)
    target = sorted(folder.iterdir())[1]
    before = target.stat()
    data = target.read_bytes()
    assert b"100" in data  # a budget figure of the fixture record
    changed = data.replace(b"100", b"900", 1)
    assert len(changed) == len(data)
    target.write_bytes(changed)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime as before
    assert target.stat().st_size == before.st_size

    counting_hash.clear()
    summary = _load([folder], db)
    assert counting_hash == [target.name]  # the change time still differs: hashed
    assert summary.replaced == 1 and summary.unchanged == 2
    assert _stat_rows(db)[str(target)] == sha256_file(target)[0]


def test_files_changed_moments_ago_are_not_recorded(folder: Path, tmp_path: Path):
    db = tmp_path / "w.duckdb"
    _load([folder], db)  # the files were written just now: their stat is not trusted yet
    assert _stat_rows(db) == {}


def test_etl_load_process_never_imports_pandas(folder: Path, tmp_path: Path):
    db = tmp_path / "w.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("WAREHOUSE_DB", None)
    code = (
        "import runpy, sys\n"
        "sys.argv = ['etl', 'load', sys.argv[1], '--db', sys.argv[2], '--no-progress',"
        " '--workers', '1']\n"
        "try:\n"
        "    runpy.run_module('etl', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exc:\n"
        "    print('EXIT', exc.code, 'PANDAS', 'pandas' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder), str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "PANDAS False" in done.stdout, done.stdout + done.stderr
    assert "载入完成" in done.stdout
