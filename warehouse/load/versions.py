"""Document versions: a document is its unit + fiscal year + kind, not its file.

A newer version of the same document (a later load, or a later file in the same load, with
different content) supersedes the older one: the older file's rows are replaced in the same
transaction, its history stays in ``document_version``, the summary says so and the new
document carries a ``document_superseded`` warning (shown on the overview). The same
content under another file name or format (.txt and .docx of one document) loads once.
Two project documents of one unit and year that share no project (a county department's
separate fund tables) are two documents, not two versions: both load, and the later one
carries a ``document_same_unit_year`` warning. ``keep_both`` keeps every file, also when
their projects overlap.
A file once superseded (same path and bytes) is skipped on later loads, so loading a folder
that still holds the old file never flips the versions back.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
from array import array
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from warehouse.dbutil import scalar
from warehouse.schema import ddl as schema
from warehouse.schema import keys

SUPERSEDED_WARNING = "document_superseded"
SEPARATE_WARNING = "document_same_unit_year"  # same identity, no shared project: both kept
CURRENT, SUPERSEDED, SAME_CONTENT, KEPT_BOTH, REPLACED = (
    "current",
    "superseded",
    "same_content",
    "kept_both",
    "replaced",
)
SKIPPED_STATUSES = (SUPERSEDED, SAME_CONTENT)


# record side: warehouse/load/record_digest.py (imported by the parse workers)


# --------------------------------------------------------------------------- warehouse side


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create document_version in a warehouse built before it (DDL from schema.sql)."""
    text = schema.SCHEMA_SQL.read_text(encoding="utf-8")
    start = text.index("CREATE TABLE IF NOT EXISTS document_version")
    statements = [
        line for line in text[start:].split(";\n") if line.strip() and "document_version" in line
    ]
    exists = scalar(
        con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'document_version'"
    )
    if not exists:
        for statement in statements:
            con.execute(statement)


def skipped_files(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """(path, sha256) of files superseded or loaded under another name -> the kept file."""
    exists = scalar(
        con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'document_version'"
    )
    if not exists:
        return {}
    rows = con.execute(
        "SELECT path, sha256, replaced_by_path FROM document_version "
        "WHERE status IN (SELECT unnest(?::VARCHAR[])) AND path NOT IN "
        "(SELECT path FROM source_document)",
        [list(SKIPPED_STATUSES)],
    ).fetchall()
    return {(path, sha): kept or "" for path, sha, kept in rows}


@dataclass(slots=True)
class _Entry:
    """One document of an identity while a decision looks at it; between decisions it is
    kept packed (``_pack``: one bytes object per identity, see docs/load_mechanism.md,
    "Memory")."""

    document_id: int
    path: str
    digest: str | None
    run_id: int
    projects: array | None = None  # project keys, int64 (natural, before any re-keying)
    mtime: int | None = None  # st_mtime_ns, read only when two versions meet

    def shares_projects(self, keys_: frozenset[int]) -> bool:
        """Whether this document and one with ``keys_`` are versions of each other: they
        share a project (or either has none to compare)."""
        return not self.projects or not keys_ or not keys_.isdisjoint(self.projects)

    def modified(self) -> int:
        if self.mtime is None:
            self.mtime = _mtime(self.path)
        return self.mtime


def _keys(projects: Iterable[int]) -> array:
    """Project keys as int64s: a tenth of a frozenset's memory."""
    return array("q", projects)


# A packed entry: document_id, run_id, mtime, flags, digest length, project count, then the
# project keys (int64), the digest (32 raw bytes when it is a lowercase sha256 hex, else its
# UTF-8) and the path (UTF-8, surrogates passed through: any str round-trips). About 210
# bytes per document where the dataclass with its strings, int and array took ~770.
_HEAD = struct.Struct("<qqqBHI")
_HAS_DIGEST, _HEX_DIGEST, _HAS_MTIME, _HAS_PROJECTS = 1, 2, 4, 8
_HEX = frozenset("0123456789abcdef")
_NONE: bytes = b""  # an identity looked up with no current document


def _pack(entry: _Entry) -> bytes:
    flags, digest = 0, b""
    if entry.digest is not None:
        flags |= _HAS_DIGEST
        if len(entry.digest) == 64 and _HEX.issuperset(entry.digest):
            flags |= _HEX_DIGEST
            digest = bytes.fromhex(entry.digest)
        else:
            digest = entry.digest.encode("utf-8", "surrogatepass")
    if entry.mtime is not None:
        flags |= _HAS_MTIME
    projects = b""
    if entry.projects is not None:
        flags |= _HAS_PROJECTS
        projects = entry.projects.tobytes()
    head = _HEAD.pack(
        entry.document_id,
        entry.run_id,
        entry.mtime or 0,
        flags,
        len(digest),
        len(projects) // 8,
    )
    return b"".join((head, projects, digest, entry.path.encode("utf-8", "surrogatepass")))


def _unpack(blob: bytes) -> _Entry:
    document_id, run_id, mtime, flags, digest_len, count = _HEAD.unpack_from(blob)
    at = _HEAD.size
    projects = None
    if flags & _HAS_PROJECTS:
        projects = array("q")
        projects.frombytes(blob[at : at + 8 * count])
    at += 8 * count
    raw, at = blob[at : at + digest_len], at + digest_len
    digest = None
    if flags & _HAS_DIGEST:
        digest = raw.hex() if flags & _HEX_DIGEST else raw.decode("utf-8", "surrogatepass")
    return _Entry(
        document_id,
        blob[at:].decode("utf-8", "surrogatepass"),
        digest,
        run_id,
        projects,
        mtime if flags & _HAS_MTIME else None,
    )


def _pack_all(entries: list[_Entry]) -> bytes | tuple[bytes, ...]:
    """One identity's documents as kept between decisions: almost always one."""
    if not entries:
        return _NONE
    if len(entries) == 1:
        return _pack(entries[0])
    return tuple(_pack(e) for e in entries)


def _unpack_all(packed: bytes | tuple[bytes, ...]) -> list[_Entry]:
    if isinstance(packed, tuple):
        return [_unpack(blob) for blob in packed]
    return [_unpack(packed)] if packed else []


@dataclass
class Decision:
    """What to do with one parsed document."""

    write: bool = True
    delete: list[int] = field(default_factory=list)  # superseded documents already written
    drop_pending: list[int] = field(default_factory=list)  # superseded, not yet written
    old_paths: list[str] = field(default_factory=list)  # the files it supersedes
    separate_paths: list[str] = field(default_factory=list)  # same identity, no shared project


# history statements, keyed by the one document_id each touches (so they commute across
# documents and run set-based, see VersionKeeper.apply)
_REPLACED, _DELETE, _INSERT, _SUPERSEDE = "replaced", "delete", "insert", "supersede"
_HISTORY_COLUMNS = (
    "identity_key",
    "document_id",
    "path",
    "sha256",
    "unit_key",
    "fiscal_year",
    "kind",
    "content_digest",
    "project_count",
    "budget_total_yuan",
    "loaded_at",
    "run_id",
    "status",
    "replaced_by_path",
    "replaced_at",
    "replaced_run_id",
)
_KNOWN_SQL = """
    WITH d AS (
        SELECT document_id, path, sha256, run_id, unit_key, fiscal_year,
               CASE WHEN project_count > 0 THEN 'project' ELSE 'unit' END AS kind
        FROM source_document WHERE unit_key IN (SELECT unnest(?::BIGINT[]))
    ), v AS (
        SELECT document_id, sha256, any_value(content_digest) AS content_digest
        FROM document_version WHERE document_id IN (SELECT document_id FROM d) GROUP BY ALL
    )
    SELECT d.unit_key, d.fiscal_year, d.kind, d.document_id, d.path, v.content_digest, d.run_id
    FROM d LEFT JOIN v ON v.document_id = d.document_id AND v.sha256 = d.sha256
    ORDER BY d.document_id
"""
# natural project keys of the stored documents of some units (a key another document owned
# was re-keyed md5(key, document) on load: it then matches nothing, which only makes the two
# documents look separate when that project was their one overlap)
_PROJECTS_SQL = """
    SELECT document_id, list(project_key) FROM dim_project
    WHERE unit_key IN (SELECT unnest(?::BIGINT[])) GROUP BY document_id
"""


class VersionKeeper:
    """Decides supersede / same content / keep for each document of a load."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        run_id: int,
        now: dt.datetime,
        keep_both: bool,
        *,
        empty: bool = False,
    ) -> None:
        self.con = con
        self.run_id = run_id
        self.now = now
        self.keep_both = keep_both
        self.empty = empty  # the warehouse held no document before this load: nothing to ask
        # identity -> its current documents, packed (_pack_all); empty: none
        self.known: dict[int, bytes | tuple[bytes, ...]] = {}
        self.ops: list[tuple[str, int, tuple]] = []  # (statement, document_id, values)
        self.superseded: list[tuple[str, str]] = []  # (old path, new path)
        self.same_content: list[tuple[str, str]] = []  # (skipped path, kept path)
        self.separate: list[tuple[str, str]] = []  # (new path, the other document's path)
        ensure_table(con)
        # no history row at all before this load (each path, so each document id, comes once
        # per load): the per-document updates and deletes of document_version are skipped
        self.no_history = empty and not scalar(con, "SELECT count(*) FROM document_version")

    # -- identity --------------------------------------------------------------
    @staticmethod
    def identity(source_row: dict, kind: str) -> int | None:
        if source_row.get("fiscal_year") is None:
            return None
        return keys.md5_key(
            "document-identity", source_row["unit_key"], source_row["fiscal_year"], kind
        )

    def prefetch(self, wanted: list[tuple[dict, str]]) -> None:
        """Current documents of the identities of a batch of (source row, kind), in one
        query. Identities met earlier in this load are already tracked in memory, so only
        the warehouse as it was before the load is asked (and nothing when it was empty)."""
        todo: dict[int, tuple[int, int, str]] = {}
        for source_row, kind in wanted:
            identity = self.identity(source_row, kind)
            if identity is not None and identity not in self.known:
                todo[identity] = (source_row["unit_key"], source_row["fiscal_year"], kind)
        if not todo:
            return
        for identity in todo:
            self.known[identity] = _NONE
        if self.empty:
            return
        by_key = {key: identity for identity, key in todo.items()}
        units = sorted({unit for unit, _, _ in todo.values()})
        found = [
            (by_key.get((unit, year, kind)), doc, path, digest, run, kind)
            for unit, year, kind, doc, path, digest, run in self.con.execute(
                _KNOWN_SQL, [units]
            ).fetchall()
        ]
        found = [item for item in found if item[0] is not None]
        projects: dict[int, frozenset[int]] = {}
        if any(kind == "project" for *_, kind in found):
            projects = {
                doc: frozenset(keys_)
                for doc, keys_ in self.con.execute(_PROJECTS_SQL, [units]).fetchall()
            }
        stored: dict[int, list[_Entry]] = {}
        for identity, doc, path, digest, run, _kind in found:
            assert identity is not None
            keys_ = projects.get(doc)
            entry = _Entry(doc, path, digest, run or 0, None if keys_ is None else _keys(keys_))
            stored.setdefault(identity, []).append(entry)
        for identity, entries in stored.items():
            self.known[identity] = _pack_all(entries)

    def _current(self, identity: int, source_row: dict, kind: str) -> list[_Entry]:
        """The identity's current documents, unpacked for one decision (``decide`` packs
        them again, with any modification time it read)."""
        if identity not in self.known:
            self.prefetch([(source_row, kind)])
        return _unpack_all(self.known[identity])

    def release(self) -> None:
        """Forget the identities once every document of the load is decided: the rest of
        the load (review, marts) no longer needs them."""
        self.known = {}

    # -- decisions ---------------------------------------------------------------
    def decide(
        self,
        tables: dict[str, list[dict]],
        kind: str,
        digest: str | None,
        pending: Container[int],
    ) -> Decision:
        """Call once per parsed document (its rows by table), in load order; records the
        history rows."""
        source_row = dict(tables["source_document"][0])
        source_row["budget_total_yuan"] = sum(
            row.get("budget_total_yuan") or 0 for row in tables.get("fact_project_budget", ())
        )
        identity = self.identity(source_row, kind)
        doc_id, path = source_row["document_id"], source_row["path"]
        if identity is None:
            self._version_row(None, source_row, kind, digest, CURRENT)
            return Decision()
        entries = self._current(identity, source_row, kind)
        others = [e for e in entries if e.document_id != doc_id]
        mine_projects = frozenset(row["project_key"] for row in tables.get("dim_project", ()))
        mine = _Entry(doc_id, path, digest, self.run_id, _keys(mine_projects))
        decision = Decision()
        separate: list[_Entry] = []
        if others and not self.keep_both:  # no shared project: another document, not a version
            separate = [e for e in others if not e.shares_projects(mine_projects)]
            others = [e for e in others if all(e is not s for s in separate)]
        if others and not self.keep_both:
            same = next((e for e in others if digest and e.digest == digest), None)
            if same is not None:
                self.same_content.append((path, same.path))
                self._version_row(identity, source_row, kind, digest, SAME_CONTENT, same.path)
                return Decision(write=False)
            newer = [
                e
                for e in others
                if e.run_id == self.run_id and (e.modified(), e.path) > (mine.modified(), mine.path)
            ]
            if newer:  # a later file of this same load is the newer version
                self.known[identity] = _pack_all(entries)  # with the times just read
                self.superseded.append((path, newer[0].path))
                self._version_row(identity, source_row, kind, digest, SUPERSEDED, newer[0].path)
                return Decision(write=False)
            for old in others:
                self.superseded.append((old.path, path))
                decision.old_paths.append(old.path)
                (decision.drop_pending if old.document_id in pending else decision.delete).append(
                    old.document_id
                )
                self.ops.append((_SUPERSEDE, old.document_id, (path,)))
            entries[:] = [e for e in entries if e.document_id == doc_id or e in separate]
        if separate:
            decision.separate_paths = [e.path for e in separate]
            self.separate += [(path, e.path) for e in separate]
            separate_warning(tables, decision.separate_paths)
        status = KEPT_BOTH if (others and self.keep_both) or separate else CURRENT
        self._version_row(identity, source_row, kind, digest, status)
        entries[:] = [e for e in entries if e.document_id != doc_id] + [mine]
        self.known[identity] = _pack_all(entries)
        return decision

    def _version_row(
        self,
        identity: int | None,
        source_row: dict,
        kind: str,
        digest: str | None,
        status: str,
        replaced_by: str | None = None,
    ) -> None:
        doc_id = source_row["document_id"]
        if not self.no_history:
            if status in (CURRENT, KEPT_BOTH):  # the file itself changed: its older rows
                self.ops.append((_REPLACED, doc_id, ()))
            self.ops.append((_DELETE, doc_id, (source_row["sha256"],)))
        skipped = status in SKIPPED_STATUSES
        row = (
            identity if identity is not None else keys.md5_key("document-identity", doc_id),
            doc_id,
            source_row["path"],
            source_row["sha256"],
            source_row.get("unit_key"),
            source_row.get("fiscal_year"),
            kind,
            digest,
            source_row.get("project_count"),
            source_row.get("budget_total_yuan"),
            source_row.get("loaded_at"),
            self.run_id,
            status,
            replaced_by,
            self.now if skipped else None,
            self.run_id if skipped else None,
        )
        self.ops.append((_INSERT, doc_id, row))

    def apply(self) -> None:
        """Run the recorded history statements (inside the caller's transaction; call
        ``committed`` after COMMIT, so a rolled-back batch keeps them for the retry).

        Each statement touches the rows of one document, so statements of different
        documents commute: round k runs the k-th statement of every document, one
        set-based statement per kind, instead of three statements per document."""
        queues: dict[int, list[tuple[str, tuple]]] = {}
        for op, doc_id, values in self.ops:
            queues.setdefault(doc_id, []).append((op, values))
        depth = max((len(q) for q in queues.values()), default=0)
        for k in range(depth):
            round_: dict[str, list[tuple[int, tuple]]] = {}
            for doc_id, queue in queues.items():
                if k < len(queue):
                    op, values = queue[k]
                    round_.setdefault(op, []).append((doc_id, values))
            for op, items in round_.items():
                self._run(op, items)

    def _run(self, op: str, items: list[tuple[int, tuple]]) -> None:
        con, ids = self.con, [doc_id for doc_id, _ in items]
        if op == _REPLACED:
            con.execute(
                "UPDATE document_version SET status = ?, replaced_at = ?, replaced_run_id = ? "
                "WHERE document_id IN (SELECT unnest(?::BIGINT[])) AND status IN (?, ?)",
                [REPLACED, self.now, self.run_id, ids, CURRENT, KEPT_BOTH],
            )
        elif op == _DELETE:
            con.execute(
                "DELETE FROM document_version USING (SELECT unnest(?::BIGINT[]) AS d, "
                "unnest(?::VARCHAR[]) AS s) AS x WHERE document_id = x.d AND sha256 = x.s",
                [ids, [values[0] for _, values in items]],
            )
        elif op == _SUPERSEDE:
            con.execute(
                "UPDATE document_version SET status = ?, replaced_by_path = x.p, "
                "replaced_at = ?, replaced_run_id = ? FROM (SELECT unnest(?::BIGINT[]) AS d, "
                "unnest(?::VARCHAR[]) AS p) AS x WHERE document_id = x.d AND status = ?",
                [SUPERSEDED, self.now, self.run_id, ids, [v[0] for _, v in items], CURRENT],
            )
        else:
            rows = [values for _, values in items]
            columns = list(zip(*rows, strict=True))
            table = pa.table(
                {
                    name: pa.array(list(column), type=field.type)
                    for name, column, field in zip(
                        _HISTORY_COLUMNS,
                        columns,
                        schema.arrow_schema("document_version"),
                        strict=True,
                    )
                }
            )
            con.register("_history_batch", table)
            try:
                con.execute("INSERT INTO document_version BY NAME SELECT * FROM _history_batch")
            finally:
                con.unregister("_history_batch")

    def committed(self) -> None:
        self.ops = []


def superseded_warning(doc_tables: dict[str, list[dict]], old_paths: list[str]) -> None:
    """Add the ``document_superseded`` warning to the new document's rows."""
    names = "、".join(os.path.basename(p) for p in old_paths)
    _add_warning(
        doc_tables,
        SUPERSEDED_WARNING,
        f"本文件是同一单位同一年度文档的新版本，已取代旧版本 {names}（旧版本的数据已替换）",
    )


def separate_warning(doc_tables: dict[str, list[dict]], other_paths: list[str]) -> None:
    """Add the ``document_same_unit_year`` warning: another file of this unit and year with
    no project in common was kept as a second document (both count)."""
    names = "、".join(os.path.basename(p) for p in other_paths)
    _add_warning(
        doc_tables,
        SEPARATE_WARNING,
        f"同一单位同一年度另有文件 {names}，两者没有相同的项目，按两份文档都载入"
        "（若本文件是其修订版，请移走旧文件后重新载入）",
    )


def _add_warning(doc_tables: dict[str, list[dict]], code: str, message: str) -> None:
    source = doc_tables["source_document"][0]
    warnings = doc_tables.setdefault("load_warning", [])
    ordinal = max((w["ordinal"] for w in warnings), default=0) + 1
    warnings.append(
        {
            "warning_key": keys.row_key("warning", source["document_id"], ordinal),
            "document_id": source["document_id"],
            "ordinal": ordinal,
            "origin": "warehouse",
            "code": code,
            "message": message,
            "line": None,
            "project_name": None,
            "project_key": None,
        }
    )
    source["warning_count"] = len(warnings)


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0
