"""Read-only views of the normalized goal record (CONTRACT section 2) that tolerate the
gaps of hand-made or synthetic records, plus the finding builder every rule uses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from etl.review.catalog import RULES
from etl.review.text import key
from etl.vocabulary import level2_parents, target_kinds

OUTPUT, BENEFIT, SATISFACTION, COST = "产出指标", "效益指标", "满意度指标", "成本指标"
# One definition (data/vocabulary/kinds.toml): every kind but 'qualitative' is 定量.
QUANTITATIVE_KINDS = target_kinds().quantitative
TIME_KINDS = target_kinds().time

_LEVEL2_PARENT = {
    **level2_parents(),  # data/vocabulary/levels.toml; the cost sub-levels below are review's
    "经济成本指标": COST,
    "社会成本指标": COST,
    "生态环境成本指标": COST,
}
_COST_LEVEL2 = frozenset({"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"})


def target(indicator: dict) -> dict:
    return indicator.get("target") or {}


def target_raw(indicator: dict) -> str:
    return str(target(indicator).get("raw") or "")


def target_kind(indicator: dict) -> str:
    return target(indicator).get("kind") or "qualitative"


def level1(indicator: dict) -> str:
    """Canonical level 1, derived from level 2 when the record leaves it empty."""
    value = indicator.get("level1") or ""
    return value or _LEVEL2_PARENT.get(indicator.get("level2") or "", "")


def level2(indicator: dict) -> str:
    return indicator.get("level2") or ""


def is_cost(indicator: dict) -> bool:
    return level2(indicator) in _COST_LEVEL2 or level1(indicator) == COST


def is_satisfaction(indicator: dict) -> bool:
    return level1(indicator) == SATISFACTION or level2(indicator) == "服务对象满意度指标"


def is_money(indicator: dict, money_units: frozenset[str]) -> bool:
    """Money targets by kind, or a number whose unit is a (unit) price such as 元/人."""
    tgt = target(indicator)
    if tgt.get("kind") == "money" or tgt.get("value_yuan") is not None:
        return True
    return key(tgt.get("unit")) in money_units


def number(value: Any) -> float | None:
    """A target value as float, or None for dates, text and missing values."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


@dataclass
class Context:
    """What every rule may consult besides the project: the record and the configuration."""

    record: dict
    config: dict
    _placeholders: frozenset[str] = field(default=frozenset(), init=False)
    _zero_words: tuple[str, ...] = field(default=(), init=False)
    _substantive: dict[int, list[tuple[int, dict]]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        values = self.rule("R11").get("placeholders", ["", "无", "不涉及", "/", "—"])
        self._placeholders = frozenset(key(value).lower() for value in values)
        self._zero_words = tuple(key(w) for w in self.rule("R11").get("none_means_zero_words", []))

    @property
    def fiscal_year(self) -> int | None:
        return self.record.get("fiscal_year")

    def rule(self, rule_id: str) -> dict:
        return self.config.get("rules", {}).get(rule_id, {})

    def is_placeholder(self, indicator: dict) -> bool:
        """Target is empty or a filler such as 无 / 不涉及 / ／. 无 on 无出辖区信访案件 or
        安全事故 is a real target (zero events), not a filler."""
        raw = key(target_raw(indicator)).lower()
        if raw == "无" and any(w and w in key(indicator.get("name")) for w in self._zero_words):
            return False
        return raw in self._placeholders

    def zero_target(self, indicator: dict) -> bool:
        """`无` (or 0) on a name that counts bad events (无出辖区信访案件, 安全事故): zero."""
        raw = key(target_raw(indicator))
        name = key(indicator.get("name"))
        zero = raw in ("无", "0", "零", "=0") or (
            target(indicator).get("op") == "=" and number(target(indicator).get("value")) == 0
        )
        return zero and any(w and w in name for w in self._zero_words)

    def substantive(self, project: dict) -> list[tuple[int, dict]]:
        """Rows that really set a goal: a name and a non-placeholder target (computed once
        per project: most rules ask)."""
        cached = self._substantive.get(id(project))
        if cached is None:
            cached = [
                (index, indicator)
                for index, indicator in enumerate_indicators(project)
                if key(indicator.get("name")) and not self.is_placeholder(indicator)
            ]
            self._substantive[id(project)] = cached
        return cached


def finding(
    rule_id: str,
    severity: str,
    message: str,
    *,
    project: dict,
    index: int | None = None,
    indicator: dict | None = None,
    hint: str | None = None,
    variant: str | None = None,
) -> dict:
    """One finding, pointing at the indicator row (or the project when it is project-wide)."""
    meta = RULES[rule_id]
    line = None
    if indicator is not None:
        line = indicator.get("source_line")
    if line is None:
        line = project.get("source_line")
    return {
        "rule_id": rule_id,
        "severity": severity,
        "message": message,
        "hint": hint or meta.hint,
        "indicator_index": index,
        "indicator_name": (indicator.get("name") or None) if indicator is not None else None,
        "source_line": line,
        "title": meta.title,
        "slug": meta.slug,
        "variant": variant,
    }


def enumerate_indicators(project: dict) -> Iterator[tuple[int, dict]]:
    """(index, indicator) in document order; index is the position in project["indicators"]."""
    yield from enumerate(project.get("indicators") or [])
