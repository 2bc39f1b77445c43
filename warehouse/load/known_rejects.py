"""Rejected files remembered by content, so a reload does not parse them again.

A file the parser rejected is remembered with its SHA-256 and the parser version that
rejected it (``load_known_reject``, the loader's own bookkeeping table, created here rather
than in schema.sql: it is not part of the data model). On the next load the same bytes under
the same parser version are rejected again with the stored reason without being parsed, so
a folder with nothing changed writes no new version. Rejects that may pass on a second try
(a worker timeout or crash, a memory limit, a failed write) are not remembered.
"""

from __future__ import annotations

import duckdb

TABLE = "load_known_reject"
_DDL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    path            VARCHAR NOT NULL,
    sha256          VARCHAR NOT NULL,
    parser_version  VARCHAR NOT NULL,
    reason          VARCHAR NOT NULL
);
COMMENT ON TABLE {TABLE} IS
    '已知被拒绝的文件（内容与解析器版本不变时不再解析）/ '
    'Rejected files by content and parser version, not parsed again';
"""


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_DDL)


def _exists(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [TABLE]
    ).fetchone()
    return bool(found and found[0])


def read(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str, str]]:
    """path -> (sha256, parser version, reason) of the remembered rejects that the reject
    table still lists with the same reason (the user-visible record stays the truth)."""
    if not _exists(con):
        return {}
    rows = con.execute(
        f"SELECT k.path, k.sha256, k.parser_version, k.reason FROM {TABLE} k "
        "JOIN reject r ON r.path = k.path AND r.reason = k.reason"
    ).fetchall()
    return {path: (sha, version, reason) for path, sha, version, reason in rows}


def stored_rejects(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """path -> reason of the reject table."""
    return dict(con.execute("SELECT path, reason FROM reject").fetchall())


def listed_paths(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every path with a reject row or a remembered reject (a load deletes both for the
    paths it writes, and only these can have one)."""
    sql = "SELECT path FROM reject"
    if _exists(con):
        sql += f" UNION SELECT path FROM {TABLE}"
    return {path for (path,) in con.execute(sql).fetchall()}


def forget(con: duckdb.DuckDBPyConnection, paths: list[str]) -> None:
    """Paths that loaded (or were rejected anew) lose their remembered reject."""
    if paths:
        con.execute(f"DELETE FROM {TABLE} WHERE path IN (SELECT unnest(?::VARCHAR[]))", [paths])


def remember(con: duckdb.DuckDBPyConnection, rejects: list[tuple[str, str, str, str]]) -> None:
    """(path, sha256, parser version, reason) of files the parser rejected in this load."""
    forget(con, [path for path, _, _, _ in rejects])
    if rejects:
        columns = list(zip(*rejects, strict=True))
        con.execute(
            f"INSERT INTO {TABLE} SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
            "unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
            [list(c) for c in columns],
        )
