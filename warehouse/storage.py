"""Versioned warehouse files behind an atomically swapped symlink (docs/load_mechanism.md).

``warehouse.duckdb`` is a symlink to ``warehouse.duckdb.v000042``. A writer copies the
current version to the next number, changes the copy, CHECKPOINTs and closes it, then
replaces the symlink with ``os.replace``. Readers never see a half-written file and never
meet a writer's lock, because nobody ever writes a published version.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

try:  # POSIX only; elsewhere concurrent writers are simply not serialised
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

KEEP_PREVIOUS = 2
_VERSION = re.compile(r"\.v(\d{6,})$")


def version_path(db_path: Path, number: int) -> Path:
    """The file of version ``number`` next to the pointer."""
    return db_path.with_name(f"{db_path.name}.v{number:06d}")


def version_number(path: Path) -> int | None:
    match = _VERSION.search(path.name)
    return int(match.group(1)) if match else None


def list_versions(db_path: Path) -> list[tuple[int, Path]]:
    """Every version file on disk (published or left over by a crashed load), oldest first."""
    if not db_path.parent.is_dir():
        return []
    prefix = db_path.name + ".v"
    found = []
    for entry in db_path.parent.iterdir():
        if entry.name.startswith(prefix) and not entry.name.endswith(".wal"):
            number = version_number(entry)
            if number is not None:
                found.append((number, entry))
    return sorted(found)


def current_file(db_path: Path) -> Path | None:
    """The file readers should open now: the symlink's target, a plain file, or None."""
    db_path = Path(db_path)
    if db_path.is_symlink():
        target = Path(os.readlink(db_path))
        resolved = target if target.is_absolute() else db_path.parent / target
        return resolved if resolved.exists() else None
    return db_path if db_path.exists() else None


@contextlib.contextmanager
def writer_lock(db_path: Path) -> Iterator[None]:
    """Serialise writers (loads, reclassify) on ``<db>.lock``; readers never take it."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = db_path.with_name(db_path.name + ".lock")
    with open(lock_path, "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def new_version(
    db_path: Path, *, keep: int = KEEP_PREVIOUS, lock: bool = True
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """Yield a read-write connection to the next version, a copy of the current one.

    On normal exit the version is checkpointed, closed and published; on any exception
    (including KeyboardInterrupt) it is deleted and the pointer is left untouched.
    ``lock=False`` when the caller already holds ``writer_lock``.
    """
    db_path = Path(db_path).absolute()
    with writer_lock(db_path) if lock else contextlib.nullcontext():
        current = current_file(db_path)
        numbers = [n for n, _ in list_versions(db_path)]
        if current is not None and version_number(current) is not None:
            numbers.append(version_number(current))
        target = version_path(db_path, max(numbers, default=0) + 1)
        _remove_version(target)
        if current is not None:
            shutil.copyfile(current, target)
        con = duckdb.connect(str(target))
        try:
            yield con, target
            con.execute("CHECKPOINT")
            con.close()
        except BaseException:
            with contextlib.suppress(Exception):
                con.close()
            _remove_version(target)
            raise
        publish(db_path, target)
        collect_garbage(db_path, keep=keep)


def publish(db_path: Path, target: Path) -> None:
    """Point ``db_path`` at ``target`` atomically (relative symlink, then os.replace)."""
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target.name, tmp)
    os.replace(tmp, db_path)
    _fsync_dir(db_path.parent)


def collect_garbage(db_path: Path, *, keep: int = KEEP_PREVIOUS) -> list[Path]:
    """Delete versions other than the current one and the ``keep`` newest older ones.

    Called under the writer lock, so higher-numbered files are leftovers of crashed loads.
    Readers still holding a deleted version keep reading it (POSIX unlink semantics).
    """
    current = current_file(db_path)
    current_number = version_number(current) if current is not None else None
    removed = []
    older = [
        (n, p) for n, p in list_versions(db_path) if current_number is None or n < current_number
    ]
    keep_set = {p for _, p in older[-keep:]} if keep > 0 else set()
    for number, path in list_versions(db_path):
        if number == current_number or path in keep_set:
            continue
        _remove_version(path)
        removed.append(path)
    return removed


def _remove_version(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
