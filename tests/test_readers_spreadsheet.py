""".xlsx and .csv readers: the flat 申报表 as budget systems export it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from etl.errors import DocumentError
from etl.readers import read_blocks
from etl.readers.spreadsheet import NO_GOAL_SHEET, number_text, value_text
from tests.fixtures.build_office import (
    FLAT_HEADER,
    FLAT_SCALE,
    FLAT_TITLE,
    block_signature,
    expected_flat_rows,
    flat_csv,
    flat_workbook,
)


def without_lines(value):
    if isinstance(value, dict):
        return {
            k: without_lines(v)
            for k, v in value.items()
            if k not in ("source", "source_line", "line")
        }
    if isinstance(value, list):
        return [without_lines(v) for v in value]
    return value


def expected_flat_blocks(table: int = 0) -> list[tuple]:
    return [
        ("p", FLAT_TITLE),
        ("p", FLAT_SCALE),
        ("row", tuple(FLAT_HEADER), table),
        *[("row", cells, table) for cells in expected_flat_rows()],
    ]


def test_flat_workbook_blocks(tmp_path):
    stream = read_blocks(flat_workbook(tmp_path / "申报表.xlsx"))
    assert stream.format == "xlsx"
    assert block_signature(stream.blocks) == expected_flat_blocks()
    # line = Excel row number; the instructions sheet was skipped
    assert [b.line for b in stream.blocks[:4]] == [1, 2, 3, 4]
    assert stream.meta["sheets"] == '["申报表"]'


def test_flat_workbook_details(tmp_path):
    stream = read_blocks(flat_workbook(tmp_path / "申报表.xlsx"))
    rows = [b for b in stream.blocks if b.__class__.__name__ == "Row"]
    department, first, second = rows[1], rows[2], rows[3]
    assert department.cells[:3] == ("820-某某镇部门", "", "2,129,500.50")
    assert first.cells[:3] == ("820001-某某县某某镇人民政府", "乡村道路维护", "1,234,500.00")
    assert first.cells[3] == "1.完成村道维修12公里\n2.群众满意度达到95%以上"
    assert second.cells[:4] == ("", "", "", "")  # merged unit/project cells
    assert "680000" in rows[7].cells and "215000.5" in rows[10].cells  # numbers, no ".0"
    assert all(len(row.cells) == len(FLAT_HEADER) for row in rows)


def test_several_goal_sheets_each_get_a_table(tmp_path):
    stream = read_blocks(flat_workbook(tmp_path / "two.xlsx", sheets=2))
    assert block_signature(stream.blocks) == expected_flat_blocks(0) + expected_flat_blocks(1)
    assert stream.meta["table_sheets"] == '{"0": "申报表", "1": "申报表2"}'


def test_flat_workbook_record(tmp_path):
    parser = pytest.importorskip("etl.parser")
    record = parser.parse_file(flat_workbook(tmp_path / "申报表.xlsx"), manifest=[])
    assert record["source"]["layout"] == "flat/xlsx"
    assert record["fiscal_year"] == 2023
    assert record["unit"]["code"] == "820001"
    budgets = [
        (p["name"], p["budget"]["total_yuan"], len(p["indicators"])) for p in record["projects"]
    ]
    assert budgets == [
        ("乡村道路维护", 1234500, 5),
        ("村级组织运转经费", 680000, 3),
        ("环境卫生整治", 215000.5, 2),
    ]
    assert not [w for w in record["warnings"] if w["code"] == "department_total_mismatch"]


def test_several_goal_sheets_record(tmp_path):
    parser = pytest.importorskip("etl.parser")
    record = parser.parse_file(flat_workbook(tmp_path / "two.xlsx", sheets=2), manifest=[])
    assert len(record["projects"]) == 6
    assert "项目名称" not in [p["name"] for p in record["projects"]]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("gb18030", ","), ("utf-8-sig", ","), ("utf-8", ","), ("gb18030", "\t")],
    ids=["gb18030", "utf8-bom", "utf8", "gb18030-tab"],
)
def test_flat_csv_blocks(tmp_path, encoding, delimiter):
    stream = read_blocks(flat_csv(tmp_path / "申报表.csv", encoding=encoding, delimiter=delimiter))
    assert stream.format == "csv"
    assert block_signature(stream.blocks) == expected_flat_blocks()
    # the first project's goal spans two physical lines: the next record starts at line 7
    assert [b.line for b in stream.blocks[:6]] == [1, 2, 3, 4, 5, 7]


def test_csv_and_xlsx_give_the_same_record(tmp_path):
    parser = pytest.importorskip("etl.parser")
    from_xlsx = parser.parse_file(flat_workbook(tmp_path / "a.xlsx"), manifest=[])
    from_csv = parser.parse_file(flat_csv(tmp_path / "a.csv"), manifest=[])
    assert from_csv["source"]["layout"] == "flat/csv"
    # lines differ: a CSV record spans two lines where a cell holds a line break
    assert without_lines(from_csv) == without_lines(from_xlsx)


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (20000, "General", "20000"),
        (20000.0, "General", "20000"),
        (16.3, "General", "16.3"),
        (0.1 + 0.2, "General", "0.3"),
        (1234500.0, "#,##0.00", "1234500"),
        (-0.0, "General", "0"),
        (1e-7, "General", "0.0000001"),
        (1e20, "General", "100000000000000000000"),
        (0.95, "0%", "95%"),
        (0.955, "0.0%", "95.5%"),
        (1, "0.00%", "100.00%"),
        (True, "General", "TRUE"),
    ],
)
def test_number_text(value, number_format, text):
    assert number_text(value, number_format) == text


def test_value_text_other_types():
    assert value_text(None) == ""
    assert value_text("a\r\nb") == "a\nb"
    assert value_text(dt.datetime(2023, 12, 31)) == "2023-12-31"
    assert value_text(dt.datetime(2023, 12, 31, 8, 30)) == "2023-12-31 08:30"
    assert value_text(dt.date(2023, 6, 30)) == "2023-06-30"


def _workbook(path: Path, build) -> Path:
    workbook = Workbook()
    build(workbook)
    workbook.save(path)
    return path


def test_no_goal_sheet_is_one_line_error(tmp_path):
    def build(workbook):
        workbook.active["A1"] = "人员名单"
        workbook.active["B2"] = 3

    with pytest.raises(DocumentError) as caught:
        read_blocks(_workbook(tmp_path / "名单.xlsx", build))
    assert str(caught.value) == f"{tmp_path / '名单.xlsx'}: {NO_GOAL_SHEET}"


def test_hidden_sheets_and_sheets_without_header_are_skipped(tmp_path):
    def build(workbook):
        hidden = workbook.active
        hidden.title = "代码表"
        hidden.append(["一级指标", "二级指标"])
        hidden.sheet_state = "hidden"
        notes = workbook.create_sheet("说明")
        notes["A1"] = "说明文字"
        goals = workbook.create_sheet("目标")
        goals.append(["一级指标", "三级指标", "指标值"])
        goals.append(["产出指标", "数量", 5])

    stream = read_blocks(_workbook(tmp_path / "w.xlsx", build))
    assert block_signature(stream.blocks) == [
        ("row", ("一级指标", "三级指标", "指标值"), 0),
        ("row", ("产出指标", "数量", "5"), 0),
    ]


def test_grid_is_cut_to_used_columns_and_single_cells_become_paragraphs(tmp_path):
    def build(workbook):
        ws = workbook.active
        ws["C2"] = "金额单位:万元"  # alone above the table: a title paragraph
        ws["B4"], ws["C4"], ws["D4"] = "三级指标", "指标值", "备注"
        ws["B5"], ws["C5"] = "完成率", 0.95
        ws["C5"].number_format = "0%"
        ws["B6"] = "分节标题"  # a banner merged across the table
        ws.merge_cells("B6:D6")
        ws["B7"], ws["D7"] = "满意度", "调查"
        ws["F30"].number_format = "0.00"  # formatting alone does not widen the grid
        ws["B9"] = "填表人：张三"  # footnote below the table

    stream = read_blocks(_workbook(tmp_path / "g.xlsx", build))
    assert block_signature(stream.blocks) == [
        ("p", "金额单位:万元"),
        ("row", ("三级指标", "指标值", "备注"), 0),
        ("row", ("完成率", "95%", ""), 0),
        ("p", "分节标题"),
        ("row", ("满意度", "", "调查"), 1),
        ("p", "填表人：张三"),
    ]
    assert [b.line for b in stream.blocks] == [2, 4, 5, 6, 7, 9]


def test_formula_cells_give_cached_values(tmp_path):
    """openpyxl writes no cached value, Excel does; without one the cell reads empty."""

    def build(workbook):
        ws = workbook.active
        ws.append(["项目名称", "预算数", "指标值"])
        ws.append(["道路", "=1+1", "≥95%"])

    stream = read_blocks(_workbook(tmp_path / "f.xlsx", build))
    assert stream.blocks[1].cells == ("道路", "", "≥95%")


def test_corrupt_xlsx_is_one_line_error(tmp_path):
    good = flat_workbook(tmp_path / "good.xlsx")
    for name, content in {
        "not-zip.xlsx": b"\x01\x02 not a workbook",
        "cut.xlsx": good.read_bytes()[:2000],
    }.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(DocumentError) as caught:
            read_blocks(path)
        assert "\n" not in str(caught.value) and ".xlsx" in str(caught.value)


def test_csv_without_goal_header_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("姓名,电话\n张三,123\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="CSV 文件中没有"):
        read_blocks(path)
