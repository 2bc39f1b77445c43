"""`python -m warehouse query` (warehouse.serve.query_cli.main) against the small warehouse of
the SQL tests (conftest ``sql_db``, tests/fixtures/sql_warehouse.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.serve.query_cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def db(sql_db: Path) -> Path:
    return sql_db


def test_table_format(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "SELECT township, budget_total_yuan FROM v_project_budget WHERE township = '大瑶镇'",
            "--db",
            str(db),
        ]
    )
    out = capsys.readouterr()
    assert code == 0
    assert "大瑶镇" in out.out and "budget_total_yuan" in out.out
    assert out.err == ""


def test_csv_format(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["SELECT project_code FROM v_project_budget ORDER BY 1", "--db", str(db), "--format", "csv"]
    )
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[0] == "project_code" and lines[1] == "P001" and len(lines) == 8


def test_json_format_keeps_chinese(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "SELECT grade AS 等级, count(*) AS n FROM v_goal_review GROUP BY 1 ORDER BY 1",
            "--db",
            str(db),
            "--format",
            "json",
        ]
    )
    records = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {r["等级"]: r["n"] for r in records} == {
        "中": 6,
        "优": 1,
        "差": 9,
        "良": 2,
    }  # finding rows


def test_env_var_selects_database(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WAREHOUSE_DB", str(db))
    assert main(["SELECT count(*) AS n FROM dim_unit", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "n",
        "3",
    ]  # 城关镇 (two years), 花明楼镇, 大瑶镇


def test_refused_exits_2_with_one_line(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["SELECT * FROM read_csv('/etc/passwd')", "--db", str(db)])
    out = capsys.readouterr()
    assert code == 2
    assert out.out == ""
    assert len(out.err.strip().splitlines()) == 1 and "read_csv" in out.err


def test_max_rows_and_dialect(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "SELECT TOP 5 [project_code] FROM dbo.v_project_budget ORDER BY 1",
            "--db",
            str(db),
            "--dialect",
            "tsql",
            "--max-rows",
            "2",
            "--format",
            "csv",
        ]
    )
    out = capsys.readouterr()
    assert code == 0
    assert out.out.splitlines() == ["project_code", "P001", "P001"]
    assert "只显示前 2 行" in out.err


def test_runtime_error_exits_1(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["SELECT CAST(township AS INTEGER) FROM v_project_budget", "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_timeout_exits_1(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "SELECT count(*) FROM range(100000000) a, range(100000000) b",
            "--db",
            str(db),
            "--timeout",
            "1",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "时间上限" in err


def test_missing_database_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["SELECT 1", "--db", str(tmp_path / "none.duckdb")])
    err = capsys.readouterr().err
    assert code == 1 and "python -m etl load data/" in err and len(err.strip().splitlines()) == 1


def test_bad_arguments_exit_2(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["SELECT 1", "--db", str(db), "--format", "xml"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "xml" in err
    assert main(["SELECT 1", "--db", str(db), "--max-rows", "0"]) == 2


def test_module_entry_point_in_subprocess(db: Path) -> None:
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "warehouse.serve.query_cli",
            "SELECT count(*) AS n FROM v_goal_review",
            "--db",
            str(db),
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert ok.returncode == 0 and ok.stdout.splitlines() == ["n", "18"]
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "warehouse.serve.query_cli",
            "SELECT 1; DROP TABLE dim_unit",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr
