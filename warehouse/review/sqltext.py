"""Composing review SQL: configuration values (word lists, thresholds) become SQL literals.
The words are normalised here, once, with the same helpers as the document text
(etl.normalize.key / etl.review.text.bare); the rows are normalised by the SQL macros."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from etl.normalize import key
from etl.review.text import bare

__all__ = ["bare", "key", "lit", "lst", "num", "rule_cfg"]


def lit(value: object) -> str:
    """A SQL string literal (NULL for None)."""
    if value is None:
        return "NULL"
    return "'" + str(value).replace("'", "''") + "'"


def num(value: object) -> str:
    """A SQL numeric literal."""
    return repr(float(value))


def lst(items: Iterable[object], norm: Callable[[str], str] | None = None) -> str:
    """A VARCHAR[] literal, each item passed through ``norm`` first (order kept)."""
    values = [norm(str(i)) if norm else str(i) for i in items]
    return "[" + ", ".join(lit(v) for v in values) + "]::VARCHAR[]"


def rule_cfg(config: dict, rule_id: str) -> dict:
    return config.get("rules", {}).get(rule_id, {})
