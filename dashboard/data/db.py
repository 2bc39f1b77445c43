"""Read-only access to the warehouse for every page (including the SQL and review pages).

The warehouse path may be a symlink that each load swaps atomically to a new versioned file.
We resolve it on every query and key both the connection and the result cache on the
resolved file (plus its mtime/size), so a finished load is picked up on the next rerun and
the old connection is closed. DuckDB returns the old instance when a path is reopened while
a connection is still open, hence "close first, then open".
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from warehouse.paths import resolve_db_path

# What the pages read: a warehouse built before one of these exists is upgraded by a load.
REQUIRED_VIEWS = (
    "v_project_budget",
    "v_indicator_target",
    "v_goal_review",
    "v_project_flag",
    "project_source_text",
    "mart_project_budget",
    "mart_indicator_target",
    "mart_review_project",
    "mart_review_rule",
    "mart_review_finding",
)
QUERY_TTL_SECONDS = 60
BUILD_COMMAND = "python -m etl load data/"


class WarehouseUnavailable(RuntimeError):
    """The warehouse file is missing, unreadable or lacks the analyst views."""


@dataclass(frozen=True)
class DbFile:
    """The resolved warehouse file and a version stamp for cache keys."""

    path: Path
    stamp: str


def pointer_path() -> Path:
    """The configured path (``WAREHOUSE_DB`` or the default), before resolving symlinks."""
    return Path(resolve_db_path(None))


def current_file() -> DbFile | None:
    """The file the pointer designates right now, or None when nothing exists there."""
    try:
        resolved = pointer_path().resolve(strict=True)
        info = resolved.stat()
    except (FileNotFoundError, OSError):
        return None
    if not resolved.is_file():
        return None
    return DbFile(resolved, f"{info.st_ino}:{info.st_mtime_ns}:{info.st_size}")


_lock = threading.Lock()
_open: dict[DbFile, duckdb.DuckDBPyConnection] = {}


def _connection(db: DbFile) -> duckdb.DuckDBPyConnection:
    """One shared read-only connection per file version; older versions are closed."""
    with _lock:
        con = _open.get(db)
        if con is not None:
            return con
        for old in list(_open):
            with contextlib.suppress(duckdb.Error):
                _open.pop(old).close()
        try:
            con = duckdb.connect(str(db.path), read_only=True)
        except duckdb.Error as exc:
            raise WarehouseUnavailable(f"无法打开数据仓库 {db.path}：{exc}") from exc
        _open[db] = con
        return con


def _execute(db: DbFile, sql: str, params: list | None) -> pd.DataFrame:
    cursor = _connection(db).cursor()  # connections are not thread-safe; cursors are cheap
    try:
        return cursor.execute(sql, params or []).df()
    finally:
        cursor.close()


@st.cache_data(ttl=QUERY_TTL_SECONDS, max_entries=512, show_spinner=False)
def _cached_query(path: str, stamp: str, sql: str, params: tuple) -> pd.DataFrame:
    return _execute(DbFile(Path(path), stamp), sql, list(params))


def run_query(sql: str, params: list | None = None) -> pd.DataFrame:
    """Run one read-only query on the current warehouse file, cached briefly.

    Raises ``WarehouseUnavailable`` when there is no warehouse file.
    """
    db = current_file()
    if db is None:
        raise WarehouseUnavailable(f"未找到数据仓库文件：{pointer_path()}")
    return _cached_query(str(db.path), db.stamp, sql, tuple(params or ()))


def missing_views() -> list[str]:
    """Analyst views the current file lacks (all of them when there is no file)."""
    db = current_file()
    if db is None:
        return list(REQUIRED_VIEWS)
    try:
        names = _cached_query(
            str(db.path),
            db.stamp,
            "SELECT table_name FROM information_schema.tables WHERE table_name IN "
            f"({', '.join('?' * len(REQUIRED_VIEWS))})",
            REQUIRED_VIEWS,
        )
    except (WarehouseUnavailable, duckdb.Error):
        return list(REQUIRED_VIEWS)
    present = set(names["table_name"])
    return [v for v in REQUIRED_VIEWS if v not in present]


def warehouse_available() -> bool:
    """True when the warehouse file exists, opens read-only and has the analyst views."""
    return not missing_views()
