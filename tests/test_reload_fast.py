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
from warehouse.load import checks, file_stats, loader
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


@pytest.fixture
def wide_folder(tmp_path: Path) -> Path:
    """Eight documents: one changed file stays under the marts' full-rebuild share."""
    docs = tmp_path / "wide"
    for i, town in enumerate(["甲镇", "乙镇", "丙乡", "丁镇", "戊镇", "己乡", "庚镇", "辛乡"]):
        write_record(docs / f"{i:02d}_{town}.txt", record(town, code=f"82{i:04d}"))
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


REVIEW_ROWS = {
    "goal_review_project": "SELECT * FROM goal_review_project ORDER BY ALL",
    "goal_review_finding": "SELECT * FROM goal_review_finding ORDER BY ALL",
}
CROSS_DOCS = 60


def _review(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(current_file(db)), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in REVIEW_ROWS.items()}
    finally:
        con.close()


def _cross_count(db: Path) -> int:
    con = duckdb.connect(str(current_file(db)), read_only=True)
    try:
        return con.execute(
            "SELECT count(*) FROM goal_review_finding WHERE ordinal >= 10000"
        ).fetchone()[0]
    finally:
        con.close()


def _group_of_three(db: Path, folder: Path) -> tuple[Path, str]:
    """A document in a cross-unit group of exactly three units, and its shared target text
    as it appears in the file: changing it breaks the group up."""
    con = duckdb.connect(str(current_file(db)), read_only=True)
    try:
        rows = con.execute(
            "WITH hit AS (SELECT t.fiscal_year, f.indicator_name, t.target_raw, t.unit_key, "
            "d.path FROM goal_review_finding AS f "
            "JOIN fact_indicator_target AS t ON t.project_key = f.project_key "
            " AND t.ordinal = f.indicator_index + 1 "
            "JOIN source_document AS d ON d.document_id = f.document_id "
            "WHERE f.ordinal >= 10000) "
            "SELECT any_value(path), target_raw FROM hit GROUP BY fiscal_year, indicator_name, "
            "target_raw HAVING count(DISTINCT unit_key) = 3 ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()
    for path, target in rows:
        if len(target) >= 2 and target in Path(path).read_text(encoding="utf-8"):
            return Path(path), target
    raise AssertionError("no cross-unit group of three units with a literal target")


@pytest.mark.slow
def test_one_file_reload_reviews_like_a_load_from_scratch(tmp_path: Path):
    """A one-file reload recomputes only the cross-unit copies it can change (R21, the part
    of the review that looks across documents): its review tables must equal a load of the
    same files from scratch, when the change breaks a group up and when it joins it again."""
    from synth.cli import main as synth_main

    corpus = tmp_path / "corpus"
    args = ["--docs", str(CROSS_DOCS), "--out", str(corpus), "--seed", "7", "--jobs", "1"]
    assert synth_main(args) == 0
    db = tmp_path / "reloaded" / "w.duckdb"
    load_paths([corpus], db, progress=False, workers=1)
    original = _review(db)
    cross_before = _cross_count(db)
    target_file, target = _group_of_three(db, corpus)
    text = target_file.read_text(encoding="utf-8")

    target_file.write_text(text.replace(target, target + "（修订稿）"), encoding="utf-8")
    changed = load_paths([target_file], db, progress=False, workers=1)
    assert changed.replaced == 1 and not changed.check_failures
    assert _cross_count(db) < cross_before  # the group of three fell apart
    scratch = tmp_path / "scratch" / "w.duckdb"
    load_paths([corpus], scratch, progress=False, workers=1)
    assert _review(db) == _review(scratch)

    target_file.write_text(text, encoding="utf-8")
    back = load_paths([target_file], db, progress=False, workers=1)
    assert back.replaced == 1
    assert _review(db) == original  # the group is back, with every copy it had


def _violations(results) -> list[tuple[str, int]]:
    return [(r.check.name, r.violations) for r in results]


def test_scoped_checks_find_what_the_full_checks_find(
    wide_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A one-file reload runs the scoped checks; a bug that duplicates the written rows is
    found by them exactly as by the full checks over the whole warehouse."""
    folder = wide_folder
    db = tmp_path / "w.duckdb"
    first = _load([folder], db)
    assert first.written and not first.check_failures
    scopes: list[object] = []
    real_run = checks.run_checks

    def recording(con, documents=None):
        scopes.append(documents)
        return real_run(con, documents)

    def duplicate_first_target(table: str, rows: object) -> None:
        if table == "fact_indicator_target" and isinstance(rows, dict):
            for values in rows.values():
                values.append(values[0])

    monkeypatch.setattr(checks, "run_checks", recording)
    monkeypatch.setattr(loader, "write_hook", duplicate_first_target)
    target = sorted(folder.iterdir())[0]
    target.write_bytes(target.read_bytes().replace(b"100", b"900", 1))
    summary = _load([target], db)
    assert summary.replaced == 1
    assert scopes and scopes[-1] is not None and len(scopes[-1]) == 1  # the scoped form ran
    failed = {name for name, n in _violations(summary.check_results) if n}
    assert {"pk_fact_indicator_target", "document_counts", "indicator_count"} <= failed
    con = duckdb.connect(str(current_file(db)), read_only=True)
    try:
        assert _violations(summary.check_results) == _violations(real_run(con))
    finally:
        con.close()


def test_scoped_checks_see_orphans_of_deleted_parents(folder: Path, tmp_path: Path):
    """A row of an untouched document whose parent the load deleted is an orphan: the scoped
    checks find it through the keys noted before the delete (chk_gone_project)."""
    db = tmp_path / "w.duckdb"
    _load([folder], db)
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(current_file(db).read_bytes())
    con = duckdb.connect(str(copy))
    try:
        docs = [
            d
            for (d,) in con.execute("SELECT document_id FROM source_document ORDER BY 1").fetchall()
        ]
        touched, other = docs[0], docs[1]
        project = con.execute(
            "SELECT project_key FROM fact_project_budget WHERE document_id = ? LIMIT 1", [other]
        ).fetchone()[0]
        checks.begin_scope(con)
        # a (hypothetical) bug: deleting the touched document also drops another's project
        con.execute("INSERT INTO chk_gone_project VALUES (?)", [project])
        con.execute("DELETE FROM fact_project_budget WHERE project_key = ?", [project])
        con.execute("DELETE FROM dim_project WHERE project_key = ?", [project])
        full = dict(_violations(checks.run_checks(con)))
        scoped = dict(_violations(checks.run_checks(con, [touched])))
        assert full["orphan_target"] > 0
        # the checks about parents (the simulated delete also breaks the other document's
        # own counts, which no load can do: it deletes whole documents)
        for name in ("orphan_budget", "orphan_target", "orphan_project", "orphan_document_rows"):
            assert scoped[name] == full[name], name
        con.execute("DELETE FROM chk_gone_project")  # without the note the orphan is missed
        assert dict(_violations(checks.run_checks(con, [touched])))["orphan_target"] == 0
    finally:
        con.close()


def test_small_review_planning_changes_no_row(
    seed_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A small review skips one DuckDB optimizer pass (planning dominates it); reviewing the
    seed documents with and without that pass writes the same rows, and the connection's
    optimizer setting is restored."""
    import shutil

    import warehouse.review as review

    copy = tmp_path / "copy.duckdb"
    shutil.copy(current_file(seed_warehouse), copy)
    con = duckdb.connect(str(copy))
    try:
        docs = [d for (d,) in con.execute("SELECT document_id FROM source_document").fetchall()]

        def reviewed() -> dict[str, list[tuple]]:
            review.review_documents(con, docs)
            return {name: con.execute(sql).fetchall() for name, sql in REVIEW_ROWS.items()}

        con.execute("SET disabled_optimizers = 'top_n'")
        small = reviewed()
        setting = "SELECT current_setting('disabled_optimizers')"
        assert con.execute(setting).fetchone()[0] == "top_n"
        monkeypatch.setattr(review, "SMALL_REVIEW", 0)  # every optimizer pass, as for a load
        assert reviewed() == small
        assert len(small["goal_review_finding"]) > 100
    finally:
        con.close()
