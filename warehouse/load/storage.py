"""Versioned warehouse files behind an atomically swapped symlink (docs/load_mechanism.md).

``warehouse.duckdb`` is a symlink to ``warehouse.duckdb.v000042``. A writer copies the
current version to the next number, changes the copy, CHECKPOINTs and closes it, then
replaces the symlink with ``os.replace``. Readers never see a half-written file and never
meet a writer's lock, because nobody ever writes a published version.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import duckdb

# POSIX only; elsewhere concurrent writers are simply not serialised
fcntl: ModuleType | None = importlib.import_module("fcntl") if os.name == "posix" else None

KEEP_PREVIOUS = 2
# DuckDB's memory limit for the loader's connection (DuckDB's own default is 80 % of the RAM):
# a quarter of the RAM, between 1 and 2 GB. The set-based review and the mart refresh spill
# to <version>.tmp/ where they can; some operators cannot, and 512 MB failed a 40,000-document
# first load. A 40,000-document first load took the same time at 1 GB, 2 GB and 6 GB; its
# process tree peaked at 1.7, 2.6 and 3.3 GB. WAREHOUSE_LOAD_MEMORY_MB overrides it
# (docs/load_mechanism.md, "Memory").
LOAD_MEMORY_MIN_MB = 1024
LOAD_MEMORY_MAX_MB = 2048
LOAD_MEMORY_RAM_SHARE = 0.25
_VERSION = re.compile(r"\.v(\d{6,})$")
QUARANTINE = "quarantine"  # <db>.quarantine/: stray WAL files of published versions


class StorageError(RuntimeError):
    """A warehouse file problem an operator must fix; ``str()`` is one Chinese line."""


class DanglingVersionError(StorageError):
    """The pointer names a version file that no longer exists."""


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


def check_pointer(db_path: Path) -> None:
    """Refuse loudly when the pointer names a missing version: a load must never publish a
    warehouse of only the new files. The message names the last good version and how to
    restore it."""
    db_path = Path(db_path)
    if not db_path.is_symlink():
        return
    target = Path(os.readlink(db_path))
    resolved = target if target.is_absolute() else db_path.parent / target
    if resolved.exists():
        return
    missing = version_number(resolved)
    candidates = [
        (n, p) for n, p in list_versions(db_path) if (missing is None or n < missing) and _opens(p)
    ]
    if candidates:
        _, good = candidates[-1]
        hint = (
            f"最近可用的版本是 {good.name}；确认后恢复：ln -sfn {good.name} {db_path}"
            f"（或删除 {db_path} 重新全部载入）"
        )
    else:
        hint = f"没有找到其他可用版本；删除 {db_path} 后重新全部载入"
    raise DanglingVersionError(
        f"仓库当前版本文件缺失：{db_path} 指向的 {resolved.name} 不存在，已拒绝载入"
        f"（否则新仓库只会包含本次的文件）。{hint}"
    )


def _opens(path: Path) -> bool:
    """A version file DuckDB can open (leftovers of crashed loads may be partial)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        con.execute("SELECT count(*) FROM source_document").fetchone()
        return True
    except duckdb.Error:
        return False
    finally:
        con.close()


def clean_leftovers(db_path: Path) -> list[Path]:
    """Under the writer lock: remove what crashed loads left behind, so it is never counted
    as a previous version. Version files numbered above the current one were never
    published (partial); their WAL files too; temporary pointer links are stale. A WAL file
    beside a published version is moved to ``<db>.quarantine/`` (never replayed into it)."""
    db_path = Path(db_path)
    current = current_file(db_path)
    current_number = version_number(current) if current is not None else None
    handled: list[Path] = []
    if not db_path.parent.is_dir():
        return handled
    published = {p.name for n, p in list_versions(db_path)}
    for number, path in list_versions(db_path):
        if current_number is not None and number > current_number:
            _remove_version(path)
            handled.append(path)
    prefix = db_path.name + ".v"
    for entry in db_path.parent.iterdir():
        name = entry.name
        if name.startswith(f".{db_path.name}.") and name.endswith(".tmp"):
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
            handled.append(entry)
        elif name.startswith(prefix) and name.endswith(".wal"):
            base = name[: -len(".wal")]
            wal_number = version_number(Path(base))
            if wal_number is None:
                continue
            if base not in published or (
                current_number is not None and wal_number > current_number
            ):
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
            else:
                folder = db_path.with_name(f"{db_path.name}.{QUARANTINE}")
                folder.mkdir(exist_ok=True)
                os.replace(entry, folder / name)
            handled.append(entry)
    return handled


def describe_os_error(exc: BaseException) -> str:
    """One line naming the real cause of a write failure (disk full, permission, ...)."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for item in chain:
        if isinstance(item, OSError) and item.errno in _ERRNO_TEXT:
            where = f"：{item.filename}" if item.filename else ""
            return f"{_ERRNO_TEXT[item.errno]}{where}（{item.strerror}）"
    for item in chain:
        if isinstance(item, OSError) and item.strerror:
            where = f"：{item.filename}" if item.filename else ""
            return f"无法写入{where}（{item.strerror}）"
    # the first error of the chain that names a cause: a failed ROLLBACK after a failed
    # write ("no transaction is active") must not hide the write error before it
    for item in chain:
        text = " ".join(str(item).split())
        lowered = text.lower()
        for needle, label in _MESSAGE_TEXT:
            if needle in lowered:
                return f"{label}（{text[:300]}）"
    text = " ".join(str(exc).split())
    return text[:500] or type(exc).__name__


_ERRNO_TEXT = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已满",
    errno.EFBIG: "文件超过系统允许的大小",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "文件系统是只读的",
    errno.EIO: "磁盘读写错误",
}
_MESSAGE_TEXT = (
    ("no space left", "磁盘空间不足"),
    ("disk quota", "磁盘配额已满"),
    ("file too large", "文件超过系统允许的大小"),
    ("permission denied", "没有写入权限"),
    ("read-only file system", "文件系统是只读的"),
    ("out of memory", "载入所用的数据库内存超过上限（可用环境变量 WAREHOUSE_LOAD_MEMORY_MB 调高）"),
)


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


def load_memory_mb() -> int:
    """The loader connection's DuckDB memory limit in MB (at least 128 when set by hand)."""
    text = os.environ.get("WAREHOUSE_LOAD_MEMORY_MB", "").strip()
    if text.isdigit():
        return max(128, int(text))
    try:
        ram_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):  # not POSIX: DuckDB's default applies
        ram_mb = 4 * LOAD_MEMORY_MIN_MB
    share = int(ram_mb * LOAD_MEMORY_RAM_SHARE)
    return min(LOAD_MEMORY_MAX_MB, max(LOAD_MEMORY_MIN_MB, share))


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
        check_pointer(db_path)
        clean_leftovers(db_path)
        current = current_file(db_path)
        numbers = [n for n, _ in list_versions(db_path)]
        current_number = version_number(current) if current is not None else None
        if current_number is not None:
            numbers.append(current_number)
        target = version_path(db_path, max(numbers, default=0) + 1)
        _remove_version(target)
        try:
            if current is not None:
                copy_version(current, target)
            con = cast(
                duckdb.DuckDBPyConnection,
                VersionConnection(target, {"memory_limit": f"{load_memory_mb()}MB"}),
            )
        except BaseException:
            _remove_version(target)
            raise
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


class VersionConnection:
    """The load's connection to its unpublished version, which ``reopen`` can renew mid-load.

    DuckDB keeps native memory that neither its buffer pool nor the allocator gives back
    (≈ 6 MB per 2,500-document review batch at 400,000 documents, ≈ 1 GB over the load);
    closing the database instance releases it (docs/load_mechanism.md, "Memory"). Callers
    hold this one object, which forwards everything to the current DuckDB connection, so a
    reopen is invisible to them."""

    def __init__(self, path: Path, config: dict[str, str | bool | int | float | list[str]]) -> None:
        self._path = path
        self._config = config
        self._con = duckdb.connect(str(path), config=config)
        self.reopened = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)

    def reopen(self) -> None:
        """CHECKPOINT, close and reopen the same file. The connection's temporary tables
        (the scoped checks' and the review's notes of this load) are carried over with their
        rows; temporary macros, views, registered objects and settings are not."""
        con = self._con
        con.execute("CHECKPOINT")
        carried = [
            (ddl, name, con.sql(f'SELECT * FROM temp."{name}"').to_arrow_table())
            for ddl, name in con.execute(
                "SELECT sql, table_name FROM duckdb_tables() WHERE temporary ORDER BY table_name"
            ).fetchall()
        ]
        con.close()
        self._con = duckdb.connect(str(self._path), config=self._config)
        for ddl, name, rows in carried:
            self._con.execute(ddl)
            if rows.num_rows:
                self._con.register("_carried", rows)
                try:
                    self._con.execute(f'INSERT INTO temp."{name}" SELECT * FROM _carried')
                finally:
                    self._con.unregister("_carried")
        self.reopened += 1


def reopener(con: duckdb.DuckDBPyConnection) -> Callable[[], None] | None:
    """``con.reopen`` when ``con`` is a load's VersionConnection, else None (a plain
    connection, e.g. the review CLI's in-memory warehouse, is never reopened)."""
    return con.reopen if isinstance(con, VersionConnection) else None


# linux/fs.h FICLONE, _IOW(0x94, 9, int): share the source's blocks (XFS, Btrfs, bcachefs)
FICLONE = 0x40049409


def copy_version(source: Path, target: Path) -> str:
    """Copy a version file for the next load: a reflink where the filesystem supports one
    (no data copied; blocks are shared until DuckDB writes them), else a full copy. At
    400,000 documents the file is ~10 GB, so on ext4 the copy alone takes tens of seconds
    of a one-file reload. Returns "reflink" or "copy"."""
    if fcntl is not None:
        try:
            with open(source, "rb") as src, open(target, "wb") as dst:
                fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
            return "reflink"
        except OSError:  # ext4, tmpfs, another filesystem or device: copy the bytes
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
    shutil.copyfile(source, target)
    return "copy"


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
