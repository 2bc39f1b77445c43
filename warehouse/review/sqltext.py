"""Composing review SQL: configuration values (word lists, thresholds) become SQL literals.
The words are normalised here, once, with the same helpers as the document text
(etl.normalize.key / etl.review.text.bare); the rows are normalised by the SQL macros."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from etl.normalize import key
from etl.review.text import bare

__all__ = [
    "alternation",
    "any_word",
    "bare",
    "ends_word",
    "key",
    "lit",
    "lst",
    "num",
    "re_escape",
    "rule_cfg",
]


def lit(value: object) -> str:
    """A SQL string literal (NULL for None)."""
    if value is None:
        return "NULL"
    return "'" + str(value).replace("'", "''") + "'"


def num(value: float | str) -> str:
    """A SQL numeric literal."""
    return repr(float(value))


def lst(items: Iterable[object], norm: Callable[[str], str] | None = None) -> str:
    """A VARCHAR[] literal, each item passed through ``norm`` first (order kept)."""
    values = [norm(str(i)) if norm else str(i) for i in items]
    return "[" + ", ".join(lit(v) for v in values) + "]::VARCHAR[]"


def rule_cfg(config: dict, rule_id: str) -> dict:
    return config.get("rules", {}).get(rule_id, {})


def any_word(column: str, words: list[str]) -> str:
    """SQL: some non-empty word of ``words`` occurs in ``column`` (NULL when ``column`` is
    NULL or no word is given). One RE2 alternation per row instead of a lambda per word:
    "any alternative matches somewhere" is exactly "some word is contained"."""
    words = [w for w in dict.fromkeys(words) if w]
    if not words:
        return "NULL::BOOLEAN"
    return f"regexp_matches({column}, '{alternation(words)}')"


def ends_word(column: str, words: list[str]) -> str:
    """SQL: ``column`` ends with some non-empty word of ``words`` (see any_word)."""
    words = [w for w in dict.fromkeys(words) if w]
    if not words:
        return "NULL::BOOLEAN"
    return f"regexp_matches({column}, '(?:{alternation(words)})$')"


def alternation(words: list[str]) -> str:
    return "|".join(re_escape(w) for w in words)


def re_escape(text: str) -> str:
    """``text`` as a literal inside an RE2 pattern inside a SQL string literal."""
    special = set(r"\.^$|?*+()[]{}")
    return "".join("\\" + ch if ch in special else ch for ch in text).replace("'", "''")
