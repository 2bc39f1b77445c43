"""The general reader: one pass over the block stream, cells classified by role.

A document is a sequence of key-value rows (project name, code, unit, money, goals …),
indicator blocks (a header found by role coverage, then data rows) and prose. Which
template printed it does not matter: the seeds' form (unit line, 预算数 row, 3月底…12月底
plan), text budget (amounts inside 项目资金主要用途), goals-only (titles carry the name)
and the flat 申报表 (one table, project cells on each project's first row) are cases of
the same walk; `layout` only names the case for users. Vocabulary: etl.vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from etl.blocks import Block, Paragraph, Row
from etl.han import HAN
from etl.layouts.indicators import (
    Columns,
    IndicatorTable,
    TransposedTable,
    apply_subheader,
    is_transposed_header,
    scan_header,
)
from etl.layouts.project_fields import budget_from_sentence, parse_plan, split_goals
from etl.money import parse_amount, scale_from_line, to_yuan
from etl.normalize import (
    clean_cell,
    clean_long,
    key,
    label_key,
    split_fused_code,
    strip_field_codes,
    strip_numbering,
    to_simplified,
)
from etl.record import Budget, Horizon, Indicator, Warning, empty_budget, warning
from etl.vocabulary import (
    column_role,
    horizon_of,
    inline_label,
    is_stop_row,
    label_role,
    label_roles,
    vocabulary,
)

_TITLE_SUFFIX = re.compile(r"(?:项目)?(?:支出)?绩效目标(?:申报)?表$")
_UNIT_LINE = re.compile(r"^\s*(\d{3,12})\s*[-－—]?\s*(\S.*?)\s*$")
_UNIT_SECTION = ("部门整体支出绩效指标", "整体支出绩效指标", "部门整体绩效指标", "单位整体绩效指标")
_WHOLE = ("绩效目标表", "绩效目标申报表", "支出绩效目标表", "绩效目标批复表")
_TABLE_TITLES = ("项目绩效目标指标表", "项目支出绩效目标表", "项目绩效目标表")
_INLINE_AMOUNT = re.compile(r"([+-]?\d[\d,]*(?:\.\d+)?)\s*(亿元|百万元|万元|千元|元|亿|万)?")
_DEPARTMENT = re.compile(r"部门\s*$")
_PARA_LABEL = re.compile(r"^\s*([^:：]{2,24})[:：]\s*(\S.*)$")
_NOTICE = re.compile(
    rf"^\s*([{HAN}]{{4,30}}?(?:局|中心|人民政府|委员会|办公室|服务站|站|所|院|办事处))关于"
)
# every column label that can sit where a name, level or value belongs has one of these
_HEADERISH = re.compile(r"[指級级標标值符號号称稱内內容]")
_GOAL_ROLES = frozenset({"annual_goal", "long_goal", "goal"})
_GOAL_TEXT_LABELS = ("绩效目标", "年度绩效目标", "项目绩效目标", "年度目标")
_MONEY_FIELDS: dict[str, Literal["total_yuan", "fiscal_yuan", "other_yuan"]] = {
    "budget_total": "total_yuan",
    "budget_total_annual": "total_yuan",
    "fiscal": "fiscal_yuan",
    "fiscal_annual": "fiscal_yuan",
    "other": "other_yuan",
    "other_annual": "other_yuan",
    "carryover": "other_yuan",
}
_MONEY_ROLES = tuple(_MONEY_FIELDS)
_MATRIX_ROLES = ("matrix_current", "matrix_other", "budget_total_annual")
# label priority for the unit's own name (lower wins)
_UNIT_PRIORITY = {
    "填报单位": 0,
    "预算单位": 0,
    "编制单位": 0,
    "部门(单位)名称": 0,
    "部门名称": 0,
    "单位名称": 0,
}


@dataclass(slots=True)
class ProjectDraft:
    """A project being assembled; `has_table` tells whether its indicator block was seen."""

    seq: int
    source_line: int
    title: str | None = None
    code: str | None = None
    name_cell: str | None = None
    budget: Budget = field(default_factory=empty_budget)
    purpose: str | None = None
    plan: list | None = None
    plan_unreadable: list[str] = field(default_factory=list)  # cells printed, not a percent
    goals: list[str] = field(default_factory=list)
    long_term_goal: str | None = None
    period: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    has_table: bool = False
    has_budget_row: bool = False
    has_sentence_budget: bool = False
    unit_line: tuple[str | None, str] | None = None
    funding_notes: list[str] = field(default_factory=list)  # sources counted as other
    money_seen: set[str] = field(default_factory=set)

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
class ReadResult:
    projects: list[ProjectDraft]
    unit_indicators: list[Indicator]
    unit_code: str | None
    unit_name: str | None
    warnings: list[Warning]
    truncated: bool
    layout: str
    tables: int
    overall_goal: str | None = None
    department_total_yuan: int | float | None = None


@lru_cache(maxsize=8192)
def _first_cell_stops(first: str) -> bool:
    """A first cell that is a key-value label, a table title or a review/signature label:
    the row is not a plain indicator row."""
    folded = label_key(first)
    if label_role(first)[0] is not None or folded.startswith(("资金支出计划", "支出计划")):
        return True
    return folded in _TABLE_TITLES or is_stop_row((first,))


def _has_colon(text: str) -> bool:
    return ":" in text or "：" in text


def title_name(text: str) -> str | None:
    """Project name from a `1.XX绩效目标表{ TC … }` title, or None if not a table title."""
    if "表" not in text:  # cheap guard: removing field codes never adds a 表
        return None
    cleaned = strip_field_codes(text).strip()
    if not cleaned or len(cleaned) > 120 or not ("表" in cleaned[-4:] or "表" in cleaned):
        return None
    if not _TITLE_SUFFIX.search(to_simplified(key(cleaned))):
        return None
    name = strip_numbering(cleaned)
    name = re.sub(r"(?:项目)?(?:支出)?[绩績]效目[标標](?:申[报報])?表\s*$", "", name).strip()
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


def _amount(text: str, scale: Decimal) -> int | float | None:
    """Yuan of a money cell: a plain number in ``scale``, or a number with its own scale
    (`10000万元`, `250万`, `10606.7522万元(…)`)."""
    plain = parse_amount(text)
    if plain is not None:
        return to_yuan(plain, scale)
    match = _INLINE_AMOUNT.match(key(text))
    if not match:
        return None
    number = parse_amount(match.group(1))
    unit = match.group(2)
    return to_yuan(number, vocabulary().scales[unit] if unit else scale)


class Reader:
    """Walks the block stream once; see the module docstring."""

    def __init__(
        self,
        fiscal_year: int | None,
        *,
        ended_mid_row: bool = False,
    ) -> None:
        vocab = vocabulary()
        self.fiscal_year = fiscal_year
        self.ended_mid_row = ended_mid_row
        self.projects: list[ProjectDraft] = []
        self.unit_indicators: list[Indicator] = []
        self.unit_lines: list[tuple[str | None, str]] = []
        self.unit_labels: list[tuple[int, str | None, str]] = []
        self.warnings: list[Warning] = []
        self.ignored_columns: set[str] = set()  # headers warned `column_ignored`
        self.current: ProjectDraft | None = None
        self.scale = vocab.scales[vocab.default_form_scale]
        self.table: IndicatorTable | None = None
        self.table_header: Row | None = None
        self.header_fresh = False  # the previous row was the header (a sub-header may follow)
        self.expect: str | None = None  # "plan" or "purpose": what the next row holds
        self.pending_labels: list[tuple[int, str]] = []  # labels above values
        self.in_unit_section = False
        self.next_horizon: Horizon | None = None
        self.last_row: Row | None = None
        self.tables = 0
        self.flat = False
        self.self_evaluation = False
        self.overall_goal: str | None = None
        self.department_total_yuan: int | float | None = None
        self.dropped = [0, 0]  # rows with a value, rows that gave indicators
        self.matrix_column: int | None = None  # current-year column of a money matrix
        self.pending_total: int | float | None = None  # an allocation table's 合计
        self.announced: Decimal | None = None  # the last `单位：…` scale line seen

    # -- helpers -----------------------------------------------------------------------
    def _new_project(self, line: int, title: str | None = None) -> ProjectDraft:
        draft = ProjectDraft(seq=len(self.projects) + 1, source_line=line, title=title)
        self.projects.append(draft)
        self.current = draft
        self._close_table()
        self.expect = None
        self.in_unit_section = False
        self.matrix_column = None
        if self.pending_total is not None:
            draft.budget["total_yuan"], self.pending_total = self.pending_total, None
            draft.has_budget_row = True
        return draft

    def _project_for_part(self, line: int) -> ProjectDraft:
        return self.current if self.current is not None else self._new_project(line)

    def _warn(self, code: str, message: str, line: int | None, project: str | None) -> None:
        self.warnings.append(warning(code, message, line, project))

    def _close_table(self) -> None:
        if self.table is not None:
            self.dropped[0] += self.table.rows_with_value
            self.dropped[1] += self.table.rows_produced
        self.table = None
        self.header_fresh = False

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
        if "单位" in text and len(text) < 80:  # `金额单位:元` above a flat table
            self.announced = scale_from_line(text) or self.announced
        folded = key(strip_field_codes(text)) if len(text) < 400 else ""
        if len(folded) <= 80 and "整体" in folded and folded.endswith(_WHOLE):
            self.in_unit_section = True
            self.current = None
            self._close_table()
            return
        name = title_name(text)
        if name is not None:
            self._new_project(paragraph.line, title=name)
            return
        if any(marker in folded for marker in _UNIT_SECTION):
            self.in_unit_section = True
            self.current = None
            self._close_table()
        if len(folded) <= 12 and "指标" in folded:
            self.next_horizon = horizon_of(folded) or self.next_horizon
        if len(text) >= 120:
            self.expect = None
            return
        notice = _NOTICE.match(text) if "关于" in text else None
        if notice:  # `某某局关于下达…的通知`: the issuing unit
            self.unit_labels.append((30, None, notice.group(1)))
        labelled = _PARA_LABEL.match(text) if len(text) < 80 and _has_colon(text) else None
        if labelled:
            role, _ = label_role(labelled.group(1))
            if role in ("unit_name", "implementing_unit"):
                self._unit_label(role, labelled.group(1), labelled.group(2))
        self.expect = None

    def _is_plain_indicator_row(self, row: Row) -> bool:
        """Most rows of a document are indicator rows inside an open table: recognise them
        with a few cheap tests instead of trying every other row kind first."""
        table = self.table
        if table is None or self.expect is not None or self.header_fresh:
            return False
        if table.needs_header:
            return False
        cells = row.cells
        width = len(cells)
        if width <= table.target_at:
            return False
        first = cells[0]
        if not first.strip():  # merged level-1 cell: the next cell leads the row
            first = cells[1] if width > 1 else ""
            if not first.strip() and is_stop_row(cells):
                return False
        if first and len(first) < 30 and _first_cell_stops(first):
            return False
        # a header row (the next block's, or a 符号/值 sub-header) names roles, not values
        probe = table.header_probe
        # one search over every probed cell first (when the row reaches the last of them)
        if (
            len(probe) > 1
            and probe[-1] < width
            and _HEADERISH.search("\x00".join(table.probe_cells(cells))) is None
        ):
            return True
        for index in probe:
            if index < width:
                cell = cells[index]
                if len(cell) < 16 and _HEADERISH.search(cell) and column_role(cell)[0]:
                    return False
        return True

    def _row(self, row: Row) -> None:
        if self._is_plain_indicator_row(row):
            self._indicator_row(row)
            return
        cells = list(row.cells)
        filled = [cell for cell in cells if cell.strip()]
        if not filled:
            return
        if is_stop_row(cells):
            self._close_table()
            self.expect = None
            self.pending_labels = []
            return
        first = key(cells[0]) if cells else ""
        if self._unit_or_title_row(row, first) or self._header_row(row):
            return
        if self._horizon_row(filled):
            return
        if self.pending_labels and self._values_below(row):
            return
        expecting = self.expect is not None and self.current is not None and self.table is None
        if expecting and self._expected_row(cells, first):
            return
        table = self.table
        if self._label_row(row, cells, first):
            if table is not None and self._valued(row, table):
                self.dropped[0] += 1  # a row inside a goal table read as something else
            return
        if self.table is not None:
            self._indicator_row(row)

    def _unit_or_title_row(self, row: Row, first: str) -> bool:
        """A `801001某某镇 | 单位：万元` line or a table title row: both open a project
        (unless the current one is still empty)."""
        unit = unit_line_of(row)
        if unit is not None:
            code, name, scale = unit
            self.scale = self.announced = scale
            if name:
                self.unit_lines.append((code, name))
            if self.current is None or self.current.has_content:
                self._new_project(row.line)
            if self.current is not None and name:
                self.current.unit_line = (code, name)
            self._close_table()
            return True
        if first in _TABLE_TITLES:
            if self.current is None or self.current.has_content:
                self._new_project(row.line)
            self._close_table()
            return True
        return False

    def _header_row(self, row: Row) -> bool:
        """An indicator header (a new table), a transposed table's header rows, or the
        sub-header right below a header (符号/值/单位, 优/良/中/差)."""
        columns = scan_header(row)
        if columns is not None:
            self._open_table(row, columns)
            return True
        if isinstance(self.table, TransposedTable) and self.table.needs_header:
            if self.table.feed_header(row):
                return True
            self._close_table()
        if is_transposed_header(row):
            self._open_transposed(row)
            return True
        if self.table is not None and self.table_header is not None and self.header_fresh:
            self.header_fresh = False
            if apply_subheader(self.table.columns, self.table_header, row):
                self.table.refresh()
                return True
        return False

    def _horizon_row(self, filled: list[str]) -> bool:
        """A one-cell heading such as `长期绩效指标`: the horizon of the next table."""
        if len(filled) == 1 and len(key(filled[0])) <= 12 and "指标" in filled[0]:
            horizon = horizon_of(filled[0])
            if horizon and self.table is None or horizon and key(filled[0]).endswith("绩效指标"):
                self.next_horizon = horizon
                self._close_table()
                return True
        return False

    @staticmethod
    def _valued(row: Row, table) -> bool:
        column = table.columns.target_column()
        if column is None:
            return False
        value = row.cell(column).strip()
        return bool(value) and label_role(value)[0] is None

    def _open_transposed(self, row: Row) -> None:
        self._close_table()
        self.matrix_column = None
        self.tables += 1
        self.table_header = row
        # duck-typed: its `fast = False` and empty header probe keep the reader off the
        # plain-row members only an IndicatorTable has
        self.table = TransposedTable(row, self.next_horizon)  # type: ignore[assignment]
        if self.current is not None and not self.in_unit_section:
            self.current.has_table = True
        self.expect = None

    def _open_table(self, row: Row, columns: Columns) -> None:
        self._close_table()
        self.matrix_column = None
        self.tables += 1
        self.table_header = row
        self.table = IndicatorTable(columns, self.next_horizon, self.ignored_columns)
        self.header_fresh = True
        self.pending_labels = []
        if columns.row_columns.get("row_project") is not None:
            self.flat = True
            # the flat 申报表 prints 元 unless a `单位：万元` line above it says otherwise
            self.scale = self.announced or vocabulary().scales[vocabulary().default_flat_scale]
        if columns.self_evaluation and not self.self_evaluation:
            self.self_evaluation = True
            self._warn(
                "self_evaluation_table",
                "这是绩效自评表（有实际完成值/得分列），只读取其中的年度指标值作为目标",
                row.line,
                None,
            )
        if self.current is not None and not self.in_unit_section and not self.flat:
            self.current.has_table = True
        self.expect = None

    # -- key-value rows ------------------------------------------------------------------
    def _label_row(self, row: Row, cells: list[str], first: str) -> bool:
        """Rows of labels and values (several pairs per row, group labels on the left).
        Returns False when the row holds no label this reader knows."""
        roles = label_roles(cells)
        role_names = [role for role, _ in roles]
        named = {role for role in role_names if role is not None}
        inline_money = False
        if not named - {"money_group"}:
            inline_money = any(
                inline_label(cell)[0] in _MONEY_ROLES for cell in cells if cell and len(cell) < 60
            )
            if not named and not inline_money:
                return False
        if "money_group" in named:
            for role, scale in roles:
                if role == "money_group" and scale is not None:
                    self.scale = scale
        if self._goal_labels_row(cells, role_names, named):
            return True
        if self._project_row(row, cells, roles, role_names):
            return True
        if first in ("项目资金主要用途", "资金用途", "项目资金用途", "主要用途") or (
            role_names[0] == "purpose"
        ):
            project = self._project_for_part(row.line)
            text = clean_long(row.cell(1))
            project.purpose = text or None
            budget, notes = budget_from_sentence(text)
            if budget["total_yuan"] is not None:
                project.budget = budget
                project.has_sentence_budget = True
                project.funding_notes = notes
            return True
        if self.table is None and self._matrix_row(row, cells, roles):
            return True
        if any(role in _MONEY_ROLES for role in role_names) and self.table is None:
            self._money_row(row, cells, roles)
            return True
        if inline_money and self.table is None:
            self._money_row(row, cells, roles)
            return True
        if role_names[0] == "plan" or first.startswith(("资金支出计划", "支出计划")):
            self.expect = "plan"
            return True
        if self._goal_text_row(row, cells, role_names, first):
            return True
        return self._other_pairs(row, cells, roles, skip=set())

    def _goal_labels_row(self, cells: list[str], role_names: list, named: set[str]) -> bool:
        """Labels above values: a row of goal labels (年度目标 | 长期目标) and nothing else;
        the values come in the next row."""
        if not named & _GOAL_ROLES:
            return False
        goal_spots = [(i, role) for i, role in enumerate(role_names) if role in _GOAL_ROLES]
        if len(goal_spots) < 2:
            return False
        others = [
            c for i, c in enumerate(cells) if c.strip() and role_names[i] is None and len(c) >= 12
        ]
        if others:
            return False
        self.pending_labels = [(i, r) for i, r in goal_spots if r != "goal"] or goal_spots
        self._close_table()
        return True

    def _project_row(self, row: Row, cells: list[str], roles: list, role_names: list) -> bool:
        """A 项目编码 and/or 项目名称 row: it names the current project or opens the next."""
        if "project_code" in role_names:
            project = self.current
            if project is None or project.code or project.name_cell or project.indicators:
                project = self._new_project(row.line)
            index = role_names.index("project_code")
            project.code = clean_cell(self._value_after(cells, roles, index)) or None
            if "project_name" in role_names:
                at = role_names.index("project_name")
                project.name_cell = clean_cell(self._value_after(cells, roles, at)) or None
            self._close_table()
            self._other_pairs(row, cells, roles, skip={"project_code", "project_name"})
            return True
        if "project_name" in role_names:
            project = self.current
            if project is None or (project.name_cell and (project.indicators or project.has_table)):
                project = self._new_project(row.line)
            at = role_names.index("project_name")
            value = clean_cell(self._value_after(cells, roles, at))
            if value:
                project.name_cell = value
            self._close_table()
            self._other_pairs(row, cells, roles, skip={"project_name"})
            return True
        return False

    def _goal_text_row(self, row: Row, cells: list[str], role_names: list, first: str) -> bool:
        """A 绩效目标 | text row: the unit's overall goal before any project, else the current
        project's goals."""
        if role_names[0] not in ("annual_goal", "goal") or first not in _GOAL_TEXT_LABELS:
            return False
        text = "\n".join(cells[1:])
        if self.current is None and not self.flat:
            self.overall_goal = self.overall_goal or (clean_long(text) or None)
        else:
            project = self._project_for_part(row.line)
            project.goals = split_goals(text)
        self._close_table()
        self.expect = None
        return True

    def _expected_row(self, cells: list[str], first: str) -> bool:
        """The row after `资金支出计划` holds the plan; an unlabelled row after the budget row
        holds the purpose (the form's merged `预算规模及资金用途` cell)."""
        assert self.current is not None
        if self.expect == "plan":
            if label_role(cells[0])[0] is not None:
                return False
            plan, unreadable = parse_plan(cells[1:])
            self.current.plan = plan
            self.current.plan_unreadable = unreadable
            self.expect = None
            return True
        if self.expect == "purpose" and not first and len(cells) >= 2:
            if any(label_role(cell)[0] for cell in cells if len(cell) < 40):
                return False
            self.current.purpose = clean_long("\n".join(cells[1:])) or None
            self.expect = None
            return True
        return False

    def _matrix_row(self, row: Row, cells: list[str], roles: list) -> bool:
        """Money as a matrix (sources × years, or cost items × amount): a header row of
        column labels picks the current-year column; source rows below give its amount."""
        names = [role for role, _ in roles]
        matrix = [i for i, role in enumerate(names) if role in _MATRIX_ROLES]
        if not matrix and self.matrix_column is None:
            return False
        numbers = any(parse_amount(cell) is not None for cell in cells)
        scaled = any(names[i] == "matrix_current" and roles[i][1] is not None for i in matrix)
        if (len(matrix) >= 2 or scaled) and not numbers:
            current = [i for i in matrix if names[i] in ("budget_total_annual", "matrix_current")]
            self.matrix_column = current[0] if current else None
            for _, scale in roles:
                if scale is not None:
                    self.scale = scale
            return self.matrix_column is not None
        if self.matrix_column is None:
            return False
        label_at = next((i for i, role in enumerate(names) if role in _MONEY_ROLES), None)
        if self.current is None and label_at is not None and label_at < self.matrix_column:
            # an allocation table before the goal table (F5): its total is the project's
            if names[label_at].startswith("budget_total"):
                self.pending_total = _amount(row.cell(self.matrix_column), self.scale)
            return True
        if label_at is None or label_at >= self.matrix_column:
            if any(role for role in names if role not in ("money_group", None)):
                self.matrix_column = None
                return False
            return numbers  # a cost item row inside the matrix
        project = self._project_for_part(row.line)
        project.has_budget_row = True
        role = names[label_at]
        base = role.removesuffix("_annual")
        self._add_money(project, base, _amount(row.cell(self.matrix_column), self.scale))
        return True

    def _value_after(self, cells: list[str], roles: list, index: int) -> str:
        """The value of the label at ``index``: the next non-empty cell that is no label."""
        for later in range(index + 1, len(cells)):
            if not cells[later].strip():
                continue
            if roles[later][0] is not None:
                return ""
            return cells[later]
        return ""

    def _other_pairs(self, row: Row, cells: list[str], roles: list, skip: set[str]) -> bool:
        """Unit, implementing unit, goals, period and fiscal year pairs of one row."""
        handled = False
        for index, (role, _) in enumerate(roles):
            if role is None or role in skip:
                continue
            value = self._value_after(cells, roles, index)
            if role in ("unit_name", "implementing_unit", "unit_authority"):
                if value:
                    self._unit_label(role, cells[index], value)
                handled = True
            elif role == "unit_code":
                handled = True
            elif role in ("annual_goal", "goal", "long_goal") and value:
                self._goal(role, value, row.line)
                handled = True
            elif role == "period" and value:
                if self.current is not None:
                    self.current.period = clean_cell(value)
                handled = True
            elif role in ("fiscal_year", "money_group", "authority_finance"):
                handled = True
        return handled

    def _goal(self, role: str, value: str, line: int) -> None:
        text = clean_long(value)
        if not text:
            return
        if self.current is None and not self.flat:
            if role != "long_goal":
                self.overall_goal = self.overall_goal or text
            return
        project = self.current if self.current is not None else self._new_project(line)
        if role == "long_goal":
            project.long_term_goal = text
        elif not project.goals or role == "annual_goal":
            project.goals = split_goals(text)

    def _values_below(self, row: Row) -> bool:
        """The row under a row of goal labels holds their texts at the same positions."""
        spots, self.pending_labels = self.pending_labels, []
        found = False
        for index, role in spots:
            value = row.cell(index)
            if value.strip() and label_role(value)[0] is None:
                self._goal(role, value, row.line)
                found = True
        return found

    def _unit_label(self, role: str, label: str, value: str) -> None:
        code, name = split_fused_code(clean_cell(value))
        name = re.sub(r"[(（]盖章[)）]", "", name).strip(" :：")
        if not name or len(name) > 40:
            return
        folded = label_key(label)
        folded = re.sub(r"[(（]盖章[)）]", "", folded)
        if role == "unit_authority":
            chain = ("区县", "区级", "县级", "市级", "省级", "中央")
            level = next((n for n, word in enumerate(chain) if folded.startswith(word)), 6)
            priority = 10 + level
        else:
            priority = _UNIT_PRIORITY.get(folded, 1 if role == "unit_name" else 20)
        self.unit_labels.append((priority, code, name))

    def _money_row(self, row: Row, cells: list[str], roles: list) -> None:
        """Budget cells: label + amount pairs, labels with their amount fused in
        (`总额356.82万元`), and one cell holding several `label:amount` lines."""
        project = self._project_for_part(row.line)
        project.has_budget_row = True
        seen_in_row: set[str] = set()
        for index, (role, scale) in enumerate(roles):
            cell = cells[index]
            scale = scale or self.scale
            if role in _MONEY_ROLES:
                value = next((c for c in cells[index + 1 :] if c.strip()), "")
                if value and ("\n" in value or inline_label(value.split("\n")[0])[0]):
                    self._money_lines(project, value, scale, seen_in_row)
                    continue
                if value and label_role(value)[0] is not None:
                    value = ""
                if role not in seen_in_row:
                    self._add_money(project, role, _amount(value, scale))
                    seen_in_row.add(role)
            elif role is None and cell.strip() and len(cell) < 60:
                inline_role, _ = inline_label(cell.split("\n")[0])
                if inline_role in _MONEY_ROLES:
                    self._money_lines(project, cell, scale, seen_in_row)
        self.expect = "purpose"

    def _money_lines(
        self, project: ProjectDraft, text: str, scale: Decimal, seen_in_row: set[str]
    ) -> None:
        for line in text.split("\n"):
            role, rest = inline_label(line)
            if role in _MONEY_ROLES and role not in seen_in_row:
                self._add_money(project, role, _amount(rest, scale))
                if role == "budget_total":
                    seen_in_row.add(role)

    def _add_money(self, project: ProjectDraft, role: str, yuan: int | float | None) -> None:
        """Parts (fiscal, other, carry-over) add up across rows; the first total wins; a
        current-year amount (`当年…`, `本年度…`) replaces a period amount and is kept."""
        field_name = _MONEY_FIELDS[role]
        annual = role.endswith("_annual")
        lock = f"annual:{field_name}"
        if yuan is None:
            return
        if annual:
            if lock not in project.money_seen:
                project.budget[field_name] = yuan
                project.money_seen.add(lock)
            return
        if lock in project.money_seen:
            return
        if field_name == "total_yuan":
            if project.budget["total_yuan"] is None:
                project.budget["total_yuan"] = yuan
            return
        current = project.budget[field_name]
        project.budget[field_name] = yuan if current is None else _sum(current, yuan)

    # -- indicator rows ------------------------------------------------------------------
    def _indicator_row(self, row: Row) -> None:
        table = self.table
        assert table is not None
        self.header_fresh = False
        columns = table.columns
        if self.flat and columns.row_columns:
            self._flat_project_cells(row, columns)
            if self.current is None:
                return
        # the project the row belongs to; None for the unit's own indicators (the unit
        # section, or no project yet)
        owner = self.current
        if self.in_unit_section and not self.flat:
            owner = None  # a flat table's row before any project is the unit's, as elsewhere
        if table.fast:  # the common row: one indicator, no Produced
            found_warnings: list[tuple[str, str]] = []
            found = table.plain_indicator(row, self.fiscal_year, found_warnings)
            if found is not None:
                for code, message in found_warnings:
                    self._warn(code, message, row.line, None if owner is None else owner.name)
                if owner is None:
                    self.unit_indicators.append(found)
                else:
                    owner.indicators.append(found)
                return
        produced = table.take(row, self.fiscal_year)
        project_name = None if owner is None else owner.name
        for code, message in produced.warnings:
            self._warn(code, message, row.line, project_name)
        if not produced.indicators:
            return
        if owner is None:
            self.unit_indicators.extend(produced.indicators)
        else:
            owner.indicators.extend(produced.indicators)

    def _flat_project_cells(self, row: Row, columns: Columns) -> None:
        """Flat 申报表: the unit, project, budget and goal cells are filled on a project's
        first row; a department total row (`820-某某镇部门`) precedes the projects."""
        at = columns.row_columns
        unit_cell = clean_cell(row.cell(at["row_unit"])) if "row_unit" in at else ""
        project_cell = clean_cell(row.cell(at["row_project"]))
        budget_cell = row.cell(at["row_budget"]) if "row_budget" in at else ""
        if unit_cell:
            code, name = split_fused_code(unit_cell)
            if not project_cell and _DEPARTMENT.search(name):
                self.department_total_yuan = to_yuan(parse_amount(budget_cell), self.scale)
                return
            if not self.unit_labels:
                self.unit_labels.append((0, code, name))
        if project_cell:
            project = ProjectDraft(seq=len(self.projects) + 1, source_line=row.line)
            project.name_cell = project_cell
            project.budget["total_yuan"] = to_yuan(parse_amount(budget_cell), self.scale)
            project.has_table = True
            if "row_goal" in at:
                project.goals = split_goals(clean_long(row.cell(at["row_goal"])))
            self.projects.append(project)
            self.current = project
            assert self.table is not None
            self.table.level1_raw = self.table.level2_raw = ""

    # -- result ----------------------------------------------------------------------------
    def finish(self) -> ReadResult:
        cut = self._last_row_cut()
        self._close_table()
        truncated = False
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
            self._budget_from_parts(draft)
            self._draft_warnings(draft)
        self.projects = kept
        rows_with_value, rows_produced = self.dropped
        if rows_with_value > rows_produced and not truncated:
            self._warn(
                "indicators_dropped",
                f"指标表中有 {rows_with_value} 行填写了指标值，只读出了 {rows_produced} 行指标",
                None,
                None,
            )
        unit_code, unit_name = self._unit()
        return ReadResult(
            projects=self.projects,
            unit_indicators=self.unit_indicators,
            unit_code=unit_code,
            unit_name=unit_name,
            warnings=self.warnings,
            truncated=truncated,
            layout=self._layout(),
            tables=self.tables,
            overall_goal=self.overall_goal,
            department_total_yuan=self.department_total_yuan,
        )

    def _draft_warnings(self, draft: ProjectDraft) -> None:
        """What the project's cells said that its record cannot hold: a plan cell that is
        not a percent (kept as empty), a funding source counted as other money by default."""
        if draft.plan_unreadable:
            cells = "、".join(f"“{cell}”" for cell in draft.plan_unreadable)
            self._warn(
                "plan_unreadable",
                f"资金支出计划中 {cells} 不是百分比，按空缺处理",
                draft.source_line,
                draft.name,
            )
        if draft.funding_notes:
            names = "、".join(f"“{name}”" for name in draft.funding_notes)
            self._warn(
                "funding_notes",
                f"资金来源 {names} 未识别为财政资金或其他资金，已计入其他资金",
                draft.source_line,
                draft.name,
            )

    def _unit(self) -> tuple[str | None, str | None]:
        lines = [p.unit_line for p in self.projects if p.unit_line]
        if lines:
            return lines[0]
        if self.unit_labels:
            _, code, name = min(self.unit_labels, key=lambda item: item[0])
            return code, name
        return None, None

    def _budget_from_parts(self, draft: ProjectDraft) -> None:
        budget = draft.budget
        if budget["total_yuan"] is not None:
            return
        parts = [v for v in (budget["fiscal_yuan"], budget["other_yuan"]) if v is not None]
        if not parts or not any(parts):
            return
        total = parts[0] if len(parts) == 1 else _sum(parts[0], parts[1])
        budget["total_yuan"] = total
        self._warn(
            "budget_total_from_parts",
            f"文档未印出预算总额，按资金来源各项之和计为 {total} 元",
            draft.source_line,
            draft.name,
        )

    def _last_row_cut(self) -> bool:
        if self.last_row is None or self.table is None:
            return False
        cells = len(self.last_row.cells)
        target_column = self.table.columns.target_column()
        if target_column is not None and cells <= target_column:
            return True
        return self.ended_mid_row and cells < self.table.expected_cells()

    def _layout(self) -> str:
        if self.self_evaluation:
            return "self_evaluation"
        if self.flat:
            return "flat"
        if any(p.has_budget_row for p in self.projects):
            return "form"
        if any(p.has_sentence_budget for p in self.projects):
            return "text_budget"
        return "goals_only"


def _sum(a: int | float, b: int | float) -> int | float:
    total = Decimal(str(a)) + Decimal(str(b))
    return int(total) if total == total.to_integral_value() else float(total)
