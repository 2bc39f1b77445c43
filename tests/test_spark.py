"""Proof that Spark gets the DuckDB numbers (issue 15): a 200-document synthetic corpus is
parsed by ``spark-parse`` in local[2] and loaded by ``etl load``; tables, sums, the
``--from-parquet`` warehouse and three dashboard queries over the exported Spark views must
agree. One SparkSession for the module (small driver memory, 4 shuffle partitions, no UI).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:  # pragma: no cover
    pytest.skip("PySpark needs Java 17", allow_module_level=True)

from dashboard.data import common as common_queries
from dashboard.data import overview as overview_queries
from dashboard.data.filter_model import Filters
from etl.spark_parse import build_session, spark_parse
from warehouse.export import engines
from warehouse.export import parquet_layout as layout
from warehouse.load.loader import load_paths
from warehouse.schema import ddl as schema

# > 60 s on a shared two-core machine (JVM start + 200 parses); pyspark 4.3 warns on pandas 3.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]
REPO = Path(__file__).resolve().parents[1]
VOLATILE = {"run_id", "loaded_at", "rejected_at"}  # differ between any two loads


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("spark") / "corpus"
    done = subprocess.run(
        [sys.executable, "-m", "etl", "synth", "--docs", "200", "--out", str(out), "--seed", "7"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def duck(corpus: Path) -> duckdb.DuckDBPyConnection:
    db = corpus.parent / "duck" / "warehouse.duckdb"
    summary = load_paths([corpus], db, progress=False)
    assert summary.loaded > 150
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory):
    scratch = tmp_path_factory.mktemp("spark_scratch")
    conf = {"spark.sql.warehouse.dir": str(scratch / "warehouse"), "spark.local.dir": str(scratch)}
    session = build_session("local[2]", app="goal-warehouse-test", conf=conf)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def parquet(corpus: Path, spark) -> Path:
    out = corpus.parent / "parquet"
    result = spark_parse(str(corpus), str(out), spark=spark)
    assert result.documents > 150 and result.files_seen == 200
    for statement in engines.ddl_statements(out, "spark"):
        spark.sql(statement)
    return out


# Rows a load adds in the warehouse after parsing (warehouse/review_sql.after_load): the goal
# review runs set-based in DuckDB, so a parse, on Spark or in the loader's workers, has none;
# `load --from-parquet` adds them (test_warehouse_from_parquet_equals_etl_load checks them).
WAREHOUSE_STEP_ROWS = {"goal_review_finding": "FALSE", "goal_review_project": "FALSE"}


def _rows(con: duckdb.DuckDBPyConnection, table: str, source: str) -> list[tuple]:
    columns = [f.name for f in schema.arrow_schema(table) if f.name not in VOLATILE]
    where = WAREHOUSE_STEP_ROWS.get(table, "TRUE")
    return con.execute(
        f"SELECT {', '.join(columns)} FROM {source} WHERE {where} ORDER BY ALL"
    ).fetchall()


def test_every_table_has_the_duckdb_rows_and_types(parquet: Path, duck) -> None:
    reader = duckdb.connect()
    for table in layout.PARSE_TABLES:
        glob = layout.table_glob(parquet, table)
        assert glob is not None, table
        source = f"read_parquet('{glob}', hive_partitioning = true)"
        expected = _rows(duck, table, table)
        assert _rows(reader, table, source) == expected, table
        if table in ("reject",):
            continue
        # Types as the DuckDB schema declares them (partition columns come from folders).
        found = dict(
            reader.execute(
                f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {source})"
            ).fetchall()
        )
        for field in schema.arrow_schema(table):
            if field.name in layout.PARTITION_COLUMNS and table in layout.PARTITIONED:
                continue
            declared = duck.execute(
                "SELECT data_type FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                [table, field.name],
            ).fetchone()[0]
            assert found[field.name] == declared, (table, field.name)
    assert any((parquet / "fact_project_budget").glob("fiscal_year=*/unit_province=*/*.parquet"))


def test_spark_sums_equal_duckdb(parquet: Path, duck, spark) -> None:
    checks = {
        "budget by township and year": (
            "SELECT u.township, f.fiscal_year, count(*), round(sum(f.budget_total_yuan), 2) "
            "FROM fact_project_budget f JOIN dim_unit u ON u.unit_key = f.unit_key "
            "GROUP BY u.township, f.fiscal_year"
        ),
        "indicators by level": (
            "SELECT i.level1, i.level2, t.scope, count(*), round(sum(t.target_value), 4) "
            "FROM fact_indicator_target t "
            "JOIN dim_indicator i ON i.indicator_key = t.indicator_key "
            "GROUP BY i.level1, i.level2, t.scope"
        ),
    }
    for name, sql in checks.items():
        expected = sorted(duck.execute(sql).fetchall(), key=repr)
        got = sorted((tuple(r) for r in spark.sql(sql).collect()), key=repr)
        assert expected, name
        assert got == expected, name


def _spark_runner(spark):
    def run(sql: str, params: list | None = None) -> pd.DataFrame:
        assert not params  # unfiltered dashboard: no parameters
        frame = spark.sql(engines.transpile(sql, "spark"))
        return pd.DataFrame([r.asDict() for r in frame.collect()], columns=frame.columns)

    return run


@pytest.mark.parametrize(
    "query",
    [
        overview_queries.overview_kpis,
        common_queries.budget_by_township,
        overview_queries.indicators_by_level1,
    ],
)
def test_dashboard_queries_on_spark_views(parquet: Path, duck, spark, query) -> None:
    expected = query(common_queries.connection_runner(duck), Filters())
    got = query(_spark_runner(spark), Filters())
    if isinstance(expected, dict):
        assert got == pytest.approx(expected)
        return
    assert len(expected) > 1
    key = list(expected.columns[:-1]) if query is common_queries.budget_by_township else None
    left = expected.sort_values(key or list(expected.columns)).reset_index(drop=True)
    right = got.sort_values(key or list(got.columns)).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_dtype=False)


def test_warehouse_from_parquet_equals_etl_load(parquet: Path, duck) -> None:
    db = parquet.parent / "from_parquet" / "warehouse.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "etl", "load", "--from-parquet", str(parquet), "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 1, done.stderr  # the corpus holds a non-goal file: a reject
    assert "数据检查全部通过" in done.stdout
    built = duckdb.connect(str(db), read_only=True)
    for table in (*layout.PARSE_TABLES, *schema.MART_TABLES):
        if table in schema.MART_TABLES:
            sql = f"SELECT * FROM {table} ORDER BY ALL"
            assert built.execute(sql).fetchall() == duck.execute(sql).fetchall(), table
        else:
            assert _rows(built, table, table) == _rows(duck, table, table), table
    runs = built.execute("SELECT loaded, rejected, status FROM load_run").fetchall()
    assert runs == [(len(_rows(duck, "source_document", "source_document")), 1, "rejects")]


def test_cli_reports_a_missing_folder_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "etl", "spark-parse", str(tmp_path / "nope"), str(tmp_path / "o")],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "路径不存在" in done.stderr


def test_spark_ddl_over_a_duckdb_export(corpus: Path, duck, spark) -> None:
    """The Spark DDL also registers a `warehouse export` folder (one file per table, facts
    partitioned by fiscal_year only). Runs last: it re-registers the same table names."""
    from warehouse.export.parquet import export_parquet

    out = corpus.parent / "duckdb_export"
    export_parquet(corpus.parent / "duck" / "warehouse.duckdb", out)
    for statement in engines.ddl_statements(out, "spark"):
        spark.sql(statement)
    sql = (
        "SELECT fiscal_year, count(*), round(sum(budget_total_yuan), 2) FROM v_project_budget "
        "GROUP BY fiscal_year"
    )
    expected = sorted(duck.execute(sql).fetchall(), key=repr)
    assert expected
    assert sorted((tuple(r) for r in spark.sql(sql).collect()), key=repr) == expected
