"""Acceptance numbers on the bundled seed documents with the real parser (issue 3)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytest.importorskip("etl.parser")

from warehouse.load.checks import run_checks
from warehouse.serve.connect import open_readonly

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


@pytest.fixture
def con(seed_warehouse: Path) -> duckdb.DuckDBPyConnection:
    """The session's seed warehouse (conftest: `etl load data/`, exit 0), read-only."""
    connection = open_readonly(seed_warehouse)
    yield connection
    connection.close()


def test_only_the_five_documents_load(con: duckdb.DuckDBPyConnection) -> None:
    # *.toml, reference/*.csv.gz and README in data/ are not documents
    assert con.execute("SELECT count(*) FROM source_document").fetchone() == (5,)
    assert con.execute("SELECT count(*) FROM reject").fetchone() == (0,)


def test_acceptance_numbers(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute(
        "SELECT count(*), sum(budget_total_yuan) FROM v_project_budget"
    ).fetchone() == (68, 22_335_100.0)
    scopes = dict(
        con.execute("SELECT scope, count(*) FROM v_indicator_target GROUP BY scope").fetchall()
    )
    assert scopes == {"project": 406, "unit": 7}


def test_categories_cover_ninety_percent(con: duckdb.DuckDBPyConnection) -> None:
    other, total = con.execute(
        "SELECT count(*) FILTER (project_category = '其他'), count(*) FROM v_project_budget"
    ).fetchone()
    assert other / total <= 0.10
    cats = dict(
        con.execute("SELECT project_name, project_category FROM v_project_budget").fetchall()
    )
    assert cats["征地拆迁补偿款"] == "征地拆迁补偿"
    assert cats["退役军人服务站工作经费"] == "退役军人服务"
    assert cats["信访维稳专项资金"] == "信访维稳与综治"
    assert cats["南水北调"] == "征地拆迁补偿"  # by its purpose: 补偿款发放


def test_families_assigned(con: duckdb.DuckDBPyConnection) -> None:
    other, total = con.execute(
        "SELECT count(*) FILTER (indicator_family = '其他'), count(*) FROM v_indicator_target"
    ).fetchone()
    assert other / total <= 0.10
    assert con.execute(
        "SELECT DISTINCT indicator_family FROM v_indicator_target "
        "WHERE indicator_name = '群众满意度'"
    ).fetchall() == [("满意度",)]


def test_units_have_province_and_city(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        con.execute(
            "SELECT count(*) FROM dim_unit WHERE province IS NULL OR city IS NULL"
        ).fetchone()[0]
        == 0
    )


def test_checks_and_lineage(con: duckdb.DuckDBPyConnection) -> None:
    assert [r.check.name for r in run_checks(con) if not r.ok] == []
    assert (
        con.execute(
            "SELECT count(*) FROM v_indicator_target WHERE source_line IS NULL "
            "OR source_file IS NULL"
        ).fetchone()[0]
        == 0
    )
    # seed 002's 排水沟 project: fund parts 393.97 vs 39.97 万元 are flagged
    assert (
        con.execute(
            "SELECT count(*) FROM v_load_warning WHERE code IN "
            "('fund_mismatch', 'fund_parts_mismatch') AND project_name LIKE '%排水沟%'"
        ).fetchone()[0]
        >= 1
    )


def test_goal_review_stored(con: duckdb.DuckDBPyConnection) -> None:
    pytest.importorskip("etl.review")
    graded = con.execute(
        "SELECT count(DISTINCT project_key) FROM v_goal_review "
        "WHERE grade IN ('优', '良', '中', '差')"
    ).fetchone()[0]
    assert graded == 68
    assert (
        con.execute(
            "SELECT count(*) FROM v_goal_review WHERE rule_id IS NOT NULL "
            "AND (message IS NULL OR source_file IS NULL)"
        ).fetchone()[0]
        == 0
    )


@pytest.mark.slow  # three `etl load` processes, each with its parse workers
def test_cli_twice_and_with_bad_files(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("00[2-4]*"))
    db = tmp_path / "w.duckdb"
    cmd = [sys.executable, "-m", "etl", "load", str(folder), "--db", str(db)]
    first = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    assert first.returncode == 0, first.stderr
    assert "新载入 2" in first.stdout
    second = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    assert second.returncode == 0 and "未变化跳过 2" in second.stdout
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 8)
    third = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    assert third.returncode == 1
    assert "empty.txt" in third.stdout and "blob.txt" in third.stdout
    con = open_readonly(db)
    assert con.execute("SELECT count(*) FROM source_document").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM reject WHERE reason <> ''").fetchone()[0] == 2


def test_cli_usage_errors(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "etl", "load"]
    assert subprocess.run(run, capture_output=True, cwd=REPO).returncode == 2
    missing = subprocess.run(
        [*run, str(tmp_path / "nope"), "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert missing.returncode == 2 and "路径不存在" in missing.stderr
