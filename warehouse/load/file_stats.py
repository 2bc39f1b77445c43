"""Files known unchanged by their stat, so a folder rescan does not hash every file again.

A load that writes a version records, for every file it hashed, the path with its size,
modification and change times (ns) and inode, and the SHA-256 it found
(``load_file_stat``, the loader's own bookkeeping table like ``load_known_reject``). The next
load reuses that hash when all four are still equal and hashes the file otherwise, so the
decision (content and parser version equal: skipped) stays the one the hash makes. A file
changed within ``SETTLE_NS`` of being looked at is not recorded: timestamps are coarse, and a
second same-size write inside one tick would otherwise keep the old hash.
"""

from __future__ import annotations

import os
import time

import duckdb

TABLE = "load_file_stat"
SETTLE_NS = 3_000_000_000  # 3 s: covers coarse (even 2-second) file system timestamps
_DDL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    path      VARCHAR NOT NULL,
    size      BIGINT NOT NULL,
    mtime_ns  BIGINT NOT NULL,
    ctime_ns  BIGINT NOT NULL,
    inode     UBIGINT NOT NULL,
    sha256    VARCHAR NOT NULL
);
COMMENT ON TABLE {TABLE} IS
    '已核对过内容的文件及其大小与时间（未变则不再计算哈希）/ '
    'Hashed files with their size, times and inode: unchanged stat means unchanged bytes';
"""

Ident = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def ident(info: os.stat_result) -> Ident:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def settled(info: os.stat_result, now_ns: int | None = None) -> bool:
    """Whether the file was last changed long enough ago for its stat to stand for its bytes."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    return max(info.st_mtime_ns, info.st_ctime_ns) <= now_ns - SETTLE_NS


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_DDL)


def read(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[Ident, str]]:
    """path -> ((size, mtime_ns, ctime_ns, inode), sha256); empty for an older warehouse."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [TABLE]
    ).fetchone()
    if not (found and found[0]):
        return {}
    rows = con.execute(
        f"SELECT path, size, mtime_ns, ctime_ns, inode, sha256 FROM {TABLE}"
    ).fetchall()
    return {path: ((size, mt, ct, ino), sha) for path, size, mt, ct, ino, sha in rows}


def record(con: duckdb.DuckDBPyConnection, seen: dict[str, tuple[Ident, str]]) -> None:
    """Upsert what this load hashed (inside the caller's transaction, after ``ensure``)."""
    if not seen:
        return
    paths = list(seen)
    con.execute(f"DELETE FROM {TABLE} WHERE path IN (SELECT unnest(?::VARCHAR[]))", [paths])
    idents = [seen[p][0] for p in paths]
    con.execute(
        f"INSERT INTO {TABLE} SELECT unnest(?::VARCHAR[]), unnest(?::BIGINT[]), "
        "unnest(?::BIGINT[]), unnest(?::BIGINT[]), unnest(?::UBIGINT[]), unnest(?::VARCHAR[])",
        [
            paths,
            [i[0] for i in idents],
            [i[1] for i in idents],
            [i[2] for i in idents],
            [i[3] for i in idents],
            [seen[p][1] for p in paths],
        ],
    )
