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
YEAR_RANGE = (1990, 2100)
MAX_TEXT = 200  # a unit name or code longer than this is a mistake, not a name


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
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise DocumentError(path, "清单文件格式错误：应为 [[document]] 列表")
        if "match" not in entry:
            raise DocumentError(path, "清单文件格式错误：每个 [[document]] 都需要 match")
        unknown = set(entry) - {"match", *FIELDS, "note"}
        if unknown:
            raise DocumentError(path, f"清单文件含未知字段：{', '.join(sorted(unknown))}")
        problem = entry_problem(entry)
        if problem:
            raise DocumentError(path, f"清单文件 {path} 第 {number} 个 [[document]]：{problem}")
    return entries


def entry_problem(entry: dict) -> str | None:
    """The first value of wrong type or range, as one Chinese phrase (None when valid).
    TOML booleans are not years (``fiscal_year = true`` would otherwise be year 1)."""
    for key in ("match", *UNIT_FIELDS, "note"):
        if key not in entry:
            continue
        value = entry[key]
        if not isinstance(value, str):
            return f"{key} 应为字符串（加引号），实际为 {_shown(value)}"
        if key != "note" and (not value.strip() or len(value) > MAX_TEXT):
            return f"{key} 应为 1–{MAX_TEXT} 个字符的非空字符串"
    if "fiscal_year" in entry:
        year = entry["fiscal_year"]
        if isinstance(year, bool) or not isinstance(year, int):
            return f"fiscal_year 应为整数年份（如 2021），实际为 {_shown(year)}"
        if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            return f"fiscal_year 应在 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间，实际为 {year}"
    return None


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def entry_for(entries: list[dict], document: Path, sha256: str) -> dict:
    """Merged overrides of every entry matching the file name, a glob, or the content hash."""
    merged: dict = {}
    for entry in entries:
        pattern = str(entry["match"])
        if pattern == sha256 or pattern == document.name or fnmatch.fnmatch(document.name, pattern):
            merged.update({k: v for k, v in entry.items() if k in FIELDS})
    return merged
