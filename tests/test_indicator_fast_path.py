"""The plain-row fast path of an indicator table gives what the general path gives.

`IndicatorTable.plain_indicator` reads the common row (named levels, one value column,
optionally 指标性质 / unit / weight / direction / basis columns) with memoised cell
cleaning (docs/parser.md, Speed); the same rows through the general `take` must produce
identical indicators, warnings and table state."""

from __future__ import annotations

import pytest

from etl.blocks import Row
from etl.layouts.indicators import IndicatorTable, read_target, scan_header

HEADERS = {
    "plain": ("一级指标", "二级指标", "三级指标", "指标值"),
    "described": ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"),
    "flat_triple": ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"),
    "weighted": ("一级指标", "二级指标", "三级指标", "指标值", "权重", "指标方向性"),
}

ROWS = {
    "plain": [
        ("产出指标", "数量指标", "培训人数", "≥120人"),
        ("", "质量指标", "合格率", "95%以上"),
        ("", "", "完成时间", "12月底前"),
        ("效益指标", "社会效益指标", "群众满意度*", "≥90%"),
        ("", "", "空值行", ""),  # no value: the general path decides
        ("满意度指标", "", "", "≥95%"),  # no name: the general path decides
    ],
    "described": [
        ("产出指标", "数量指标", "发放材料", "发放材料份数", ">=1788份", "行业标准"),
        ("", "时效指标", "完成时限", "项目完成的时间", "2020年10月底前", "计划"),
        ("", "成本指标", "项目总成本", "", "≤7.14万元", ""),
    ],
    "flat_triple": [
        ("产出指标", "数量指标", "新建道路", "≥", "12", "公里"),
        ("", "", "维修面积", "正向", "3000", "平方米"),
        ("", "质量指标", "事故率", "反向", "0.5", "%"),
        ("", "", "验收合格", "=", "合格", ""),
        ("效益指标", "社会效益指标", "受益人数", "大于等于", "500", "人"),
    ],
    "weighted": [
        ("产出指标", "数量指标", "建设个数", "10个", "20", "正向"),
        ("", "", "覆盖率", "≥98%", "10", ""),
        ("", "质量指标", "达标率", "100%", "", "反向"),
    ],
}


def _table(layout: str, fast: bool) -> IndicatorTable:
    columns = scan_header(Row(HEADERS[layout], 1))
    assert columns is not None
    table = IndicatorTable(columns)
    assert table.fast  # every layout here is a plain one
    table.fast = fast
    return table


def _state(table: IndicatorTable) -> tuple:
    return (table.level1_raw, table.level2_raw, table.rows_with_value, table.rows_produced)


@pytest.mark.parametrize("layout", sorted(ROWS))
@pytest.mark.parametrize("year", [2020, None])
def test_fast_path_equals_the_general_path(layout: str, year: int | None) -> None:
    fast, general = _table(layout, True), _table(layout, False)
    for line, cells in enumerate(ROWS[layout], start=2):
        row = Row(cells, line)
        got, want = fast.take(row, year), general.take(row, year)
        assert got.indicators == want.indicators, cells
        assert got.warnings == want.warnings, cells
        assert got.had_value == want.had_value, cells
        assert _state(fast) == _state(general), cells


def test_fast_path_reads_the_flat_triple_as_one_printed_target() -> None:
    table = _table("flat_triple", True)
    found = table.plain_indicator(
        Row(("产出指标", "数量指标", "新建道路", "≥", "12", "公里"), 2), 2021, []
    )
    assert found is not None
    assert found["target"]["op"] == ">=" and found["direction"] == "positive"
    negative = table.plain_indicator(Row(("", "", "事故率", "反向", "0.5", "%"), 3), 2021, [])
    assert negative is not None and negative["direction"] == "negative"
    assert negative["direction_source"] == "given"


def test_memoised_readings_are_fresh_objects() -> None:
    table = _table("plain", True)
    first = table.plain_indicator(Row(("产出指标", "数量指标", "培训人数", "≥120人"), 2), 2021, [])
    assert first is not None
    first["target"]["value"] = -1
    again = read_target("≥120人", "", "", "培训人数", 2021)[0]
    assert again["value"] != -1
