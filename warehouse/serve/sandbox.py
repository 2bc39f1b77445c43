"""A locked-down DuckDB connection for untrusted SQL, and the guarded run used by CLI and page.

`run_guarded` (parent side) hands the query to a worker process (warehouse.serve.sql_worker)
whose address space the OS caps and which the parent kills by wall clock; the worker's
`WorkerState` guards the query, runs it on the sandbox and streams back at most `cap` rows
and `max_bytes` bytes. See docs/sql_guard.md.

Why ATTACH instead of `duckdb.connect(path, read_only=True, config=...)`: DuckDB refuses a
second connection to the same file with a *different* configuration inside one process, so
the dashboard's ordinary read-only connection and this sandbox could not coexist. A fresh
in-memory instance that attaches the file READ_ONLY has its own configuration and never
clashes. A worker keeps its instance between queries while the warehouse file is unchanged
(only guarded SELECTs ever run on it, so nothing can persist) and opens a new one after
any error or when the loader publishes a new version.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from warehouse.paths import resolve_db_path
from warehouse.serve.sql_guard import DEFAULT_CAP, catalog_names, check_query
from warehouse.serve.sql_worker import (
    KILL_GRACE_S,
    RESULT_BYTE_BUDGET,
    WorkerGone,
    WorkerPool,
    default_pool,
)

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
    syntax_error: bool = False
    cut_by: str | None = None  # "rows" or "bytes" when truncated
    max_bytes: int = RESULT_BYTE_BUDGET

    @property
    def ok(self) -> bool:
        return self.error is None


def resolve_db(cli_value: str | os.PathLike[str] | None) -> Path:
    """--db, then WAREHOUSE_DB, then the default; symlinks resolved to the versioned file."""
    return resolve_db_path(None if cli_value is None else os.fspath(cli_value)).resolve()


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


def _first_line(text: str | BaseException) -> str:
    return next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")[:300]


def _cell_bytes(value: Any) -> int:
    """Memory a result cell holds, roughly; O(1) for strings, the values that grow big."""
    if value is None or value is pd.NA:
        return 0
    if isinstance(value, (str, bytes, bytearray)):
        return sys.getsizeof(value)
    if isinstance(value, (list, tuple, dict, np.ndarray)):
        return len(repr(value))
    return 16


def _row_bytes(frame: pd.DataFrame) -> np.ndarray:
    sizes = np.zeros(len(frame), dtype=np.int64)
    for i in range(frame.shape[1]):
        column = frame.iloc[:, i]
        itemsize = getattr(column.dtype, "itemsize", None)
        if isinstance(column.dtype, np.dtype) and column.dtype.kind in "biufcmM" and itemsize:
            sizes += itemsize
        else:
            sizes += np.fromiter(
                (_cell_bytes(v) for v in column.array), dtype=np.int64, count=len(column)
            )
    return sizes


def fetch_capped(
    con: duckdb.DuckDBPyConnection, cap: int, max_bytes: int
) -> tuple[pd.DataFrame, str | None]:
    """Stream the executed result chunk by chunk; stop after cap rows or max_bytes bytes."""
    frames: list[pd.DataFrame] = []
    rows = used = 0
    cut: str | None = None
    while True:
        chunk = con.fetch_df_chunk(1)
        if not frames or len(chunk):
            sizes = _row_bytes(chunk)
            if used + int(sizes.sum()) > max_bytes:
                keep = int(np.count_nonzero(np.cumsum(sizes) + used <= max_bytes))
                frames.append(chunk.iloc[:keep])
                cut = "bytes"
                break
            frames.append(chunk)
            used += int(sizes.sum())
            rows += len(chunk)
        if not len(chunk) or rows > cap:
            break
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if len(frame) > cap:
        frame, cut = frame.iloc[:cap], "rows"
    return frame.reset_index(drop=True), cut


class WorkerState:
    """Inside a worker: the sandbox connection (kept while the file is unchanged) and runs."""

    def __init__(self) -> None:
        self._key: tuple[Any, ...] | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._catalog: set[str] = set()

    def _connection(
        self, path: Path, timeout_s: float, memory_limit: str
    ) -> duckdb.DuckDBPyConnection:
        stat = path.stat()
        key = (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size, timeout_s, memory_limit)
        if self._con is None or self._key != key:
            self.drop()
            con = open_sandbox(path, timeout_s=timeout_s, memory_limit=memory_limit)
            self._catalog = catalog_names(con)
            self._con, self._key = con, key
        return self._con

    def drop(self) -> None:
        if self._con is not None:
            with contextlib.suppress(duckdb.Error):
                self._con.close()
        self._con, self._key = None, None

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        """Guard and run one query; every failure is a reply with one Chinese line."""
        path = Path(request["db"])
        timeout_s = float(request["timeout_s"])
        try:
            con = self._connection(path, timeout_s, request.get("memory_limit", "1GB"))
        except FileNotFoundError:
            return {"message": f"仓库文件不存在：{path}。"}
        except (OSError, duckdb.Error) as err:
            self.drop()
            return {"message": f"无法打开仓库：{_first_line(err)}"}
        verdict = check_query(
            request["sql"], self._catalog, dialect=request["dialect"], cap=request["cap"]
        )
        sql_run = verdict.sql_to_run
        if not verdict.ok or sql_run is None:
            return {"message": verdict.reason, "refused": True, "syntax": verdict.syntax_error}
        # Backstop for max_execution_time: interrupt from another thread a little later.
        watchdog = threading.Timer(timeout_s + 0.5, con.interrupt)
        watchdog.daemon = True
        watchdog.start()
        try:
            con.execute(sql_run)
            frame, cut = fetch_capped(con, int(request["cap"]), int(request["max_bytes"]))
        except duckdb.InterruptException:
            self.drop()
            return {"message": timeout_message(timeout_s), "sql_run": sql_run}
        except (duckdb.OutOfMemoryException, MemoryError):
            self.drop()
            return {"message": memory_message(), "sql_run": sql_run, "recycle": True}
        except duckdb.Error as err:
            self.drop()
            return {"message": f"查询执行出错：{_first_line(err)}", "sql_run": sql_run}
        except Exception as err:  # e.g. a value pandas cannot hold
            self.drop()
            detail = _first_line(err) or type(err).__name__
            return {"message": f"查询结果无法读取：{detail}", "sql_run": sql_run}
        finally:
            watchdog.cancel()
        return {"frame": frame, "cut_by": cut, "sql_run": sql_run}


def timeout_message(timeout_s: float) -> str:
    return f"查询超过 {timeout_s:g} 秒的时间上限，已被停止。"


def memory_message() -> str:
    return "查询占用的内存超过上限，已被停止；请缩小查询范围（加筛选条件、聚合或减少列）。"


_GONE = {
    "memory": memory_message(),
    "died": "查询进程意外退出（多半是内存超过上限），已被停止；请缩小查询范围。",
    "start": "无法启动查询进程，请稍后重试。",
    "stale": "无法启动查询进程，请稍后重试。",
    "busy": "同时运行的查询太多，请稍后重试。",
}


def run_guarded(
    db_path: str | os.PathLike[str],
    sql: str,
    *,
    dialect: str = "duckdb",
    cap: int = DEFAULT_CAP,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_bytes: int = RESULT_BYTE_BUDGET,
    pool: WorkerPool | None = None,
) -> QueryOutcome:
    """Guard and run in a worker process; never raises for user mistakes or runaway queries."""
    started = time.perf_counter()

    def outcome(**kw: Any) -> QueryOutcome:
        elapsed = (time.perf_counter() - started) * 1000
        return QueryOutcome(elapsed_ms=elapsed, cap=cap, max_bytes=max_bytes, **kw)

    path = Path(db_path).resolve()  # a symlink pointer reaches the current version
    if not path.is_file():
        return outcome(frame=None, truncated=False, sql_run=None, error=f"仓库文件不存在：{path}。")
    request = {
        "db": str(path),
        "sql": sql,
        "dialect": dialect,
        "cap": int(cap),
        "timeout_s": float(timeout_s),
        "max_bytes": int(max_bytes),
    }
    pool = pool or default_pool()
    # DuckDB's own limit stays well under the worker's RSS cap, so operators spill to disk
    # (or fail cleanly) before the parent has to kill the process.
    request["memory_limit"] = f"{min(1024, pool.rss_bytes // 2 // 1024**2)}MB"
    try:
        reply = pool.run(request, timeout_s + KILL_GRACE_S)
    except WorkerGone as gone:
        reason = str(gone)
        message = timeout_message(timeout_s) if reason == "timeout" else _GONE[reason]
        return outcome(frame=None, truncated=False, sql_run=None, error=message)
    if "frame" in reply:
        cut = reply.get("cut_by")
        return outcome(
            frame=reply["frame"], truncated=cut is not None, cut_by=cut, sql_run=reply["sql_run"]
        )
    if reply.get("error") == "memory":  # the worker could not even build a reply
        return outcome(frame=None, truncated=False, sql_run=None, error=memory_message())
    if reply.get("error") == "internal":
        return outcome(
            frame=None,
            truncated=False,
            sql_run=None,
            error=f"查询进程内部错误（{reply.get('detail', '')}），已重新启动，请重试。",
        )
    return outcome(
        frame=None,
        truncated=False,
        sql_run=reply.get("sql_run"),
        error=reply["message"],
        refused=bool(reply.get("refused")),
        syntax_error=bool(reply.get("syntax")),
    )


def truncation_notice(outcome: QueryOutcome) -> str | None:
    """The visible note shown by CLI and page when the row cap cut the result."""
    if not outcome.truncated:
        return None
    if outcome.cut_by == "bytes":
        shown = 0 if outcome.frame is None else len(outcome.frame)
        return (
            f"结果超过 {outcome.max_bytes / 1024**2:g} MB，只显示前 {shown:,} 行；"
            "请减少列、缩短文本或加筛选条件。"
        )
    return f"结果超过 {outcome.cap:,} 行，只显示前 {outcome.cap:,} 行；请加筛选条件或聚合。"
