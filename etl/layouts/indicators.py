"""Indicator blocks: a header found by role coverage, its columns mapped by role, and data
rows turned into contract INDICATORs (one per target: per place, per horizon half).

Roles come from data/vocabulary/roles.toml through etl.vocabulary; nothing here knows a
template. See docs/parser.md for the cases (banner column, level shift, side-by-side
halves, per-place and graded columns, sign/unit columns).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Literal

import etl.targets as targets
from etl.blocks import Row
from etl.normalize import clean_cell, clean_long, clean_name, key, label_key
from etl.record import Direction, Horizon, Indicator, Target, implied_direction, indicator
from etl.targets.parse import year_matters
from etl.taxonomy import resolve_levels
from etl.vocabulary import column_role, level1_of, level2_of, place_like, vocabulary

# roles that describe an indicator column (key-value row labels never count)
INDICATOR_ROLES = frozenset(
    {
        "level1",
        "level2",
        "name",
        "content",
        "banner",
        "value",
        "prior",
        "sign",
        "sign_or_direction",
        "unit",
        "value_type",
        "weight",
        "score",
        "actual",
        "description",
        "basis",
        "scoring",
        "note",
        "direction",
        "measures",
        "graded_group",
        "places_group",
    }
)
_NAME_ROLES = ("name", "content", "level2")
# every indicator header seen has one of these characters in a short cell (cheap pre-test)
_HEADER_HINT = re.compile(r"[指級级標标]")
_HALF_ROLES = ("level2", "name", "content", "value")
COLUMN_IGNORED = "column_ignored"  # a goal-table column whose header names no known role


@dataclass(slots=True)
class Columns:
    """Where each role sits in the data rows of one indicator block."""

    roles: dict[str, int]
    width: int
    halves: list[dict[str, int]] = field(default_factory=list)  # side-by-side blocks
    half_horizons: list[Horizon] = field(default_factory=list)
    places: list[tuple[int, str]] = field(default_factory=list)
    grades: dict[str, int] = field(default_factory=dict)
    horizon: Horizon | None = None  # from the value header (`当年度指标值`), else None
    row_columns: dict[str, int] = field(default_factory=dict)  # flat: per-row project cells
    split_target: bool = False  # 符号 / 值 / 单位 sub-columns under 指标值 (seed 003)
    ignored: list[tuple[int, str]] = field(default_factory=list)  # header cells of no role

    def copy(self) -> Columns:
        """An independent copy (a sub-header changes the columns of its own table only)."""
        return Columns(
            roles=dict(self.roles),
            width=self.width,
            halves=[dict(half) for half in self.halves],
            half_horizons=list(self.half_horizons),
            places=list(self.places),
            grades=dict(self.grades),
            horizon=self.horizon,
            row_columns=dict(self.row_columns),
            split_target=self.split_target,
            ignored=list(self.ignored),
        )

    @property
    def self_evaluation(self) -> bool:
        return bool(vocabulary().self_evaluation_roles & self.roles.keys())

    def target_column(self) -> int | None:
        """The column that must be present for a row to carry a target (truncation test)."""
        for role in ("value", "sign"):
            if role in self.roles:
                return self.roles[role]
        if self.places:
            return self.places[0][0]
        if self.grades:
            return min(self.grades.values())
        return None

    def expected_cells(self) -> int:
        indexes = list(self.roles.values()) + [i for i, _ in self.places]
        indexes += list(self.grades.values())
        for half in self.halves:
            indexes += list(half.values())
        return 1 + max(indexes) if indexes else self.width


def scan_header(row: Row) -> Columns | None:
    """The columns of an indicator header row, or None (see _scan_header). Header rows
    repeat identically within and across documents, so they are looked up once."""
    cells = row.cells
    if len(cells) < 2 or len(cells) > 40:
        return None
    labels = 0
    for cell in cells:
        if len(cell) > 40:
            return None  # a header has no long cell (data and prose rows do)
        if cell and _HEADER_HINT.search(cell) and column_role(cell)[0] is not None:
            labels += 1
    if labels < 2:
        return None  # a data or key-value row: at most one cell names a column role
    found = _scan_cached(cells)
    return found.copy() if found is not None else None


@lru_cache(maxsize=2048)
def _scan_cached(cells: tuple[str, ...]) -> Columns | None:
    return _scan_header(Row(cells, 0))


def _scan_header(row: Row) -> Columns | None:
    """The columns of an indicator header row, or None when the row is not one.
    A header names an indicator (三级指标 / 指标内容 / 指标名称 …), a target (指标值 …, graded
    优/良/中/差, per-place columns) and one more indicator role (a level or a description)."""
    cells = row.cells
    if len(cells) < 2 or not any(_HEADER_HINT.search(cell) for cell in cells if len(cell) < 40):
        return None
    roles: dict[str, int] = {}
    row_columns: dict[str, int] = {}
    second: dict[str, int] = {}
    hints: dict[int, Horizon | None] = {}
    places: list[tuple[int, str]] = []
    grades: dict[str, int] = {}
    ignored: list[tuple[int, str]] = []
    for index, cell in enumerate(cells):
        if not cell.strip() or len(cell) > 40:
            continue
        role, hint = column_role(cell)
        if role == "grade":
            grades.setdefault(label_key(cell), index)
            continue
        if role is None:
            if place_like(cell) and (roles.keys() & {"name", "content", "level2"}):
                places.append((index, clean_cell(cell)))
            else:
                ignored.append((index, clean_cell(cell)))
            continue
        hints[index] = hint
        if role.startswith("row_"):
            row_columns[role] = index
            continue
        if role == "banner":
            following = next((c for c in cells[index + 1 :] if c.strip()), "")
            if column_role(following)[0] == "level1":
                roles.setdefault("banner", index)
                continue
            role = "name" if "name" not in roles else "banner"
        if role in roles:
            if role in _HALF_ROLES and role not in second:
                second[role] = index
            continue
        roles[role] = index
    present = roles.keys() & INDICATOR_ROLES
    has_name = bool(present & set(_NAME_ROLES))
    has_target = bool(
        present & {"value", "sign", "graded_group", "places_group"} or len(grades) >= 2 or places
    )
    others = present - {"banner"}
    if not (has_name and has_target and len(others) + (1 if places or grades else 0) >= 3):
        return None
    columns = Columns(roles=roles, width=len(cells), places=places, grades=grades, ignored=ignored)
    columns.row_columns = row_columns
    if second.keys() & {"name", "value", "content"}:
        first = {r: roles[r] for r in _HALF_ROLES if r in roles}
        columns.halves = [first, second]
        columns.half_horizons = [
            _half_horizon(first, hints) or "long_term",
            _half_horizon(second, hints) or "annual",
        ]
    elif "value" in roles:
        columns.horizon = hints.get(roles["value"])
    return columns


def _half_horizon(half: dict[str, int], hints: dict[int, Horizon | None]) -> Horizon | None:
    for role in ("value", "name", "level2"):
        if role in half and hints.get(half[role]):
            return hints[half[role]]
    return None


def apply_subheader(columns: Columns, header: Row, sub: Row) -> bool:
    """A second header row: 符号/值/单位 under 指标值 (seed 003), 优/良/中/差 under
    绩效指标评价标准, or place names under 区域目标值. Updates ``columns``; False when
    ``sub`` is not a sub-header."""
    keys = [key(cell) for cell in sub.cells]
    if "符号" in keys and "值" in keys:
        return _split_target(columns, header, sub, keys)
    grade_words = vocabulary().grades
    labels = [label_key(cell) if len(cell) < 8 else "" for cell in sub.cells]
    grade_at = {i: k for i, k in enumerate(labels) if k in grade_words}
    group_role = "graded_group" if len(grade_at) >= 2 else None
    spots: list[tuple[int, str]] = list(grade_at.items())
    if group_role is None and "places_group" in columns.roles:
        group_role = "places_group"
        start = columns.roles["places_group"]
        spots = [
            (i, clean_cell(cell))
            for i, cell in enumerate(sub.cells)
            if cell.strip() and column_role(cell)[0] is None and (i >= start or len(sub.cells) < 8)
        ]
    if group_role is None or not spots:
        return False
    group = columns.roles.get(group_role)
    if group is None:
        group = min(i for i, _ in spots)
    if spots[0][0] < group:  # the sub row holds only the group's own cells
        spots = [(group + n, text) for n, (_, text) in enumerate(spots)]
    extra = len(spots) - 1
    if len(header.cells) < max(len(sub.cells), spots[-1][0] + 1):
        # a horizontally merged group cell appears once in the header: columns after it move
        for role, index in list(columns.roles.items()):
            if index > group:
                columns.roles[role] = index + extra
    if group_role == "graded_group":
        columns.grades = {text: index for index, text in spots}
    else:
        columns.places = [(index, text) for index, text in spots]
    return True


def _split_target(columns: Columns, header: Row, sub: Row, keys: list[str]) -> bool:
    """Seed 003's unit table splits 指标值 into 符号/值/单位 on a second header row: the data
    rows then have two more cells than the first header."""
    sign = keys.index("符号")
    value = keys.index("值")
    unit = keys.index("单位") if "单位" in keys else None
    extra = len(sub.cells) - len(header.cells)
    roles = columns.roles
    roles.pop("value", None)
    roles["sign"], roles["value"] = sign, value
    if unit is not None:
        roles["unit"] = unit
    columns.halves = []
    columns.split_target = True
    if "basis" in roles:
        roles["basis"] = roles["basis"] + max(extra, 0)
    if "description" in roles and roles["description"] >= sign:
        roles["description"] = sign - 1
    return True


def _number(text: str) -> float | None:
    try:
        return float(key(text).rstrip("%"))
    except ValueError:
        return None


def _direction(text: str) -> Direction | None:
    folded = key(text)
    if folded.startswith("正向"):
        return "positive"
    if folded.startswith("反向"):
        return "negative"
    return None


def read_target(
    value: str,
    sign: str,
    unit: str,
    name: str,
    fiscal_year: int | None,
    *,
    split: bool = False,
) -> tuple[Target, list[tuple[str, str]]]:
    """The target of one value cell with its sign and unit columns and the name (etl.targets
    does the reading). ``split``: the 符号/值/单位 sub-columns of seed 003, read as one
    printed target (raw = the three joined). Fresh objects on every call: the reading is
    memoised, the caller may change what it gets."""
    found = _READINGS.get((value, sign, unit, name, split))
    if found is None:
        if year_matters(value + sign + unit):  # a deadline: read with the year (memo below)
            found = _read_target(value, sign, unit, name, fiscal_year, split)
        else:
            found = _read_target(value, sign, unit, name, None, split)
            if len(_READINGS) >= _READINGS_MAX:
                _READINGS.clear()
            _READINGS[(value, sign, unit, name, split)] = found
    return found[0].copy(), list(found[1])


# (value, sign, unit, name, split) → the reading of a target that does not depend on the
# year: one dict lookup for a repeat, before the year test and the memo (bounded: cleared
# when full)
_READINGS: dict[tuple, tuple[Target, tuple[tuple[str, str], ...]]] = {}
_READINGS_MAX = 1 << 15  # ~12 MB at most


@lru_cache(maxsize=1 << 14)
def _read_target(
    value: str, sign: str, unit: str, name: str, fiscal_year: int | None, split: bool
) -> tuple[Target, tuple[tuple[str, str], ...]]:
    """Memoised: the same (value, name) pairs recur within and across documents (≥95%
    under 群众满意度), and reading a target is the costliest step of an indicator row."""
    if split:
        target, warning = targets.parse_sign_value_unit(
            sign, value, unit, indicator_name=name, fiscal_year=fiscal_year
        )
        return target, (("target_unparsed", warning),) if warning else ()
    target, warnings = targets.parse_target_cells(
        value,
        sign=sign or None,
        unit=unit or None,
        indicator_name=name,
        fiscal_year=fiscal_year,
    )
    return target, tuple(warnings)


def _clean_plain_cells(fixed: tuple[str, ...]) -> PlainCells:
    """What a plain row's level, name, description, basis, weight, direction, 指标性质 and
    unit cells mean, as `take` reads them ("" for a missing column reads like an empty
    cell): display forms, the given direction, the sign, the unit and whether sign, value
    and unit are one printed target (the flat 申报表's 指标性质 | 指标值 | 度量单位).
    Memoised: these cells repeat row after row and document after document; only the value
    cell varies."""
    level1, level2, name, description, basis, weight, direction, nature_cell, unit = fixed
    nature = clean_cell(nature_cell)
    sign = ""
    split = False
    if nature and _direction(nature):
        direction = direction or nature
    elif nature:
        sign, split = nature, True
    clean = (
        clean_cell(level1),
        clean_cell(level2),
        clean_name(name),
        clean_long(description) or None,
        clean_long(basis) or None,
        _number(weight) if weight else None,
        _direction(direction) if direction else None,
        sign,
        clean_cell(unit),
        split,
    )
    if len(_PLAIN_CELLS) >= _PLAIN_CELLS_MAX:
        _PLAIN_CELLS.clear()
    _PLAIN_CELLS[fixed] = clean
    return clean


_PLAIN_CELLS: dict[tuple, PlainCells] = {}
_PLAIN_CELLS_MAX = 1 << 14


# A plain row's fixed cells as `take` reads them (see _clean_plain_cells): level1, level2,
# name, description, basis, weight, given direction, sign, unit, sign+value+unit as one.
PlainCells = tuple[
    str, str, str, str | None, str | None, float | None, Direction | None, str, str, bool
]
# One target of a data row: (name, level2_raw, raw value, place, graded, horizon).
RowTarget = tuple[str, str, str, str | None, dict[str, Target] | None, Horizon | None]
CellOf = Callable[..., str]  # role[, where] → the row's cell for that role ("" if none)


@dataclass(slots=True)
class Produced:
    """What one data row gave: indicators and (code, message) warnings."""

    indicators: list[Indicator] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    had_value: bool = False


def _no_cells(cells: tuple[str, ...]) -> tuple[str, ...]:
    """`probe_cells` of a table with fewer than two probed columns (never called: the
    reader probes that one cell on its own)."""
    return ()


class IndicatorTable:
    """Consumes the data rows of one indicator block, forward-filling merged level cells."""

    def __init__(
        self,
        columns: Columns,
        horizon: Horizon | None = None,
        ignored_seen: set[str] | None = None,
    ) -> None:
        self.columns = columns
        # header labels already warned as ignored (the reader shares one set per document,
        # so thirty project tables with the same extra column give one warning)
        self.ignored_seen = ignored_seen if ignored_seen is not None else set()
        self.horizon: Horizon = columns.horizon or horizon or "annual"
        self.level1_raw = ""
        self.level2_raw = ""
        self.half_level2 = ["", ""]
        self.mode: str | None = None  # "content_is_name" | "level2_is_name" | "normal"
        self.shifted: bool | None = None  # level columns one level off (F8)
        self.needs_header = False
        self.simple = False
        self.fast = False
        self.plain_at: tuple = ()
        self.header_probe: tuple[int, ...] = ()
        self.target_at = 10**6
        self.refresh()
        self.rows_with_value = 0
        self.rows_produced = 0
        self.ignored_warned = not columns.ignored  # one warning per table, at its first value

    def expected_cells(self) -> int:
        return self.columns.expected_cells()

    def _offset(self, row: Row) -> int:
        """Data rows one cell wider than a header without the banner (or narrower than a
        header with it) are shifted by the vertical `绩效指标` banner."""
        roles = self.columns.roles
        width = self.columns.width
        if "banner" not in roles and len(row.cells) == width + 1:
            first = label_key(row.cells[0])
            if first in ("", "绩效指标"):
                return 1
        if "banner" in roles and len(row.cells) == width - 1 and roles["banner"] == 0:
            first = row.cells[0]
            if level1_of(first) or level2_of(first):
                return -1
        return 0

    def _mode(self, level2_cell: str) -> str:
        roles = self.columns.roles
        if "name" in roles:
            return "normal"
        if level2_cell and not (level2_of(level2_cell) or level1_of(level2_cell)):
            return "level2_is_name"
        return "content_is_name" if "content" in roles else "level2_is_name"

    def plain_indicator(
        self, row: Row, fiscal_year: int | None, warnings: list[tuple[str, str]]
    ) -> Indicator | None:
        """The common row of a plain table (named levels, one value column; 指标性质 and
        unit columns allowed, no sign column) as an indicator, its warnings appended to
        ``warnings``: the general path's result in fewer steps, the fixed cells read once
        per distinct tuple. None → the general path (`take`)."""
        cells = row.cells
        width = len(cells)
        if not self.fast or width != self.columns.width:
            return None
        at = self.plain_at
        raw = cells[at[3]].strip(" \t\n") if at[3] < width else ""
        if not raw.strip():
            return None
        fixed = self.fixed_cells(cells + ("",))  # width == the header's: see refresh
        clean = _PLAIN_CELLS.get(fixed)
        if clean is None:
            clean = _clean_plain_cells(fixed)
        level1_cell, level2_cell, name, description, basis, weight, given, sign, unit, split = clean
        if not name:
            return None
        if level1_cell:
            self.level1_raw = level1_cell
            self.level2_raw = ""
        if level2_cell:
            self.level2_raw = level2_cell
        memo = _READINGS.get((raw, sign, unit, name, split))  # read_target's memo, inlined
        found: tuple[tuple[str, str], ...] | list[tuple[str, str]]
        if memo is not None:
            target, found = memo[0].copy(), memo[1]
        else:
            target, found = read_target(raw, sign, unit, name, fiscal_year, split=split)
        if found:
            warnings.extend(found)
        self.rows_with_value += 1
        self.rows_produced += 1
        level1, level2 = resolve_levels(self.level1_raw, self.level2_raw)
        direction: Direction | None
        source: Literal["given", "implied"] | None
        if given:
            direction, source = given, "given"
        else:
            op = target.get("op")
            if op == ">=" or op == ">":
                direction, source = "positive", "implied"
            elif op == "<=" or op == "<":
                direction, source = "negative", "implied"
            else:
                direction = source = None
        made: Indicator = {
            "level1": level1,
            "level2": level2,
            "level1_raw": self.level1_raw,
            "level2_raw": self.level2_raw,
            "name": name,
            "description": description,
            "target": target,
            "basis": basis,
            "weight": weight,
            "direction": direction,
            "direction_source": source,
            "horizon": self.horizon,
            "place": None,
            "graded": None,
            "source_line": row.line,
        }
        return made

    def refresh(self) -> None:
        """Recompute the plain-row shortcut after the columns changed (a sub-header)."""
        c = self.columns
        roles = c.roles
        self.simple = (
            not (c.halves or c.places or c.grades or c.split_target)
            and {"level1", "level2", "name", "value"} <= roles.keys()
            and not roles.keys() & {"sign", "content", "banner"}
        )
        self.plain_at = (
            roles.get("level1", 0),
            roles.get("level2", 0),
            roles.get("name", 0),
            roles.get("value", 0),
            roles.get("description"),
            roles.get("basis"),
            roles.get("weight"),
            roles.get("direction"),
            roles.get("sign_or_direction"),
            roles.get("unit"),
        )
        if "name" in roles:
            self.mode = "normal"
            self.shifted = False
        self.fast = self.simple and self.mode == "normal" and self.shifted is False
        probe = {roles.get(role) for role in ("level1", "name", "content", "value", "level2")}
        target = c.target_column()
        probe.add(target)
        self.target_at = 10**6 if target is None else target
        self.header_probe = tuple(sorted(i for i in probe if i is not None))
        # all probed cells in one call (a row reaching the last probed column)
        self.probe_cells: Callable[[tuple[str, ...]], tuple[str, ...]] = (
            itemgetter(*self.header_probe) if len(self.header_probe) > 1 else _no_cells
        )
        # the fixed cells of a plain row, read from the row plus one "" (the index of a missing
        # column, or of one beyond the header's width, points at that "")
        at, width = self.plain_at, c.width
        self.fixed_cells = itemgetter(
            *(i if i is not None and i < width else width for i in at[:3] + at[4:])
        )

    def take(self, row: Row, fiscal_year: int | None) -> Produced:
        """The indicators of one data row (the plain shortcut first, else the general path:
        levels and name, the row's other cells, its targets, one indicator per target)."""
        out = Produced()
        if not self.ignored_warned:
            self._warn_ignored(row, out.warnings)
        found = self.plain_indicator(row, fiscal_year, out.warnings)
        if found is not None:
            out.indicators.append(found)
            out.had_value = True
            return out
        cells = row.cells
        width = len(cells)
        roles = self.columns.roles
        offset = self._offset(row)

        def cell(role: str, where: dict[str, int] | None = None) -> str:
            index = (where or roles).get(role)
            if index is None:
                return ""
            index += offset
            return cells[index] if 0 <= index < width else ""

        name, mode = self._levels_and_name(cell)
        if self._level_row(row, name):
            return out
        description, basis, weight = self._texts(cell, mode)
        sign_cell, unit_cell, direction_given, split = self._sign_unit_direction(cell)
        rows = self._row_targets(row, cell, offset, name, fiscal_year)
        if any(raw.strip() for _, _, raw, _, _, _ in rows) or sign_cell:
            out.had_value = True
            self.rows_with_value += 1
        c = self.columns
        for name_i, level2_raw, raw, place, graded, horizon in rows:
            has_target = bool(raw.strip() or sign_cell or (unit_cell and not c.halves))
            if not name_i and not description and not has_target:
                continue  # placeholder row: only a level name
            if c.halves and not name_i and not raw.strip():
                continue  # an empty half of a side-by-side row
            target, warnings = read_target(
                raw, sign_cell, unit_cell, name_i, fiscal_year, split=split
            )
            out.warnings.extend(warnings)
            level1, level2 = resolve_levels(self.level1_raw, level2_raw)
            direction, source = implied_direction(target, direction_given)
            out.indicators.append(
                indicator(
                    level1=level1,
                    level2=level2,
                    level1_raw=self.level1_raw,
                    level2_raw=level2_raw,
                    name=name_i,
                    description=description,
                    target=target,
                    basis=basis,
                    weight=weight,
                    direction=direction,
                    direction_source=source,
                    horizon=horizon or self.horizon,
                    place=place,
                    graded=graded,
                    source_line=row.line,
                )
            )
        if out.indicators and out.had_value:
            self.rows_produced += 1
        return out

    def _warn_ignored(self, row: Row, warnings: list[tuple[str, str]]) -> None:
        """A column whose header names no role is not read: say so once per table, at the
        first data row that has something in it (nothing is dropped silently)."""
        offset, cells = self._offset(row), row.cells
        for index, label in self.columns.ignored:
            at = index + offset
            value = cells[at].strip() if 0 <= at < len(cells) else ""
            if value:
                self.ignored_warned = True
                if label in self.ignored_seen:
                    return
                self.ignored_seen.add(label)
                warnings.append(
                    (
                        COLUMN_IGNORED,
                        f"表头“{label[:20]}”一列未能识别，该列内容（如“{value[:20]}”）未载入",
                    )
                )
                return

    def _levels_and_name(self, cell: CellOf) -> tuple[str, str | None]:
        """Forward-fill the level cells and find the name cell: (clean name, mode). The
        table's mode and level shift are decided on its first row that shows them."""
        c = self.columns
        roles = c.roles
        level1_cell = clean_cell(cell("level1"))
        level2_cell = clean_cell(cell("level2"))
        if not c.halves and self.mode is None and level2_cell and "name" not in roles:
            self.mode = self._mode(level2_cell)
        mode = self.mode or ("normal" if "name" in roles else None)
        # columns one level off: the 一级指标 column holds level-2 words (数量指标 …) and
        # the 二级指标 column the names; decided once per table on its first level cell
        if self.shifted is None and level1_cell and not c.halves:
            self.shifted = bool(
                level2_of(level1_cell) and not level1_of(level1_cell) and "name" not in roles
            )
        if self.shifted:
            name_cell = level2_cell
            level2_cell = level1_cell
            self.level1_raw = ""
        else:
            if level1_cell:
                self.level1_raw = level1_cell
                self.level2_raw = ""
            if mode == "level2_is_name":
                name_cell = level2_cell
                level2_cell = ""
            else:
                name_cell = cell("name") or cell("content")
        if level2_cell:
            self.level2_raw = level2_cell
        return clean_name(name_cell), mode

    def _level_row(self, row: Row, name: str) -> bool:
        """A spanning level row (`产出指标` alone) sets the level and carries no indicator."""
        filled = [text for text in row.cells if text.strip()] if not name else []
        if filled and len(set(map(key, filled))) == 1 and not self.columns.halves:
            only = filled[0]
            if level1_of(only) and not level2_of(only):
                self.level1_raw, self.level2_raw = clean_cell(only), ""
                return True
            if level2_of(only):
                self.level2_raw = clean_cell(only)
                return True
        return False

    def _texts(self, cell: CellOf, mode: str | None) -> tuple[str | None, str | None, float | None]:
        """(description, basis, weight) of a row; the content column describes when the
        level-2 column names the indicator."""
        roles = self.columns.roles
        description_cell = cell("description")
        if mode != "level2_is_name" and "content" in roles and "name" in roles:
            description_cell = description_cell or ""
        elif mode == "level2_is_name" and "content" in roles:
            description_cell = description_cell or cell("content")
        basis = (clean_long(cell("basis")) or None) if "basis" in roles else None
        weight = _number(cell("weight")) if "weight" in roles else None
        return clean_long(description_cell) or None, basis, weight

    def _sign_unit_direction(self, cell: CellOf) -> tuple[str, str, Direction | None, bool]:
        """(sign, unit, given direction, sign+value+unit read as one) of a row. A 指标性质
        cell is a direction (正向/反向) or the sign of the flat 申报表's triple."""
        sign_cell = clean_cell(cell("sign"))
        direction_cell = cell("direction")
        nature = clean_cell(cell("sign_or_direction"))
        split = self.columns.split_target
        if nature and _direction(nature):
            direction_cell = direction_cell or nature
        elif nature and not sign_cell:
            sign_cell = nature
            split = True  # the flat 申报表's 指标性质 | 指标值 | 度量单位 triple
        roles = self.columns.roles
        given = _direction(direction_cell) if "direction" in roles or nature else None
        return sign_cell, clean_cell(cell("unit")), given, split

    def _row_targets(
        self, row: Row, cell: CellOf, offset: int, name: str, fiscal_year: int | None
    ) -> list[RowTarget]:
        """The row's targets: one per side-by-side half, one per place column, one graded
        (the 优 standard, the other grades kept) or the single value cell."""
        c = self.columns
        if c.halves:
            targets: list[RowTarget] = []
            for number, half in enumerate(c.halves[:2]):
                half_level2 = clean_cell(cell("level2", half))
                if half_level2:
                    self.half_level2[number] = half_level2
                half_name = clean_name(cell("name", half) or cell("content", half))
                raw = cell("value", half).strip(" \t\n")
                level2_raw = self.half_level2[number] or self.level2_raw
                targets.append((half_name, level2_raw, raw, None, None, c.half_horizons[number]))
            return targets
        if c.places:
            return [
                (name, self.level2_raw, row.cell(i + offset).strip(" \t\n"), place, None, None)
                for i, place in c.places
            ]
        if c.grades:
            printed = {g: clean_cell(row.cell(i + offset)) for g, i in c.grades.items()}
            graded = {
                g: read_target(v, "", "", name, fiscal_year)[0] for g, v in printed.items() if v
            }
            # the target is the 优 standard (what the unit commits to); the others are kept
            top = next((v for v in printed.values() if v), "")
            return [(name, self.level2_raw, top, None, graded or None, None)]
        raw = cell("value").strip(" \t\n") if "value" in c.roles else ""
        return [(name, self.level2_raw, raw, None, None, None)]


# -- transposed matrices (F5): places are rows, indicators are columns --------------------
_PLACE_KEYS = (
    "镇",
    "乡镇",
    "乡(镇)",
    "镇(街道)",
    "乡镇(街道)",
    "地区",
    "区域",
    "县(区)",
    "县区",
    "村",
)


def is_transposed_header(row: Row) -> bool:
    """`镇 | 产出指标 | 效益指标 | 满意度指标`: a place key, then level-1 names."""
    cells = row.cells
    if len(cells) < 3 or label_key(cells[0]) not in _PLACE_KEYS:
        return False
    levels = [cell for cell in cells[1:] if cell.strip() and level1_of(cell)]
    return len(levels) >= 2


class TransposedTable:
    """A three-row header (level 1 / level 2 / names), then one row per place; every value
    cell is one indicator of that place. Level 1 cells span their level-2 columns (fewer
    cells), so levels come from the level-2 words."""

    fast = False  # no plain-row shortcut (see IndicatorTable.plain_indicator)

    def __init__(self, header: Row, horizon: Horizon | None = None) -> None:
        self.header = header
        self.level2: list[str] = []
        self.names: list[str] = []
        self.horizon: Horizon = horizon or "annual"
        self.columns = Columns(roles={"value": 1}, width=len(header.cells))
        self.rows_with_value = 0
        self.rows_produced = 0
        self.header_probe: tuple[int, ...] = ()
        self.target_at = 1

    @property
    def needs_header(self) -> bool:
        return not self.names

    def feed_header(self, row: Row) -> bool:
        """Takes the level-2 row, then the names row; False when ``row`` is neither."""
        if not self.level2:
            if sum(1 for cell in row.cells if level2_of(cell)) < 2:
                return False
            filled = ""
            for cell in row.cells:
                filled = clean_cell(cell) or filled
                self.level2.append(filled)
            return True
        self.names = [clean_name(cell) for cell in row.cells]
        self.columns = Columns(roles={"value": 1}, width=len(row.cells))
        self.target_at = 1
        return True

    def expected_cells(self) -> int:
        return len(self.names)

    # the sub-header fix-up (etl/layouts/reader.py) may refresh any open table
    refresh = IndicatorTable.refresh

    def take(self, row: Row, fiscal_year: int | None) -> Produced:
        out = Produced()
        place = clean_cell(row.cell(0))
        if not place:
            return out
        for index in range(1, len(self.names)):
            name = self.names[index]
            raw = row.cell(index).strip(" \t\n")
            if not name or not raw:
                continue
            out.had_value = True
            level2_raw = self.level2[index] if index < len(self.level2) else ""
            target, warnings = read_target(raw, "", "", name, fiscal_year)
            out.warnings.extend(warnings)
            level1, level2 = resolve_levels("", level2_raw)
            direction, source = implied_direction(target, None)
            out.indicators.append(
                indicator(
                    level1=level1,
                    level2=level2,
                    level1_raw="",
                    level2_raw=level2_raw,
                    name=name,
                    target=target,
                    direction=direction,
                    direction_source=source,
                    horizon=self.horizon,
                    place=place,
                    source_line=row.line,
                )
            )
        if out.had_value:
            self.rows_with_value += 1
            if out.indicators:
                self.rows_produced += 1
        return out
