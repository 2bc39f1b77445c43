"""Loader behaviour on hand-built records: idempotency, replacement, rejects, atomicity."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.records import TEST_PARSER_VERSION, json_parse, project, record, write_record
from warehouse.load import loader
from warehouse.load.checks import run_checks
from warehouse.load.loader import load_paths
from warehouse.load.storage import current_file, list_versions
from warehouse.schema import ddl as schema
from warehouse.serve.connect import open_readonly


def load(paths: list[Path], db: Path, **kwargs: object) -> loader.LoadSummary:
    kwargs.setdefault("parse", json_parse)
    kwargs.setdefault("version", TEST_PARSER_VERSION)
    kwargs.setdefault("review", False)
    return load_paths(paths, db, progress=False, **kwargs)


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every table's contents, except the run log and the timestamps of reject rows."""
    con = open_readonly(db)
    try:
        out = {}
        for table in schema.TABLES:
            if table == "load_run":
                continue
            columns = "path, sha256, reason" if table == "reject" else "*"
            out[table] = con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def count(db: Path, sql: str) -> object:
    con = open_readonly(db)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    write_record(folder / "a.txt", record("甲镇", code="801001"))
    write_record(folder / "sub" / "b.txt", record("乙镇", code="801002"))
    (folder / "README.md").write_text("说明", encoding="utf-8")
    (folder / ".hidden.txt").write_text("x", encoding="utf-8")
    (folder / "rules.toml").write_text("x = 1", encoding="utf-8")
    return folder


def test_first_load_counts_and_checks(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "wh" / "warehouse.duckdb"
    summary = load([docs], db)
    assert summary.exit_code == 0
    assert (summary.files_seen, summary.loaded, summary.projects) == (2, 2, 6)
    assert summary.indicators == 2 * (3 * 4 + 1)
    assert count(db, "SELECT count(*) FROM v_project_budget") == 6
    assert count(db, "SELECT count(*) FROM v_indicator_target WHERE scope = 'unit'") == 2
    assert db.is_symlink() and current_file(db).name.endswith(".v000001")
    con = open_readonly(db)
    assert all(r.ok for r in run_checks(con)), [r for r in run_checks(con) if not r.ok]


def test_same_folder_twice_changes_nothing(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    load([docs], db)
    before = snapshot(db)
    summary = load([docs], db)
    assert (summary.loaded, summary.replaced, summary.unchanged) == (0, 0, 2)
    assert not summary.written and current_file(db).name.endswith(".v000001")
    assert snapshot(db) == before
    # the same files named another way (relative and explicit) are the same documents
    os.chdir(docs)
    summary = load([Path("a.txt"), Path("sub")], db)
    assert summary.unchanged == 2 and snapshot(db) == before


def test_changed_file_replaces_its_rows(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    load([docs], db)
    changed = record(
        "甲镇",
        code="801001",
        projects=[
            project(1, "党组织活动经费", 200000.0, code="P1"),
            project(2, "全新的道路项目", 90000.0, code="P9"),
        ],
    )
    write_record(docs / "a.txt", changed)
    summary = load([docs], db)
    assert (summary.replaced, summary.unchanged, summary.loaded) == (1, 1, 0)
    assert count(db, "SELECT count(*) FROM v_project_budget") == 5
    assert count(db, "SELECT count(*) FROM v_project_budget WHERE township = '甲镇'") == 2
    assert (
        count(
            db,
            "SELECT budget_total_yuan FROM v_project_budget "
            "WHERE project_code = 'P1' AND township = '甲镇'",
        )
        == 200000.0
    )
    # no orphans: 征地 / 环境 projects of 甲镇 are gone everywhere
    assert count(db, "SELECT count(*) FROM dim_project") == 5
    assert count(db, "SELECT count(*) FROM fact_indicator_target") == 2 * 4 + 1 + 3 * 4 + 1
    con = open_readonly(db)
    assert [r.check.name for r in run_checks(con) if not r.ok] == []


def test_rejects_are_recorded_and_good_files_load(docs: Path, tmp_path: Path) -> None:
    (docs / "empty.txt").write_bytes(b"")
    (docs / "binary.docx").write_bytes(b"PK\x03\x04\x00\x00\x00binary\x00" * 20)
    db = tmp_path / "warehouse.duckdb"
    summary = load([docs], db)
    assert summary.exit_code == 1
    assert summary.loaded == 2
    rejected = {Path(r.path).name: r.reason for r in summary.rejected}
    assert set(rejected) == {"empty.txt", "binary.docx"}
    assert "空" in rejected["empty.txt"] and "二进制" in rejected["binary.docx"]
    con = open_readonly(db)
    rows = con.execute("SELECT path, sha256, reason FROM reject ORDER BY path").fetchall()
    assert [Path(p).name for p, _, _ in rows] == ["binary.docx", "empty.txt"]
    assert all(sha and reason for _, sha, reason in rows)
    assert con.execute("SELECT status, rejected FROM load_run").fetchone() == ("rejects", 2)
    con.close()
    # fixing the file removes its reject row
    write_record(docs / "empty.txt", record("丙乡", code="801003"))
    summary = load([docs], db)
    assert summary.loaded == 1 and len(summary.rejected) == 1
    assert count(db, "SELECT count(*) FROM reject") == 1


def test_failure_halfway_leaves_previous_state(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "warehouse.duckdb"
    load([docs], db)
    before, version_before = snapshot(db), current_file(db)
    write_record(docs / "a.txt", record("甲镇", code="801001", projects=[project(1, "新", 1.0)]))
    write_record(docs / "c.txt", record("丙乡", code="801003"))
    calls = {"n": 0}

    def boom(table: str, rows: list[dict]) -> None:
        calls["n"] += 1
        if table == "fact_indicator_target":
            raise RuntimeError("simulated crash in the middle of a load")

    monkeypatch.setattr(loader, "write_hook", boom)
    with pytest.raises(RuntimeError):
        load([docs], db)
    assert calls["n"] > 1
    assert current_file(db) == version_before
    assert snapshot(db) == before
    assert [n for n, _ in list_versions(db)] == [1]  # the half-written version is gone
    monkeypatch.undo()
    summary = load([docs], db)
    assert (summary.replaced, summary.loaded) == (1, 1)


def test_keyboard_interrupt_leaves_previous_state(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "warehouse.duckdb"
    load([docs], db)
    before = snapshot(db)
    write_record(docs / "c.txt", record("丙乡", code="801003"))

    def interrupt(table: str, rows: list[dict]) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(loader, "write_hook", interrupt)
    with pytest.raises(KeyboardInterrupt):
        load([docs], db)
    assert snapshot(db) == before


def test_duplicate_content_is_skipped(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    (docs / "copy").mkdir()
    (docs / "copy" / "a_copy.txt").write_bytes((docs / "a.txt").read_bytes())
    summary = load([docs], db)
    assert summary.exit_code == 0 and summary.loaded == 2
    assert [Path(p).name for p, _ in summary.duplicates] == ["a_copy.txt"]


def test_same_project_in_two_documents_keeps_keys_unique(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write_record(folder / "v1.txt", record("甲镇"))
    revised = record("甲镇")
    revised["overall_goal"] = "修订版"
    write_record(folder / "v2.txt", revised)
    db = tmp_path / "warehouse.duckdb"
    # two genuine documents of one unit and year (--keep-both; by default the newer version
    # would supersede the older, tests/test_document_versions.py)
    summary = load([folder], db, keep_both=True)
    assert summary.exit_code == 0 and summary.projects == 6
    con = open_readonly(db)
    assert (
        con.execute("SELECT count(DISTINCT project_key) FROM fact_project_budget").fetchone()[0]
        == 6
    )
    assert (
        con.execute(
            "SELECT count(*) FROM load_warning WHERE code = 'duplicate_project'"
        ).fetchone()[0]
        == 3
    )


def test_parallel_parse_matches_sequential(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    for i in range(12):
        write_record(folder / f"{i:02d}.txt", record(f"镇{i}", code=f"80{i:04d}"))
    (folder / "bad.txt").write_bytes(b"\x00\x01")
    seq_db, par_db = tmp_path / "seq" / "w.duckdb", tmp_path / "par" / "w.duckdb"
    load([folder], seq_db)
    summary = load([folder], par_db, parallel_threshold=4, workers=2)
    assert summary.loaded == 12 and len(summary.rejected) == 1
    strip = {"source_document", "reject", "document_version"}  # loaded_at / run ids differ
    a, b = snapshot(seq_db), snapshot(par_db)
    assert {k: v for k, v in a.items() if k not in strip} == {
        k: v for k, v in b.items() if k not in strip
    }


def test_old_versions_are_collected(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    for i in range(5):
        write_record(docs / "a.txt", record("甲镇", year=2020 + i))
        load([docs], db)
    assert [n for n, _ in list_versions(db)] == [3, 4, 5]
    assert current_file(db).name == "warehouse.duckdb.v000005"


def test_unit_without_code_or_name_and_no_year(tmp_path: Path) -> None:
    rec = record("丁镇", code=None)
    rec["unit"] = {k: None for k in rec["unit"]}
    rec["fiscal_year"] = None
    write_record(tmp_path / "d" / "x.txt", rec)
    db = tmp_path / "warehouse.duckdb"
    summary = load([tmp_path / "d"], db)
    assert summary.exit_code == 0, summary.check_results
    assert count(db, "SELECT count(*) FROM v_project_budget WHERE fiscal_year IS NULL") == 3


def test_a_document_that_cannot_be_stored_is_rejected_alone(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write_record(folder / "good.txt", record("甲镇"))
    broken = record("乙镇", code="2")
    broken["projects"][0]["source_line"] = 2**40  # does not fit the INTEGER column
    write_record(folder / "broken.txt", broken)
    db = tmp_path / "warehouse.duckdb"
    summary = load([folder], db)
    assert summary.exit_code == 1 and summary.loaded == 1
    assert [Path(r.path).name for r in summary.rejected] == ["broken.txt"]
    assert "写入仓库失败" in summary.rejected[0].reason
    assert count(db, "SELECT count(*) FROM v_project_budget") == 3
    assert count(db, "SELECT count(*) FROM reject") == 1


def test_every_bad_copy_is_rejected(tmp_path: Path) -> None:
    """Two empty files share a hash; both must be listed as rejects, not one as a copy."""
    from warehouse.load.loader import load_paths

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a_empty.txt").write_bytes(b"")
    (folder / "b_empty.txt").write_bytes(b"")
    summary = load_paths([folder], tmp_path / "w.duckdb", progress=False)
    assert summary.exit_code == 1
    assert sorted(Path(r.path).name for r in summary.rejected) == ["a_empty.txt", "b_empty.txt"]
    assert summary.duplicates == []
