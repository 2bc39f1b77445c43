"""Text normalisation shared by every layout.

Word exports break cells oddly (`社会\\n效益`, leading full-width spaces, `（%` unclosed).
Matching is done on a key (NFKC, no whitespace); what users see keeps the printed form,
only trimmed and with line breaks inside names removed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
    lines = [part.strip(" \t\u3000\xa0") for part in text.split("\n")]
    return "".join(part for part in lines if part).strip()


def clean_long(text: str | None) -> str:
    """Display form of prose cells (descriptions, goals): trimmed lines kept apart."""
    if not text:
        return ""
    lines = [part.strip(" \t\u3000\xa0") for part in text.split("\n")]
    return "\n".join(part for part in lines if part)


def strip_field_codes(text: str) -> str:
    """Remove Word bookmarks and TC field codes, braced (`{ TC … }`) or bare (` TC … \\l 1`)."""
    text = _BOOKMARK.sub("", text)
    text = _FIELD_BRACED.sub("", text)
    return _FIELD_BARE.sub("", text)


def strip_numbering(text: str) -> str:
    """Drop list numbering such as `1.`, `12  `, `2、`, `（三）` from the start of a title."""
    return _NUMBERING.sub("", text, count=1).strip()
