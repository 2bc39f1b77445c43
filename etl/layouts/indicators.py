"""Indicator tables: header recognition, column mapping, forward-fill of merged cells and
turning one row into a contract INDICATOR."""

from __future__ import annotations

from dataclasses import dataclass

from etl.blocks import Row
from etl.normalize import clean_cell, clean_long, key
from etl.targets import parse_sign_value_unit, parse_target
from etl.taxonomy import resolve_levels

_HEADER_LABELS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标",),
    "description": ("绩效指标描述", "指标描述", "指标内容", "指标解释"),
    "target": ("指标值", "目标值", "指标值(目标值)", "年度指标值"),
    "basis": ("指标值确定依据", "确定依据", "指标值设定依据"),
    "nature": ("指标性质",),
    "unit": ("度量单位", "计量单位"),
    "weight": ("权重", "分值", "权重(%)"),
    "direction": ("指标方向性", "指标方向"),
}
_LABEL_TO_FIELD = {
    key(label): field for field, labels in _HEADER_LABELS.items() for label in labels
}


@dataclass(slots=True)
class IndicatorColumns:
    """Where each field sits in the rows of one indicator table."""

    level1: int
    level2: int
    name: int
    description: int | None = None
    target: int | None = None
    basis: int | None = None
    sign: int | None = None  # split 指标值: 符号 / 值 / 单位 columns
    value: int | None = None
    unit: int | None = None
    weight: int | None = None
    direction: int | None = None

    @property
    def split_target(self) -> bool:
        return self.sign is not None and self.value is not None


def is_indicator_header(row: Row) -> bool:
    """A header row names at least the three levels and a target column."""
    if not any("三级" in cell for cell in row.cells):
        return False
    keys = {key(cell) for cell in row.cells}
    return {"一级指标", "三级指标"} <= keys and bool(
        keys & {key(t) for t in _HEADER_LABELS["target"]}
    )


def columns_from_header(row: Row) -> IndicatorColumns:
    """Map header labels to positions (layouts order the columns differently)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row.cells):
        field = _LABEL_TO_FIELD.get(key(cell))
        if field and field not in found:
            found[field] = index
    columns = IndicatorColumns(
        level1=found["level1"],
        level2=found.get("level2", found["level1"] + 1),
        name=found["name"],
        description=found.get("description"),
        target=found.get("target"),
        basis=found.get("basis"),
        weight=found.get("weight"),
        direction=found.get("direction"),
    )
    if "nature" in found:  # flat 申报表: 指标性质 holds the sign, 度量单位 the unit
        columns.sign, columns.value, columns.unit = (
            found["nature"],
            found.get("target"),
            found.get("unit"),
        )
    return columns


def apply_subheader(columns: IndicatorColumns, header: Row, sub: Row) -> IndicatorColumns | None:
    """Seed 003's unit table splits 指标值 into 符号/值/单位 on a second header row: the data
    rows then have two more cells than the first header. Returns remapped columns or None."""
    keys = [key(cell) for cell in sub.cells]
    if "符号" not in keys or "值" not in keys:
        return None
    sign = keys.index("符号")
    value = keys.index("值")
    unit = keys.index("单位") if "单位" in keys else None
    extra = len(sub.cells) - len(header.cells)
    columns.sign, columns.value, columns.unit = sign, value, unit
    columns.target = None
    if columns.basis is not None:
        columns.basis = columns.basis + max(extra, 0)
    if columns.description is not None and columns.description >= sign:
        columns.description = sign - 1
    return columns


def is_subheader(row: Row) -> bool:
    if not any("符号" in cell for cell in row.cells):
        return False
    keys = {key(cell) for cell in row.cells}
    return "符号" in keys and "值" in keys


def _number(text: str) -> float | None:
    try:
        return float(key(text).rstrip("%"))
    except ValueError:
        return None


def _direction(text: str) -> str | None:
    folded = key(text)
    if folded.startswith("正向"):
        return "positive"
    if folded.startswith("反向"):
        return "negative"
    return None


class IndicatorTable:
    """Consumes the data rows of one indicator table, forward-filling merged level cells."""

    def __init__(self, columns: IndicatorColumns) -> None:
        self.columns = columns
        self.level1_raw = ""
        self.level2_raw = ""

    def expected_cells(self) -> int:
        c = self.columns
        return 1 + max(
            i
            for i in (
                c.level1,
                c.level2,
                c.name,
                c.description,
                c.target,
                c.basis,
                c.sign,
                c.value,
                c.unit,
                c.weight,
                c.direction,
            )
            if i is not None
        )

    def take(self, row: Row, fiscal_year: int | None) -> tuple[dict | None, str | None]:
        """(indicator or None for a placeholder row, warning message or None)."""
        c = self.columns
        level1_cell = clean_cell(row.cell(c.level1))
        level2_cell = clean_cell(row.cell(c.level2))
        if level1_cell:
            self.level1_raw = level1_cell
            self.level2_raw = ""
        if level2_cell:
            self.level2_raw = level2_cell
        name = clean_cell(row.cell(c.name))
        description = clean_long(row.cell(c.description)) if c.description is not None else ""
        if c.split_target:
            sign = clean_cell(row.cell(c.sign))
            value = clean_cell(row.cell(c.value)) if c.value is not None else ""
            unit = clean_cell(row.cell(c.unit)) if c.unit is not None else ""
            has_target = bool(sign or value or unit)
        else:
            raw_target = row.cell(c.target).strip(" \t\n") if c.target is not None else ""
            has_target = bool(raw_target.strip())
        if not name and not description and not has_target:
            return None, None  # placeholder row: only a level name
        if c.split_target:
            target, warning = parse_sign_value_unit(
                sign, value, unit, indicator_name=name, fiscal_year=fiscal_year
            )
        else:
            target, warning = parse_target(raw_target, indicator_name=name, fiscal_year=fiscal_year)
        level1, level2 = resolve_levels(self.level1_raw, self.level2_raw)
        direction = _direction(row.cell(c.direction)) if c.direction is not None else None
        direction_source = "given" if direction else None
        if direction is None and target.get("op") in (">=", ">"):
            direction, direction_source = "positive", "implied"
        elif direction is None and target.get("op") in ("<=", "<"):
            direction, direction_source = "negative", "implied"
        indicator = {
            "level1": level1,
            "level2": level2,
            "level1_raw": self.level1_raw,
            "level2_raw": self.level2_raw,
            "name": name,
            "description": description or None,
            "target": target,
            "basis": (clean_long(row.cell(c.basis)) or None) if c.basis is not None else None,
            "weight": _number(row.cell(c.weight)) if c.weight is not None else None,
            "direction": direction,
            "direction_source": direction_source,
            "source_line": row.line,
        }
        return indicator, warning
