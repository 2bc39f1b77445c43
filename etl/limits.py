"""Limits for reading untrusted documents, declared once in data/limits.toml.

Every reader, the folder walk and the parse workers ask this module; nothing else hard-codes
a size. ``ETL_LIMITS`` (environment) names an extra TOML file whose values replace the
defaults key by key: tests use it for small limits, operators for big ones.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl.errors import DocumentError

LIMITS_FILE = Path(__file__).resolve().parent.parent / "data" / "limits.toml"
ENV_VAR = "ETL_LIMITS"
MB = 1024 * 1024


class LimitExceeded(DocumentError):
    """A document over one of the configured limits (rejected, never a crash)."""


@dataclass(frozen=True)
class Limits:
    file_max_mb: dict[str, float]
    zip_max_uncompressed_mb: float
    zip_max_member_mb: float
    zip_max_ratio: float
    zip_max_members: int
    sheet_max_rows: int
    sheet_max_columns: int
    sheet_max_cells: int
    worker_memory_mb: int
    worker_timeout_s: float
    html_max_cells: int
    html_max_sheets: int
    pdf_max_pages: int
    pdf_max_page_chars: int

    def max_file_bytes(self, suffix: str) -> int:
        """Largest accepted file for a suffix such as ".docx"."""
        key = suffix.lower().lstrip(".")
        mb = self.file_max_mb.get(key, self.file_max_mb.get("default", 50))
        return int(mb * MB)


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and key in out else value
    return out


def _number(data: dict, section: str, key: str) -> float:
    value = data.get(section, {}).get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"限制配置错误：[{section}] {key} 应为正数，实际为 {value!r}")
    return float(value)


def _count(data: dict, section: str, key: str) -> int:
    """A positive number used as a count (a fractional value is cut, as before)."""
    return int(_number(data, section, key))


def parse_limits(data: dict) -> Limits:
    """Validate a merged limits table (one clear line for a bad value)."""
    sizes = data.get("file", {}).get("max_mb", {})
    if not isinstance(sizes, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in sizes.values()
    ):
        raise ValueError("限制配置错误：[file] max_mb 应为“格式 = 正数(MB)”的表")
    return Limits(
        file_max_mb={str(k).lower(): float(v) for k, v in sizes.items()},
        zip_max_uncompressed_mb=_number(data, "zip", "max_uncompressed_mb"),
        zip_max_member_mb=_number(data, "zip", "max_member_mb"),
        zip_max_ratio=_number(data, "zip", "max_ratio"),
        zip_max_members=_count(data, "zip", "max_members"),
        sheet_max_rows=_count(data, "sheet", "max_rows"),
        sheet_max_columns=_count(data, "sheet", "max_columns"),
        sheet_max_cells=_count(data, "sheet", "max_cells"),
        worker_memory_mb=_count(data, "worker", "memory_mb"),
        worker_timeout_s=_number(data, "worker", "timeout_s"),
        html_max_cells=_count(data, "html", "max_cells"),
        html_max_sheets=_count(data, "html", "max_sheets"),
        pdf_max_pages=_count(data, "pdf", "max_pages"),
        pdf_max_page_chars=_count(data, "pdf", "max_page_chars"),
    )


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"限制配置文件无法读取：{path}（{error}）") from None


@cache
def _load(extra: str | None, stamp: int) -> Limits:
    data = _read_toml(LIMITS_FILE)
    if extra:
        data = _merge(data, _read_toml(Path(extra)))
    return parse_limits(data)


def get_limits() -> Limits:
    """The limits in force (data/limits.toml, overlaid by $ETL_LIMITS when set)."""
    extra = os.environ.get(ENV_VAR) or None
    stamp = 0
    if extra:
        try:
            stamp = os.stat(extra).st_mtime_ns  # an edited limits file is read again
        except OSError:
            stamp = -1
    return _load(extra, stamp)


def fmt_mb(n_bytes: float) -> str:
    """Bytes as MB for messages ("12.5 MB")."""
    return f"{n_bytes / MB:.1f} MB" if n_bytes < 100 * MB else f"{n_bytes / MB:.0f} MB"
