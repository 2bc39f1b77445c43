"""Load goal documents into the warehouse: hash, skip unchanged, parse, replace, check, publish.

One load = one new version file (warehouse/load/storage.py). Inside it, documents are written in
batches, each batch one transaction that first deletes the documents' previous rows. The
pointer moves only after every batch, the orphan cleanup and the data checks are done, so
readers see either the old warehouse or the new one, never a partial document.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib
import importlib.abc
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb
import pyarrow as pa

from etl.limits import get_limits
from warehouse.dbutil import one, scalar
from warehouse.laps import Laps
from warehouse.load import checks as checks_mod
from warehouse.load import derived, file_stats, known_rejects, review_sql, source_text, versions
from warehouse.load.classify import Classifier, load_classifier
from warehouse.load.discover import Skipped, find_documents
from warehouse.load.parse_worker import (
    ManifestVersions,
    ParseFn,
    ParseOutcome,
    WorkerConfig,
    parse_one,
    parser_version,
)
from warehouse.load.reclassify import apply_rules
from warehouse.load.storage import (
    KEEP_PREVIOUS,
    check_pointer,
    current_file,
    new_version,
    writer_lock,
)
from warehouse.load.transform import (
    DocumentRows,
    foreign_project_keys,
    project_keys,
    resolve_duplicates,
)
from warehouse.load.workers import IsolatedRun, parse_isolated
from warehouse.review import rewritten_documents
from warehouse.schema import ddl as schema
from warehouse.schema import keys, marts

log = logging.getLogger(__name__)

PARALLEL_THRESHOLD = 32  # custom (test) parsers: below this many files, parse in-process
BATCH_DOCUMENTS = 500  # documents per insert transaction (docs/load_mechanism.md, "Batches")
_SHARED_DIMS = {
    "dim_unit": "unit_key",
    "dim_indicator": "indicator_key",
    "dim_fiscal_year": "fiscal_year",
}


@dataclass
class Rejected:
    """A file that could not be loaded, with the one-line reason users see."""

    path: str
    reason: str
    sha256: str | None = None
    version: str | None = None  # the parser version that rejected it: remembered by content
    known: bool = False  # rejected by an earlier load with the same bytes: not parsed again


@dataclass
class LoadSummary:
    """What a load did; ``exit_code`` follows the contract (0 all loaded, 1 rejects)."""

    files_seen: int = 0
    loaded: int = 0
    replaced: int = 0
    unchanged: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    superseded: list[tuple[str, str]] = field(default_factory=list)  # (old path, new path)
    same_content: list[tuple[str, str]] = field(default_factory=list)  # (skipped, kept)
    separate: list[tuple[str, str]] = field(default_factory=list)  # (new, other): both kept
    version_skipped: list[tuple[str, str]] = field(default_factory=list)  # (old, kept)
    rejected: list[Rejected] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # not documents, listed with reasons
    not_documents: int = 0  # manifest.toml, README, reference data: counted only
    projects: int = 0
    indicators: int = 0
    warnings: int = 0
    check_results: list[checks_mod.CheckResult] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    run_id: int = 0
    db_path: str = ""
    db_file: str = ""
    written: bool = False  # False when nothing changed and no new version was made
    elapsed_s: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step (PHASES)

    @property
    def check_failures(self) -> list[checks_mod.CheckResult]:
        return [r for r in self.check_results if not r.ok]

    @property
    def nothing_found(self) -> bool:
        """No candidate document at all: never an empty warehouse with exit 0."""
        return self.files_seen == 0

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected or self.check_failures or self.nothing_found else 0


def sha256_file(path: Path) -> tuple[str, int]:
    """SHA-256 and size of the file bytes."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def load_paths(
    paths: list[Path],
    db_path: Path,
    *,
    progress: bool,
    parse: ParseFn | None = None,
    version: str | None = None,
    review: bool = True,
    workers: int | None = None,
    parallel_threshold: int = PARALLEL_THRESHOLD,
    keep_versions: int = KEEP_PREVIOUS,
    classifier: Classifier | None = None,
    follow_symlinks: bool = False,
    isolate: bool | None = None,
    keep_both: bool = False,
) -> LoadSummary:
    """Load files and folders into the warehouse at ``db_path`` (the pointer path).

    ``parse``/``version`` replace the real parser (tests); ``parse`` must be a module-level
    function when worker processes are used. ``isolate``: parse in capped worker processes
    (default: always for the real parser, for a custom one from ``parallel_threshold``
    files). ``keep_both``: two documents of the same unit, year and kind both stay
    (default: the newer version supersedes the older, warehouse/load/versions.py). Raises
    FileNotFoundError for a path that does not exist.
    """
    started = time.perf_counter()
    started_at = dt.datetime.now()
    found = find_documents([Path(p) for p in paths], follow_symlinks=follow_symlinks)
    candidates = found.candidates
    summary = LoadSummary(
        files_seen=len(candidates),
        skipped=[s for s in found.skipped if not s.reject],
        not_documents=found.not_documents,
        rejected=[Rejected(s.path, s.reason) for s in found.skipped if s.reject],
        db_path=str(db_path),
    )
    manifests = ManifestVersions() if version is None else None
    version = version or parser_version()
    classifier = classifier or load_classifier()
    db_path = Path(db_path).absolute()
    with writer_lock(db_path):
        check_pointer(db_path)  # a missing current version is an error, never an empty start
        state = _read_state(db_path, classifier)
        known = state.known
        old_versions = {} if keep_both else state.old_versions
        hashed: dict[str, tuple[file_stats.Ident, str]] = {}  # recorded if a version is written
        tasks, replacing = _plan(
            known,
            candidates,
            version,
            manifests,
            summary,
            old_versions,
            state.remembered,
            stats=state.stats,
            hashed=hashed,
        )
        # per-file records the rest of the load never reads (docs/load_mechanism.md, "Memory")
        del found, candidates
        state.stats = {}
        if state.up_to_date and not tasks:
            _reject_copies_of_rejects(summary)  # complete already: nothing is parsed
            if all(state.rejects.get(r.path) == r.reason for r in summary.rejected):
                # Nothing to write (every reject already recorded): no new version, no run
                # logged; readers are untouched.
                summary.db_file = str(current_file(db_path))
                summary.totals = _read_totals(db_path)
                summary.elapsed_s = time.perf_counter() - started
                return summary
        # The workers start before the version file is copied, so their start-up overlaps the
        # copy. They only parse: the review runs set-based after the load
        # (review_sql.after_load).
        run_id = state.next_run_id
        _warm_pandas()
        config = WorkerConfig(
            classifier,
            run_id,
            dt.datetime.now().replace(microsecond=0),
            parse,
            source_text=True,
            columnar=True,
        )
        outcomes = _parse_all(tasks, config, workers, parallel_threshold, isolate)
        source = current_file(db_path)  # the version this load copies
        with (
            contextlib.closing(outcomes),
            new_version(db_path, keep=keep_versions, lock=False) as (con, target),
        ):
            summary.written = True
            summary.db_file = str(target)
            schema.ensure_schema(con)
            known_rejects.ensure(con)
            _record_file_stats(con, hashed)  # in the unpublished version: lost with it
            checks_mod.begin_scope(con)
            # scoped checks only on top of a version that passed every check
            scoped = checks_mod.passed_before(con, source.name if source else None)
            if schema.get_meta(con, "rules_digest") != classifier.digest:
                apply_rules(con, classifier)
                scoped = False
            summary.run_id = run_id
            keeper = versions.VersionKeeper(
                con, run_id, dt.datetime.now(), keep_both, empty=not known
            )
            # only the documents this load may replace need their key (md5) computed
            existing = {keys.document_key(path) for path, *_ in tasks if path in known}
            known = state.known = {}  # the stored paths: not asked again in this load
            writer = _BatchWriter(con, summary, replacing, keeper, existing)
            lap = Laps(summary.phases, started, on_lap=_log_phase).lap
            lap("prepare")
            with _progress_bar(len(tasks), progress) as bar:
                for outcome in outcomes:
                    writer.add(outcome)
                    bar.update(1)
                writer.flush()
            lap("parse_write")
            # every document is decided and written: its bookkeeping is not needed by the
            # review, marts and checks that follow (the run is done with the task list)
            keeper.release()
            writer.written.clear()
            tasks.clear()
            summary.superseded = keeper.superseded
            summary.same_content = keeper.same_content
            summary.separate = keeper.separate
            _reject_copies_of_rejects(summary)
            if replacing or writer.deleted:
                _clean_dimensions(con, note=writer.deletions_noted)
            lap("dimensions")
            review_sql.after_load(
                con,
                writer.documents,
                review=review,
                deletions_noted=writer.deletions_noted,
            )
            lap("review")
            if marts.needs_full_refresh(con, len(writer.documents)):
                marts.refresh(con)
                scoped = False
            else:  # only what this load wrote, and every document of a unit it upserted
                marts.refresh(con, writer.documents, writer.units)
            lap("marts")
            # identities across years; the source text came with the rows
            derived.refresh(con, writer.documents, texts_stored=True)
            lap("derived")
            summary.check_results = checks_mod.run_checks(
                con, _check_scope(con, writer) if scoped and writer.deletions_noted else None
            )
            lap("checks")
            summary.totals = _totals(con)
            summary.elapsed_s = time.perf_counter() - started
            _log_run(con, summary, started_at, version, [str(p) for p in paths])
        lap("publish")  # the run log, the final CHECKPOINT and the pointer switch
    summary.elapsed_s = time.perf_counter() - started
    return summary


def _record_file_stats(
    con: duckdb.DuckDBPyConnection, hashed: dict[str, tuple[file_stats.Ident, str]]
) -> None:
    """The stats of the files hashed now, written as soon as the new version exists (it is
    published with them or removed with them), so the load does not keep one record per
    file to the end (~280 bytes each); emptied once written."""
    file_stats.ensure(con)
    if not hashed:
        return
    # fresh path strings: DuckDB caches a UTF-8 copy inside each str it binds, which would
    # then stay with the task list's paths for the whole parse (~60 bytes each)
    fresh = {
        path.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass"): value
        for path, value in hashed.items()
    }
    con.execute("BEGIN TRANSACTION")
    try:
        file_stats.record(con, fresh)
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    hashed.clear()


def _log_phase(name: str, seconds: float) -> None:
    log.info("载入阶段 %s：%.1f 秒", PHASES[name], seconds)


PHASES = {  # the load's steps as the summary names them (--timings)
    "prepare": "准备（查找与哈希文件、复制版本）",
    "parse_write": "解析与写入",
    "dimensions": "清理维度",
    "review": "绩效目标审核",
    "marts": "汇总表",
    "derived": "跨年项目识别",
    "checks": "数据检查",
    "publish": "记录、落盘与发布",
}


def _check_scope(con: duckdb.DuckDBPyConnection, writer: _BatchWriter) -> set[int] | None:
    """The documents whose rows this load wrote, deleted, reviewed or refreshed in a mart
    (warehouse/load/checks.py), or None when there are too many for the scoped checks."""
    documents = set(writer.documents)
    if writer.units:
        documents.update(
            d
            for (d,) in con.execute(
                "SELECT document_id FROM source_document "
                "WHERE unit_key IN (SELECT unnest(?::BIGINT[]))",
                [sorted(writer.units)],
            ).fetchall()
        )
    documents |= rewritten_documents(con)  # the cross-unit copies of other documents
    return documents if len(documents) <= checks_mod.SCOPED_MAX_DOCUMENTS else None


def _warm_pandas() -> None:
    """pyarrow imports pandas on its first conversion of a Python list (~0.5 s, a third of a
    one-file reload): start that import in a thread now, so it overlaps the version copy
    (unless ``arrow_without_pandas`` told pyarrow there is no pandas)."""
    if "pandas" not in sys.modules and not _ARROW_WITHOUT_PANDAS:
        threading.Thread(target=importlib.import_module, args=("pandas",), daemon=True).start()


_ARROW_WITHOUT_PANDAS = False


class _NoPandas(importlib.abc.MetaPathFinder):
    """Makes ``import pandas`` fail while pyarrow's pandas shim makes its one import attempt."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("the loader does not use pandas")
        return None


def arrow_without_pandas() -> bool:
    """For the ``etl load`` process only: the loader never hands pandas objects to pyarrow,
    yet pyarrow imports pandas (~0.5 CPU-s) on its first conversion of a Python list, to
    check whether the list is a pandas object. Let that check run once with pandas
    unimportable, as on a machine without pandas: pyarrow remembers and never asks again.
    A long-lived process that mixes pandas and pyarrow (the dashboard, tests) must not call
    this. Returns whether pandas stays out of the process."""
    global _ARROW_WITHOUT_PANDAS
    if "pandas" in sys.modules:
        return False
    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.array([0], type=pa.int64())
    finally:
        sys.meta_path.remove(finder)
    _ARROW_WITHOUT_PANDAS = "pandas" not in sys.modules
    return _ARROW_WITHOUT_PANDAS


@dataclass
class _State:
    """What the current version holds, read before a load decides what to parse."""

    known: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (sha, version)
    up_to_date: bool = False  # schema, views, rules and links current (else: write anyway)
    old_versions: dict[tuple[str, str], str] = field(default_factory=dict)  # superseded files
    remembered: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # known rejects
    rejects: dict[str, str] = field(default_factory=dict)  # reject table: path -> reason
    next_run_id: int = 1  # the run this load logs (read under the writer lock)
    stats: dict[str, tuple[file_stats.Ident, str]] = field(default_factory=dict)  # path -> sha


def _read_state(db_path: Path, classifier: Classifier) -> _State:
    """Loaded documents (path -> (sha256, version)) of the current version, whether its
    schema, views and classification rules are current, the files an earlier load found
    superseded ((path, sha256) -> kept file) and the rejects it remembers."""
    current = current_file(db_path)
    if current is None:
        return _State()
    con = duckdb.connect(str(current), read_only=True)
    try:
        schema.check_schema_version(con)
        known = {
            path: (sha, ver)
            for path, sha, ver in con.execute(
                "SELECT path, sha256, parser_version FROM source_document"
            ).fetchall()
        }
        up_to_date = (
            schema.get_meta(con, "rules_digest") == classifier.digest
            and schema.views_current(con)
            and derived.links_current(con)  # data/project_links.toml unchanged
        )
        return _State(
            known,
            up_to_date,
            versions.skipped_files(con),
            known_rejects.read(con),
            known_rejects.stored_rejects(con),
            scalar(con, "SELECT coalesce(max(run_id), 0) + 1 FROM load_run"),
            file_stats.read(con),
        )
    finally:
        con.close()


def _read_totals(db_path: Path) -> dict[str, int]:
    current = current_file(db_path)
    if current is None:
        return {}
    con = duckdb.connect(str(current), read_only=True)
    try:
        return _totals(con)
    finally:
        con.close()


def _plan(
    known: dict[str, tuple[str, str]],
    candidates: list[Path],
    version: str,
    manifests: ManifestVersions | None,
    summary: LoadSummary,
    old_versions: dict[tuple[str, str], str] | None = None,
    remembered: dict[str, tuple[str, str, str]] | None = None,
    *,
    stats: dict[str, tuple[file_stats.Ident, str]] | None = None,
    hashed: dict[str, tuple[file_stats.Ident, str]] | None = None,
) -> tuple[list[tuple[str, str, int, str]], set[str]]:
    """Hash every candidate; keep those whose content, parser version or manifest changed.
    A file an earlier load found superseded (same bytes) is skipped, never reloaded; one it
    rejected (same bytes, same parser version) is rejected again without parsing.

    ``stats``: the hash an earlier load recorded per path with the file's size, times and
    inode (warehouse/load/file_stats.py); a file whose stat is unchanged is not read again.
    ``hashed`` receives what was hashed now (settled files only), to record."""
    old_versions = old_versions or {}
    remembered = remembered or {}
    stats = stats or {}
    hashed = {} if hashed is None else hashed
    by_sha = {sha: path for path, (sha, _) in known.items()}
    tasks: list[tuple[str, str, int, str]] = []
    replacing: set[str] = set()
    for candidate in candidates:
        path = str(candidate)
        try:
            sha, size = _content_hash(candidate, path, stats, hashed)
        except OSError as exc:
            summary.rejected.append(Rejected(path, f"无法读取文件 ({exc.strerror or exc})"))
            continue
        doc_version = version + (manifests.suffix(candidate) if manifests else "")
        previous = known.get(path)
        if previous is not None and previous == (sha, doc_version):
            summary.unchanged += 1
            continue
        reject = remembered.get(path)
        if reject is not None and reject[:2] == (sha, doc_version):
            summary.rejected.append(Rejected(path, reject[2], sha, doc_version, known=True))
            by_sha.setdefault(sha, path)  # a copy of it is rejected with it
            continue
        if (path, sha) in old_versions:
            summary.version_skipped.append((path, old_versions[(path, sha)]))
            continue
        original = by_sha.get(sha)
        if original is not None and original != path:
            summary.duplicates.append((path, original))
            continue
        by_sha[sha] = path
        if previous is not None:
            replacing.add(path)
        tasks.append((path, sha, size, doc_version))
    return tasks, replacing


def _content_hash(
    candidate: Path,
    path: str,
    stats: dict[str, tuple[file_stats.Ident, str]],
    hashed: dict[str, tuple[file_stats.Ident, str]],
) -> tuple[str, int]:
    """SHA-256 and size: the recorded hash when size, times and inode are unchanged, else
    the bytes hashed (stat taken first: a change while hashing shows on the next load)."""
    info = os.stat(candidate)
    ident = file_stats.ident(info)
    known = stats.get(path)
    if known is not None and known[0] == ident:
        return known[1], info.st_size
    sha, size = sha256_file(candidate)
    if size == info.st_size and file_stats.settled(info):
        hashed[path] = (ident, sha)
    return sha, size


def _reject_copies_of_rejects(summary: LoadSummary) -> None:
    """A copy of a rejected file is rejected too, with the same reason: every bad file must
    show up in the reject table (two empty files have the same hash)."""
    reasons = {r.path: r for r in summary.rejected}
    kept: list[tuple[str, str]] = []
    for path, original in summary.duplicates:
        first = reasons.get(original)
        if first is None:
            kept.append((path, original))
        else:
            summary.rejected.append(Rejected(path, first.reason, first.sha256))
    summary.duplicates = kept


def _parse_all(
    tasks: list[tuple[str, str, int, str]],
    config: WorkerConfig,
    workers: int | None,
    threshold: int,
    isolate: bool | None,
) -> IsolatedRun | Generator[ParseOutcome, None, None]:
    """Outcomes in task order (close() the result). Untrusted files go through capped worker
    processes (warehouse/load/workers.py), started here: a bomb or a parser crash rejects
    one file, never the load."""
    workers = workers or os.cpu_count() or 1
    if isolate is None:
        isolate = config.parse is None or (len(tasks) >= threshold and workers >= 2)
    if not isolate or not tasks:
        return (parse_one(task, config) for task in tasks)
    limits = get_limits()
    return parse_isolated(
        tasks,
        config,
        workers=workers,
        memory_mb=limits.worker_memory_mb,
        timeout_s=limits.worker_timeout_s,
    )


class _BatchWriter:
    """Collects document rows and writes them in transactions of BATCH_DOCUMENTS."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        summary: LoadSummary,
        replacing: set[str],
        keeper: versions.VersionKeeper | None = None,
        existing: set[int] | None = None,
    ) -> None:
        self.con = con
        self.summary = summary
        self.replacing = replacing
        self.keeper = keeper
        # documents stored before this load: only they (and superseded ones) have rows to
        # delete, so a new document costs no delete scan
        self.existing = existing
        self.undecided: list[ParseOutcome] = []  # parsed, version decision not yet taken
        self.deleting: list[int] = []  # superseded documents to delete with the next batch
        self.deleted: set[int] = set()
        self.written: dict[int, str] = {}  # document -> "loaded" / "replaced" in this run
        self.pending: list[ParseOutcome] = []
        self.documents: set[int] = set()  # written documents, for the incremental mart refresh
        self.units: set[int] = set()  # upserted units (their attributes may have changed)
        self.deletions_noted = True  # every deleted document was noted for the review
        self.noted = 0
        # paths with a reject row or a remembered reject from an earlier load: only they
        # need deleting when they load now (the tables change only in _log_run)
        self.reject_paths = known_rejects.listed_paths(con)

    def add(self, outcome: ParseOutcome) -> None:
        if outcome.rows is None:
            self.summary.rejected.append(
                Rejected(
                    outcome.path,
                    outcome.error or "未知错误",
                    outcome.sha256,
                    None if outcome.retry else outcome.version,
                )
            )
            return
        if self.keeper is None:
            self._accept(outcome)
            return
        self.undecided.append(outcome)
        if len(self.undecided) >= BATCH_DOCUMENTS:
            self._decide()

    def _accept(self, outcome: ParseOutcome) -> None:
        self.pending.append(outcome)
        if len(self.pending) >= BATCH_DOCUMENTS:
            self.flush()

    def _decide(self) -> None:
        """Version decisions in load order, the warehouse asked once per batch."""
        batch, self.undecided = self.undecided, []
        if self.keeper is None or not batch:
            return
        self.keeper.prefetch(
            [(o.rows.tables["source_document"][0], o.kind or "project") for o in batch if o.rows]
        )
        for outcome in batch:
            if self._keep(outcome):
                self._accept(outcome)

    def _keep(self, outcome: ParseOutcome) -> bool:
        """Document versions: False when this file is not written (same content as a kept
        file, or superseded by a later file of this load); schedules what it supersedes."""
        rows = outcome.rows
        if self.keeper is None or rows is None:
            return rows is not None
        pending = _PendingIds(self.pending)  # asked only when a version is superseded
        decision = self.keeper.decide(
            rows.tables, outcome.kind or "project", outcome.digest, pending
        )
        if not decision.write:
            return False
        if decision.drop_pending:
            self.pending = [
                o
                for o in self.pending
                if o.rows is None or o.rows.document_id not in decision.drop_pending
            ]
        for old in decision.delete:
            self.deleting.append(old)
            status = self.written.pop(old, None)  # written earlier in this same load
            if status == "loaded":
                self.summary.loaded -= 1
            elif status == "replaced":
                self.summary.replaced -= 1
        if decision.old_paths:
            versions.superseded_warning(rows.tables, decision.old_paths)
        return True

    def flush(self) -> None:
        self._decide()
        batch, self.pending = self.pending, []
        if not batch:
            if self.deleting or (self.keeper is not None and self.keeper.ops):
                self._write([])  # history rows of skipped files still go in
            return
        try:
            self._write(batch)
        except (duckdb.Error, ValueError, TypeError, KeyError, OverflowError) as exc:
            if _fatal(exc):  # disk full, I/O error, invalidated database: not the document's fault
                raise
            if len(batch) == 1:
                outcome = batch[0]
                self.summary.rejected.append(
                    Rejected(
                        outcome.path, f"写入仓库失败 ({type(exc).__name__}: {exc})", outcome.sha256
                    )
                )
                return
            for outcome in batch:  # isolate the document that fails
                self.pending = [outcome]
                self.flush()

    def _write(self, batch: list[ParseOutcome]) -> None:
        con = self.con
        docs = self._rows(batch)
        con.execute("BEGIN TRANSACTION")
        try:
            stored = [d.document_id for d in docs]
            if self.existing is not None:
                stored = [d for d in stored if d in self.existing]
            self._note_deleted(stored + self.deleting)
            _delete_documents(con, stored + self.deleting)
            if self.keeper is not None:
                self.keeper.apply()
            tables: dict[str, list[dict]] = {}
            columns: dict[str, dict[str, list]] = {}
            for doc in docs:
                for table, rows in doc.tables.items():
                    tables.setdefault(table, []).extend(rows)
                for table, cols in doc.columns.items():
                    merged = columns.setdefault(table, {name: [] for name in cols})
                    for name, values in cols.items():
                        merged[name].extend(values)
            for table, rows in tables.items():
                if table in _SHARED_DIMS:
                    _upsert_dimension(con, table, _SHARED_DIMS[table], rows)
                else:
                    write_hook(table, rows)
                    schema.insert_rows(con, table, rows)
            for table, cols in columns.items():
                _insert_columns(con, table, cols)
            rejected_before = [o.path for o in batch if o.path in self.reject_paths]
            if rejected_before:
                con.execute(
                    "DELETE FROM reject WHERE path IN (SELECT unnest(?::VARCHAR[]))",
                    [rejected_before],
                )
                known_rejects.forget(con, rejected_before)
            con.execute("COMMIT")
            if self.keeper is not None:
                self.keeper.committed()
        except BaseException:
            # a failed ROLLBACK ("no transaction is active" after a disk-full error) must
            # never hide the real cause
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
        self.documents.update(d.document_id for d in docs)
        self.documents.update(self.deleting)  # their mart rows go too
        self.deleted.update(self.deleting)
        self.deleting = []
        self.units.update(row["unit_key"] for row in tables.get("dim_unit", ()))
        for outcome, doc in zip(batch, docs, strict=True):
            if outcome.path in self.replacing:
                self.summary.replaced += 1
                self.written[doc.document_id] = "replaced"
            else:
                self.summary.loaded += 1
                self.written[doc.document_id] = "loaded"
            self.summary.projects += doc.count("fact_project_budget")
            self.summary.indicators += doc.count("fact_indicator_target")
            self.summary.warnings += doc.count("load_warning")

    def _note_deleted(self, doomed: list[int]) -> None:
        """While the load stays small, the review's cross-unit step learns what each deleted
        document held (inside the batch's transaction), so it need not redo whole years."""
        if not doomed or not self.deletions_noted:
            return
        if self.noted + len(doomed) > review_sql.CROSS_INCREMENTAL_MAX:
            self.deletions_noted = False  # a large load: the review redoes whole years
            return
        review_sql.note_deleted(self.con, doomed)
        checks_mod.note_deleted(self.con, doomed)
        self.noted += len(doomed)

    def _rows(self, batch: list[ParseOutcome]) -> list[DocumentRows]:
        """Rows per document. A project key already owned by another document (in the
        warehouse or earlier in this batch) is foreign: that project gets a qualified key."""
        docs = [o.rows for o in batch if o.rows is not None]
        wanted = [k for doc in docs for k in project_keys(doc)]
        deleting = set(self.deleting)  # superseded: their rows go in this same transaction
        owners = (
            dict(
                (key, owner)
                for key, owner in self.con.execute(
                    "SELECT project_key, document_id FROM dim_project "
                    "WHERE project_key IN (SELECT unnest(?::BIGINT[]))",
                    [wanted],
                ).fetchall()
                if owner not in deleting
            )
            if wanted
            else {}
        )
        foreign = foreign_project_keys(((d.document_id, project_keys(d)) for d in docs), owners)
        for doc in docs:
            resolve_duplicates(doc, foreign.get(doc.document_id, set()))
        return docs


class _PendingIds:
    """Whether a document is among the batch's pending outcomes: a set built per document
    cost O(batch²) per batch, and the question is asked only when a version is superseded."""

    def __init__(self, pending: list[ParseOutcome]) -> None:
        self.pending = pending

    def __contains__(self, document_id: object) -> bool:
        return any(o.rows is not None and o.rows.document_id == document_id for o in self.pending)


def _fatal(exc: BaseException) -> bool:
    """Errors of the warehouse file itself: retrying document by document cannot help."""
    if isinstance(exc, duckdb.IOException | duckdb.FatalException | duckdb.InternalException):
        return True
    text = str(exc).lower()
    return "invalidated" in text or "no space left" in text or "file too large" in text


def write_hook(table: str, rows: object) -> None:
    """Called before each fact/lineage batch insert; tests replace it to fail mid-load."""


def _insert_columns(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list]) -> None:
    """One batch of a columnar table (transform.COLUMNAR): Arrow straight from the column
    lists. A shared dimension keeps the last row per key and only inserts new keys."""
    key = _SHARED_DIMS.get(table)
    if key is not None:
        last = {k: i for i, k in enumerate(columns[key])}
        if len(last) < len(columns[key]):
            keep = sorted(last.values())
            columns = {name: [values[i] for i in keep] for name, values in columns.items()}
    else:
        write_hook(table, columns)
    arrow_schema = schema.arrow_schema(table)
    batch = pa.Table.from_pydict(
        {f.name: columns[f.name] for f in arrow_schema if f.name in columns},
        schema=pa.schema([f for f in arrow_schema if f.name in columns]),
    )
    name = f"_columns_{table}"
    con.register(name, batch)
    try:
        where = f" WHERE {key} NOT IN (SELECT {key} FROM {table})" if key else ""
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {name}{where}")
    finally:
        con.unregister(name)


def _delete_documents(con: duckdb.DuckDBPyConnection, document_ids: list[int]) -> None:
    """Remove every row of these documents (the replace half of a reload)."""
    if not document_ids:
        return
    for table in (*schema.DOCUMENT_TABLES, source_text.TABLE):
        con.execute(
            f"DELETE FROM {table} WHERE document_id IN (SELECT unnest(?::BIGINT[]))",
            [document_ids],
        )


def _upsert_dimension(
    con: duckdb.DuckDBPyConnection, table: str, key: str, rows: list[dict]
) -> None:
    """Shared dimension rows, deduplicated inside the batch. Units: latest attributes win
    (a later document may name the unit better). Indicators and years: the key determines
    the attributes, so only new keys are inserted."""
    latest = list({row[key]: row for row in rows}.values())
    if table == "dim_unit":
        con.execute(
            f"DELETE FROM {table} WHERE {key} IN (SELECT unnest(?))", [[row[key] for row in latest]]
        )
        schema.insert_rows(con, table, latest)
    else:
        schema.insert_rows(con, table, latest, where=f"{key} NOT IN (SELECT {key} FROM {table})")


def _clean_dimensions(con: duckdb.DuckDBPyConnection, *, note: bool = False) -> None:
    """Drop dimension rows no longer referenced after replacements (documented: no orphans).
    ``note``: the unit and year keys removed go to the scoped checks (checks.note_gone)."""
    con.execute("BEGIN TRANSACTION")
    units = con.execute(
        "DELETE FROM dim_unit WHERE unit_key NOT IN (SELECT unit_key FROM source_document) "
        "RETURNING unit_key"
    ).fetchall()
    con.execute(
        "DELETE FROM dim_indicator WHERE indicator_key NOT IN "
        "(SELECT DISTINCT indicator_key FROM fact_indicator_target)"
    )
    years = con.execute(
        "DELETE FROM dim_fiscal_year WHERE fiscal_year NOT IN "
        "(SELECT fiscal_year FROM source_document WHERE fiscal_year IS NOT NULL) "
        "RETURNING fiscal_year"
    ).fetchall()
    if note:
        checks_mod.note_gone(con, "unit_key", [u for (u,) in units])
        checks_mod.note_gone(con, "fiscal_year", [y for (y,) in years])
    con.execute("COMMIT")


def _totals(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    row = one(
        con,
        "SELECT (SELECT count(*) FROM source_document), (SELECT count(*) FROM fact_project_budget),"
        " (SELECT count(*) FROM fact_indicator_target), (SELECT count(*) FROM load_warning),"
        " (SELECT count(*) FROM reject)",
    )
    return dict(
        zip(("documents", "projects", "indicators", "warnings", "rejects"), row, strict=True)
    )


def _log_run(
    con: duckdb.DuckDBPyConnection,
    summary: LoadSummary,
    started_at: dt.datetime,
    version: str,
    paths: list[str],
    hashed: dict[str, tuple[file_stats.Ident, str]] | None = None,
) -> None:
    """Rejects (latest per path), the stats of the files hashed and the load_run row, in one
    transaction."""
    now = dt.datetime.now()
    known_rejects.ensure(con)
    file_stats.ensure(con)
    con.execute("BEGIN TRANSACTION")
    file_stats.record(con, hashed or {})
    known_rejects.forget(con, [r.path for r in summary.rejected if r.version is None])
    known_rejects.remember(
        con,
        [
            (r.path, r.sha256, r.version, r.reason)
            for r in summary.rejected
            if r.version is not None and r.sha256 is not None
        ],
    )
    if summary.rejected:
        rows = [
            {
                "path": r.path,
                "sha256": r.sha256,
                "reason": r.reason,
                "rejected_at": now,
                "run_id": summary.run_id,
            }
            for r in summary.rejected
        ]
        con.execute(
            "DELETE FROM reject WHERE path IN (SELECT unnest(?::VARCHAR[]))",
            [[r.path for r in summary.rejected]],
        )
        schema.insert_rows(con, "reject", rows)
    status = (
        "checks_failed" if summary.check_failures else ("rejects" if summary.rejected else "ok")
    )
    schema.insert_rows(
        con,
        "load_run",
        [
            {
                "run_id": summary.run_id,
                "started_at": started_at,
                "finished_at": now,
                "db_file": os.path.basename(summary.db_file),
                "parser_version": version,
                "paths": paths,
                "files_seen": summary.files_seen,
                "loaded": summary.loaded,
                "replaced": summary.replaced,
                "unchanged": summary.unchanged,
                "duplicates": len(summary.duplicates),
                "rejected": len(summary.rejected),
                "projects": summary.projects,
                "indicators": summary.indicators,
                "warnings": summary.warnings,
                "checks_failed": len(summary.check_failures),
                "check_report": checks_mod.report(summary.check_results),
                "status": status,
                "elapsed_s": round(summary.elapsed_s, 3),
            }
        ],
    )
    con.execute("COMMIT")


class _Bar(Protocol):
    def update(self, n: int) -> object: ...


class _NoBar:
    def update(self, n: int) -> None:
        pass


def _progress_bar(total: int, enabled: bool) -> contextlib.AbstractContextManager[_Bar]:
    """tqdm on a terminal only (stderr), so logs and pipes stay clean."""
    if not (enabled and total and sys.stderr.isatty()):
        return contextlib.nullcontext(_NoBar())
    from tqdm import tqdm

    # get_terminal_size falls back to 80 columns when a pty reports 0 (tqdm would draw nothing)
    return tqdm(
        total=total,
        unit="文件",
        desc="解析入库",
        file=sys.stderr,
        leave=False,
        ncols=shutil.get_terminal_size().columns,
    )
