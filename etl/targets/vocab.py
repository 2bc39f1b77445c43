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

VOCAB_PATH = Path(__file__).resolve().parents[2] / "data" / "vocabulary" / "targets.toml"


def _key(text: str) -> str:
    """How vocabulary entries and cells are compared: NFKC, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _load(path: Path = VOCAB_PATH) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


_RAW = _load()
_OPS = _RAW["operators"]

PREFIX_OPS: dict[str, str] = {_key(k): v for k, v in _OPS["prefix"].items()}
SUFFIX_OPS: dict[str, str] = {_key(k): v for k, v in _OPS["suffix"].items()}
SIGN_COLUMN_OPS: dict[str, str] = {
    **PREFIX_OPS,
    **{_key(k): v for k, v in _OPS["sign_column"].items()},
}
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
