"""Small text helpers the rules share: matching keys, bigrams and Chinese number display."""

from __future__ import annotations

import re
from functools import lru_cache

from etl.normalize import key
from etl.vocabulary import money_scales

_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_SIGNS = re.compile(r"[≥≤<>=＞＜≦≧]+")
_NUMBERING = re.compile(
    r"^(?:目标|绩效目标)?\s*[(（]?[0-9一二三四五六七八九十]{1,3}[)）]?\s*[、.．:：]\s*"
)


def bare(text: str | None) -> str:
    """Key without punctuation, for comparing wording rather than layout."""
    return _bare(text) if isinstance(text, str) else _PUNCT.sub("", key(text))


@lru_cache(maxsize=1 << 15)
def _bare(text: str) -> str:
    """Cached: rules compare the same names and targets many times per document."""
    return _PUNCT.sub("", key(text))


def words_only(text: str | None) -> str:
    """Key without numbers, comparison signs, percent words or punctuation: the prose that is
    left of a target once its measurable part is taken away."""
    value = key(text)
    value = _SIGNS.sub("", value)
    value = _DIGITS.sub("", value)
    value = value.replace("百分比", "").replace("%", "")
    return _PUNCT.sub("", value)


def has_digit(text: str | None) -> bool:
    return bool(_DIGITS.search(key(text)))


def strip_goal_numbering(text: str) -> str:
    """`目标1：`, `1、`, `（2）` at the start of a goal carry no meaning."""
    return _NUMBERING.sub("", key(text), count=1)


def bigrams(text: str | None, stop: frozenset[str] = frozenset()) -> set[str]:
    """Character bigrams of the prose (digits and punctuation dropped), minus stop bigrams."""
    value = _DIGITS.sub(" ", key(text))
    grams: set[str] = set()
    for chunk in _PUNCT.split(value):
        for start in range(len(chunk) - 1):
            gram = chunk[start : start + 2]
            if gram not in stop:
                grams.add(gram)
    return grams


def stop_bigrams(words: list[str]) -> frozenset[str]:
    """Stop words of any length become the bigrams they contain (cached per word list: the
    list comes from the configuration and is the same for every project)."""
    return _stop_bigrams(tuple(words))


@lru_cache(maxsize=64)
def _stop_bigrams(words: tuple[str, ...]) -> frozenset[str]:
    grams: set[str] = set()
    for word in words:
        grams |= bigrams(word)
        if len(key(word)) == 2:
            grams.add(key(word))
    return frozenset(grams)


def fmt_number(value: float | int | None) -> str:
    """12.0 -> "12", 0.25 -> "0.25"; no scientific notation in user-facing text."""
    if value is None:
        return "空"
    text = f"{float(value):,.4f}".rstrip("0").rstrip(".")
    return text.replace(",", "")


def fmt_yuan(value: float | int | None) -> str:
    """Money as documents print it: 万元 from ten thousand up, else 元."""
    if value is None:
        return "空"
    wan = int(money_scales()["万元"])  # one vocabulary: data/vocabulary/markers.toml
    if abs(value) >= wan:
        return f"{fmt_number(round(value / wan, 4))}万元"
    return f"{fmt_number(round(value, 2))}元"


def quote(text: str | None, limit: int = 40) -> str:
    """A value as shown inside a message: 「…」 and shortened when very long."""
    value = " ".join(str(text or "").split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return f"「{value}」"
