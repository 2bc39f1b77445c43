"""Content of the documents in the newer layout families (docs/fixtures.md, LAYOUTS.md C2).

- ``f2_apply``: the 扶贫/衔接 申报表 (F2), one form per project, money under 资金情况(万元);
- ``f3_unit``: the 部门整体 table (F3) with 指标值类型 and 计量单位 columns, no projects;
- ``f4_places``: a county department's fund with one value column per township (F4);
- ``f7_halves``: long-term and annual indicator halves side by side (F7).

Built from the same township portfolio and target families as the four older layouts, but
from a generator of their own, so adding these families leaves the older documents of a
seed byte-identical.
"""

from __future__ import annotations

import random
from functools import lru_cache

from synth import vocab
from synth.model import (
    Document,
    Indicator,
    IndicatorSpec,
    Portfolio,
    Project,
    _indicator_specs,
    _project,
)
from synth.places import Township, load_townships
from synth.targets import split_target, text_target

FAMILY_LAYOUTS = ("f2_apply", "f3_unit", "f4_places", "f7_halves")
COUNTY_LAYOUTS = ("f4_places",)  # the unit is a county department, not the township
DEPARTMENTS = ("乡村振兴服务中心", "农村供水服务中心", "农业技术推广站", "水利工程管理站")


@lru_cache(maxsize=1)
def _by_county() -> dict[str, tuple[Township, ...]]:
    out: dict[str, list[Township]] = {}
    for town in load_townships():
        out.setdefault(town.county_code, []).append(town)
    return {code: tuple(towns) for code, towns in out.items()}


def county_places(rng: random.Random, town: Township) -> list[str]:
    """Two to four townships of the county (the document's own one among them if drawn)."""
    towns = _by_county().get(town.county_code) or (town,)
    count = min(len(towns), rng.randint(2, 4))
    picked = sorted(rng.sample(range(len(towns)), count))
    return [towns[i].name for i in picked]


def build_family_document(
    seed: int, seq: int, town: Township, year: int, layout: str, pf: Portfolio
) -> Document:
    """Decide every value of one document of a newer family."""
    rng = random.Random(f"{seed}/f/{seq}")
    active = [p for p in pf.projects if p.start <= year <= p.end] or pf.projects[:1]
    unit_name = f"{town.county}{town.name}人民政府"
    doc = Document(seq, town, year, layout, None, unit_name, False, [], rng=rng)
    if layout == "f3_unit":
        doc.unit_indicators = _unit_indicators(rng, year)
        return doc
    active = active[: rng.randint(1, 3 if layout == "f2_apply" else 2)]
    for i, tpl in enumerate(active, start=1):
        project = _project(rng, tpl, i, year, layout, False)
        project.code = None  # these forms print no 项目编码
        project.plan = None
        doc.projects.append(project)
    if layout == "f2_apply":
        doc.unit_code = f"{pf.prefix}001"
    elif layout == "f4_places":
        doc.unit_kind = "county_department"
        doc.unit_name = f"{town.county}{rng.choice(DEPARTMENTS)}"
        places = county_places(rng, town)
        for project in doc.projects:
            project.indicators = _per_place(rng, project, places, year)
    elif layout == "f7_halves":
        doc.unit_code = f"{pf.prefix}001"
        doc.budget_note["years"] = rng.choice((1, 2, 3, 3))
        for project in doc.projects:
            project.indicators = _halves(rng, project, year)
    return doc


def _per_place(
    rng: random.Random, project: Project, places: list[str], year: int
) -> list[Indicator]:
    """One indicator per (row, place), row by row, places left to right."""
    out = []
    budget_yuan = (project.total_fen or 0) // 100 or 1_000_000
    for ind in project.indicators:
        family = _family_of(ind)
        for place in places:
            raw, target = text_target(rng, family, year, budget_yuan, False)
            out.append(_copy(ind, raw, target, place=place))
    return out


def _halves(rng: random.Random, project: Project, year: int) -> list[Indicator]:
    """Each annual indicator, preceded on about half the rows by a long-term one."""
    out = []
    budget_yuan = (project.total_fen or 0) // 100 or 1_000_000
    for ind in project.indicators:
        if rng.random() < 0.5:
            raw, target = text_target(rng, _family_of(ind), year, budget_yuan * 3, False)
            out.append(_copy(ind, raw, target, horizon="long_term", name=f"实施期{ind.name}"))
        out.append(ind)
    return out


def _family_of(ind: Indicator) -> tuple:
    for name, _, family in vocab.INDICATORS[ind.level2]:
        if name == ind.name:
            return family
    return ("qual", ("按计划完成",))


def _copy(ind: Indicator, raw: str, target: dict, **changes) -> Indicator:
    fields = {slot: getattr(ind, slot) for slot in Indicator.__slots__}
    fields.update(raw=raw, target=target, split=None, **changes)
    return Indicator(**fields)


def _unit_indicators(rng: random.Random, year: int) -> list[Indicator]:
    """The 部门整体 table: value and unit in their own columns, 定量/定性 in another."""
    out = []
    for spec in _indicator_specs(rng):
        out.append(_unit_indicator(rng, spec, year))
    return out


def _unit_indicator(rng: random.Random, spec: IndicatorSpec, year: int) -> Indicator:
    level1 = vocab.LEVEL1_OF[spec.level2]
    if spec.family[0] == "deadline":
        raw, target = text_target(rng, spec.family, year, 1_000_000, False)
        split = ("定性" if target["kind"] == "qualitative" else "定量", raw, "")
    else:
        sign, value, unit, target = split_target(rng, spec.family, year, 1_000_000, False)
        if sign == "定性":
            split = ("定性", value, "")
        else:
            split = ("定量", value if sign == "=" else f"{sign}{value}", unit)
            if sign == "=":
                target = {**target, "explicit": False}
    return Indicator(
        level1,
        spec.level2,
        level1,
        spec.level2,
        spec.name,
        spec.desc,
        spec.basis,
        "",
        split,
        target,
    )
