"""The target parser's vocabulary, loaded once from data/vocabulary/targets.toml.

Why a module: every list the parser matches against (operators, units, rate words, zero
words, meanings) lives as data so that a synonym is a one-line change; this module turns the
file into frozen Python objects once at import and nothing else reads the file.
"""

from __future__ import annotations

import tomllib
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import get_args

from etl.record import Op

VOCAB_PATH = Path(__file__).resolve().parents[2] / "data" / "vocabulary" / "targets.toml"


def _key(text: str) -> str:
    """How vocabulary entries and cells are compared: NFKC, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _load(path: Path = VOCAB_PATH) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


_RAW = _load()
_OPS = _RAW["operators"]


def _ops(table: dict[str, str]) -> dict[str, Op]:
    """Operator words → contract operators; a value outside `Op` is a data error, refused
    at import (so the type holds for every lookup)."""
    out: dict[str, Op] = {}
    for word, op in table.items():
        if op not in _OP_VALUES:
            raise ValueError(f"{VOCAB_PATH}: 运算符“{word}”的取值 {op!r} 不是 {_OP_VALUES} 之一")
        # mypy cannot narrow a str to a Literal through a runtime tuple; checked just above
        out[_key(word)] = op  # type: ignore[assignment]
    return out


_OP_VALUES = get_args(Op)
PREFIX_OPS: dict[str, Op] = _ops(_OPS["prefix"])
SUFFIX_OPS: dict[str, Op] = _ops(_OPS["suffix"])
SIGN_COLUMN_OPS: dict[str, Op] = {**PREFIX_OPS, **_ops(_OPS["sign_column"])}
INCLUSIVE_MARKS: tuple[str, ...] = tuple(_key(w) for w in _OPS["inclusive_marks"])
TOLERANCE_SIGNS: tuple[str, ...] = tuple(_key(w) for w in _OPS["tolerance"])
TEXT_SIGNS: frozenset[str] = frozenset(_key(w) for w in _OPS["text_signs"])
YES_NO_SIGNS: frozenset[str] = frozenset(_key(w) for w in _OPS["yes_no_signs"])

PER_WORDS: dict[str, str] = {_key(k): v for k, v in _RAW["periods"]["per"].items()}
TOTAL_WORDS: tuple[str, ...] = tuple(_key(w) for w in _RAW["periods"]["total"])
TIME_UNITS: frozenset[str] = frozenset(_RAW["periods"]["time_units"])

KNOWN_UNITS: tuple[str, ...] = tuple(_RAW["units"]["known"])
SCALE_PREFIXES: tuple[str, ...] = tuple(_RAW["units"]["scale_prefixes"])
UNIT_ALIASES: dict[str, str] = dict(_RAW["units"]["aliases"])
NOT_UNITS: frozenset[str] = frozenset(_key(w) for w in _RAW["units"]["not_units"])
MONEY_SCALE: dict[str, Decimal] = {k: Decimal(v) for k, v in _RAW["money"].items()}

RATE_WORDS: tuple[str, ...] = tuple(_RAW["names"]["rate_words"])
RATE_EXCLUDE: tuple[str, ...] = tuple(_RAW["names"]["rate_exclude"])
TIME_WORDS: tuple[str, ...] = tuple(_RAW["names"]["time_words"])

ZERO_VALUES: frozenset[str] = frozenset(_key(w) for w in _RAW["zero"]["values"])
EVENT_WORDS: tuple[str, ...] = tuple(_RAW["zero"]["event_words"])

MEANINGS: dict[str, str] = {_key(k): v for k, v in _RAW["meanings"].items()}
IGNORABLE_TAILS: frozenset[str] = frozenset(_key(w) for w in _RAW["prose"]["ignorable_tails"])
