"""Tables derived at the end of every load for the cross-year views and the project card.

One call from the loader (``refresh``): project identities and the cross-year marts are
recomputed for the whole warehouse (a new year can link older rows), source text only for
the documents written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import duckdb

from warehouse.dbutil import scalar
from warehouse.load import identity, source_text
from warehouse.schema import ddl as schema

LINKS_META = "project_links_digest"  # warehouse_meta: digest of data/project_links.toml

BATCH_IDENTITIES = 20_000  # identities per statement of a full rebuild (docs/load_mechanism.md)
FULL_SHARE = 0.25  # a load touching more documents than this share rebuilds everything
# mart table -> (the view over every identity, the table macro for a list of identities)
MATERIALIZED = {
    "mart_project_history": ("v_project_history_live", "project_history_rows"),
    "mart_target_change": ("v_target_change_live", "target_change_rows"),
}


def links_digest() -> str:
    """Digest of the analyst's link decisions ("" when there is no file)."""
    path = identity.LINKS_FILE
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.exists() else ""


def links_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the identities were computed with the current data/project_links.toml (a
    changed file makes the next load recompute them, even with no document to load)."""
    try:
        return schema.get_meta(con, LINKS_META) == links_digest()
    except duckdb.Error:
        return False


def refresh(
    con: duckdb.DuckDBPyConnection, documents: Iterable[int], *, texts_stored: bool = False
) -> None:
    """Refresh project_identity, project_source_text and the cross-year marts behind
    v_project_history / v_target_change (tables and views created by views.sql).

    ``texts_stored``: the source text came with the rows (the loader); else the files are
    read again (the Parquet load). A small load recomputes only the unit groups its documents
    belong to (and removes what replaced documents left behind); a large one, or marts never
    filled, rebuilds all."""
    documents = sorted(set(documents))
    total = scalar(con, "SELECT count(*) FROM source_document")
    empty = not scalar(con, "SELECT count(*) FROM project_identity")
    digest = links_digest()
    full = (
        empty
        or len(documents) > FULL_SHARE * max(total, 1)
        or schema.get_meta(con, LINKS_META) != digest
    )
    touched = identity.refresh(con, groups=None if full else identity.groups_of(con, documents))
    if texts_stored:  # the loader wrote them with the documents' rows (read once)
        source_text.prune(con)
    else:
        source_text.store(con, documents)
    if full or touched is None:
        rebuild_all(con)
    else:
        keys = sorted(touched)
        for table in MATERIALIZED:
            con.execute(
                f"DELETE FROM {table} WHERE identity_key IN (SELECT unnest(?::BIGINT[]))", [keys]
            )
        _insert(con, keys)
    schema.set_meta(con, LINKS_META, digest)


def identity_keys(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Every identity the cross-year marts can hold, sorted (the macros' identity expression:
    a project without a row in project_identity is its own identity)."""
    rows = con.execute(
        """SELECT DISTINCT coalesce(i.identity_key, p.project_key) AS k
           FROM mart_project_budget AS p
           LEFT JOIN project_identity AS i ON i.project_key = p.project_key
           WHERE p.fiscal_year IS NOT NULL ORDER BY k"""
    ).fetchall()
    return [k for (k,) in rows]


def rebuild_all(con: duckdb.DuckDBPyConnection, batch: int | None = None) -> None:
    """Recompute both cross-year marts for every identity, ``batch`` identities per statement.

    One statement over every identity (the *_live views) holds every window partition and
    join of the warehouse at once: it ran out of a 1 GB DuckDB limit at 40,000 documents.
    Batches through the macros bound that by the batch, with identical rows."""
    for table in MATERIALIZED:
        con.execute(f"DELETE FROM {table}")  # delete + insert keeps the comments (views.sql)
    _insert(con, identity_keys(con), batch)


def _insert(con: duckdb.DuckDBPyConnection, keys: list[int], batch: int | None = None) -> None:
    """Insert the marts' rows of ``keys`` through the macros (which filter before their
    window functions), a bounded number of identities per statement."""
    size = max(1, batch or BATCH_IDENTITIES)
    for start in range(0, len(keys), size):
        chunk = keys[start : start + size]
        for table, (_view, macro) in MATERIALIZED.items():
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {macro}(?::BIGINT[])", [chunk])
