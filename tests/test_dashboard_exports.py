"""Downloads: no formulas from data, typed cells, a description sheet, file names only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import duckdb
import openpyxl
import pandas as pd

from dashboard.data import common as common_queries
from dashboard.data import exports
from dashboard.data.filter_model import Filters
from dashboard.view.formatting import for_display

HOSTILE = [
    '=HYPERLINK("http://evil.example/x","点我")',
    "+1+2",
    "-3+cmd|' /C calc'!A0",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=2+2",
    "=24人",
    "http://evil.example/",
    "普通项目",
]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "项目名称": HOSTILE,
            "年度": ["2021"] * 8 + ["未注明"],
            "预算总额（万元）": [12.5, 1000.25, 0.01, 3.0, 4.0, 5.0, 6.0, 7.0, None],
            "占比（%）": [50.0] * 9,
            "来源文件": ["/srv/secret/path/doc_a.txt"] * 9,
        }
    )


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_has_no_formula_cells_and_keeps_text_literally() -> None:
    book = _open(exports.to_xlsx_bytes(_frame(), title="项目", filters="年度：2021"))
    sheet = book[exports.DATA_SHEET]
    names = [sheet.cell(row=r, column=1).value for r in range(2, 2 + len(HOSTILE))]
    # openpyxl reads a carriage return back in its escaped XML form
    assert [n.replace("_x000D_", "\r") for n in names] == HOSTILE
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert cell.hyperlink is None


def test_xlsx_types_formats_header_and_description_sheet() -> None:
    when = dt.datetime(2026, 11, 30, 8, 15, 0)
    data = exports.to_xlsx_bytes(
        _frame(), title="预算最大的项目", filters="乡镇：老庄子镇", exported_at=when
    )
    book = _open(data)
    assert book.sheetnames == [exports.INFO_SHEET, exports.DATA_SHEET]
    info = {row[0]: row[1] for row in book[exports.INFO_SHEET].iter_rows(values_only=True)}
    assert info["内容"] == "预算最大的项目"
    assert info["筛选条件"] == "乡镇：老庄子镇"
    assert info["导出时间"] == when
    assert info["行数"] == 9
    sheet = book[exports.DATA_SHEET]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    money = sheet["C2"]
    assert isinstance(money.value, float) and money.value == 12.5
    assert "0.00" in money.number_format
    year = sheet["B2"]
    assert isinstance(year.value, int) and year.value == 2021
    assert sheet["B10"].value == "未注明"
    assert sheet["E2"].value == "doc_a.txt"
    assert sheet.column_dimensions["A"].width > 10
    assert b"/srv/secret" not in data


def test_csv_escapes_formula_cells_and_drops_paths() -> None:
    text = exports.to_csv_bytes(_frame()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    names = [r[0] for r in rows[1:]]
    assert names[:6] == ["'" + v for v in HOSTILE[:6]]
    assert names[6] == "'=24人"
    assert names[7:] == HOSTILE[7:]
    assert rows[1][1] == "2021" and rows[1][2] == "12.5"  # numbers are not prefixed
    assert all(r[4] == "doc_a.txt" for r in rows[1:])
    assert "/srv/secret" not in text


def test_seed_targets_starting_with_equals_stay_text(seed_warehouse) -> None:
    """The bundled documents print targets such as ``=24人``; they must not become formulas."""
    con = duckdb.connect(str(seed_warehouse), read_only=True)
    try:
        run = common_queries.connection_runner(con)
        frame = run(
            "SELECT fiscal_year, project_name, target_raw, source_file FROM v_indicator_target "
            "WHERE target_raw LIKE '=%' ORDER BY source_file, source_line",
            None,
        )
        budgets = common_queries.top_projects(run, Filters(), limit=5)
    finally:
        con.close()
    assert len(frame) > 0
    shown = for_display(
        frame,
        {
            "fiscal_year": "年度",
            "project_name": "项目",
            "target_raw": "指标值",
            "source_file": "来源文件",
        },
        years=("fiscal_year",),
    )
    book = _open(exports.to_xlsx_bytes(shown))
    sheet = book[exports.DATA_SHEET]
    values = [sheet.cell(row=r, column=3).value for r in range(2, len(frame) + 2)]
    assert values == list(frame["target_raw"])
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    money = for_display(
        budgets,
        {"project_name": "项目", "budget_total_yuan": "预算（万元）"},
        money=("budget_total_yuan",),
    )
    sheet = _open(exports.to_xlsx_bytes(money))[exports.DATA_SHEET]
    assert isinstance(sheet["B2"].value, float) and "0.00" in sheet["B2"].number_format


def test_xlsx_past_the_sheet_limit_continues_on_numbered_sheets(monkeypatch) -> None:
    """Excel holds 1,048,575 data rows a sheet and xlsxwriter drops more without a word:
    every row must still reach the file (the limit made small here)."""
    monkeypatch.setattr(exports, "SHEET_ROWS", 3)
    frame = pd.DataFrame({"项目名称": [f"项目{n}" for n in range(8)], "预算（万元）": range(8)})
    book = _open(exports.to_xlsx_bytes(frame, title="全部项目"))
    data = exports.DATA_SHEET
    assert book.sheetnames == [exports.INFO_SHEET, data, f"{data} 2", f"{data} 3"]
    names = [
        row[0]
        for name in book.sheetnames[1:]
        for row in book[name].iter_rows(min_row=2, values_only=True)
    ]
    assert names == [f"项目{n}" for n in range(8)]  # all rows, in order, once
    assert all(book[name]["A1"].value == "项目名称" for name in book.sheetnames[1:])
    info = {row[0]: row[1] for row in book[exports.INFO_SHEET].iter_rows(values_only=True)}
    assert info["行数"] == 8 and "3 个工作表" in info["分表"]
    # within the limit: one data sheet and no 分表 line
    one = _open(exports.to_xlsx_bytes(frame.head(3)))
    assert one.sheetnames == [exports.INFO_SHEET, data]
    assert "分表" not in {row[0] for row in one[exports.INFO_SHEET].iter_rows(values_only=True)}
