"""Document-level facts: fiscal year, the unit's own name, the overall goal."""

from __future__ import annotations

import re
from collections import Counter

from etl.blocks import Block, Paragraph, Row
from etl.han import HAN
from etl.normalize import clean_cell, key, strip_field_codes

_STRONG_YEAR = re.compile(
    r"(20\d{2})\s*年(?:度)?(?:部门|单位|预算|项目|整体|绩效|支出|工作目标|工作计划)"
)
_YEAR_DEGREE = re.compile(r"[(（]?(20\d{2})\s*年度[)）]?")
_SPACED_YEAR = re.compile(r"(?:^|[(（])(20\d{2})[)）]?年度(?![\d)）]*[-—至到])")
_GOAL_TITLE = re.compile(r"[绩績]效目[标標](?:申[报報]|批复|批復)?表$")
_TITLE_YEAR = re.compile(r"(?<![\d-])(20\d{2})年(?![\d-])")
_ANY_YEAR = re.compile(r"(?<![\d-])(20\d{2})\s*年(?![\d-])")
_UNIT_NAME = re.compile(
    rf"^[{HAN}（）()]{{2,40}}?(?:人民政府|管理委员会|管委会|街道办事处|办事处|党委|镇政府|乡政府)(?:本级)?$"
)
_OVERALL_HEADING = ("总体绩效目标",)
_NEXT_HEADINGS = ("分项绩效目标", "工作保障措施", "部门整体支出绩效指标", "预算项目绩效目标")


def detect_fiscal_year(blocks: list[Block]) -> tuple[int | None, bool]:
    """The budget year: headings such as `2021年部门整体绩效目标` or `(2023年度)` win; else
    the year most often written as `20xx年` in the running text (ranges like 2020-2021 skipped).
    Returns (year, certain): uncertain when only the running text suggested it."""
    strong: Counter[int] = Counter()
    weak: Counter[int] = Counter()
    for block in blocks:
        if not isinstance(block, Paragraph):
            continue
        if "年" not in block.text:
            continue
        text = strip_field_codes(block.text)
        if len(text) <= 120:
            folded = key(text)  # `(20 17 年度)`, `( 2019 年度)`, `(2020)年度`
            for match in _SPACED_YEAR.finditer(folded):
                strong[int(match.group(1))] += 1
            if _GOAL_TITLE.search(folded):  # `2023年县级…资金绩效目标表`
                for match in _TITLE_YEAR.finditer(folded):
                    strong[int(match.group(1))] += 1
        for match in _STRONG_YEAR.finditer(text):
            strong[int(match.group(1))] += 1
        for match in _YEAR_DEGREE.finditer(text):
            strong[int(match.group(1))] += 1
        for match in _ANY_YEAR.finditer(text):
            weak[int(match.group(1))] += 1
    for counter, certain in ((strong, True), (weak, False)):
        if counter:
            best = max(counter.values())
            return max(year for year, count in counter.items() if count == best), certain
    return None, False


def detect_unit_name(blocks: list[Block]) -> str | None:
    """A unit without a unit line (seed 003) names itself in a short heading paragraph or in a
    `单位名称` table."""
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            text = clean_cell(strip_field_codes(block.text))
            if _UNIT_NAME.match(text):
                return text
        elif isinstance(block, Row) and key(block.cell(0)) == "单位名称":
            for later in blocks[index + 1 : index + 4]:
                if isinstance(later, Row):
                    candidate = clean_cell(later.cell(0))
                    if _UNIT_NAME.match(candidate):
                        return candidate
    return None


def overall_goal(blocks: list[Block]) -> str | None:
    """Text under the first 总体绩效目标 heading up to the next section heading."""
    collecting = False
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Row):
            if collecting and lines:
                break
            continue
        text = strip_field_codes(block.text).strip()
        folded = key(text)
        if not collecting:
            if any(heading in folded for heading in _OVERALL_HEADING) and len(folded) <= 20:
                collecting = True
            continue
        if any(heading in folded for heading in _NEXT_HEADINGS) and len(folded) <= 30:
            break
        if text:
            lines.append(text)
    return "\n".join(lines) or None


def document_text(blocks: list[Block]) -> str:
    """All paragraph text plus short cells: what geography and year detection search."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(block.text)
        else:
            parts.extend(cell for cell in block.cells if len(cell) < 200)
    return "\n".join(parts)
