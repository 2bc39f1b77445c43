"""The two per-project form layouts: the form of seeds 000/001/004 and the text-budget
form of seed 002."""

from __future__ import annotations

import random

from synth import prose
from synth.lines import Lines, wan2, wan_short, yuan2
from synth.model import Document, Indicator, Project, known

HEADER = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
ALL_LEVEL2 = (
    ("产出指标", ("数量指标", "质量指标", "时效指标", "成本指标")),
    ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
    ("满意度指标", ("服务对象满意度指标",)),
)


def _indicator_rows(
    w: Lines,
    indicators: list[Indicator],
    *,
    merge_level2: bool,
    placeholders: bool,
    text_budget: bool,
) -> None:
    """Indicator rows; 一级指标 only on the first row of its group (a merged cell)."""
    by_level2: dict[str, list[Indicator]] = {}
    for ind in indicators:
        by_level2.setdefault(ind.level2, []).append(ind)
    for level1, level2s in ALL_LEVEL2:
        l1_raw = "效果指标" if text_budget and level1 == "效益指标" else level1
        first_in_group = True
        for level2 in level2s:
            rows = by_level2.get(level2, [])
            if not rows:
                if placeholders and level1 != "满意度指标":
                    w.row((l1_raw if first_in_group else "", level2, "", "", "", ""))
                    first_in_group = False
                continue
            for j, ind in enumerate(rows):
                l2 = "" if merge_level2 and j > 0 else w.noisy(ind.level2_raw)
                w.row(
                    (
                        ind.level1_raw if first_in_group else "",
                        l2,
                        ind.name,
                        w.noisy(ind.desc),
                        ind.raw,
                        w.noisy(ind.basis),
                    )
                )
                first_in_group = False


def _money(doc: Document, fen: int | None, empty: str = "") -> str:
    if fen is None:
        return empty
    if fen == 0:
        return "0"
    return yuan2(fen) if doc.yuan else wan2(fen)


def _goals(doc: Document, project: Project, sep: str) -> str:
    return "\n".join(f"{i}{sep}{g}" for i, g in enumerate(project.goals, start=1))


def render_form(doc: Document, w: Lines) -> None:
    rng = doc.rng
    field_codes = rng.random() < 0.3
    pct_style = rng.choice(("{}.00%", "{}%"))
    fiscal_label = "其中：财政    资金" if rng.random() < 0.2 else "其中：财政资金"
    merge_level2 = rng.random() < 0.1
    gsep = rng.choice((".", "、"))
    w.para(" 第一部分", rng.choice(("部门整体绩效目标", f"{doc.year}年部门整体绩效目标")), " ")
    w.para(*prose.sections(rng, doc, "field" if field_codes else "toc"))
    w.para(" 第二部分", " ", "预算项目绩效目标", " ", "")
    unit_line = f"{doc.unit_code}{doc.unit_name}"
    money_unit = "单位：元" if doc.yuan else "单位：万元"
    for p in doc.projects:
        title = f"{p.seq}{gsep}{p.name}绩效目标表"
        w.para(f"{title} TC {title} \\f C \\l 1 " if field_codes else prose.toc(rng) + title)
        w.row((unit_line, money_unit))
        w.row(("项目编码", p.code or "", "项目名称", w.noisy(p.name)))
        other_empty = rng.choice(("", " "))
        w.row(
            (
                "预算规模及资金用途",
                "预算数",
                _money(doc, p.total_fen),
                fiscal_label,
                _money(doc, p.fiscal_fen),
                "其他资金",
                _money(doc, p.other_fen, other_empty),
            )
        )
        w.row(("", p.purpose))
        w.row(("资金支出计划（%）", "3月底", "6月底", "10月底", "12月底"))
        plan = [pct_style.format(v) for v in p.plan] if p.plan else ["", "", "", ""]
        w.row(("", *plan))
        w.row(("绩效目标", _goals(doc, p, gsep)))
        w.blank()
        if rng.random() < 0.5:
            w.para(" ")
        w.row(HEADER)
        start = len(w.out)
        _indicator_rows(
            w,
            p.indicators,
            merge_level2=merge_level2,
            placeholders=rng.random() < 0.05,
            text_budget=False,
        )
        w.spans.append((start, len(w.out)))
        w.blank(2)


def _budget_sentence(rng: random.Random, p: Project) -> str:
    total = wan_short(known(p.total_fen, "text_budget total"))
    fiscal = wan_short(known(p.fiscal_fen, "text_budget fiscal funds"))
    if p.other_fen:
        funds = f"其中：财政资金{fiscal}万元，其他资金{wan_short(p.other_fen)}万元。"
    else:
        source = "政府性基金" if rng.random() < 0.05 else "财政资金"
        funds = f"其中：{source}{fiscal}万元。"
    return f"预算数{total}万元。{funds}主要{p.purpose}。"


def render_text_budget(doc: Document, w: Lines) -> None:
    rng = doc.rng
    town = doc.township
    heading = (
        f"{town.name}{doc.year}年部门整体绩效目标"
        if rng.random() < 0.5
        else f"{doc.year}年部门整体绩效目标"
    )
    w.para(" 第一部分", "", heading, "")
    for line in prose.sections(rng, doc, "plain"):
        w.para(line, "")
    w.para("第二部分", "", "预算项目绩效目标", "")
    for p in doc.projects:
        numbered = p.seq > 1 or rng.random() < 0.5
        w.para((f"{p.seq}.  " if numbered else "") + f"{p.name}项目绩效目标表", "")
        w.row(("项目绩效目标指标表",))
        w.row(("项目编码", "", "项目名称", w.noisy(p.name)))
        w.row(("项目资金主要用途", _budget_sentence(rng, p)))
        w.row(("资金支出计划", "第一季度", "第二季度", "第三季度", "第四季度"))
        w.row(("", *(f"{v}%" for v in p.plan or (25, 50, 75, 100))))
        goals = "\n".join(f"目标{i}：{g}" for i, g in enumerate(p.goals, start=1))
        w.row(("绩效目标", "\n" + goals))
        w.row(("", ""))
        w.row(HEADER)
        start = len(w.out)
        _indicator_rows(w, p.indicators, merge_level2=False, placeholders=True, text_budget=True)
        w.spans.append((start, len(w.out)))
        w.blank()
