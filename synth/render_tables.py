"""The goals-only layout of seed 003 and the flat 申报表 of the 一体化 system exports."""

from __future__ import annotations

from synth import prose, vocab
from synth.lines import Lines, yuan2
from synth.model import Document, Indicator, known
from synth.render_forms import HEADER, _indicator_rows

FLAT_HEADER = (
    "单位名称",
    "项目名称",
    "预算数",
    "年度目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "权重",
    "指标方向性",
)


def _unit_table(w: Lines, indicators: list[Indicator], satisfaction_merged: bool) -> None:
    w.para("", "（四）部门整体支出绩效指标")
    w.row(
        (
            "一级指标",
            "二级\n指标",
            "三级\n指标",
            "评（扣）分标准",
            "绩效指标\n描述",
            "指标值",
            "指标值\n确定依据",
        )
    )
    w.row(("", "", "", "", "", "符号", "值", "单位", ""))
    previous = ""
    for ind in indicators:
        level1 = ind.level1_raw
        shown = "" if level1 == previous or (level1 == "满意度" and satisfaction_merged) else level1
        previous = level1
        sign, value, unit = known(ind.split, "unit indicator cells")
        w.row(
            (
                shown,
                ind.level2_raw,
                ind.name,
                "按照计划比率评定",
                w.noisy(ind.desc),
                sign,
                value,
                unit,
                ind.basis,
            )
        )
    w.blank(2)


def render_goals_only(doc: Document, w: Lines) -> None:
    rng = doc.rng
    town = doc.township
    unit = known(doc.unit_name, "goals_only unit name")
    field = f"{{ TC {rng.randint(1, 3)}、{rng.choice(vocab.PROJECTS)[0]}绩效目标表 \\f C \\l 1 }}"
    w.para(
        "",
        f"{town.county}{town.name}{doc.year}年部门预算信息公开情况说明",
        "",
        "按照《预算法》、《地方预决算公开操作规程》的规定，现将本部门预算公开如下。",
        "一、部门职责及机构设置情况",
        "部门职责：",
        prose.sentences(rng, doc, 2),
    )
    if rng.random() < 0.5:
        w.para("机构设置：", "部门机构设置情况")
        w.row(("单位名称", "单位性质", "单位规格", "经费保障形式"))
        w.row(("", "", "", ""))
        w.row((unit, "行政单位", "正科级", "财政拨款（行政）"))
        w.blank()
    w.para(unit, f"{doc.year}年部门预算绩效文本")
    w.para(*prose.sections(rng, doc, "braces"))
    _unit_table(w, doc.unit_indicators, rng.random() < 0.5)
    w.para("第二部分 资金绩效目标")
    for p in doc.projects:
        w.para(f"{prose.toc(rng)}{p.seq}.{p.name}绩效目标表{field}", "")
        goals = "\n".join(f"{i}.{g}" for i, g in enumerate(p.goals, start=1))
        w.row(("绩效目标", goals))
        w.row(HEADER)
        start = len(w.out)
        _indicator_rows(w, p.indicators, merge_level2=False, placeholders=False, text_budget=True)
        w.spans.append((start, len(w.out)))
        w.blank(1 if rng.random() < 0.7 else 3)
    w.para("八、名词解释", *vocab.GLOSSARY)


def render_flat(doc: Document, w: Lines) -> None:
    rng = doc.rng
    town = doc.township
    w.para(f"{town.county}{town.name}({doc.year}年度)项目支出绩效目标申报表", "金额单位:元")
    w.row(FLAT_HEADER)
    total = sum(known(p.total_fen, "flat_table total") for p in doc.projects)
    unit_code = known(doc.unit_code, "flat_table unit code")
    w.row((f"{unit_code[:3]}-{town.name}部门", "", yuan2(total, True), *[""] * 9))
    unit_cell = f"{doc.unit_code}-{doc.unit_name}"
    for p in doc.projects:
        start = len(w.out)
        goal = (
            "；".join(p.goals)
            if rng.random() < 0.7
            else "\n".join(f"{i}.{g}" for i, g in enumerate(p.goals, start=1))
        )
        previous_level1 = ""
        for j, ind in enumerate(p.indicators):
            head = (
                (
                    unit_cell,
                    w.noisy(p.name),
                    yuan2(known(p.total_fen, "flat_table total"), True),
                    goal,
                )
                if j == 0
                else ("",) * 4
            )
            level1 = ind.level1_raw if ind.level1_raw != previous_level1 else ""
            previous_level1 = ind.level1_raw
            sign, value, unit = known(ind.split, "flat_table indicator cells")
            w.row(
                (
                    *head,
                    level1,
                    w.noisy(ind.level2_raw),
                    ind.name,
                    sign,
                    value,
                    unit,
                    str(ind.weight),
                    "反向指标" if ind.direction == "negative" else "正向指标",
                )
            )
        w.spans.append((start, len(w.out)))
        if rng.random() < 0.03:
            w.row(("",) * 12)
    w.blank()
