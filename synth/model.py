"""What a synthetic document contains, decided before any text is written.

A township gets a stable project portfolio (codes, names, indicator sets, base budgets)
from its own seeded generator, so the same projects recur across its years; each document
then draws that year's budgets, targets and noise from a generator seeded by its sequence
number. Nothing depends on ``hash()`` or on which process builds the document.
"""

from __future__ import annotations

import math
import random
import string
from dataclasses import dataclass, field
from typing import TypeVar

from synth import vocab
from synth.places import Township
from synth.targets import Target, split_target, text_target

FIRST_YEAR, LAST_YEAR = 2019, 2025
LAYOUTS = ("form", "text_budget", "goals_only", "flat_table")
_ALNUM = string.ascii_uppercase + string.digits
_T = TypeVar("_T")


def known(value: _T | None, what: str) -> _T:
    """``value`` where the layout being rendered always sets it (e.g. the total of a
    flat-table project): a None there is a generator bug, named instead of printed as "None"."""
    if value is None:
        raise ValueError(f"synthetic document: {what} is unset for this layout")
    return value


@dataclass(slots=True)
class IndicatorSpec:
    """An indicator as the project keeps it from year to year."""

    level2: str  # canonical level 2
    name: str
    desc: str
    family: tuple
    basis: str


@dataclass(slots=True)
class ProjectTemplate:
    code: str
    name: str
    purpose: str
    goals: tuple[str, ...]
    base_wan: float  # base budget in 万元
    specs: list[IndicatorSpec]
    start: int
    end: int


@dataclass(slots=True)
class Portfolio:
    """Stable per-township choices: unit codes, printing habits and projects."""

    prefix: int  # 3-digit unit code prefix
    unit_style: int
    code_style: int
    projects: list[ProjectTemplate]


@dataclass(slots=True)
class Indicator:
    level1: str  # canonical
    level2: str  # canonical
    level1_raw: str
    level2_raw: str
    name: str
    desc: str
    basis: str
    raw: str  # printed 指标值 (free text) or "" when split
    split: tuple[str, str, str] | None  # sign / value / unit cells
    target: Target
    weight: int | None = None
    direction: str | None = None
    horizon: str = "annual"  # "long_term" for the long-term half of side-by-side tables
    place: str | None = None  # the place of a per-place target column


@dataclass(slots=True)
class Project:
    seq: int
    code: str | None
    name: str
    purpose: str
    goals: tuple[str, ...]
    total_fen: int | None
    fiscal_fen: int | None
    other_fen: int | None  # None when the cell is printed empty
    plan: list[int] | None
    indicators: list[Indicator]


@dataclass(slots=True)
class Document:
    seq: int
    township: Township
    year: int
    layout: str
    unit_code: str | None
    unit_name: str | None
    yuan: bool  # budgets printed in 元 (else 万元)
    projects: list[Project]
    rng: random.Random  # the document's own generator; renderers draw their noise from it
    unit_indicators: list[Indicator] = field(default_factory=list)
    unit_kind: str = "township"  # county_department for the per-place family
    budget_note: dict = field(default_factory=dict)  # renderer hints (e.g. multi-year totals)


def portfolio(seed: int, tidx: int, town: Township, first_year: int = FIRST_YEAR) -> Portfolio:
    """The township's stable choices, from its own generator; projects run within
    ``first_year``..LAST_YEAR."""
    rng = random.Random(f"{seed}/t/{tidx}")
    prefix = rng.randint(100, 999)
    tag = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    code_style = 0 if rng.random() < 0.7 else 1
    size = rng.choice((2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 20, 25, 30))
    picks = rng.sample(range(len(vocab.PROJECTS)), min(size, len(vocab.PROJECTS)))
    projects = []
    for pick in picks:
        name, purpose, goals = vocab.PROJECTS[pick]
        name = name + rng.choice(vocab.SUFFIXES)
        start = first_year if rng.random() < 0.6 else rng.randint(first_year, LAST_YEAR)
        end = LAST_YEAR if rng.random() < 0.7 else rng.randint(start, LAST_YEAR)
        if code_style == 0:
            code = f"{town.county_code}{start % 100:02d}" + "".join(rng.choices(_ALNUM, k=13))
        else:
            code = f"{prefix}-0102-{tag}-" + "".join(rng.choices(_ALNUM, k=4))
        wan = min(2000.0, max(1.0, math.exp(rng.gauss(math.log(30.0), 1.3))))
        projects.append(
            ProjectTemplate(
                code,
                name,
                purpose.format(town=town.name),
                goals,
                wan,
                _indicator_specs(rng),
                start,
                end,
            )
        )
    return Portfolio(prefix, rng.randrange(4), code_style, projects)


def _indicator_specs(rng: random.Random) -> list[IndicatorSpec]:
    counts = {
        "数量指标": rng.choice((1, 1, 2, 2, 3)),
        "质量指标": rng.choice((0, 1, 1, 2)),
        "时效指标": rng.choice((0, 1, 1)),
        "成本指标": 1 if rng.random() < 0.6 else 0,
        "经济效益指标": 1 if rng.random() < 0.3 else 0,
        "社会效益指标": 1 if rng.random() < 0.8 else 0,
        "生态效益指标": 1 if rng.random() < 0.3 else 0,
        "可持续影响指标": 1 if rng.random() < 0.5 else 0,
        "服务对象满意度指标": 1 if rng.random() < 0.8 else 2,
    }
    if not any(
        counts[k] for k in ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")
    ):
        counts["社会效益指标"] = 1
    specs = []
    for level2 in vocab.LEVEL2_ORDER:
        pool = vocab.INDICATORS[level2]
        for name, desc, family in rng.sample(pool, min(counts[level2], len(pool))):
            specs.append(IndicatorSpec(level2, name, desc, family, rng.choice(vocab.BASES)))
    return specs


def _year_fen(rng: random.Random, wan: float, granularity_fen: int, cents: bool) -> int:
    """This year's budget in fen (分): base ±15%, rounded to how the layout prints money."""
    fen = wan * rng.uniform(0.85, 1.15) * 1_000_000
    amount = max(granularity_fen, int(round(fen / granularity_fen)) * granularity_fen)
    return amount + rng.randint(1, 99) if cents else amount


def _plan(rng: random.Random, layout: str) -> list[int] | None:
    if layout not in ("form", "text_budget") or (layout == "form" and rng.random() < 0.3):
        return None
    return list(
        rng.choice(
            (
                (25, 50, 75, 100),
                (30, 50, 75, 100),
                (30, 60, 90, 100),
                (0, 0, 50, 100),
                (20, 40, 80, 100),
                (100, 100, 100, 100),
            )
        )
    )


def build_document(
    seed: int, seq: int, tidx: int, town: Township, year: int, layout: str, pf: Portfolio
) -> Document:
    """Decide every value of one document (rendering happens elsewhere)."""
    rng = random.Random(f"{seed}/d/{seq}")
    yuan = layout == "flat_table" or (layout == "form" and rng.random() < 0.3)
    active = [p for p in pf.projects if p.start <= year <= p.end] or pf.projects[:1]
    projects = []
    for i, tpl in enumerate(active, start=1):
        projects.append(_project(rng, tpl, i, year, layout, yuan))
    if layout == "goals_only" and rng.random() < 0.3:
        base = rng.choice(vocab.PROJECTS)
        tpl = ProjectTemplate(
            "",
            f"{town.city[:1]}财预【{year - 1}】{rng.randint(10, 150)}号"
            f"{town.name}提前下达{year}年{base[0]}",
            base[1],
            base[2],
            10.0,
            _indicator_specs(rng),
            year,
            year,
        )
        projects.append(_project(rng, tpl, len(projects) + 1, year, layout, yuan))
    unit_code, unit_name = _unit(town, pf, layout)
    doc = Document(seq, town, year, layout, unit_code, unit_name, yuan, projects, rng=rng)
    if layout == "goals_only":
        doc.unit_indicators = _unit_indicators(rng, year)
    return doc


def _unit(town: Township, pf: Portfolio, layout: str) -> tuple[str | None, str | None]:
    code = f"{pf.prefix}001"
    if layout == "form":
        name = (
            f"{town.city}{town.county}{town.name}人民政府本级",
            f"{town.county}{town.name}人民政府本级",
            f"{town.name}政府办公室",
            f"{town.name}人民政府",
        )[pf.unit_style]
        return code, name
    if layout == "flat_table":
        return code, f"{town.county}{town.name}人民政府"
    if layout == "goals_only":
        return None, f"{town.county}{town.name}人民政府"
    return None, None


def _project(
    rng: random.Random, tpl: ProjectTemplate, seq: int, year: int, layout: str, yuan: bool
) -> Project:
    total = fiscal = other = None
    if layout != "goals_only":
        if layout == "text_budget":
            gran = rng.choice((10_000, 100_000, 1_000_000))  # 0.01 / 0.1 / 1 万元
            total = _year_fen(rng, tpl.base_wan, gran, False)
        elif yuan:
            total = _year_fen(rng, tpl.base_wan, rng.choice((100, 10_000)), rng.random() < 0.1)
        else:
            total = _year_fen(rng, tpl.base_wan, 10_000, False)
        fiscal, other = total, 0
        if rng.random() < 0.12:
            step = 10_000 if layout != "flat_table" else 100
            fiscal = max(step, int(total * rng.uniform(0.4, 0.95)) // step * step)
            fiscal = min(fiscal, total)
            other = total - fiscal
        elif layout == "form" and rng.random() < 0.4:
            other = None  # printed empty, as in seeds 001 and 004
        if layout == "flat_table":
            fiscal = other = None  # the 申报表 prints the total only
    indicators = []
    for spec in tpl.specs:
        indicators.append(_indicator(rng, spec, year, total or 0, layout, yuan))
    if layout == "flat_table":
        _weights(rng, indicators)
    code = tpl.code if layout == "form" and tpl.code else None
    return Project(
        seq,
        code,
        tpl.name,
        tpl.purpose,
        tpl.goals,
        total,
        fiscal,
        other,
        _plan(rng, layout),
        indicators,
    )


def _indicator(
    rng: random.Random, spec: IndicatorSpec, year: int, budget_fen: int, layout: str, yuan: bool
) -> Indicator:
    level1 = vocab.LEVEL1_OF[spec.level2]
    level1_raw = (
        "效果指标" if level1 == "效益指标" and layout in ("text_budget", "goals_only") else level1
    )
    level2_raw = rng.choice(vocab.LEVEL2_RAW.get(spec.level2, (spec.level2,)))
    budget_yuan = budget_fen // 100 if budget_fen else 1_000_000
    if layout == "flat_table":
        sign, value, unit, target = split_target(rng, spec.family, year, budget_yuan, False)
        direction = "negative" if target["op"] == "<=" else "positive"
        return Indicator(
            level1,
            spec.level2,
            level1_raw,
            level2_raw,
            spec.name,
            spec.desc,
            spec.basis,
            "",
            (sign, value, unit),
            target,
            direction=direction,
        )
    raw, target = text_target(rng, spec.family, year, budget_yuan, yuan)
    return Indicator(
        level1,
        spec.level2,
        level1_raw,
        level2_raw,
        spec.name,
        spec.desc,
        spec.basis,
        raw,
        None,
        target,
    )


def _weights(rng: random.Random, indicators: list[Indicator]) -> None:
    """Weights summing to 100 (a few projects, like real ones, do not add up)."""
    n = len(indicators)
    base, extra = divmod(100, n)
    weights = [base + (1 if i < extra else 0) for i in range(n)]
    if n > 1 and rng.random() < 0.5:  # shift some weight around, keeping the sum
        i, j = rng.sample(range(n), 2)
        moved = min(weights[j] - 1, rng.randint(1, 5))
        weights[i] += moved
        weights[j] -= moved
    if rng.random() < 0.05:
        weights[0] = max(1, weights[0] - 5)
    for ind, weight in zip(indicators, weights, strict=True):
        ind.weight = weight


def _unit_indicators(rng: random.Random, year: int) -> list[Indicator]:
    """The 部门整体支出绩效指标 table of the goals-only layout (seed 003)."""
    out = []
    for level2, short in vocab.UNIT_LEVEL2.items():
        name, desc, family = rng.choice(vocab.INDICATORS[level2])
        sign, value, unit, target = split_target(rng, family, year, 1_000_000, True)
        level1 = vocab.LEVEL1_OF[level2]
        level1_raw = {"产出指标": "部门产出", "效益指标": "部门效果"}.get(level1, "满意度")
        out.append(
            Indicator(
                level1,
                level2,
                level1_raw,
                short,
                name,
                desc,
                "计划标准",
                "",
                (sign, value, unit),
                target,
            )
        )
    return out
