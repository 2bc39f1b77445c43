"""Text exports of the newer layout families (synth/families.py says what each holds).

Each renderer reproduces its family's structure as the fixtures in tests/fixtures/families
do: label pairs in one row, group labels over several rows, banner cells, spaces inside
labels, template placeholders in names, review rows under the table.
"""

from __future__ import annotations

from synth import prose
from synth.lines import Lines, wan_short
from synth.model import Document, Indicator, Project, known

PLACEHOLDER_SHARE = 0.15  # F2 names printed with a template placeholder such as (≥**个)
REVIEW_ROWS = ("财政部门业务股室初审意见", "财政部门绩效管理股审核意见", "乡村振兴部门审核意见")
PHONE_AREA = ("0311", "0731", "023", "0591", "027", "0459")


def _wan(fen: int | None) -> str:
    return "" if fen is None else ("0" if fen == 0 else wan_short(fen))


def _level1_cells(indicators: list[Indicator]) -> list[str]:
    """Level 1 printed on the first row of its group only (a merged cell)."""
    out, previous = [], None
    for ind in indicators:
        out.append(ind.level1_raw if ind.level1_raw != previous else "")
        previous = ind.level1_raw
    return out


def _goals(project: Project) -> str:
    return "；".join(project.goals)


def render_f2_apply(doc: Document, w: Lines) -> None:
    """F2 扶贫/衔接 申报表: one form per project, review rows under each table."""
    rng, town = doc.rng, doc.township
    unit_name = known(doc.unit_name, "f2_apply unit name")
    for p in doc.projects:
        w.para(f"{doc.year}年{town.county}{p.name}绩效目标申报表", "绩效目标申报表", "")
        phone = f"{rng.choice(PHONE_AREA)}-{rng.randint(5_000_000, 8_999_999)}"
        w.row(("项目名称", w.noisy(p.name), "项目负责人及电话", phone))
        w.row(
            (
                "主管部门",
                unit_name,
                "实施单位",
                f"[{doc.unit_code}]{town.name}农业综合服务中心",
            )
        )
        w.row(("资金情况(万元)", "年度资金总额:", _wan(p.total_fen)))
        w.row(("", "其中:财政拨款", _wan(p.fiscal_fen)))
        w.row(("", "其他资金", _wan(p.other_fen)))
        w.row(("总体目标", "年度目标", "年度总体目标完成情况"))
        w.row(("", _goals(p), ""))
        w.row(("绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "备注"))
        start = len(w.out)
        for level1, ind in zip(_level1_cells(p.indicators), p.indicators, strict=True):
            name = ind.name
            if ind.target["kind"] == "number" and rng.random() < PLACEHOLDER_SHARE:
                name = f"{name}(≥**{ind.target['unit'] or '个'})"
            w.row(("", level1, w.noisy(ind.level2_raw), name, ind.raw, ""))
        w.spans.append((start, len(w.out)))
        for label in REVIEW_ROWS[: rng.randint(1, 3)]:
            w.row((label, "(盖章)\n年  月  日"))
        w.blank()


def render_f3_unit(doc: Document, w: Lines) -> None:
    """F3 部门整体: label rows with * markers, 指标值类型 and 计量单位 columns."""
    rng, town = doc.rng, doc.township
    unit_name = known(doc.unit_name, "f3_unit unit name")
    w.para(f"{unit_name}{doc.year}年度整体绩效目标表", "")
    w.row(("部门(单位)名称", unit_name))
    w.row(("*部门(单位)职责", prose.sentences(rng, doc, 2)))
    w.row(("*年度总体绩效目标", f"{doc.year}年{town.name}各项工作稳步推进，民生保障水平持续提高。"))
    w.row(("绩效指标",))
    w.row(
        (
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值类型",
            "*指标值",
            "计量单位",
            "*指标解释",
            "*评(扣)分标准",
            "备注",
        )
    )
    start = len(w.out)
    indicators = doc.unit_indicators
    for level1, ind in zip(_level1_cells(indicators), indicators, strict=True):
        value_type, value, unit = known(ind.split, "f3_unit indicator cells")
        w.row(
            (
                level1,
                ind.level2_raw,
                ind.name,
                value_type,
                value,
                unit,
                w.noisy(ind.desc),
                "未达指标值酌情扣分",
                "",
            )
        )
    w.spans.append((start, len(w.out)))
    w.blank()


def render_f4_places(doc: Document, w: Lines) -> None:
    """F4: a county department's fund, one target column per township."""
    unit_name = known(doc.unit_name, "f4_places unit name")
    for p in doc.projects:
        places: list[str] = []
        for ind in p.indicators:
            place = known(ind.place, "f4_places indicator place")
            if place not in places:
                places.append(place)
        w.para(f"{doc.year}年{p.name}专项资金绩效目标表", "")
        w.row(("项目名称", w.noisy(p.name), "主管部门(单位)名称", unit_name))
        w.row(
            (
                "资金情况(万元)",
                "资金总额",
                _wan(p.total_fen),
                "其中:财政拨款",
                _wan(p.fiscal_fen),
                "其他资金",
                _wan(p.other_fen),
            )
        )
        w.row(("总 体 目 标", _goals(p)))
        w.row(("绩效 指标", "一级指标", "二级指标", "三级指标", "指 标 解 释", *places))
        start = len(w.out)
        rows = [p.indicators[i : i + len(places)] for i in range(0, len(p.indicators), len(places))]
        level1s = _level1_cells([row[0] for row in rows])
        for level1, row in zip(level1s, rows, strict=True):
            first = row[0]
            w.row(
                (
                    "",
                    level1,
                    w.noisy(first.level2_raw),
                    first.name,
                    w.noisy(first.desc),
                    *(ind.raw for ind in row),
                )
            )
        w.spans.append((start, len(w.out)))
        w.blank()


def render_f7_halves(doc: Document, w: Lines) -> None:
    """F7: long-term and annual halves side by side; money 万元 inline, 当年 = the year."""
    rng = doc.rng
    unit_name = known(doc.unit_name, "f7_halves unit name")
    years = doc.budget_note.get("years", 1)
    for p in doc.projects:
        title_year = f"({doc.year}年度)" if rng.random() < 0.7 else f"{doc.year}年度)"
        w.para("项目支出绩效目标表", title_year, "")
        w.row(("项目名称", w.noisy(p.name)))
        w.row(("主管部门 及编码", f"[{doc.unit_code}]{unit_name}"))
        w.row(("实施单位", unit_name))
        w.row(
            (
                "项目资金",
                "资金总额",
                f"{_wan(p.total_fen * years)}万元",
                "当年资金总额:",
                f"{_wan(p.total_fen)}万元",
            )
        )
        w.row(
            (
                "",
                "其中:财政拨款",
                f"{_wan(p.fiscal_fen * years)}万元",
                "其中:当年财政拨款",
                f"{_wan(p.fiscal_fen)}万元",
            )
        )
        w.row(
            (
                "",
                "其他资金",
                f"{_wan(p.other_fen * years)}万元",
                "当年其他资金",
                f"{_wan(p.other_fen)}万元",
            )
        )
        w.row(("总体目标", "中期目标", "年度目标"))
        w.row(("", "实施期内持续巩固项目成效，群众获得感明显增强。", _goals(p)))
        w.para("绩效项目指标表", "")
        w.row(
            (
                "一级指标",
                "二级指标(长期)",
                "三级指标(长期)",
                "指标值(长期)",
                "二级指标(年度)",
                "三级指标(年度)",
                "指标值(年度)",
            )
        )
        start = len(w.out)
        pending: Indicator | None = None
        for ind in p.indicators:
            if ind.horizon == "long_term":
                pending = ind
                continue
            long_name, long_raw = (pending.name, pending.raw) if pending else ("", "")
            pending = None
            level2 = w.noisy(ind.level2_raw)
            w.row((ind.level1_raw, level2, long_name, long_raw, level2, ind.name, ind.raw))
        w.spans.append((start, len(w.out)))
        w.blank()
