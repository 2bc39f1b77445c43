"""``etl load --from-parquet`` without Spark: a ``warehouse export`` folder of the seed
warehouse rebuilds the same warehouse; bad input gives one line and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse.export import parquet_layout as layout
from warehouse.export.parquet import export_parquet
from warehouse.load.storage import current_file
from warehouse.schema import ddl as schema

REPO = Path(__file__).resolve().parents[1]
VOLATILE = {"run_id", "loaded_at", "rejected_at"}


def _etl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], capture_output=True, text=True, cwd=REPO
    )


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    columns = [f.name for f in schema.arrow_schema(table) if f.name not in VOLATILE]
    return con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL").fetchall()


@pytest.mark.slow  # export and load processes over the whole seed warehouse
def test_export_folder_rebuilds_the_same_warehouse(seed_warehouse: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pq"
    export_parquet(seed_warehouse, folder)
    db = tmp_path / "w" / "warehouse.duckdb"
    done = _etl("load", "--from-parquet", str(folder), "--db", str(db))
    assert done.returncode == 0, done.stderr + done.stdout
    assert "数据检查全部通过" in done.stdout
    assert current_file(db).name.endswith(".v000001")  # published through storage.py
    built = duckdb.connect(str(db), read_only=True)
    seed = duckdb.connect(str(seed_warehouse), read_only=True)
    for table in layout.PARSE_TABLES:
        assert _rows(built, table) == _rows(seed, table), table
    sql = "SELECT * FROM v_goal_review ORDER BY ALL"
    assert built.execute(sql).fetchall() == seed.execute(sql).fetchall()
    built.close()
    # Loading the same folder again replaces the documents: same rows, a second version.
    again = _etl("load", "--from-parquet", str(folder), "--db", str(db))
    assert again.returncode == 0, again.stderr
    built = duckdb.connect(str(current_file(db)), read_only=True)
    assert _rows(built, "fact_indicator_target") == _rows(seed, "fact_indicator_target")
    assert built.execute("SELECT count(*) FROM load_run").fetchone()[0] == 2


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--from-parquet", "{tmp}/missing"], 2, "路径不存在"),
        (["--from-parquet", "{tmp}"], 1, "不是解析输出文件夹"),
        (["{tmp}", "--from-parquet", "{tmp}"], 2, "二选一"),
        ([], 2, "用法错误"),
    ],
)
def test_bad_input_is_one_line(tmp_path: Path, args: list[str], code: int, needle: str) -> None:
    argv = [a.format(tmp=tmp_path) for a in args]
    done = _etl("load", *argv, "--db", str(tmp_path / "db" / "w.duckdb"))
    assert done.returncode == code, done.stderr
    assert needle in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.strip().count("\n") == 0
    assert not (tmp_path / "db" / "w.duckdb").exists()
