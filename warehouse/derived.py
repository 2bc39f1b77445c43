"""Tables derived at the end of every load for the cross-year views and the project card.

One call from the loader (``refresh``): project identities and the cross-year marts are
recomputed for the whole warehouse (a new year can link older rows), source text only for
the documents written.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from warehouse import identity, source_text

FULL_SHARE = 0.25  # a load touching more documents than this share rebuilds everything
MATERIALIZED = {
    "mart_project_history": "v_project_history_live",
    "mart_target_change": "v_target_change_live",
}


def refresh(con: duckdb.DuckDBPyConnection, documents: Iterable[int]) -> None:
    """Refresh project_identity, project_source_text and the cross-year marts behind
    v_project_history / v_target_change (tables and views created by views.sql).

    A small load recomputes only the unit groups its documents belong to (and removes what
    replaced documents left behind); a large one, or marts never filled, rebuilds all."""
    documents = sorted(set(documents))
    total = con.execute("SELECT count(*) FROM source_document").fetchone()[0]
    empty = not con.execute("SELECT count(*) FROM project_identity").fetchone()[0]
    full = empty or len(documents) > FULL_SHARE * max(total, 1)
    touched = identity.refresh(con, groups=None if full else identity.groups_of(con, documents))
    source_text.store(con, documents)
    for table, view in MATERIALIZED.items():
        if full:  # delete + insert keeps the table's comments (views.sql creates it)
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}")
            continue
        keys = sorted(touched)
        con.execute(
            f"DELETE FROM {table} WHERE identity_key IN (SELECT unnest(?::BIGINT[]))", [keys]
        )
        con.execute(
            f"INSERT INTO {table} BY NAME SELECT * FROM {view} "
            "WHERE identity_key IN (SELECT unnest(?::BIGINT[]))",
            [keys],
        )
