"""What a parsed record says, as a digest and a document kind (document versions).

Kept apart from ``versions.py`` so the parse workers compute both without importing DuckDB
or pyarrow (about 65 MB per worker they never use).
"""

from __future__ import annotations

import hashlib
import json

_POSITION_KEYS = frozenset({"source", "source_line", "line", "warnings"})


def _content(value: object) -> object:
    if isinstance(value, dict):
        return {k: _content(v) for k, v in value.items() if k not in _POSITION_KEYS}
    if isinstance(value, list):
        return [_content(v) for v in value]
    return value


def content_digest(record: dict) -> str:
    """Digest of what a record says, without where it says it (path, format, line numbers,
    warnings): the .txt and .docx of one document have the same digest."""
    text = json.dumps(_content(record), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_kind(record: dict) -> str:
    """project: a document of project goal tables; unit: only the unit-level goals."""
    return "project" if record.get("projects") else "unit"
