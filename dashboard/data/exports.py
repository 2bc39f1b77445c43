"""Table downloads: every table the dashboard shows can leave as CSV or Excel, safely.

Document text is untrusted: a project name such as ``=HYPERLINK(...)`` or a target such
as ``=24人`` must stay text in every spreadsheet tool. The workbook is written with
xlsxwriter's ``strings_to_formulas``/``strings_to_urls`` off, and CSV cells that a
spreadsheet would evaluate (starting with ``= + - @``, tab or CR) get a leading ``'`` as
OWASP's CSV-injection advice says. Numbers stay numbers (money with a 万元 format, percent
columns with one decimal, years as integers), and the first sheet states the filter and
the time of export. Server paths never leave: source files are reduced to their names.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import PurePath
from typing import Any

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MONEY_SUFFIX = "（万元）"
PERCENT_SUFFIX = "（%）"
YEAR_HEADERS = ("年度", "预算年度", "fiscal_year")
PATH_HEADERS = ("来源文件", "source_file")
MAX_WIDTH = 60
DATA_SHEET = "数据"
INFO_SHEET = "说明"
SHEET_ROWS = 1_048_575  # data rows an Excel sheet holds under its header; more continue on
# the next sheet ("数据 2", ...): xlsxwriter drops a row past the limit without a word


def file_name_only(value: object) -> object:
    """A server path → its file name (anything else unchanged)."""
    if isinstance(value, str) and ("/" in value or "\\" in value):
        return PurePath(value.replace("\\", "/")).name
    return value


def escape_csv_cell(value: object) -> object:
    """Prefix a text cell a spreadsheet would evaluate with ``'`` (numbers unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _year_value(value: object) -> object:
    """ "2021" → 2021; the "未注明" label and missing values stay as they are."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, float) and not math.isnan(value) and value.is_integer():
        return int(value)
    return value


def _is_year_column(name: object) -> bool:
    return str(name) in YEAR_HEADERS


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """The export copy: file names instead of paths, integer years, naive datetimes."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
        if str(column) in PATH_HEADERS:
            out[column] = [file_name_only(v) for v in out[column]]
        if _is_year_column(column):
            values = [_year_value(v) for v in out[column]]
            if all(isinstance(v, int) for v in values):
                out[column] = pd.Series(values, index=out.index, dtype="int64")
            else:
                out[column] = pd.Series(values, index=out.index, dtype=object)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with a UTF-8 BOM (Excel on Windows reads the Chinese text), formula cells escaped."""
    out = prepare(frame)
    text = io.StringIO(newline="")
    writer = csv.writer(text, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([escape_csv_cell(str(c)) for c in out.columns])
    for row in out.itertuples(index=False, name=None):
        writer.writerow(["" if (v := _cell(x)) is None else escape_csv_cell(v) for x in row])
    return text.getvalue().encode("utf-8-sig")


def _width(series: pd.Series, header: str) -> float:
    """Column width in Excel characters (CJK characters count double)."""

    def size(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    cells = [size(str(v)) for v in series.head(500) if v is not None]
    return min(MAX_WIDTH, max([size(header) + 2, *cells]) + 2)


def _cell(value: object) -> object:
    """Values xlsxwriter can write; missing → empty cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    return value


def to_xlsx_bytes(
    frame: pd.DataFrame,
    sheet_name: str = DATA_SHEET,
    *,
    title: str = "",
    filters: str = "全部数据",
    exported_at: dt.datetime | None = None,
) -> bytes:
    """A workbook: sheet "说明" (title, filter, export time, row count), then the data sheet
    with typed cells, number formats, column widths, a frozen header and an autofilter."""
    import xlsxwriter

    out = prepare(frame)
    exported_at = exported_at or dt.datetime.now().replace(microsecond=0)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": False,
        },
    )
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    money = book.add_format({"num_format": "#,##0.00"})
    percent = book.add_format({"num_format": "0.0"})
    integer = book.add_format({"num_format": "0"})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})

    info = book.add_worksheet(INFO_SHEET)
    info.set_column(0, 0, 14)
    info.set_column(1, 1, 70)
    parts = [out.iloc[start : start + SHEET_ROWS] for start in range(0, len(out), SHEET_ROWS)]
    parts = parts or [out]
    rows: list[tuple[str, object]] = [
        ("内容", title or sheet_name),
        ("筛选条件", filters),
        ("导出时间", exported_at),
        ("行数", len(out)),
        ("单位", "金额单位为万元；百分比列为百分点"),
    ]
    if len(parts) > 1:
        rows.append(
            (
                "分表",
                f"超过 Excel 每表 {SHEET_ROWS:,} 行的上限，数据按顺序分在 {len(parts)} 个工作表",
            )
        )
    for r, (label, value) in enumerate(rows):
        info.write_string(r, 0, label, bold)
        if isinstance(value, dt.datetime):
            info.write_datetime(r, 1, value, when)
        elif isinstance(value, int):
            info.write_number(r, 1, value, integer)
        else:
            info.write_string(r, 1, str(value))

    base = (sheet_name or DATA_SHEET)[:28]
    formats = (money, percent, integer, when, day)
    for number, part in enumerate(parts, start=1):
        sheet = book.add_worksheet(base if number == 1 else f"{base} {number}")
        _write_data(sheet, part, header, formats)
    book.close()
    return buffer.getvalue()


def _write_data(sheet: Any, out: pd.DataFrame, header: Any, formats: tuple) -> None:
    """One data sheet: typed cells, number formats, widths, frozen header, autofilter."""
    money, percent, integer, when, day = formats
    for c, column in enumerate(out.columns):
        name = str(column)
        sheet.write_string(0, c, name, header)
        fmt = None
        if name.endswith(MONEY_SUFFIX):
            fmt = money
        elif name.endswith(PERCENT_SUFFIX):
            fmt = percent
        elif _is_year_column(name):
            fmt = integer
        sheet.set_column(c, c, _width(out[column], name), fmt)
        for r, value in enumerate(out[column], start=1):
            value = _cell(value)
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value, fmt)
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, when)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
            else:
                sheet.write_string(r, c, str(value))
    sheet.freeze_panes(1, 0)
    if len(out.columns):
        sheet.autofilter(0, 0, max(len(out), 1), len(out.columns) - 1)
