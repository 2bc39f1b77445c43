"""Builders for hand-made goal records (CONTRACT section 2) used by the review tests and
by anyone who needs a small valid record without parsing a document."""

from __future__ import annotations

import copy
import re
from typing import Any

_LEVEL1 = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
}
_TARGET = re.compile(r"^(≥|≤|>=|<=|>|<|=)?\s*(\d+(?:\.\d+)?)\s*(.*)$")
_OPS = {"≥": ">=", "≤": "<=", ">=": ">=", "<=": "<=", ">": ">", "<": "<", "=": "="}


def target(raw: str, **overrides: Any) -> dict:
    """A target dict for simple raws (`≥95%`, `≤5万元`, `12人`, `提高`); override the rest."""
    result: dict[str, Any] = {
        "raw": raw,
        "op": None,
        "value": None,
        "value_max": None,
        "unit": None,
        "value_yuan": None,
        "kind": "qualitative",
    }
    match = _TARGET.match(raw.strip())
    if match:
        sign, value, unit = match.groups()
        number = float(value)
        unit = unit.strip() or None
        result.update(op=_OPS.get(sign or "=", "="), value=number, unit=unit, kind="number")
        if unit in ("%", "百分比"):
            result.update(unit="%", kind="percent")
        elif unit in ("元", "万元"):
            result.update(kind="money", value_yuan=number * (10000 if unit == "万元" else 1))
    result.update(overrides)
    return result


def indicator(
    level2: str,
    name: str,
    raw: str = "≥95%",
    *,
    description: str | None = None,
    basis: str | None = "计划标准",
    line: int = 10,
    **extra: Any,
) -> dict:
    """One indicator row; ``target`` may be passed in ``extra`` as a ready dict."""
    row = {
        "level1": _LEVEL1.get(level2, ""),
        "level2": level2,
        "level1_raw": "",
        "level2_raw": level2,
        "name": name,
        "description": name if description is None else description,
        "target": target(raw),
        "basis": basis,
        "weight": None,
        "direction": None,
        "source_line": line,
    }
    row.update(extra)
    return row


def good_indicators() -> list[dict]:
    """A complete, measurable set that passes every rule (budget 50万元, fiscal year 2021)."""
    return [
        indicator("数量指标", "维修村内道路长度", "≥3.5公里", line=20),
        indicator("质量指标", "工程验收合格率", "=100%", line=21),
        indicator(
            "时效指标",
            "工程完工时间",
            "2021年10月底前",
            line=22,
            target=target("2021年10月底前", op="<=", value="2021-10-31", kind="deadline"),
        ),
        indicator("成本指标", "道路维修总成本", "≤50万元", line=23),
        indicator("社会效益指标", "受益村民人数", "≥1200人", line=24),
        indicator("服务对象满意度指标", "村民满意度", "≥90%", line=25),
    ]


def project(
    seq: int = 1,
    name: str = "村内道路维修",
    *,
    indicators: list[dict] | None = None,
    total: float | None = 500000,
    fiscal: float | None = 500000,
    other: float | None = None,
    plan: list[float] | None = None,
    goals: list[str] | None = None,
    line: int = 5,
) -> dict:
    return {
        "seq": seq,
        "code": f"P{seq:03d}",
        "name": name,
        "budget": {"total_yuan": total, "fiscal_yuan": fiscal, "other_yuan": other},
        "purpose": "维修村内道路",
        "spend_plan_pct": [25, 50, 75, 100] if plan is None else plan,
        "goals": ["维修村内道路3.5公里，改善村民出行条件"] if goals is None else goals,
        "indicators": good_indicators() if indicators is None else indicators,
        "source_line": line,
    }


def record(
    *projects: dict, year: int | None = 2021, unit_indicators: list[dict] | None = None
) -> dict:
    """A record around ``projects`` (deep-copied so tests can mutate freely)."""
    return {
        "source": {"path": "test.txt", "sha256": "0" * 64, "layout": "test"},
        "unit": {
            "code": "001",
            "name": "测试镇人民政府",
            "province": "河北省",
            "city": None,
            "county": None,
            "township": "测试镇",
        },
        "fiscal_year": year,
        "overall_goal": None,
        "projects": [copy.deepcopy(p) for p in projects] or [project()],
        "unit_indicators": unit_indicators or [],
        "warnings": [],
    }
