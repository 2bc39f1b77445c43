"""Which files on the command line are candidate goal documents."""

from __future__ import annotations

import os
from pathlib import Path

# .doc and .xls are candidates so that the parser can reject them with a clear reason.
DOCUMENT_EXTENSIONS = frozenset(
    {".txt", ".docx", ".xlsx", ".csv", ".doc", ".xls", ".html", ".htm", ".pdf"}
)


def is_candidate(path: Path) -> bool:
    """Documents by extension; hidden files, README* and Office lock files (~$x) are not."""
    name = path.name
    if name.startswith((".", "~$")) or name.upper().startswith("README"):
        return False
    return path.suffix.lower() in DOCUMENT_EXTENSIONS


def _walk(folder: str, found: set[Path]) -> None:
    """Recursive scandir: one syscall per directory; hidden folders are skipped."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                _walk(entry.path, found)
            elif entry.is_file() and is_candidate(Path(entry.name)):
                found.add(Path(entry.path))


def find_documents(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(candidates, ignored explicit files) as absolute paths under resolved roots. Folders
    are walked recursively, skipping hidden folders. Raises FileNotFoundError naming the
    first path that does not exist."""
    found: set[Path] = set()
    ignored: list[Path] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise FileNotFoundError(str(given))
        if path.is_dir():
            _walk(str(path.resolve()), found)
        elif is_candidate(path):
            found.add(path.resolve())
        else:
            ignored.append(path)
    return sorted(found), ignored
