"""What a parsed record says, as a digest and a document kind (document versions).

Kept apart from ``versions.py`` so the parse workers compute both without importing DuckDB
or pyarrow (about 65 MB per worker they never use).
"""

from __future__ import annotations

import hashlib
import json

_POSITION_KEYS = frozenset({"source", "source_line", "line", "warnings"})
# values ``_content`` returns unchanged: no call per scalar, and a container holding only
# these (and no position key) is passed on as it is, checked at C speed
_LEAF = frozenset({str, int, float, bool, type(None)})


def _content(value: object) -> object:
    """The record without its position keys, at any depth. Copies only the containers that
    hold a position key or another container; json.dumps sees the same values either way."""
    if isinstance(value, dict):
        if value.keys().isdisjoint(_POSITION_KEYS) and _LEAF.issuperset(map(type, value.values())):
            return value
        return {
            k: v if type(v) in _LEAF else _content(v)
            for k, v in value.items()
            if k not in _POSITION_KEYS
        }
    if isinstance(value, list):
        if _LEAF.issuperset(map(type, value)):
            return value
        return [v if type(v) in _LEAF else _content(v) for v in value]
    return value


# json.dumps(..., ensure_ascii=False, sort_keys=True, default=str): the same text, built
# once; no circular check (``_content`` already walked the record: it is a tree)
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str, check_circular=False)


def content_digest(record: dict) -> str:
    """Digest of what a record says, without where it says it (path, format, line numbers,
    warnings): the .txt and .docx of one document have the same digest."""
    text = _ENCODER.encode(_content(record))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_kind(record: dict) -> str:
    """project: a document of project goal tables; unit: only the unit-level goals."""
    return "project" if record.get("projects") else "unit"
