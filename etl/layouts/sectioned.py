"""The sectioned layouts: one small table per project, one after the other.

Seeds 000/001/004 (form: unit line, 项目编码, 预算数 cells, 3月底…12月底 plan), seed 002
(text budget: amounts inside 项目资金主要用途, 第一季度…第四季度 plan) and seed 003 (goals
only: titles carry the name, no budget; a 部门整体 indicator table with 符号/值/单位) share
one grammar: a project starts at a title, a unit line or a 项目编码 row, and its parts are
rows keyed by their first label. One state machine reads them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from etl.blocks import Block, Paragraph, Row
from etl.layouts.indicators import (
    IndicatorTable,
    apply_subheader,
    columns_from_header,
    is_indicator_header,
    is_subheader,
)
from etl.layouts.project_fields import (
    budget_from_cells,
    budget_from_sentence,
    parse_plan,
    split_goals,
)
from etl.money import SCALES, scale_from_line
from etl.normalize import clean_cell, clean_long, key, strip_field_codes, strip_numbering

_TITLE_SUFFIX = re.compile(r"(?:项目)?(?:支出)?绩效目标(?:申报)?表$")
_UNIT_LINE = re.compile(r"^\s*(\d{3,12})\s*[-－—]?\s*(\S.*?)\s*$")
_UNIT_SECTION = ("部门整体支出绩效指标", "整体支出绩效指标", "部门整体绩效指标", "单位整体绩效指标")
# first-cell labels that start a non-indicator row (checked before the indicator fast path)
_ROW_MARKERS = frozenset(
    {
        "项目绩效目标指标表",
        "项目支出绩效目标表",
        "项目绩效目标表",
        "项目编码",
        "项目代码",
        "项目名称",
        "预算数",
        "预算规模及资金用途",
        "项目资金主要用途",
        "资金用途",
        "项目资金用途",
        "主要用途",
        "绩效目标",
        "年度绩效目标",
        "项目绩效目标",
        "年度目标",
    }
)


@dataclass(slots=True)
class ProjectDraft:
    """A project being assembled; `complete` tells whether its indicator table was seen."""

    seq: int
    source_line: int
    title: str | None = None
    code: str | None = None
    name_cell: str | None = None
    budget: dict = field(
        default_factory=lambda: {"total_yuan": None, "fiscal_yuan": None, "other_yuan": None}
    )
    purpose: str | None = None
    plan: list | None = None
    plan_unreadable: bool = False
    goals: list[str] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    has_table: bool = False
    has_budget_row: bool = False
    has_sentence_budget: bool = False
    unit_line: tuple[str | None, str] | None = None
    funding_notes: list[str] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        return bool(
            self.code
            or self.name_cell
            or self.has_budget_row
            or self.indicators
            or self.goals
            or self.has_table
            or self.purpose
        )

    @property
    def name(self) -> str:
        return self.name_cell or self.title or ""


@dataclass(slots=True)
class SectionedResult:
    projects: list[ProjectDraft]
    unit_indicators: list[dict]
    unit_lines: list[tuple[str | None, str]]
    warnings: list[dict]
    truncated: bool
    layout: str


def title_name(text: str) -> str | None:
    """Project name from a `1.XX绩效目标表{ TC … }` title, or None if not a table title."""
    cleaned = strip_field_codes(text).strip()
    if not cleaned or len(cleaned) > 120 or not _TITLE_SUFFIX.search(key(cleaned)):
        return None
    name = strip_numbering(cleaned)
    name = re.sub(r"(?:项目)?(?:支出)?绩效目标(?:申报)?表\s*$", "", name).strip()
    return name or None


def unit_line_of(row: Row) -> tuple[str | None, str, Decimal] | None:
    """`801001唐山市开平区开平镇人民政府本级 | 单位：万元` → (code, name, scale)."""
    if len(row.cells) > 3 or not any("单位" in cell for cell in row.cells):
        return None
    scale = None
    for cell in row.cells:
        scale = scale_from_line(cell) or scale
    if scale is None:
        return None
    first = clean_cell(row.cells[0])
    if scale_from_line(first):
        return None, "", scale
    match = _UNIT_LINE.match(first)
    if match:
        return match.group(1), match.group(2), scale
    return None, first, scale


class SectionedParser:
    """Walks the block stream once; see module docstring."""

    def __init__(self, fiscal_year: int | None, *, ended_mid_row: bool = False) -> None:
        self.fiscal_year = fiscal_year
        self.ended_mid_row = ended_mid_row
        self.projects: list[ProjectDraft] = []
        self.unit_indicators: list[dict] = []
        self.unit_lines: list[tuple[str | None, str]] = []
        self.warnings: list[dict] = []
        self.current: ProjectDraft | None = None
        self.scale = SCALES["万元"]
        self.table: IndicatorTable | None = None
        self.table_header: Row | None = None
        self.expect: str | None = None  # "plan" or "purpose": what the next row holds
        self.in_unit_section = False
        self.last_row: Row | None = None

    # -- helpers -----------------------------------------------------------------------
    def _new_project(self, line: int, title: str | None = None) -> ProjectDraft:
        draft = ProjectDraft(seq=len(self.projects) + 1, source_line=line, title=title)
        self.projects.append(draft)
        self.current = draft
        self.table = None
        self.expect = None
        self.in_unit_section = False
        return draft

    def _project_for_part(self, line: int) -> ProjectDraft:
        return self.current if self.current is not None else self._new_project(line)

    def _warn(self, code: str, message: str, line: int | None, project: str | None) -> None:
        self.warnings.append({"code": code, "message": message, "line": line, "project": project})

    # -- block handlers ------------------------------------------------------------------
    def feed(self, blocks: list[Block]) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                self._paragraph(block)
            else:
                self._row(block)
                self.last_row = block

    def _paragraph(self, paragraph: Paragraph) -> None:
        text = paragraph.text.strip()
        if not text:
            return
        name = title_name(text)
        if name is not None:
            self._new_project(paragraph.line, title=name)
            return
        folded = key(strip_field_codes(text))
        if any(marker in folded for marker in _UNIT_SECTION):
            self.in_unit_section = True
            self.current = None
            self.table = None
        self.expect = None

    def _is_plain_indicator_row(self, row: Row) -> bool:
        """Most rows of a document are indicator rows inside an open table: recognise them
        with a few cheap tests instead of trying every other row kind first."""
        table = self.table
        if table is None or self.expect is not None:
            return False
        cells = row.cells
        columns = table.columns
        target = columns.target if columns.target is not None else columns.sign
        if target is None or len(cells) <= target:
            return False
        first = key(cells[0]) if len(cells[0]) < 24 else ""
        if first in _ROW_MARKERS or first.startswith(("资金支出计划", "支出计划")):
            return False
        return not any("三级" in cell or "符号" in cell for cell in cells)

    def _row(self, row: Row) -> None:
        if self._is_plain_indicator_row(row):
            self._indicator_row(row)
            return
        cells = list(row.cells)
        first = key(cells[0]) if cells else ""
        labels = [key(cell) if len(cell) < 24 else "" for cell in cells]  # labels are short

        unit = unit_line_of(row)
        if unit is not None:
            code, name, scale = unit
            self.scale = scale
            if name:
                self.unit_lines.append((code, name))
            if self.current is None or self.current.has_content:
                self._new_project(row.line)
            if self.current is not None and name:
                self.current.unit_line = (code, name)
            self.table = None
            return
        if first in ("项目绩效目标指标表", "项目支出绩效目标表", "项目绩效目标表"):
            if self.current is None or self.current.has_content:
                self._new_project(row.line)
            self.table = None
            return
        if is_indicator_header(row):
            self.table_header = row
            self.table = IndicatorTable(columns_from_header(row))
            if self.current is not None and not self.in_unit_section:
                self.current.has_table = True
            self.expect = None
            return
        if self.table is not None and self.table_header is not None and is_subheader(row):
            remapped = apply_subheader(self.table.columns, self.table_header, row)
            if remapped is not None:
                self.table = IndicatorTable(remapped)
            return
        if "项目编码" in labels or "项目代码" in labels:
            project = self.current
            if project is None or project.code or project.name_cell or project.indicators:
                project = self._new_project(row.line)
            index = labels.index("项目编码") if "项目编码" in labels else labels.index("项目代码")
            project.code = clean_cell(row.cell(index + 1)) or None
            if "项目名称" in labels:
                project.name_cell = clean_cell(row.cell(labels.index("项目名称") + 1)) or None
            self.table = None
            return
        if first == "项目名称":
            project = self._project_for_part(row.line)
            project.name_cell = clean_cell(row.cell(1)) or project.name_cell
            return
        if "预算数" in labels and self.table is None:
            project = self._project_for_part(row.line)
            project.budget = budget_from_cells(cells, self.scale)
            project.has_budget_row = True
            self.expect = "purpose"
            return
        if first in ("项目资金主要用途", "资金用途", "项目资金用途", "主要用途"):
            project = self._project_for_part(row.line)
            text = clean_long(row.cell(1))
            project.purpose = text or None
            budget, notes = budget_from_sentence(text)
            if budget["total_yuan"] is not None:
                project.budget = budget
                project.has_sentence_budget = True
                project.funding_notes = notes
            return
        if first.startswith("资金支出计划") or first.startswith("支出计划"):
            self.expect = "plan"
            return
        if self.expect == "plan" and self.current is not None and self.table is None:
            values = [cell for cell in cells[1:]] if not first or not cells else cells[1:]
            plan, unreadable = parse_plan(values)
            self.current.plan = plan
            self.current.plan_unreadable = unreadable
            self.expect = None
            return
        if first in ("绩效目标", "年度绩效目标", "项目绩效目标", "年度目标"):
            project = self._project_for_part(row.line)
            project.goals = split_goals("\n".join(cells[1:]))
            self.table = None
            self.expect = None
            return
        if self.expect == "purpose" and self.current is not None and not first and len(cells) >= 2:
            self.current.purpose = clean_long("\n".join(cells[1:])) or None
            self.expect = None
            return
        if self.table is not None:
            self._indicator_row(row)

    def _indicator_row(self, row: Row) -> None:
        assert self.table is not None
        indicator, warning = self.table.take(row, self.fiscal_year)
        if indicator is None:
            return
        unit_scope = self.in_unit_section or self.current is None
        project_name = None if unit_scope else self.current.name  # type: ignore[union-attr]
        if warning:
            self._warn("target_unparsed", warning, row.line, project_name)
        if unit_scope:
            self.unit_indicators.append(indicator)
        else:
            self.current.indicators.append(indicator)  # type: ignore[union-attr]

    # -- result ----------------------------------------------------------------------------
    def finish(self) -> SectionedResult:
        truncated = False
        cut = self._last_row_cut()
        kept: list[ProjectDraft] = []
        for index, draft in enumerate(self.projects):
            is_last = index == len(self.projects) - 1
            if is_last and cut:
                truncated = True
                continue
            if draft.has_table:
                kept.append(draft)
            elif is_last and (draft.code or draft.has_budget_row or draft.goals):
                truncated = True  # the document ends before this project's indicator table
            # else: not a goal table at all (e.g. a procurement table with a 项目名称 cell)
        if cut and not self.projects:
            truncated = True
        for seq, draft in enumerate(kept, start=1):
            draft.seq = seq
        self.projects = kept
        layout = self._layout()
        unit_lines = [p.unit_line for p in self.projects if p.unit_line]
        return SectionedResult(
            self.projects, self.unit_indicators, unit_lines, self.warnings, truncated, layout
        )

    def _last_row_cut(self) -> bool:
        if self.last_row is None or self.table is None:
            return False
        cells = len(self.last_row.cells)
        columns = self.table.columns
        target_column = columns.target if columns.target is not None else columns.sign
        if target_column is not None and cells <= target_column:
            return True
        return self.ended_mid_row and cells < self.table.expected_cells()

    def _layout(self) -> str:
        if any(p.has_budget_row for p in self.projects):
            return "form"
        if any(p.has_sentence_budget for p in self.projects):
            return "text_budget"
        return "goals_only"
