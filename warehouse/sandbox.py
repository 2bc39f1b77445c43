"""A locked-down DuckDB connection for untrusted SQL, and the guarded run used by CLI and page.

Why ATTACH instead of `duckdb.connect(path, read_only=True, config=...)`: DuckDB refuses a
second connection to the same file with a *different* configuration inside one process, so
the dashboard's ordinary read-only connection and this sandbox could not coexist. A fresh
in-memory instance that attaches the file READ_ONLY has its own configuration and never
clashes. Each query gets a new instance, so nothing (temp tables, settings) survives it.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.sql_guard import DEFAULT_CAP, catalog_names, check_query

DEFAULT_TIMEOUT_S = 15.0
ATTACH_ALIAS = "warehouse"
_SPILL_DIR = Path(tempfile.gettempdir()) / "goal_warehouse_sql_spill"


@dataclass
class QueryOutcome:
    """What a guarded run produced; `error` is a Chinese sentence when it did not succeed."""

    frame: pd.DataFrame | None
    truncated: bool
    sql_run: str | None
    elapsed_ms: float
    error: str | None = None
    refused: bool = False
    cap: int = DEFAULT_CAP

    @property
    def ok(self) -> bool:
        return self.error is None


def resolve_db(cli_value: str | os.PathLike[str] | None) -> Path:
    """--db, then WAREHOUSE_DB, then the default; symlinks resolved to the versioned file."""
    try:
        from warehouse.paths import resolve_db_path  # owned by the warehouse engineer
    except ImportError:  # pragma: no cover - only until warehouse/paths.py lands
        raw = cli_value or os.environ.get("WAREHOUSE_DB") or "var/warehouse.duckdb"
        return Path(raw).resolve()
    return Path(resolve_db_path(cli_value)).resolve()


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def open_sandbox(
    db_path: str | os.PathLike[str],
    *,
    threads: int = 2,
    memory_limit: str = "1GB",
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> duckdb.DuckDBPyConnection:
    """Read-only, no external access, no replacement scans, no extensions, locked last."""
    path = Path(db_path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"仓库文件不存在：{path}。")
    _SPILL_DIR.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        ":memory:",
        config={
            "threads": int(threads),
            "memory_limit": memory_limit,
            "max_execution_time": max(1, int(timeout_s * 1000)),
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
            "allow_community_extensions": False,
            "python_enable_replacements": False,
            "temp_directory": str(_SPILL_DIR),
        },
    )
    try:
        con.execute(f"ATTACH {_sql_literal(str(path))} AS {ATTACH_ALIAS} (READ_ONLY)")
        con.execute(f"USE {ATTACH_ALIAS}")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except Exception:
        con.close()
        raise
    return con


def _first_line(text: str) -> str:
    return next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")[:300]


def run_guarded(
    db_path: str | os.PathLike[str],
    sql: str,
    *,
    dialect: str = "duckdb",
    cap: int = DEFAULT_CAP,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> QueryOutcome:
    """Guard, then run on a fresh sandbox; never raises for user mistakes."""
    started = time.perf_counter()

    def outcome(**kw: object) -> QueryOutcome:
        elapsed = (time.perf_counter() - started) * 1000
        return QueryOutcome(elapsed_ms=elapsed, cap=cap, **kw)  # type: ignore[arg-type]

    try:
        con = open_sandbox(db_path, timeout_s=timeout_s)
    except FileNotFoundError as err:
        return outcome(frame=None, truncated=False, sql_run=None, error=str(err))
    except duckdb.Error as err:
        return outcome(
            frame=None, truncated=False, sql_run=None, error=f"无法打开仓库：{_first_line(err)}"
        )
    try:
        verdict = check_query(sql, catalog_names(con), dialect=dialect, cap=cap)
        if not verdict.ok:
            return outcome(
                frame=None, truncated=False, sql_run=None, error=verdict.reason, refused=True
            )
        # Backstop for max_execution_time: interrupt from another thread a little later.
        watchdog = threading.Timer(timeout_s + 1.0, con.interrupt)
        watchdog.daemon = True
        watchdog.start()
        try:
            frame = con.execute(verdict.sql_to_run).df()
        except duckdb.InterruptException:
            return outcome(
                frame=None,
                truncated=False,
                sql_run=verdict.sql_to_run,
                error=f"查询超过 {timeout_s:g} 秒的时间上限，已被停止。",
            )
        except duckdb.Error as err:
            return outcome(
                frame=None,
                truncated=False,
                sql_run=verdict.sql_to_run,
                error=f"查询执行出错：{_first_line(err)}",
            )
        finally:
            watchdog.cancel()
        truncated = len(frame) > cap
        if truncated:
            frame = frame.iloc[:cap].reset_index(drop=True)
        return outcome(frame=frame, truncated=truncated, sql_run=verdict.sql_to_run)
    finally:
        con.close()


def truncation_notice(outcome: QueryOutcome) -> str | None:
    """The visible note shown by CLI and page when the row cap cut the result."""
    if not outcome.truncated:
        return None
    return f"结果超过 {outcome.cap:,} 行，只显示前 {outcome.cap:,} 行；请加筛选条件或聚合。"
