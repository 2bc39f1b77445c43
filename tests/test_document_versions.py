"""A document is its unit + fiscal year + kind: a revised copy supersedes the original, the
same document in two formats loads once, --keep-both keeps both (issue 17 item 5)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from etl.readers.text import read_text
from tests.fixtures.build_office import docx_from_blocks
from warehouse.load.loader import load_paths
from warehouse.serve.connect import open_readonly

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "000_c5dc2f2abd3f2e97.txt"


def query(db: Path, sql: str) -> list[tuple]:
    con = open_readonly(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def totals(db: Path) -> tuple:
    return query(
        db,
        "SELECT count(*), sum(budget_total_yuan), count(DISTINCT source_file) "
        "FROM v_project_budget",
    )[0]


def revised(folder: Path) -> Path:
    """The seed with one project budget changed, under another file name, newer on disk."""
    text = SEED.read_text(encoding="utf-8-sig").replace("\t16.30\n", "\t26.30\n")
    target = folder / "开平镇_修订版.txt"
    target.write_text(text, encoding="utf-8")
    later = os.stat(folder / SEED.name).st_mtime + 60
    os.utime(target, (later, later))
    return target


def seed_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A folder holding the seed, and where its warehouse goes."""
    folder, db = tmp_path / "in", tmp_path / "w.duckdb"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder, db


def load(folder: Path, db: Path, **kwargs):
    return load_paths([folder], db, progress=False, **kwargs)


def etl_load(folder: Path, db: Path, *options: str) -> subprocess.CompletedProcess:
    """``etl load`` as a user types it (its summary is on stdout)."""
    return subprocess.run(
        [sys.executable, "-m", "etl", "load", str(folder), "--db", str(db), *options],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )


def test_revised_document_supersedes_its_original_in_a_later_load(tmp_path: Path) -> None:
    folder, db = seed_folder(tmp_path)
    load(folder, db)
    projects, budget, files = totals(db)
    new = revised(folder)
    summary = load(folder, db)
    assert summary.superseded == [(str(folder / SEED.name), str(new))]
    after = totals(db)
    assert after[0] == projects and after[2] == 1  # not doubled
    assert after[1] == budget + 100000
    assert query(db, "SELECT DISTINCT source_file FROM v_project_budget")[0][0].endswith(
        "修订版.txt"
    )
    warning = query(db, "SELECT message FROM load_warning WHERE code = 'document_superseded'")
    assert len(warning) == 1 and SEED.name in warning[0][0]
    history = dict(query(db, "SELECT path, status FROM document_version"))
    assert history == {str(folder / SEED.name): "superseded", str(new): "current"}
    # loading the folder again (old file still there) changes nothing and never flips back
    again = load(folder, db)
    assert not again.written and again.version_skipped
    assert totals(db) == after


def test_newer_file_wins_inside_one_load(tmp_path: Path) -> None:
    folder, db = seed_folder(tmp_path)
    new = revised(folder)
    summary = load(folder, db)
    assert summary.superseded == [(str(folder / SEED.name), str(new))]
    assert summary.loaded == 1
    assert totals(db)[2] == 1


def test_txt_and_docx_of_one_document_load_once(tmp_path: Path) -> None:
    folder, db = seed_folder(tmp_path)
    docx_from_blocks(read_text(SEED).blocks, folder / "开平镇.docx")
    summary = load(folder, db)
    assert summary.loaded == 1
    assert len(summary.same_content) == 1
    assert totals(db)[2] == 1
    assert not query(db, "SELECT * FROM load_warning WHERE code = 'duplicate_project'")


def test_keep_both_keeps_two_genuine_documents(tmp_path: Path) -> None:
    folder, db = seed_folder(tmp_path)
    revised(folder)
    result = etl_load(folder, db, "--keep-both")
    assert result.returncode == 0, result.stderr
    assert "取代" not in result.stdout
    assert totals(db)[2] == 2
    statuses = sorted(s for (s,) in query(db, "SELECT status FROM document_version"))
    assert statuses == ["current", "kept_both"]


def other_funds(folder: Path, *, keep_first: bool = False) -> Path:
    """Another file of the same unit and year whose projects are all different (a second
    set of fund tables), or, with ``keep_first``, sharing the first project only."""
    text = SEED.read_text(encoding="utf-8-sig")
    renames = {
        "13020521GKCZWBMDEOE4Y": "13020521ZZZZZZZZZZZZ2",
        "清真寺建设区级": "农田水利维护区级",
        "13020521ILR9CW0CMFYGP": "13020521ZZZZZZZZZZZZ3",
        "卫生城创建工作经费区级": "道路养护补助区级",
    }
    if not keep_first:
        renames |= {"1302052198IG5CA7OFKXQ": "13020521ZZZZZZZZZZZZ1", "小专项": "老年活动"}
    for old, new in renames.items():
        text = text.replace(old, new)
    target = folder / ("开平镇_第二批.txt" if not keep_first else "开平镇_调整.txt")
    target.write_text(text, encoding="utf-8")
    later = os.stat(folder / SEED.name).st_mtime + 60
    os.utime(target, (later, later))
    return target


def test_same_unit_and_year_without_a_shared_project_is_a_second_document(
    tmp_path: Path,
) -> None:
    folder, db = seed_folder(tmp_path)
    load(folder, db)
    projects, budget, _ = totals(db)
    second = other_funds(folder)
    summary = load(folder, db)
    assert summary.superseded == []
    assert summary.separate == [(str(second), str(folder / SEED.name))]
    after = totals(db)
    assert after == (2 * projects, 2 * budget, 2)  # both documents count, nothing lost
    names = {n for (n,) in query(db, "SELECT project_name FROM v_project_budget")}
    assert {"小专项党组织建设区级", "老年活动党组织建设区级", "道路养护补助区级"} <= names
    warning = query(db, "SELECT message FROM load_warning WHERE code = 'document_same_unit_year'")
    assert len(warning) == 1 and SEED.name in warning[0][0]
    assert not query(db, "SELECT * FROM load_warning WHERE code = 'duplicate_project'")
    history = dict(query(db, "SELECT path, status FROM document_version"))
    assert history == {str(folder / SEED.name): "current", str(second): "kept_both"}
    # loading again changes nothing
    again = load(folder, db)
    assert not again.written and totals(db) == after


def test_one_shared_project_makes_it_a_new_version_inside_one_load(tmp_path: Path) -> None:
    folder, db = seed_folder(tmp_path)
    second = other_funds(folder, keep_first=True)  # renamed two projects, kept one
    summary = load(folder, db)
    assert summary.superseded == [(str(folder / SEED.name), str(second))]
    assert summary.separate == []
    assert totals(db)[2] == 1


def test_separate_documents_inside_one_load_print_in_the_summary(tmp_path: Path) -> None:
    folder, db = seed_folder(tmp_path)
    other_funds(folder)
    result = etl_load(folder, db, "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "没有相同的项目" in result.stdout and "取代" not in result.stdout
    assert totals(db)[2] == 2
