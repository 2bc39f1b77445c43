"""Shared fixtures, each built once per session (per xdist worker) and only read by tests:
the real warehouse of the bundled seeds in data/, and the seed-like and empty warehouses the
dashboard tests use (tests/fixtures/seedlike.py). All are built by the real loader."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def seed_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m etl load data/` into a fresh warehouse (the pointer path is returned)."""
    from warehouse.load.loader import load_paths

    db = tmp_path_factory.mktemp("seed_warehouse") / "warehouse.duckdb"
    summary = load_paths([REPO / "data"], db, progress=False, workers=1)
    assert summary.exit_code == 0, summary.rejected
    return db


@pytest.fixture(scope="module")
def seed_runner(seed_warehouse: Path) -> Iterator:
    """A dashboard query runner over the seed warehouse, opened read-only."""
    import duckdb

    from dashboard.data.common import connection_runner

    con = duckdb.connect(str(seed_warehouse), read_only=True)
    yield connection_runner(con)
    con.close()


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed-like warehouse (pointer path), or the real one named by DASHBOARD_TEST_DB."""
    from tests.fixtures.seedlike import REAL_DB_ENV, build_seedlike_warehouse, using_real_db

    if using_real_db():
        return Path(os.environ[REAL_DB_ENV]).resolve()
    return build_seedlike_warehouse(tmp_path_factory.mktemp("seedlike"))


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse loaded from an empty folder: the schema and views, no rows."""
    from tests.fixtures.seedlike import build_seedlike_warehouse

    return build_seedlike_warehouse(tmp_path_factory.mktemp("seedlike_empty"), empty=True)


@pytest.fixture(scope="module")
def runner(fixture_db: Path) -> Iterator:
    """A plain (uncached) query runner over the seed-like warehouse, opened read-only."""
    import duckdb

    from dashboard.data.common import connection_runner

    con = duckdb.connect(str(fixture_db), read_only=True)
    yield connection_runner(con)
    con.close()


@pytest.fixture(scope="session")
def sql_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small warehouse of the SQL guard and query CLI tests
    (tests/fixtures/sql_warehouse.py)."""
    from tests.fixtures.sql_warehouse import build_sql_warehouse

    return build_sql_warehouse(tmp_path_factory.mktemp("sql_warehouse"))


@pytest.fixture(scope="module")
def run_without_rollups(seed_warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    """The seed warehouse with its rollup tables (and the sidebar choices collected from
    them) dropped: queries aggregate the marts or the views."""
    import shutil

    import duckdb

    from dashboard.data.common import connection_runner
    from warehouse.schema.marts import FILTER_OPTION_TABLE, ROLLUP_TABLES

    copy = tmp_path_factory.mktemp("no_rollups") / "warehouse.duckdb"
    shutil.copyfile(seed_warehouse.resolve(), copy)
    con = duckdb.connect(str(copy))
    for table in (*ROLLUP_TABLES, FILTER_OPTION_TABLE):
        con.execute(f"DROP TABLE {table}")
    yield connection_runner(con)
    con.close()
