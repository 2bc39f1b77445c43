"""The document manifest: a user-editable TOML file that sets or overrides unit fields and
the fiscal year per document, for facts a document does not print (seed 001 names no year
or city; seed 002 has no unit line).

```toml
[[document]]
match = "001_852a9d826d30868b.txt"   # file name, glob pattern, or sha256 of the content
province = "河北省"
city = "唐山市"
fiscal_year = 2021
```
"""

from __future__ import annotations

import fnmatch
import tomllib
from functools import lru_cache
from pathlib import Path

from etl.errors import DocumentError

MANIFEST_NAME = "manifest.toml"
UNIT_FIELDS = ("code", "name", "province", "city", "county", "township")
FIELDS = (*UNIT_FIELDS, "fiscal_year")


def find_manifest(document: Path) -> Path | None:
    """The nearest manifest.toml in the document's folder or one of its parents."""
    return _find_in(document.resolve().parent)


@lru_cache(maxsize=1024)
def _find_in(folder: Path) -> Path | None:
    """Cached per folder: a load asks once per document, and documents share folders."""
    for candidate_folder in (folder, *folder.parents):
        candidate = candidate_folder / MANIFEST_NAME
        if candidate.is_file():
            return candidate
    return None


def load_manifest(path: Path) -> list[dict]:
    """Entries of a manifest file; a malformed manifest is a user error with a clear line.
    Parsed once per file version."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as error:
        raise DocumentError(path, f"清单文件无法读取：{error}") from None
    return _load_manifest(path, stamp)


@lru_cache(maxsize=64)
def _load_manifest(path: Path, stamp: int) -> list[dict]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DocumentError(path, f"清单文件无法读取：{error}") from None
    entries = data.get("document", [])
    if not isinstance(entries, list):
        raise DocumentError(path, "清单文件格式错误：应为 [[document]] 列表")
    for entry in entries:
        if "match" not in entry:
            raise DocumentError(path, "清单文件格式错误：每个 [[document]] 都需要 match")
        unknown = set(entry) - {"match", *FIELDS, "note"}
        if unknown:
            raise DocumentError(path, f"清单文件含未知字段：{', '.join(sorted(unknown))}")
    return entries


def entry_for(entries: list[dict], document: Path, sha256: str) -> dict:
    """Merged overrides of every entry matching the file name, a glob, or the content hash."""
    merged: dict = {}
    for entry in entries:
        pattern = str(entry["match"])
        if pattern == sha256 or pattern == document.name or fnmatch.fnmatch(document.name, pattern):
            merged.update({k: v for k, v in entry.items() if k in FIELDS})
    return merged
