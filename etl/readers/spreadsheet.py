"""Readers for spreadsheet goal tables: .xlsx (openpyxl) and .csv (UTF-8 or GB18030).

Budget systems export the flat 申报表 as a grid, so cells keep their grid position (the
layouts index columns by the header):

- every visible worksheet that has a goal-table header cell (一级指标/三级指标/项目名称/
  指标值) is read, in workbook order; other sheets (instructions, lookup lists, hidden
  sheets) are skipped; each sheet starts a new table ordinal;
- a merged range gives its value to its top-left cell only, every other cell of the range
  is "" (like a Word vertical merge; the layouts forward-fill);
- a row whose only content is one cell becomes a Paragraph when it is above the first
  multi-cell row (title rows such as `某某县某某镇2023年度项目支出绩效目标申报表` and
  `金额单位:元`), below the last one (footnotes), or a merged range spanning the whole
  table width (a banner between tables); every other non-empty row is a Row;
- rows span the sheet's used columns: leading empty columns and columns after the last
  used one are cut, but a row keeps empty cells up to that width, as a Word table row keeps
  every cell (a short row would look like a document cut off mid-row);
- numbers print as written: 20000 → "20000", 16.3 → "16.3" (15 significant digits, no
  float noise); a cell formatted as percent prints as Excel shows it (0.95 → "95%");
  dates print as ISO `2023-12-31`; formulas give their cached value;
- ``line`` is the Excel row number; BlockStream.meta["sheets"] lists the sheets read and
  meta["table_sheets"] maps table ordinal → sheet name (JSON).
CSV follows the same title rule; ``line`` is the CSV line where the record starts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from etl.blocks import BlockStream
from etl.errors import DocumentError
from etl.limits import LimitExceeded
from etl.readers._bounds import GridBounds, check_package, scan_worksheets
from etl.readers._collect import BlockCollector, brief_error, is_goal_header_cell
from etl.readers.text import decode_bytes

NO_GOAL_SHEET = "未找到绩效目标表（工作簿中没有包含“三级指标/指标值”表头的工作表）"
NO_GOAL_CSV = "未找到绩效目标表（CSV 文件中没有“三级指标/指标值”表头）"

_PERCENT_DECIMALS = re.compile(r"0\.(0+)%")


@dataclass(slots=True)
class _Grid:
    """One sheet (or CSV) as text rows: (line, cells) with grid positions kept."""

    name: str
    rows: list[tuple[int, list[str]]]
    banners: set[int] = field(default_factory=set)  # lines of full-width merged cells
    columns: tuple[int, int] = (0, 0)  # first and last used column of the source

    def has_goal_header(self) -> bool:
        return any(is_goal_header_cell(cell) for _, cells in self.rows for cell in cells)


# --------------------------------------------------------------------------- cell text


def number_text(value: float | int, number_format: str = "General") -> str:
    """A number as a person typed it: no trailing ".0", no binary float noise."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if "%" in (number_format or ""):
        match = _PERCENT_DECIMALS.search(number_format)
        places = len(match.group(1)) if match else 0
        percent = Decimal(f"{value:.15g}") * 100
        return f"{percent:.{places}f}%"
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(f"{value:.15g}"), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def value_text(value: object, number_format: str = "General") -> str:
    """The text of one cell value as the layouts expect it (None → "")."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, int | float):
        return number_text(value, number_format)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


# --------------------------------------------------------------------------- xlsx


def read_xlsx(path: str | Path, data: bytes | None = None) -> BlockStream:
    """Read the goal sheets of a workbook into blocks (see the module docstring)."""
    import openpyxl

    raw = Path(path).read_bytes() if data is None else data
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            check_package(Path(path), archive, len(raw))
            scan_worksheets(Path(path), archive)  # the cells that exist, before openpyxl
    except LimitExceeded:
        raise
    except Exception as error:
        raise DocumentError(
            path, f"无法打开 .xlsx 文件，文件已损坏或不是 Excel 工作簿（{brief_error(error)}）"
        ) from None
    try:
        source = io.BytesIO(raw)
        workbook = openpyxl.load_workbook(source, read_only=False, data_only=True)
    except Exception as error:  # zipfile, lxml, openpyxl and KeyError all happen here
        raise DocumentError(
            path, f"无法打开 .xlsx 文件，文件已损坏或不是 Excel 工作簿（{brief_error(error)}）"
        ) from None
    try:
        grids = [_sheet_grid(ws) for ws in workbook.worksheets if ws.sheet_state == "visible"]
    except LimitExceeded as error:
        raise LimitExceeded(path, error.reason) from None
    except Exception as error:
        raise DocumentError(
            path, f"无法读取 .xlsx 工作表内容，文件可能已损坏（{brief_error(error)}）"
        ) from None
    finally:
        workbook.close()
    goal_grids = [grid for grid in grids if grid.has_goal_header()]
    if not goal_grids:
        raise DocumentError(path, NO_GOAL_SHEET)
    out = BlockCollector()
    table_sheets: dict[int, str] = {}
    for grid in goal_grids:
        out.new_table()
        _emit(grid, out, table_sheets)
    meta = {
        "line_kind": "excel_row",
        "sheets": json.dumps([grid.name for grid in goal_grids], ensure_ascii=False),
        "table_sheets": json.dumps(table_sheets, ensure_ascii=False),
    }
    return BlockStream(out.blocks, "xlsx", meta)


def _sheet_grid(ws) -> _Grid:
    # ws._cells holds only the cells stored in the file; iterating ws.iter_rows() would
    # create every cell up to max_row, which formatting alone can push to 1,048,576.
    stored = getattr(ws, "_cells", None)
    cells = (
        stored.values() if isinstance(stored, dict) else (c for row in ws.iter_rows() for c in row)
    )
    texts: dict[int, dict[int, str]] = {}
    bounds = GridBounds(Path(ws.title), f"工作表 {ws.title} ")
    for cell in cells:
        text = value_text(cell.value, getattr(cell, "number_format", "General"))
        if text.strip():
            bounds.add(cell.row, cell.column)
            texts.setdefault(cell.row, {})[cell.column] = text
    grid = _grid(ws.title, texts)
    if grid.rows:
        first, last = grid.columns
        grid.banners = {
            merged.min_row
            for merged in ws.merged_cells.ranges
            if merged.min_col <= first
            and merged.max_col >= last
            and merged.max_col > merged.min_col
        }
    return grid


def _grid(name: str, texts: dict[int, dict[int, str]]) -> _Grid:
    """Rows of the used column span: leading empty columns and trailing ones cut."""
    if not texts:
        return _Grid(name, [])
    first = min(min(row) for row in texts.values())
    last = max(max(row) for row in texts.values())
    rows = [
        (line, [texts[line].get(col, "") for col in range(first, last + 1)])
        for line in sorted(texts)
    ]
    return _Grid(name, rows, columns=(first, last))


def _emit(grid: _Grid, out: BlockCollector, table_sheets: dict[int, str]) -> None:
    """Title, banner and footnote rows become paragraphs; the rest rows (module docstring)."""
    multi = [i for i, (_, cells) in enumerate(grid.rows) if sum(1 for c in cells if c.strip()) > 1]
    first_multi, last_multi = (multi[0], multi[-1]) if multi else (len(grid.rows), -1)
    for index, (line, cells) in enumerate(grid.rows):
        filled = [cell for cell in cells if cell.strip()]
        if len(filled) == 1 and (index < first_multi or index > last_multi or line in grid.banners):
            for text in filled[0].split("\n"):
                out.paragraph(text, line)
            continue
        table_sheets.setdefault(out.row(cells, line).table, grid.name)


# --------------------------------------------------------------------------- csv


def read_csv(path: str | Path, data: bytes | None = None) -> BlockStream:
    """Read a CSV export (comma, tab or semicolon; UTF-8 with or without BOM, or GB18030)."""
    raw = Path(path).read_bytes() if data is None else data
    text = decode_bytes(raw, path)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    texts: dict[int, dict[int, str]] = {}
    bounds = GridBounds(Path(path), "")
    try:
        start = 1
        for record in reader:
            for column, cell in enumerate(record, start=1):
                if cell.strip():
                    bounds.add(start, column)  # refuses a sparse far-out cell before any grid
                    texts.setdefault(start, {})[column] = value_text(cell)
            start = reader.line_num + 1
    except csv.Error as error:
        raise DocumentError(path, f"CSV 格式错误，无法读取（{brief_error(error)}）") from None
    grid = _grid(Path(path).name, texts)
    if not grid.has_goal_header():
        raise DocumentError(path, NO_GOAL_CSV)
    out = BlockCollector()
    _emit(grid, out, {})
    meta = {"line_kind": "line", "delimiter": delimiter}
    return BlockStream(out.blocks, "csv", meta)
