"""Project categories and indicator families from the editable rule files under data/."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from warehouse.paths import REPO_ROOT
from warehouse.schema.keys import norm_text

CATEGORY_RULES = REPO_ROOT / "data" / "project_categories.toml"
FAMILY_RULES = REPO_ROOT / "data" / "indicator_families.toml"


def _alternation(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled regex per keyword list: much faster than a loop of ``in`` tests."""
    return re.compile("|".join(map(re.escape, words))) if words else None


@dataclass(frozen=True)
class CategoryRule:
    """One ordered rule of project_categories.toml."""

    name: str
    keywords: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()  # categories this rule beats when purpose/goals match

    def __post_init__(self) -> None:
        object.__setattr__(self, "_kw", _alternation(self.keywords))
        object.__setattr__(self, "_ex", _alternation(self.exclude))

    def matches(self, text: str) -> bool:
        kw, ex = self._kw, self._ex  # type: ignore[attr-defined]
        return bool(kw and kw.search(text)) and not (ex and ex.search(text))


@dataclass(frozen=True)
class FamilyRule:
    """One ordered rule of indicator_families.toml; every given condition must hold."""

    name: str
    names: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    level2: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    units: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_names", _alternation(self.names))
        object.__setattr__(self, "_ex", _alternation(self.exclude))

    def matches(self, name: str, level2: str, kind: str, unit: str) -> bool:
        names, ex = self._names, self._ex  # type: ignore[attr-defined]
        if names and not names.search(name):
            return False
        if ex and ex.search(name):
            return False
        if self.level2 and not any(k in level2 for k in self.level2):
            return False
        if self.kinds and kind not in self.kinds:
            return False
        return not (self.units and unit not in self.units)


def _norm_all(values: list[str]) -> tuple[str, ...]:
    return tuple(v for v in (norm_text(x) for x in values) if v)


# Distinct inputs memoised per rule set; past this the memo starts afresh. A national load
# has millions of distinct (name, purpose, goals): an unbounded memo held gigabytes.
MEMO_MAX = 50_000


@dataclass
class Classifier:
    """Both rule sets, loaded once per load run; results are memoised per distinct input
    (at most MEMO_MAX of each)."""

    categories: list[CategoryRule]
    category_default: str
    families: list[FamilyRule]
    family_default: str
    digest: str
    _cat_cache: dict[tuple[str, str, str], str] = field(default_factory=dict)
    _fam_cache: dict[tuple[str, str, str, str], str] = field(default_factory=dict)
    # memo of rows derived from these rules (warehouse/load/transform.py: a dim_indicator
    # row per raw definition), kept here so it lives and dies with the rules it depends on
    derived_memo: dict[tuple, tuple] = field(default_factory=dict, repr=False, compare=False)

    def project_category(
        self, name: str | None, purpose: str | None, goals: list[str] | str | None = None
    ) -> str:
        """First rule matching the name, else first rule matching the purpose, else default;
        then an ``overrides`` rule matching the purpose or goals may replace a weak name match
        (who the money is for beats how the name is worded)."""
        goal_text = "".join(goals) if isinstance(goals, list | tuple) else (goals or "")
        key = (norm_text(name), norm_text(purpose), norm_text(goal_text))
        hit = self._cat_cache.get(key)
        if hit is None:
            hit = self.category_default
            for text in key[:2]:
                if not text:
                    continue
                rule = next((r for r in self.categories if r.matches(text)), None)
                if rule is not None:
                    hit = rule.name
                    break
            context = key[1] + key[2]
            for rule in self.categories:
                if rule.overrides and hit in rule.overrides and context and rule.matches(context):
                    hit = rule.name
                    break
            _remember(self._cat_cache, key, hit)
        return hit

    def indicator_family(
        self, name: str | None, level2: str | None, kind: str | None, unit: str | None
    ) -> str:
        """First family rule whose conditions all hold for this indicator definition. The
        rule file orders the evidence: level 2, then kind, then unit, then the name (see
        docs/classification.md); the description is not part of the definition."""
        key = (norm_text(name), norm_text(level2), kind or "", unit or "")
        hit = self._fam_cache.get(key)
        if hit is None:
            rule = next((r for r in self.families if r.matches(*key)), None)
            hit = rule.name if rule else self.family_default
            _remember(self._fam_cache, key, hit)
        return hit


def _remember(memo: dict, key: tuple, value: str) -> None:
    if len(memo) >= MEMO_MAX:
        memo.clear()
    memo[key] = value


def load_classifier(
    category_file: Path = CATEGORY_RULES, family_file: Path = FAMILY_RULES
) -> Classifier:
    """Read both TOML rule files; a broken file fails loudly with its path."""
    raw_cat = category_file.read_bytes()
    raw_fam = family_file.read_bytes()
    return _build(raw_cat, raw_fam, str(category_file), str(family_file))


@lru_cache(maxsize=4)
def _build(raw_cat: bytes, raw_fam: bytes, cat_name: str, fam_name: str) -> Classifier:
    try:
        cat = tomllib.loads(raw_cat.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{cat_name}: 分类规则文件格式错误 ({exc})") from exc
    try:
        fam = tomllib.loads(raw_fam.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{fam_name}: 指标族规则文件格式错误 ({exc})") from exc
    categories = [
        CategoryRule(
            r["name"],
            _norm_all(r.get("keywords", [])),
            _norm_all(r.get("exclude", [])),
            tuple(r.get("overrides", [])),
        )
        for r in cat.get("category", [])
    ]
    families = [
        FamilyRule(
            r["name"],
            names=_norm_all(r.get("names", [])),
            exclude=_norm_all(r.get("exclude", [])),
            level2=_norm_all(r.get("level2", [])),
            kinds=tuple(r.get("kinds", [])),
            units=tuple(r.get("units", [])),
        )
        for r in fam.get("family", [])
    ]
    digest = hashlib.sha256(raw_cat + b"\0" + raw_fam).hexdigest()[:16]
    return Classifier(
        categories, cat.get("default", "其他"), families, fam.get("default", "其他"), digest
    )
