"""Read-only access for the dashboard, the query CLI and export: always the current version."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.load.storage import current_file


class WarehouseMissingError(FileNotFoundError):
    """No warehouse has been built at this path yet."""


def resolve_current(db_path: str | Path) -> Path:
    """The version file behind the pointer; key cached connections on this path."""
    found = current_file(Path(db_path))
    if found is None:
        raise WarehouseMissingError(
            f"仓库不存在：{db_path}。请先运行 python -m etl load data/ 建立仓库"
        )
    return found.resolve()


def open_readonly(db_path: str | Path, **config: str | int | float) -> duckdb.DuckDBPyConnection:
    """Open the current version read-only. A published version is never written again, so
    this never meets a writer's lock; reopen (resolve again) to see a newer load."""
    attempts = 3  # the version may be collected between resolve and open
    for attempt in range(attempts):
        path = resolve_current(db_path)
        try:
            return duckdb.connect(str(path), read_only=True, config=dict(config))
        except duckdb.IOException:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
