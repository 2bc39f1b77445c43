"""db.py: read-only, follows the warehouse pointer when a load swaps it, clear when missing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from dashboard.data import db
from tests.fixtures.seedlike import fixture_only

COUNT = "SELECT count(*) AS n FROM v_project_budget"


def _swap(pointer, target) -> None:
    """What the loader does: a new symlink renamed over the old one (atomic)."""
    tmp = pointer.with_name(pointer.name + ".tmp")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target.name)
    os.replace(tmp, pointer)


def _copy(pointer: Path, target: Path) -> Path:
    """A private copy of the file a (read-only, session-wide) warehouse pointer names."""
    shutil.copyfile(pointer.resolve(), target)
    return target


@fixture_only
def test_run_query_follows_the_pointer(tmp_path, monkeypatch, fixture_db, empty_db):
    v1 = _copy(fixture_db, tmp_path / "wh.duckdb.v000001")
    v2 = _copy(empty_db, tmp_path / "wh.duckdb.v000002")
    pointer = tmp_path / "wh.duckdb"
    _swap(pointer, v1)
    monkeypatch.setenv("WAREHOUSE_DB", str(pointer))

    assert db.warehouse_available()
    assert db.run_query(COUNT)["n"].iloc[0] == 68
    _swap(pointer, v2)
    assert db.current_file().path == v2.resolve()
    assert db.run_query(COUNT)["n"].iloc[0] == 0  # new version, not a stale cache
    assert [f.path for f in db._open] == [v2.resolve()]  # the old connection was closed


def test_connection_is_read_only(tmp_path, monkeypatch, fixture_db):
    monkeypatch.setenv("WAREHOUSE_DB", str(_copy(fixture_db, tmp_path / "ro.duckdb")))
    with pytest.raises(duckdb.Error):
        db.run_query("DELETE FROM v_project_budget")


def test_missing_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_DB", str(tmp_path / "nothing.duckdb"))
    assert not db.warehouse_available()
    assert db.missing_views() == list(db.REQUIRED_VIEWS)
    with pytest.raises(db.WarehouseUnavailable):
        db.run_query(COUNT)


@fixture_only
def test_params_are_part_of_the_cache_key(monkeypatch, fixture_db):
    monkeypatch.setenv("WAREHOUSE_DB", str(fixture_db))
    sql = "SELECT count(*) AS n FROM v_project_budget WHERE township = ?"
    assert db.run_query(sql, ["开平镇"])["n"].iloc[0] == 3
    assert db.run_query(sql, ["林西镇"])["n"].iloc[0] == 5


def test_old_warehouse_without_marts_names_them(tmp_path, monkeypatch, fixture_db):
    """A version built before the marts: the pages ask for a load instead of failing."""
    old = _copy(fixture_db, tmp_path / "old.duckdb")
    con = duckdb.connect(str(old))
    con.execute("DROP TABLE mart_indicator_target")
    con.close()
    monkeypatch.setenv("WAREHOUSE_DB", str(old))
    assert db.missing_views() == ["mart_indicator_target"]
    assert not db.warehouse_available()
