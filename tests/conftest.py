"""Shared fixtures: the real warehouse built from the bundled documents in data/."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def seed_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m etl load data/` into a fresh warehouse (the pointer path is returned)."""
    from warehouse.load.loader import load_paths

    db = tmp_path_factory.mktemp("seed_warehouse") / "warehouse.duckdb"
    summary = load_paths([REPO / "data"], db, progress=False)
    assert summary.exit_code == 0, summary.rejected
    return db


@pytest.fixture(scope="module")
def seed_runner(seed_warehouse: Path):
    """A dashboard query runner over the seed warehouse, opened read-only."""
    import duckdb

    from dashboard.data.common import connection_runner

    con = duckdb.connect(str(seed_warehouse), read_only=True)
    yield connection_runner(con)
    con.close()
