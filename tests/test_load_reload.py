"""Reloads: nothing changed writes no version and parses nothing, known rejects included;
one changed file is the only one parsed; old versions are pruned to the documented count."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.support.records import json_parse, record, write_record
from warehouse.load import known_rejects
from warehouse.load.loader import load_paths
from warehouse.load.loader_cli import format_summary
from warehouse.load.storage import KEEP_PREVIOUS, list_versions

PARSED: list[str] = []


def counting_parse(path: Path) -> dict:
    """json_parse that notes every file it is asked to parse."""
    PARSED.append(Path(path).name)
    return json_parse(path)


def _load(folder: Path, db: Path, version: str = "reload-1"):
    PARSED.clear()
    return load_paths(
        [folder], db, progress=False, parse=counting_parse, version=version, review=False,
        isolate=False,
    )  # fmt: skip


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    for i, town in enumerate(["甲镇", "乙镇", "丙乡", "丁镇"]):
        write_record(docs / f"{i:02d}_{town}.txt", record(town, code=f"80{i:04d}"))
    (docs / "10_empty.txt").write_bytes(b"")
    (docs / "11_binary.txt").write_bytes(b"\x00\x01binary")
    (docs / "12_text.txt").write_text("没有表格的说明文字", encoding="utf-8")
    shutil.copy(docs / "11_binary.txt", docs / "13_binary_copy.txt")
    return docs


def _rejects(db: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT path, reason FROM reject ORDER BY path").fetchall()
    finally:
        con.close()


def test_nothing_changed_writes_no_version_and_parses_nothing(folder: Path, tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    first = _load(folder, db)
    assert first.written and first.loaded == 4
    assert len(first.rejected) == 4 and first.exit_code == 1
    assert sorted(PARSED) == sorted(
        p.name for p in folder.iterdir() if p.name != "13_binary_copy.txt"
    )
    versions_before = [n for n, _ in list_versions(db)]
    rejects_before = _rejects(db)

    again = _load(folder, db)
    assert not again.written
    assert PARSED == []  # the three rejected files were not parsed again
    assert again.unchanged == 4
    assert sorted(r.path for r in again.rejected) == [p for p, _ in rejects_before]
    assert all(r.known for r in again.rejected if "copy" not in r.path)
    assert again.exit_code == 1  # every bad file is still reported
    assert "其中 3 个内容未变，沿用上次的拒绝原因" in format_summary(again)
    assert [n for n, _ in list_versions(db)] == versions_before
    assert _rejects(db) == rejects_before


def test_one_changed_file_is_the_only_one_parsed(folder: Path, tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    _load(folder, db)
    write_record(folder / "12_text.txt", record("戊乡", code="809999"))  # fixed by the user
    fixed = _load(folder, db)
    assert fixed.written and PARSED == ["12_text.txt"]
    assert fixed.loaded == 1 and len(fixed.rejected) == 3
    assert "12_text.txt" not in {Path(p).name for p, _ in _rejects(db)}
    con = duckdb.connect(str(db), read_only=True)
    try:
        remembered = {
            Path(p).name
            for (p,) in con.execute(f"SELECT path FROM {known_rejects.TABLE}").fetchall()
        }
    finally:
        con.close()
    assert remembered == {"10_empty.txt", "11_binary.txt"}


def test_a_new_parser_version_parses_the_rejects_again(folder: Path, tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    _load(folder, db)
    newer = _load(folder, db, version="reload-2")
    assert newer.written
    assert {"10_empty.txt", "11_binary.txt", "12_text.txt"} <= set(PARSED)


def test_old_versions_are_pruned_to_the_documented_count(folder: Path, tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    for n in range(KEEP_PREVIOUS + 3):
        write_record(folder / "00_甲镇.txt", record("甲镇", 2021 + n, code="800000"))
        assert _load(folder, db).written
    kept = list_versions(db)
    assert len(kept) == KEEP_PREVIOUS + 1  # the current version and KEEP_PREVIOUS before it


def test_keep_versions_option_of_the_command(tmp_path: Path) -> None:
    from warehouse.load.loader_cli import main

    seed = sorted((Path(__file__).resolve().parents[1] / "data").glob("00*.txt"))[0]
    docs, db = tmp_path / "docs", tmp_path / "wh" / "warehouse.duckdb"
    docs.mkdir()
    text = seed.read_bytes()
    for n in range(3):
        (docs / seed.name).write_bytes(text + b"\n" * n)  # new bytes: a new version each time
        assert main([str(docs), "--db", str(db), "--no-progress", "--keep-versions", "0"]) == 0
    assert [n for n, _ in list_versions(db)] == [3]
    assert main([str(docs), "--db", str(db), "--keep-versions", "-1"]) == 2


def test_load_memory_limit_is_set_and_named_when_exceeded(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warehouse.load import storage
    from warehouse.load.storage import describe_os_error, load_memory_mb, new_version

    monkeypatch.delenv("WAREHOUSE_LOAD_MEMORY_MB", raising=False)
    assert storage.LOAD_MEMORY_MIN_MB <= load_memory_mb() <= storage.LOAD_MEMORY_MAX_MB
    monkeypatch.setattr(storage, "LOAD_MEMORY_RAM_SHARE", 100.0)  # any RAM: capped
    assert load_memory_mb() == storage.LOAD_MEMORY_MAX_MB
    monkeypatch.setenv("WAREHOUSE_LOAD_MEMORY_MB", "300")
    assert load_memory_mb() == 300
    with new_version(tmp_path / "m.duckdb") as (con, _):
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] in (
            "300.0 MiB",
            "286.1 MiB",
        )
        with pytest.raises(duckdb.Error) as caught:
            con.execute("SET memory_limit = '1MB'")
            con.execute("SELECT list(range) FROM range(5000000)").fetchall()
    assert "WAREHOUSE_LOAD_MEMORY_MB" in describe_os_error(caught.value)
