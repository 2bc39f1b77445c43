"""Which files on the command line are goal documents, and why every other file is not.

The walk never follows a symlink out of the load root (``follow_symlinks`` allows it),
never loops, never stops at an unreadable folder, and never opens special files (a FIFO
would block the load). Nothing is dropped silently: every file that is not a candidate is
either listed with its reason (``skipped``) or, for the project's own data files
(manifest.toml, README, data/reference/…), counted as "not a document".
"""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from etl.limits import fmt_mb, get_limits
from etl.readers import LEGACY_SUFFIXES, SUPPORTED_SUFFIXES

# Files that accompany documents but are not documents: counted, never listed one by one.
NOT_DOCUMENT_SUFFIXES = frozenset({".toml", ".md", ".gz", ".json", ".jsonl", ".yaml", ".yml"})
TEMP_SUFFIXES = frozenset({".tmp", ".temp", ".swp", ".swo", ".bak", ".part", ".crdownload"})


def document_suffixes() -> frozenset[str]:
    """Suffixes handed to the parser; .doc/.xls etc. too, so they get a conversion hint."""
    return frozenset(SUPPORTED_SUFFIXES) | frozenset(LEGACY_SUFFIXES)


@dataclass(frozen=True)
class Skipped:
    """A file or folder that is not loaded; ``reject`` marks a document we failed to read
    (it counts as rejected: exit 1) rather than a file that is simply not a document."""

    path: str
    reason: str
    reject: bool = False


@dataclass
class Discovery:
    candidates: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    not_documents: int = 0


def safe_text(text: str) -> str:
    """Text safe to print on a terminal: control and format characters (ANSI escapes,
    bidi overrides, newlines in file names) and undecodable bytes become visible escapes."""
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape of a raw byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def classify_name(path: Path) -> tuple[str, str | None]:
    """("candidate" | "skip" | "not_document", reason) by name alone."""
    name = path.name
    suffix = path.suffix.lower()
    if name.startswith("~$"):
        return "skip", "Office 临时锁文件（~$ 开头），不是文档"
    if name.startswith("."):
        return "skip", "隐藏文件"
    if name.endswith("~") or name.startswith((".~lock", "~")) or suffix in TEMP_SUFFIXES:
        return "skip", "临时文件或备份文件"
    if name.upper().startswith("README") or suffix in NOT_DOCUMENT_SUFFIXES:
        return "not_document", None
    if suffix in document_suffixes():
        return "candidate", None
    label = suffix or "（无扩展名）"
    supported = "、".join(sorted(SUPPORTED_SUFFIXES))
    return "skip", f"不支持的文件类型 {label}（支持 {supported}）"


def web_page_companion(folder: Path) -> bool:
    """`book.files/` or `book_files/` beside `book.htm(l)`: the sheets and images of a saved web
    page (Excel's "save as web page" puts sheet001.htm there). The page reads them itself, so
    loading them again would double every document."""
    for marker in (".files", "_files"):
        if folder.name.endswith(marker):
            stem = folder.name[: -len(marker)]
            if any((folder.parent / f"{stem}{suffix}").is_file() for suffix in (".htm", ".html")):
                return True
    return False


def is_candidate(path: Path) -> bool:
    """Kept for callers that only need the yes/no by name."""
    return classify_name(path)[0] == "candidate"


class _Walker:
    def __init__(self, found: Discovery, follow_symlinks: bool) -> None:
        self.found = found
        self.follow = follow_symlinks
        self.visited: set[tuple[int, int]] = set()
        self.seen_files: set[str] = set()
        self.limits = get_limits()

    def skip(self, path: str, reason: str, reject: bool = False) -> None:
        self.found.skipped.append(Skipped(path, reason, reject))

    def root(self, given: Path) -> None:
        root = given.resolve()
        self.folder(str(root), str(root))

    def folder(self, folder: str, root: str) -> None:
        try:
            info = os.stat(folder)
        except OSError as error:
            self.skip(folder, f"无法读取文件夹（{error.strerror or error}），已跳过", True)
            return
        ident = (info.st_dev, info.st_ino)
        if ident in self.visited:
            self.skip(folder, "符号链接循环（该文件夹已经载入过），已跳过")
            return
        self.visited.add(ident)
        # no read bit for anyone counts as unreadable even for root (who could read it):
        # the owner clearly meant it not to be read
        if not os.access(folder, os.R_OK | os.X_OK) or not info.st_mode & 0o444:
            self.skip(folder, "无法读取文件夹（没有读取权限），已跳过", True)
            return
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as error:
            self.skip(folder, f"无法读取文件夹（{error.strerror or error}），已跳过", True)
            return
        for entry in entries:
            self.entry(entry, root)

    def entry(self, entry: os.DirEntry, root: str) -> None:
        path = entry.path
        try:
            is_link = entry.is_symlink()
            if is_link:
                target = os.path.realpath(path)
                inside = target == root or target.startswith(root.rstrip(os.sep) + os.sep)
                if not inside and not self.follow:
                    self.skip(
                        path, "符号链接指向载入文件夹之外，未跟随（需要时用 --follow-symlinks）"
                    )
                    return
            info = os.stat(path)  # follows the link (checked above)
        except OSError as error:
            self.skip(path, f"无法访问（{error.strerror or error}），已跳过", True)
            return
        if stat.S_ISDIR(info.st_mode):
            if entry.name.startswith("."):
                self.skip(path, "隐藏文件夹，未载入其中的文件")
                return
            if web_page_companion(Path(path)):
                self.skip(path, "网页的附属文件夹（其中的工作表随网页本身读取），未单独载入")
                return
            self.folder(path, root)
            return
        self.file(Path(path), info, given=False)

    def file(self, path: Path, info: os.stat_result, *, given: bool) -> None:
        kind, reason = classify_name(path)
        if kind == "not_document":
            self.found.not_documents += 1
            return
        if kind == "skip":
            # a file named on the command line that cannot be loaded is a reject
            self.skip(str(path), reason or "", given)
            return
        if not stat.S_ISREG(info.st_mode):
            self.skip(str(path), "不是普通文件（设备、管道或套接字），已跳过", True)
            return
        if not os.access(path, os.R_OK) or not info.st_mode & 0o444:
            self.skip(str(path), "无法读取文件（没有读取权限）", True)
            return
        limit = self.limits.max_file_bytes(path.suffix)
        if info.st_size > limit:
            self.skip(str(path), f"文件过大（{fmt_mb(info.st_size)}，上限 {fmt_mb(limit)}）", True)
            return
        key = str(path)
        if key not in self.seen_files:
            self.seen_files.add(key)
            self.found.candidates.append(path)


def find_documents(paths: list[Path], *, follow_symlinks: bool = False) -> Discovery:
    """Candidates (absolute paths) and everything skipped, with reasons. Folders are walked
    recursively. Raises FileNotFoundError naming the first path that does not exist."""
    found = Discovery()
    walker = _Walker(found, follow_symlinks)
    for given in paths:
        path = Path(given)
        if not os.path.lexists(path):
            raise FileNotFoundError(str(given))
        try:
            info = path.stat()
        except OSError as error:
            walker.skip(str(path), f"无法访问（{error.strerror or error}）", True)
            continue
        if stat.S_ISDIR(info.st_mode):
            walker.root(path)
        else:
            walker.file(path.resolve(), info, given=True)
    found.candidates.sort()
    return found
