"""Parquet export (fact tables partitioned by fiscal year), reclassify and the CLI dispatcher."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.support.records import build_sample_warehouse, record, write_record
from warehouse.__main__ import main as warehouse_main
from warehouse.export.parquet import export_parquet
from warehouse.load.classify import load_classifier
from warehouse.serve.connect import open_readonly

REPO = Path(__file__).resolve().parent.parent


def test_export_partitioned_parquet(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    build_sample_warehouse(db, tmp_path / "docs")
    write_record(tmp_path / "docs" / "2022.txt", record("甲镇", 2022))
    from tests.support.records import TEST_PARSER_VERSION, json_parse
    from warehouse.load.loader import load_paths

    load_paths(
        [tmp_path / "docs"],
        db,
        progress=False,
        parse=json_parse,
        version=TEST_PARSER_VERSION,
        review=False,
    )
    out = tmp_path / "export"
    written = export_parquet(db, out)
    assert written["fact_project_budget"] == 12
    assert (out / "fact_project_budget" / "fiscal_year=2021").is_dir()
    assert (out / "fact_indicator_target" / "fiscal_year=2022").is_dir()
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT fiscal_year, count(*) FROM read_parquet('{out}/fact_project_budget/**/*.parquet',"
        " hive_partitioning = true) GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert rows == [(2021, 9), (2022, 3)]
    assert con.execute(f"SELECT count(*) FROM '{out}/dim_project.parquet'").fetchone()[0] == 12
    # exporting again replaces, never duplicates
    export_parquet(db, out)
    assert (
        con.execute(
            f"SELECT count(*) FROM read_parquet('{out}/fact_project_budget/**/*.parquet')"
        ).fetchone()[0]
        == 12
    )


def test_cli_export_and_dictionary_check(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    build_sample_warehouse(db, tmp_path / "docs")
    done = subprocess.run(
        [sys.executable, "-m", "warehouse", "export", str(tmp_path / "x"), "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert "fact_project_budget: 9 行" in done.stdout
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "warehouse",
            "export",
            str(tmp_path / "y"),
            "--db",
            str(tmp_path / "none.duckdb"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert missing.returncode == 2 and "仓库不存在" in missing.stderr
    assert warehouse_main(["dictionary", "--check"]) == 0
    assert warehouse_main(["nonsense"]) == 2


@pytest.mark.parametrize("fetch_rows", [50_000, 2])  # 2: many fetches, one result
def test_reclassify_applies_edited_rules(tmp_path: Path, monkeypatch, fetch_rows: int) -> None:
    import warehouse.load.reclassify as reclassify

    monkeypatch.setattr(reclassify, "FETCH_ROWS", fetch_rows)
    db = tmp_path / "warehouse.duckdb"
    build_sample_warehouse(db, tmp_path / "docs")
    rules = tmp_path / "cats.toml"
    rules.write_text(
        'default = "其他"\n[[category]]\nname = "测试类"\nkeywords = ["环境"]\n', encoding="utf-8"
    )
    monkeypatch.setattr(reclassify, "load_classifier", lambda: load_classifier(category_file=rules))
    assert reclassify.main(["--db", str(db)]) == 0
    con = open_readonly(db)
    cats = dict(
        con.execute("SELECT project_category, count(*) FROM v_project_budget GROUP BY 1").fetchall()
    )
    assert cats == {"测试类": 3, "其他": 6}
