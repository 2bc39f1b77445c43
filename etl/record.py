"""The normalized goal record (docs/contract.md, CONTRACT section 2) as types.

One definition for the parser, the warehouse loader and the tests. TypedDicts keep the
record a plain JSON-ready dict (what `etl parse` prints and the loader reads) while type
checkers and readers of the code see every field. Fields marked additive were added on
2026-11-30 (issue 11); old consumers ignore them.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

UnitKind = Literal[
    "township", "street", "development_zone", "county_department", "city_unit", "other"
]
Horizon = Literal["annual", "long_term"]
TargetKind = Literal["number", "percent", "money", "deadline", "qualitative", "period", "tolerance"]
Op = Literal[">=", "<=", "=", ">", "<", "between"]
Direction = Literal["positive", "negative"]


class Source(TypedDict):
    path: str
    sha256: str
    layout: str  # `<case>/<format>`: form, text_budget, goals_only, flat, prose, self_evaluation
    parser_version: NotRequired[str]
    manifest: NotRequired[list[str]]


class Unit(TypedDict):
    code: str | None
    name: str | None
    province: str | None
    city: str | None
    county: str | None
    township: str | None
    kind: NotRequired[UnitKind]  # additive


class Target(TypedDict):
    raw: str
    op: Op | None
    value: int | float | str | None  # str: the ISO date of a deadline or a period's start
    value_max: int | float | str | None  # str: the ISO end date of a period
    unit: str | None
    value_yuan: int | float | None
    kind: TargetKind
    per: NotRequired[str]  # the counting period of `每月至少20次`
    meaning: NotRequired[str]  # within_budget, yes, no … (data/vocabulary/targets.toml)


class Indicator(TypedDict):
    level1: str
    level2: str
    level1_raw: str
    level2_raw: str
    name: str
    description: str | None
    target: Target
    basis: str | None
    weight: float | None
    direction: Literal["positive", "negative"] | None
    direction_source: NotRequired[Literal["given", "implied"] | None]
    horizon: NotRequired[Horizon]  # additive: comparisons use "annual"
    place: NotRequired[str | None]  # additive: the place of a per-place target
    graded: NotRequired[dict[str, Target] | None]  # additive: 优/良/中/差 standards
    source_line: int


class Budget(TypedDict):
    total_yuan: int | float | None
    fiscal_yuan: int | float | None
    other_yuan: int | float | None


class Project(TypedDict):
    seq: int
    code: str | None
    name: str
    budget: Budget
    purpose: str | None
    spend_plan_pct: list[float | None] | None
    goals: list[str]
    long_term_goal: NotRequired[str | None]  # additive: 长期/中期/实施周期 goal text
    period: NotRequired[str | None]  # additive: 项目起止时间 as printed
    indicators: list[Indicator]
    source_line: int


class Warning(TypedDict):
    code: str
    message: str  # Chinese, for users
    line: int | None
    project: str | None


class Record(TypedDict):
    source: Source
    unit: Unit
    fiscal_year: int | None
    overall_goal: str | None
    projects: list[Project]
    unit_indicators: list[Indicator]
    warnings: list[Warning]


def warning(
    code: str, message: str, line: int | None = None, project: str | None = None
) -> Warning:
    """A record warning (the one shape every part of the parser emits)."""
    return {"code": code, "message": message, "line": line, "project": project}


def empty_budget() -> Budget:
    return {"total_yuan": None, "fiscal_yuan": None, "other_yuan": None}


def indicator(
    *,
    level1: str,
    level2: str,
    level1_raw: str,
    level2_raw: str,
    name: str,
    target: Target,
    source_line: int,
    description: str | None = None,
    basis: str | None = None,
    weight: float | None = None,
    direction: Literal["positive", "negative"] | None = None,
    direction_source: Literal["given", "implied"] | None = None,
    horizon: Horizon = "annual",
    place: str | None = None,
    graded: dict[str, Target] | None = None,
) -> Indicator:
    """An INDICATOR with every field present, in the contract's key order."""
    return {
        "level1": level1,
        "level2": level2,
        "level1_raw": level1_raw,
        "level2_raw": level2_raw,
        "name": name,
        "description": description,
        "target": target,
        "basis": basis,
        "weight": weight,
        "direction": direction,
        "direction_source": direction_source,
        "horizon": horizon,
        "place": place,
        "graded": graded,
        "source_line": source_line,
    }


def implied_direction(
    target: Target, given: Literal["positive", "negative"] | None
) -> tuple[Literal["positive", "negative"] | None, Literal["given", "implied"] | None]:
    """(direction, source): the printed 正向/反向 wins; else ≥/> imply positive, ≤/< negative."""
    if given:
        return given, "given"
    op = target.get("op")
    if op in (">=", ">"):
        return "positive", "implied"
    if op in ("<=", "<"):
        return "negative", "implied"
    return None, None
