"""The flat 申报表 layout (budget-system exports): one table, one row per indicator.

Header: 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | 二级指标 | 三级指标 | 指标性质 |
指标值 | 度量单位 | 权重 | 指标方向性. The first four columns are filled only on a project's
first row; a department total row (`820-某某镇部门`) comes before the projects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from etl.blocks import Block, Paragraph, Row
from etl.layouts.indicators import IndicatorTable, columns_from_header
from etl.layouts.project_fields import split_goals
from etl.money import SCALES, parse_amount, scale_from_line, to_yuan
from etl.normalize import clean_cell, clean_long, key

_FLAT_REQUIRED = {"单位名称", "项目名称", "一级指标", "三级指标", "指标值"}
_UNIT_CELL = re.compile(r"^\s*(\d{3,12})\s*[-－—]\s*(\S.*?)\s*$")
_DEPARTMENT = re.compile(r"部门\s*$")


def is_flat_header(row: Row) -> bool:
    if not any("单位名称" in cell for cell in row.cells):
        return False
    return {key(cell) for cell in row.cells} >= _FLAT_REQUIRED


@dataclass(slots=True)
class FlatResult:
    projects: list[dict]
    unit_code: str | None
    unit_name: str | None
    department_total_yuan: int | float | None
    warnings: list[dict] = field(default_factory=list)
    truncated: bool = False


def parse_flat(blocks: list[Block], fiscal_year: int | None) -> FlatResult:
    """Group indicator rows into projects by the filled 项目名称 cell."""
    scale = SCALES["元"]
    header_index = next(i for i, b in enumerate(blocks) if isinstance(b, Row) and is_flat_header(b))
    for block in blocks[:header_index]:
        text = block.text if isinstance(block, Paragraph) else " ".join(block.cells)
        scale = scale_from_line(text) or scale
    header = blocks[header_index]
    assert isinstance(header, Row)
    labels = [key(cell) for cell in header.cells]
    col = {label: labels.index(label) for label in labels}
    table = IndicatorTable(columns_from_header(header))
    result = FlatResult([], None, None, None)
    current: dict | None = None
    last_row: Row | None = None
    for block in blocks[header_index + 1 :]:
        if not isinstance(block, Row):
            continue
        if is_flat_header(block):
            continue  # the header repeated on a second sheet or page
        last_row = block
        unit_cell = clean_cell(block.cell(col["单位名称"]))
        project_cell = clean_cell(block.cell(col["项目名称"]))
        budget_cell = block.cell(col["预算数"]) if "预算数" in col else ""
        if unit_cell:
            match = _UNIT_CELL.match(unit_cell)
            code, name = (match.group(1), match.group(2)) if match else (None, unit_cell)
            if not project_cell and _DEPARTMENT.search(name):
                result.department_total_yuan = to_yuan(parse_amount(budget_cell), scale)
                continue
            if result.unit_name is None:
                result.unit_code, result.unit_name = code, name
        if project_cell:
            total = to_yuan(parse_amount(budget_cell), scale)
            current = {
                "seq": len(result.projects) + 1,
                "code": None,
                "name": project_cell,
                "budget": {"total_yuan": total, "fiscal_yuan": None, "other_yuan": None},
                "purpose": None,
                "spend_plan_pct": None,
                "goals": split_goals(clean_long(block.cell(col["年度目标"])))
                if "年度目标" in col
                else [],
                "indicators": [],
                "source_line": block.line,
            }
            result.projects.append(current)
            table.level1_raw = table.level2_raw = ""
        if current is None:
            continue
        indicator, warning = table.take(block, fiscal_year)
        if warning:
            result.warnings.append(
                {
                    "code": "target_unparsed",
                    "message": warning,
                    "line": block.line,
                    "project": current["name"],
                }
            )
        if indicator is not None:
            current["indicators"].append(indicator)
    target_column = table.columns.value if table.columns.value is not None else table.columns.target
    if (
        last_row is not None
        and result.projects
        and target_column is not None
        and len(last_row.cells) <= target_column
    ):
        result.truncated = True
        result.projects.pop()
    return result


def department_total_mismatch(result: FlatResult) -> tuple[Decimal, Decimal] | None:
    """(printed total, sum of projects) when the department row disagrees with its projects."""
    if result.department_total_yuan is None:
        return None
    printed = Decimal(str(result.department_total_yuan))
    summed = sum(
        (Decimal(str(p["budget"]["total_yuan"] or 0)) for p in result.projects), Decimal(0)
    )
    return None if printed == summed else (printed, summed)
