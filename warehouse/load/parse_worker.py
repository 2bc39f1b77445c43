"""Parse documents; runs in the loader process or in pool workers (the goal review runs
later, set-based in the warehouse: warehouse/review_sql.after_load).

Everything here must be picklable and import lazily: workers are started with "spawn".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.load import source_text
from warehouse.load.classify import Classifier
from warehouse.load.transform import DocumentRows, SourceInfo, record_to_rows

if TYPE_CHECKING:
    from etl.blocks import BlockStream

ParseFn = Callable[[Path], dict]

_ROOT = Path(__file__).resolve().parents[2]
_ETL_ROOT = _ROOT / "etl"
# Files that change what the parser or the review produce for the same bytes (the review's
# SQL included: a rule change makes the next load re-read and re-review every document).
_PARSE_INPUTS = (
    "data/review_rules.toml",
    "data/review_vocabulary.toml",
    "data/reference",
    "warehouse/review",
)


@dataclass
class WorkerConfig:
    """Everything a worker needs besides the file (pickled once per chunk)."""

    classifier: Classifier
    run_id: int
    loaded_at: dt.datetime
    parse: ParseFn | None = None
    # the DuckDB loader's options (the Spark parse keeps plain row dicts, no source text):
    source_text: bool = False  # project source text rows from the block stream
    columnar: bool = False  # insert-only tables as column lists (DocumentRows.to_columns)


@dataclass
class ParseOutcome:
    """The result of one file: its warehouse rows, or the one-line reason it was rejected."""

    path: str
    sha256: str
    size_bytes: int
    version: str = ""
    rows: DocumentRows | None = None
    error: str | None = None
    kind: str | None = None  # project / unit (warehouse/load/versions.py)
    digest: str | None = None  # content digest, the same for every format of a document
    retry: bool = False  # a reject that may pass next time (timeout, crash, memory): not remembered


@cache
def parser_version() -> str:
    """Parser's declared version plus a digest of the etl sources: a parser or review change
    makes every document reparse on its next load, even if nobody bumped a number."""
    base = "0"
    try:
        module = importlib.import_module("etl.parser")
        base = str(getattr(module, "PARSER_VERSION", None) or getattr(module, "__version__", "0"))
    except ImportError:
        base = "missing"
    digest = hashlib.sha256()
    # tools that never shape a record (the generator, the Spark driver) do not count
    files = [
        p
        for p in _ETL_ROOT.rglob("*.py")
        if "synth" not in p.relative_to(_ETL_ROOT).parts and p.name != "spark_parse.py"
    ]
    for name in _PARSE_INPUTS:
        target = _ROOT / name
        found = [p for p in target.rglob("*") if p.suffix != ".pyc"] if target.is_dir() else []
        files += found if target.is_dir() else [target]
    for source in sorted(p for p in files if p.is_file()):
        digest.update(str(source.relative_to(_ROOT)).encode())
        digest.update(source.read_bytes())
    return f"{base}+{digest.hexdigest()[:10]}"


class ManifestVersions:
    """Version suffix from the manifest.toml that applies to a document (etl.manifest rules):
    editing the manifest makes the documents under it reparse."""

    def __init__(self) -> None:
        self._by_folder: dict[Path, str] = {}

    def suffix(self, path: Path) -> str:
        folder = path.parent
        cached = self._by_folder.get(folder)
        if cached is None:
            try:
                from etl.manifest import find_manifest

                manifest = find_manifest(path)
            except ImportError:
                manifest = None
            cached = ""
            if manifest is not None:
                with contextlib.suppress(OSError):
                    cached = "+m" + hashlib.sha256(manifest.read_bytes()).hexdigest()[:8]
            self._by_folder[folder] = cached
        return cached


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    if isinstance(reason, str) and reason:
        return reason
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (
        f"解析失败 ({type(exc).__name__}: {text})" if text else f"解析失败 ({type(exc).__name__})"
    )


def read_and_parse(path: Path, sha256: str) -> tuple[dict, BlockStream]:
    """``etl.parser.parse_file`` with the bytes read once: the loader already hashed the
    file (``sha256``), and the block stream is kept for the project source text. Same
    steps, same record (tests/test_load_read_once.py compares them)."""
    from etl.errors import DocumentError
    from etl.manifest import entry_for, find_manifest, load_manifest
    from etl.parser import apply_overrides, parse_stream
    from etl.readers import read_blocks
    from etl.readers._bounds import check_file_size

    try:
        check_file_size(path, path.stat().st_size)  # before a byte of a huge file is read
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(path, f"无法读取文件：{error.strerror or error}") from None
    stream = read_blocks(path, data)
    manifest_path = find_manifest(path)
    manifest = load_manifest(manifest_path) if manifest_path else []
    record = parse_stream(stream, str(path), sha256)
    apply_overrides(record, entry_for(manifest, path, sha256))
    return record, stream


def _source_text(rows: DocumentRows, lines: dict[int, str]) -> None:
    """The project source text rows (warehouse/load/source_text.py), from the stream."""
    starts = sorted(
        (row["source_line"], row["seq"], row["project_key"])
        for row in rows.tables.get("fact_project_budget", ())
        if row["source_line"] is not None
    )
    text = source_text.text_rows(rows.document_id, [(k, line) for line, _, k in starts], lines)
    if text:
        rows.tables[source_text.TABLE] = text


def parse_one(task: tuple[str, str, int, str], config: WorkerConfig) -> ParseOutcome:
    """Parse and transform one file; never raises for a bad document (the reason
    goes in ``error``)."""
    path, sha, size, version = task
    outcome = ParseOutcome(path, sha, size, version)
    stream: BlockStream | None = None
    try:
        if config.parse is None:
            record, stream = read_and_parse(Path(path), sha)
        else:
            record = config.parse(Path(path))
        if not isinstance(record, dict):
            raise TypeError("parser did not return a record")
    except MemoryError:
        outcome.error = "解析所需内存超过上限（见 data/limits.toml [worker] memory_mb），已拒绝"
        outcome.retry = True
        return outcome
    except Exception as exc:  # any parser failure rejects only this file
        outcome.error = _reason(exc)
        return outcome
    from warehouse.load.record_digest import content_digest, document_kind

    outcome.kind, outcome.digest = document_kind(record), content_digest(record)
    source = SourceInfo(path, sha, size, version, config.run_id, config.loaded_at)
    try:
        outcome.rows = record_to_rows(record, source, config.classifier, columnar=config.columnar)
        if config.source_text:  # a custom (test) parser gives no stream: read the lines
            lines = (
                source_text.lines_of(stream) if stream is not None else source_text.read_lines(path)
            )
            _source_text(outcome.rows, lines)
        if config.columnar:
            outcome.rows.to_columns()
    except Exception as exc:  # a record the warehouse cannot store is rejected, not fatal
        outcome.error = f"记录无法入库 ({type(exc).__name__}: {exc})"
    return outcome
