"""Crash leftovers, a dangling pointer and write errors (issue 17, operations)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.support.records import TEST_PARSER_VERSION, json_parse, record, write_record
from warehouse.load.loader import load_paths
from warehouse.load.storage import (
    DanglingVersionError,
    copy_version,
    current_file,
    list_versions,
)

ROOT = Path(__file__).resolve().parents[1]


def load(folder: Path, db: Path):
    return load_paths(
        [folder], db, progress=False, parse=json_parse, version=TEST_PARSER_VERSION, review=False
    )


def three_versions(tmp_path: Path) -> tuple[Path, Path]:
    folder, db = tmp_path / "docs", tmp_path / "wh" / "w.duckdb"
    for index, town in enumerate(["甲镇", "乙镇", "丙乡"]):
        write_record(folder / f"{index}.txt", record(town, code=f"80100{index}"))
        load(folder, db)
    assert [n for n, _ in list_versions(db)] == [1, 2, 3]
    return folder, db


def test_crash_leftovers_are_not_counted_as_versions(tmp_path: Path) -> None:
    folder, db = three_versions(tmp_path)
    # what a kill -9 mid-load leaves: a partial next version, its WAL, a temporary link
    (db.parent / "w.duckdb.v000004").write_bytes(b"partial")
    (db.parent / "w.duckdb.v000004.wal").write_bytes(b"wal")
    (db.parent / "w.duckdb.v000005").write_bytes(b"partial")
    os.symlink("w.duckdb.v000004", db.parent / ".w.duckdb.999.tmp")
    stray_wal = db.parent / "w.duckdb.v000003.wal"
    stray_wal.write_bytes(b"wal")
    write_record(folder / "3.txt", record("丁镇", code="801003"))
    summary = load(folder, db)
    assert summary.loaded == 1
    # the new version reuses number 4 (the leftover is gone), and the two real previous
    # versions (2 and 3) are kept: the leftovers did not push them out
    assert current_file(db).name == "w.duckdb.v000004"
    assert [n for n, _ in list_versions(db)] == [2, 3, 4]
    assert duckdb.connect(str(current_file(db)), read_only=True).execute(
        "SELECT count(*) FROM source_document"
    ).fetchone() == (4,)
    assert not os.path.lexists(db.parent / ".w.duckdb.999.tmp")
    assert not stray_wal.exists()
    assert (db.parent / "w.duckdb.quarantine" / "w.duckdb.v000003.wal").exists()


def test_dangling_current_version_is_refused_loudly(tmp_path: Path) -> None:
    folder, db = three_versions(tmp_path)
    (db.parent / "w.duckdb.v000003").unlink()
    write_record(folder / "3.txt", record("丁镇", code="801003"))
    with pytest.raises(DanglingVersionError) as info:
        load(folder, db)
    message = str(info.value)
    assert "w.duckdb.v000003 不存在" in message
    assert "w.duckdb.v000002" in message and "ln -sfn w.duckdb.v000002" in message
    assert os.readlink(db) == "w.duckdb.v000003"  # nothing was published
    assert [n for n, _ in list_versions(db)] == [1, 2]
    result = subprocess.run(
        [sys.executable, "-m", "etl", "load", str(folder), "--db", str(db)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "当前版本文件缺失" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


WRITE_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
from warehouse.load.loader_cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow  # a real load process under a file-size limit
def test_write_error_names_the_real_cause(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    for index in range(3):
        write_record(folder / f"{index}.txt", record(f"镇{index}", code=f"80100{index}"))
    db = tmp_path / "wh" / "w.duckdb"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            WRITE_LIMITED,
            str(ROOT / "data" / "000_c5dc2f2abd3f2e97.txt"),
            "--db",
            str(db),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    assert result.returncode == 1, result.stdout
    assert "载入失败，仓库保持原状" in result.stderr
    assert "文件超过系统允许的大小" in result.stderr
    assert "no transaction is active" not in result.stderr
    assert "Traceback" not in result.stderr
    assert not os.path.lexists(db) and not list(db.parent.glob("w.duckdb.v*"))


def test_a_version_copy_is_independent_of_its_source(tmp_path: Path) -> None:
    """copy_version reflinks where the filesystem can and copies elsewhere (ext4 here):
    either way the copy has the same bytes, and writing it leaves the source unchanged."""
    source, target = tmp_path / "w.duckdb.v000001", tmp_path / "w.duckdb.v000002"
    original = os.urandom(3 << 20)
    source.write_bytes(original)
    target.write_bytes(b"stale")  # a leftover of a crashed load is replaced
    how = copy_version(source, target)
    assert how in {"reflink", "copy"}
    assert target.read_bytes() == original
    with open(target, "r+b") as out:
        out.seek(1 << 20)
        out.write(b"\x00" * 4096)
    assert source.read_bytes() == original
    assert target.read_bytes() != original


def test_each_version_carries_the_documents_of_the_one_before(tmp_path: Path) -> None:
    _, db = three_versions(tmp_path)
    con = duckdb.connect(str(current_file(db)), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM source_document").fetchone() == (3,)
    finally:
        con.close()
