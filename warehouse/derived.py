"""Tables derived at the end of every load for the cross-year views and the project card.

One call from the loader (``refresh``): project identities are recomputed for the whole
warehouse (a new year can link older rows), source text only for the documents written.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from warehouse import identity, source_text


def refresh(con: duckdb.DuckDBPyConnection, documents: Iterable[int]) -> None:
    """Refresh project_identity and project_source_text (tables created by views.sql)."""
    identity.refresh(con)
    source_text.store(con, documents)
