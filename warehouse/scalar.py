"""One value from a query that always returns a row (``count(*)``, ``max(...)``).

DuckDB's ``fetchone()`` is typed ``tuple | None``; this names the expectation once instead
of indexing a possibly-None row at every call site.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None) -> Any:
    """First column of the first row; a query that returns no row is a programming error."""
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise LookupError(f"query returned no row: {sql[:200]}")
    return row[0]
