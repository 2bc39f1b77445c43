"""Typed one-row query helpers shared by every stage.

DuckDB's ``fetchone()`` is typed ``tuple | None``; an aggregate (``count(*)``, ``max(...)``)
always returns a row, so a query that returns none is a programming error, said once here
instead of indexing a possibly-None row at every call site.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

Params = Sequence[object] | Mapping[str, object]  # positional ``?`` or named ``$name``


def one(con: duckdb.DuckDBPyConnection, sql: str, params: Params | None = None) -> tuple[Any, ...]:
    """The single row of ``sql``."""
    row = con.execute(sql, params).fetchone() if params is not None else con.execute(sql).fetchone()
    if row is None:
        raise LookupError(f"query returned no row: {sql[:200]}")
    return row


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Params | None = None) -> Any:
    """The first value of the single row of ``sql``."""
    return one(con, sql, params)[0]
