"""Engine DDL transpiled from the DuckDB views (warehouse/export/engines.py), without Spark: the
rewrite table, the generated scripts, and the DuckDB script answering like the warehouse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlglot

from warehouse.export import engines

REPO = Path(__file__).resolve().parents[1]


def test_distinct_ordered_string_agg_is_rewritten_per_engine() -> None:
    sql = "SELECT k, string_agg(DISTINCT x, ';' ORDER BY x) AS txt FROM t GROUP BY k"
    spark = engines.transpile(sql, "spark").upper()
    assert "CONCAT_WS(';', ARRAY_SORT(COLLECT_SET(X)))" in " ".join(spark.split())
    trino = " ".join(engines.transpile(sql, "trino").upper().split())
    assert "ARRAY_JOIN(ARRAY_SORT(ARRAY_DISTINCT(ARRAY_AGG(X))), ';')" in trino


def test_string_agg_is_rewritten_per_engine() -> None:
    sql = "SELECT k, string_agg(x, chr(31)) AS txt FROM t GROUP BY k"
    spark = engines.transpile(sql, "spark")
    trino = engines.transpile(sql, "trino")
    assert "CONCAT_WS(" in spark and "COLLECT_LIST(x)" in spark and "LISTAGG" not in spark
    assert "ARRAY_JOIN(ARRAY_AGG(x)" in trino.replace("\n", "") and "LISTAGG" not in trino


def test_double_cast_prints_whole_numbers_like_duckdb() -> None:
    sql = "SELECT CAST(target_value AS VARCHAR) AS v, CAST(label AS VARCHAR) AS l FROM t"
    spark = engines.transpile(sql, "spark")
    assert "CAST(CAST(target_value AS BIGINT) AS STRING)" in spark
    assert "CAST(label AS STRING)" in spark  # not a DOUBLE column: untouched
    # The rewritten expression gives DuckDB's text for whole and fractional values.
    rewritten = engines.rewrite(sqlglot.parse_one(sql, read="duckdb"), "spark").sql("duckdb")
    con = duckdb.connect()
    con.execute("CREATE TABLE t (target_value DOUBLE, label VARCHAR)")
    con.execute("INSERT INTO t VALUES (10000000.0, 'a'), (95.0, 'b'), (0.5, 'c'), (NULL, 'd')")
    assert [r[0] for r in con.execute(rewritten).fetchall()] == ["10000000", "95", "0.5", None]


def test_rewrite_table_is_documented() -> None:
    doc = (REPO / "docs" / "scale_out.md").read_text(encoding="utf-8")
    for name, _engines, _make in engines.REWRITES:
        assert name in doc, f"docs/scale_out.md does not list the rewrite {name}"


def test_views_come_from_views_sql() -> None:
    names = [name for name, _ in engines.view_definitions()]
    assert names[:2] == ["mart_project_budget", "mart_indicator_target"]
    for view in ("v_project_budget", "v_indicator_target", "v_goal_review"):
        assert view in names
    text = (REPO / "warehouse" / "schema" / "views.sql").read_text(encoding="utf-8")
    # views, and tables DuckDB precomputes from a view (CREATE TABLE mart_x AS SELECT …)
    assert all(
        f"VIEW {name}" in text or f"TABLE IF NOT EXISTS {name} AS" in text for name in names[2:]
    )


@pytest.fixture(scope="module")
def exported(seed_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    for engine in engines.ENGINES:
        args = [sys.executable, "-m", "warehouse", "export", str(out), "--engine", engine]
        args += ["--db", str(seed_warehouse)]
        if engine == "trino":
            args += ["--location", "s3a://b/g"]
        done = subprocess.run(args, capture_output=True, text=True, cwd=REPO)
        assert done.returncode == 0, done.stderr
    return out


def test_duckdb_script_answers_like_the_warehouse(exported: Path, seed_warehouse: Path) -> None:
    con = duckdb.connect()
    for statement in engines.split_script((exported / "ddl_duckdb.sql").read_text("utf-8")):
        con.execute(statement)
    warehouse = duckdb.connect(str(seed_warehouse), read_only=True)
    queries = [
        "SELECT * EXCLUDE (source_file) FROM v_project_budget ORDER BY project_key",
        "SELECT * EXCLUDE (source_file) FROM v_indicator_target ORDER BY target_key",
        "SELECT * EXCLUDE (source_file) FROM v_goal_review ORDER BY ALL",
        "SELECT target_label, count(*) FROM mart_indicator_target GROUP BY ALL ORDER BY ALL",
    ]
    for sql in queries:
        expected = warehouse.execute(sql).fetchall()
        assert expected, sql
        assert con.execute(sql).fetchall() == expected, sql


def test_spark_and_trino_scripts(exported: Path) -> None:
    spark = engines.split_script((exported / "ddl_spark.sql").read_text("utf-8"))
    assert any(s.startswith("MSCK REPAIR TABLE fact_project_budget") for s in spark)
    assert spark[-1].startswith("CREATE OR REPLACE VIEW")
    trino = (exported / "ddl_trino.sql").read_text("utf-8")
    assert "external_location = 's3a://b/g/fact_indicator_target'" in trino
    assert "partitioned_by = ARRAY['fiscal_year']" in trino
    for statement in engines.split_script(trino):
        if not statement.startswith("CALL"):
            sqlglot.parse_one(statement, read="trino")  # valid Trino syntax


def test_export_rejects_ddl_only_without_engine(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "warehouse", "export", str(tmp_path), "--ddl-only"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "--engine" in done.stderr
