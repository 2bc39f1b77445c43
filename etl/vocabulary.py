"""The reader's vocabulary, loaded once from data/vocabulary/*.toml.

Column roles of indicator blocks, key-value label roles, level names, row markers, fund
words and money scales live as data so that a new synonym is a one-line change
(docs/vocabulary.md). Every lookup goes through ``etl.normalize.label_key`` first.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from etl.han import HAN
from etl.normalize import label_key
from etl.record import Horizon

VOCABULARY_DIR = Path(__file__).resolve().parents[1] / "data" / "vocabulary"

_PAREN = re.compile(r"[(（][^()（）]*[)）]")
_SCALE_SUFFIX = re.compile(r"[(（](?:单位[:：]?)?(亿元|百万元|万元|千元|元)[)）]$")
_HORIZON_PAREN = re.compile(r"[(（](长期|中期|年度|当年|当年度|实施周期)[)）]")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Every list of words the reader matches, keyed by ``label_key``."""

    column_roles: dict[str, str]
    label_roles: dict[str, str]
    grades: tuple[str, ...]
    level1: dict[str, str]
    level2: dict[str, str]
    level2_parent: dict[str, str]
    stop_starts: tuple[str, ...]
    stop_contains: tuple[str, ...]
    horizon_long: tuple[str, ...]
    horizon_annual: tuple[str, ...]
    self_evaluation_roles: frozenset[str]
    self_evaluation_titles: tuple[str, ...]
    fiscal_words: tuple[str, ...]
    other_words: tuple[str, ...]
    scales: dict[str, Decimal]
    default_form_scale: str
    default_flat_scale: str
    place_suffixes: tuple[str, ...]


def _load(name: str) -> dict:
    with (VOCABULARY_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


def _keyed(groups: dict[str, list[str]]) -> dict[str, str]:
    """{label_key(word): role}; the first role listing a word wins."""
    found: dict[str, str] = {}
    for role, words in groups.items():
        for word in words:
            found.setdefault(label_key(word), role)
    return found


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabulary (read from disk once per process)."""
    roles = _load("roles")
    levels = _load("levels")
    markers = _load("markers")
    money = markers["money"]
    return Vocabulary(
        column_roles=_keyed(roles["columns"]),
        label_roles=_keyed(roles["labels"]),
        grades=tuple(roles["graded"]["grades"]),
        level1={label_key(k): v for k, v in levels["level1"].items()},
        level2={label_key(k): v for k, v in levels["level2"].items()},
        level2_parent=dict(levels["level2_parent"]),
        stop_starts=tuple(label_key(w) for w in markers["stop_rows"]["starts"]),
        stop_contains=tuple(label_key(w) for w in markers["stop_rows"]["contains"]),
        horizon_long=tuple(markers["horizon"]["long_term"]),
        horizon_annual=tuple(markers["horizon"]["annual"]),
        self_evaluation_roles=frozenset(markers["self_evaluation"]["columns"]),
        self_evaluation_titles=tuple(markers["self_evaluation"]["titles"]),
        fiscal_words=tuple(markers["funds"]["fiscal"]),
        other_words=tuple(markers["funds"]["other"]),
        scales={k: Decimal(v) for k, v in money["scales"].items()},
        default_form_scale=money["default_form"],
        default_flat_scale=money["default_flat"],
        place_suffixes=tuple(sorted(markers["places"]["suffixes"], key=len, reverse=True)),
    )


@lru_cache(maxsize=4096)
def column_role(text: str | None) -> tuple[str | None, Horizon | None]:
    """(role, horizon hint) of an indicator-block header cell: `二级指标(长期)` →
    ("level2", "long_term"); `当年度指标值` → ("value", "annual"); unknown → (None, None)."""
    folded = label_key(text)
    if not folded:
        return None, None
    vocab = vocabulary()
    grade = folded if folded in vocab.grades else None
    if grade:
        return "grade", None
    horizon = _horizon_of(folded)
    role = vocab.column_roles.get(folded)
    if role is None:
        bare = _HORIZON_PAREN.sub("", folded)
        role = vocab.column_roles.get(bare)
        if role is None:
            role = vocab.column_roles.get(_PAREN.sub("", bare))
    return role, horizon if role else None


def _horizon_of(folded: str) -> Horizon | None:
    vocab = vocabulary()
    if any(word in folded for word in vocab.horizon_long):
        return "long_term"
    if any(word in folded for word in vocab.horizon_annual):
        return "annual"
    return None


def horizon_of(text: str | None) -> Horizon | None:
    """'long_term' / 'annual' / None from a heading such as `长期绩效指标`."""
    return _horizon_of(label_key(text))


def label_role(text: str | None) -> tuple[str | None, Decimal | None]:
    """(role, money scale from a `(万元)` suffix) of a key-value label cell, or (None, None).
    Only whole labels match: a long cell of prose is never a label. Every label has a
    Chinese word, so an ASCII cell (an amount, a code) is answered without a lookup."""
    if not text or text.isascii():
        return None, None
    return _label_role(text)


_NO_LABEL: tuple[None, None] = (None, None)


def label_roles(cells: tuple[str, ...] | list[str]) -> list[tuple[str | None, Decimal | None]]:
    """`label_role` of every cell of a row, a cell of 40 characters or more counting as no
    label (one call per row instead of one per cell)."""
    return [_label_role(c) if len(c) < 40 and not c.isascii() else _NO_LABEL for c in cells]


@lru_cache(maxsize=8192)
def _label_role(text: str) -> tuple[str | None, Decimal | None]:
    folded = label_key(text)
    if not folded or len(folded) > 40:
        return None, None
    vocab = vocabulary()
    scale = None
    match = _SCALE_SUFFIX.search(folded)
    if match:
        scale = vocab.scales[match.group(1)]
        folded = _TRAIL_COLON.sub("", folded[: match.start()])
    role = vocab.label_roles.get(folded)
    if role is None:
        role = vocab.label_roles.get(_TRAIL_COLON.sub("", _PAREN.sub("", folded)))
    return role, scale if role else None


_HAN = re.compile(f"[{HAN}]+")
_TRAIL_COLON = re.compile(r"[:：]+$")
_INLINE = re.compile(
    rf"^(?P<label>[{HAN}()（）]{{2,20}}?)[:：]?(?P<rest>[\d,.]+\s*(?:亿元|万元|千元|元|万)?.*)$"
)


def inline_label(text: str | None) -> tuple[str | None, str]:
    """A label fused with its value in one cell: `总额10606.7522万元`, `资金总额:30` →
    ("budget_total", "10606.7522万元"); (None, "") otherwise (always for an ASCII cell:
    labels are Chinese)."""
    if not text or text.isascii():
        return None, ""
    return _inline_label(text)


@lru_cache(maxsize=8192)
def _inline_label(text: str) -> tuple[str | None, str]:
    folded = label_key(text)
    match = _INLINE.match(folded)
    if not match:
        return None, ""
    role, _ = label_role(match.group("label"))
    return (role, match.group("rest")) if role else (None, "")


def level1_of(text: str | None) -> str | None:
    """Canonical level 1 of a printed level-1 name, or None."""
    return _lookup(text, vocabulary().level1)


def level2_of(text: str | None) -> str | None:
    """Canonical level 2 of a printed level-2 name, or None."""
    return _lookup(text, vocabulary().level2)


_SCORE_SUFFIX = re.compile(r"[(（]\d+(?:\.\d+)?分[)）]$")


def _lookup(text: str | None, table: dict[str, str]) -> str | None:
    folded = label_key(text)
    if not folded:
        return None
    found = table.get(folded)
    if found is None:
        folded = _SCORE_SUFFIX.sub("", folded)
        found = table.get(folded)
    if found is None and ("(" in folded):
        found = table.get(_PAREN.sub("", folded))
    return found


def is_stop_row(cells: tuple[str, ...] | list[str]) -> bool:
    """A review / signature / scoring-footer row: ends the table, is not data."""
    first = cells[0] if cells and cells[0] else ""
    if not first.strip():
        first = next((cell for cell in cells if cell and cell.strip()), "")
    if not first or len(first) > 60:
        return False
    return _stop_cell(first)


@lru_cache(maxsize=8192)
def _stop_cell(first: str) -> bool:
    folded = label_key(first)
    vocab = vocabulary()
    return folded.startswith(vocab.stop_starts) or any(w in folded for w in vocab.stop_contains)


@lru_cache(maxsize=8192)
def place_like(text: str | None) -> bool:
    """A header cell naming a place (`埭头镇`, `西坪镇尧山村`, `新罗区`)."""
    folded = label_key(text)
    if not (2 <= len(folded) <= 16) or not _HAN.fullmatch(folded):
        return False
    return folded.endswith(vocabulary().place_suffixes)


# ----- Target kinds, levels and grades: one definition for etl, warehouse and dashboard -----


@dataclass(frozen=True, slots=True)
class TargetKinds:
    """The target kinds of data/vocabulary/kinds.toml, in display order."""

    order: tuple[str, ...]
    labels: dict[str, str]
    quantitative: frozenset[str]
    time: frozenset[str]
    numeric: frozenset[str]
    horizons: dict[str, str]


@lru_cache(maxsize=1)
def target_kinds() -> TargetKinds:
    """Which kinds exist, their Chinese labels and which are quantitative (定量)."""
    data = _load("kinds")
    kinds: dict[str, dict] = data["kinds"]
    order = tuple(data["order"])
    if set(order) != set(kinds):
        raise ValueError("data/vocabulary/kinds.toml: order and [kinds.*] list different kinds")

    def flagged(flag: str) -> frozenset[str]:
        return frozenset(k for k in order if kinds[k].get(flag))

    return TargetKinds(
        order=order,
        labels={k: kinds[k]["label"] for k in order},
        quantitative=flagged("quantitative"),
        time=flagged("time"),
        numeric=flagged("numeric"),
        horizons=dict(data["horizons"]),
    )


def sql_list(values: Iterable[str]) -> str:
    """A SQL IN-list of string literals, in a stable order: ``'a', 'b'``."""
    items = sorted(str(v) for v in values)
    return ", ".join("'" + item.replace("'", "''") + "'" for item in items)


def level1_names() -> tuple[str, ...]:
    """Canonical level-1 names in their usual order (产出, 效益, 满意度, 成本)."""
    return tuple(dict.fromkeys(_load_levels()["level1"].values()))


def level2_names() -> tuple[str, ...]:
    """Canonical level-2 names in their usual order (数量 … 服务对象满意度)."""
    return tuple(dict.fromkeys(_load_levels()["level2"].values()))


def level2_parents() -> dict[str, str]:
    """Canonical level 2 → canonical level 1."""
    return dict(vocabulary().level2_parent)


def grades() -> tuple[str, ...]:
    """The grades 优/良/中/差, best first (graded standards and the review grade)."""
    return vocabulary().grades


@lru_cache(maxsize=1)
def severity_keys() -> dict[str, str]:
    """Review severities, most serious first: ``{"serious": "严重", "normal": "一般",
    "remarks": "提示"}`` (data/vocabulary/severities.toml; the key names count columns)."""
    return {entry["key"]: entry["label"] for entry in _load("severities")["severities"]}


def severities() -> tuple[str, ...]:
    """The severities 严重/一般/提示, most serious first."""
    return tuple(severity_keys().values())


def money_scales() -> dict[str, Decimal]:
    """Money unit → yuan per unit (元 1, 万元 10000, 亿元 100000000 …): markers.toml."""
    return dict(vocabulary().scales)


@lru_cache(maxsize=1)
def _load_levels() -> dict:
    return _load("levels")
