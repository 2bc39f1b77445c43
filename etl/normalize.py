"""Text normalisation shared by every layout.

Word exports break cells oddly (`社会\\n效益`, leading full-width spaces, `（%` unclosed).
Matching is done on a key (NFKC, no whitespace); what users see keeps the printed form,
only trimmed and with line breaks inside names removed.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

_WHITESPACE = re.compile(r"\s+")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_FIELD_BRACED = re.compile(r"\{\s*TC\b[^}]*\}?")
_FIELD_BARE = re.compile(r"\s+TC\s.*$")
_NUMBERING = re.compile(
    r"^\s*(?:[(（]?\d{1,3}[)）]?\s*[.、．,，:：]?\s+|\d{1,3}\s*[.、．,，:：]\s*|[(（][一二三四五六七八九十]+[)）]\s*|[一二三四五六七八九十]+\s*[、.．]\s*)"
)


def key(text: str | None) -> str:
    """Matching key: NFKC-folded with every kind of whitespace removed."""
    if not text:
        return ""
    return _key(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=1 << 16)
def _key(text: str) -> str:
    """Cached: documents repeat the same labels and cells thousands of times."""
    folded = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    # removing a space can leave a combining mark that composes with its neighbour
    return folded if folded.isascii() else unicodedata.normalize("NFKC", folded)


def clean_cell(text: str | None) -> str:
    """Display form of a short cell (names, levels): trimmed, line breaks joined."""
    if not text:
        return ""
    if "\n" not in text:
        return text.strip(" \t\u3000\xa0").strip()
    lines = [part.strip(" \t\u3000\xa0") for part in text.split("\n")]
    return "".join(part for part in lines if part).strip()


def clean_long(text: str | None) -> str:
    """Display form of prose cells (descriptions, goals): trimmed lines kept apart."""
    if not text:
        return ""
    if "\n" not in text:  # most cells: one line, same result as the general path
        return text.strip(" \t\u3000\xa0")
    lines = [part.strip(" \t\u3000\xa0") for part in text.split("\n")]
    return "\n".join(part for part in lines if part)


def strip_field_codes(text: str) -> str:
    """Remove Word bookmarks and TC field codes, braced (`{ TC … }`) or bare (` TC … \\l 1`)."""
    if "TC" not in text and "[bookmark:" not in text:  # cheap guard: most text has neither
        return text
    text = _BOOKMARK.sub("", text)
    text = _FIELD_BRACED.sub("", text)
    return _FIELD_BARE.sub("", text)


def strip_numbering(text: str) -> str:
    """Drop list numbering such as `1.`, `12  `, `2、`, `（三）` from the start of a title."""
    return _NUMBERING.sub("", text, count=1).strip()


# -- label matching ----------------------------------------------------------------------
_VOCABULARY_DIR = Path(__file__).resolve().parents[1] / "data" / "vocabulary"
_MARKERS = re.compile(r"[*＊★☆※●◆▲]+")
_HINT = re.compile(r"[(（](?:限)?\d+字(?:以)?内[)）]|[(（]如\d+[)）]|[(（]\d+字[)）]")
_PLACEHOLDER = re.compile(r"[(（]\s*(?:[≥≤><=≧≦]=?)?\s*\*{1,}[^)）]*[)）]|(?:[≥≤><≧≦]=?)\*{2,}\S*$")
_LEAD_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．](?!\d)|[(（][一二三四五六七八九十\d]{1,2}[)）])"
)
_LEAD_QIZHONG = re.compile(r"^其中[:：]?")
_TRAIL = re.compile(r"[:：,，;；.。、]+$")


def _traditional_table() -> dict[int, str]:
    """Traditional → Simplified for label characters (data/vocabulary/traditional.toml)."""
    path = _VOCABULARY_DIR / "traditional.toml"
    try:
        with path.open("rb") as handle:
            pairs = tomllib.load(handle).get("pairs", [])
    except OSError:
        return {}
    return {ord(pair[0]): pair[1] for pair in pairs if len(pair) == 2}


_TRADITIONAL = _traditional_table()


def to_simplified(text: str) -> str:
    """Traditional characters of the label vocabulary → Simplified (others unchanged)."""
    return text.translate(_TRADITIONAL)


@lru_cache(maxsize=1 << 15)
def label_key(text: str | None) -> str:
    """The one normalisation every label, header and level name goes through before it is
    looked up in the vocabulary: NFKC (full-width → ASCII punctuation), Traditional →
    Simplified, no whitespace (`总 体 目 标`), no `*`/★ markers, no `(450字内)` or
    `(如20190101)` hints, no `(≥**人)` placeholders, no leading ordinal (`二、`, `(3)`) or
    `其中:`, no trailing colon."""
    if not text:
        return ""
    folded = to_simplified(key(text))
    folded = _PLACEHOLDER.sub("", folded)
    folded = _MARKERS.sub("", folded)
    folded = _HINT.sub("", folded)
    folded = _LEAD_ORDINAL.sub("", folded, count=1)
    folded = _LEAD_QIZHONG.sub("", folded, count=1)
    folded = _TRAIL.sub("", folded)
    # removing a marker can join a letter and a combining mark (`O*¯`): compose them again
    if not unicodedata.is_normalized("NFKC", folded):
        folded = "".join(unicodedata.normalize("NFKC", folded).split())
    return folded


_FUSED_CODE = re.compile(
    r"^\s*(?:[\[【(（]\s*(\d{3,12})\s*[\]】)）]|(\d{3,12})\s*[-－—_])\s*(?=\S)"
)


def split_fused_code(text: str) -> tuple[str | None, str]:
    """`[015001]武汉市某局` / `820001-某某镇` / `219-某某镇` → (code, name); (None, text)
    when no code is fused in front."""
    match = _FUSED_CODE.match(text or "")
    if not match:
        return None, text
    return match.group(1) or match.group(2), text[match.end() :].strip()


def clean_name(text: str | None) -> str:
    """Display form of an indicator name: `*` / ★ markers and `(≥**人)` template
    placeholders removed (the printed name is otherwise kept)."""
    name = clean_cell(text)
    if name.startswith("指标"):
        name = _NAME_NUMBER.sub("", name, count=1)
    if not name or not ("*" in name or "＊" in name or "★" in name):
        return name
    name = _PLACEHOLDER_DISPLAY.sub("", name)
    return _MARKERS.sub("", name).strip()


_NAME_NUMBER = re.compile(r"^指标\s*\d{1,3}\s*[:：.、]\s*")
_PLACEHOLDER_DISPLAY = re.compile(
    r"\s*[(（]\s*(?:[≥≤><=≧≦]=?)?\s*[*＊]{1,}[^)）]*[)）]|\s*(?:[≥≤><≧≦]=?)[*＊]{2,}\S*$"
)
