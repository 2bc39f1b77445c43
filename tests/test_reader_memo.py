"""The memoised lookups of the reader give the same answers as the uncached code and never
share mutable results between rows."""

from __future__ import annotations

import pytest

import etl.targets as targets
from etl.layouts.indicators import read_target
from etl.normalize import clean_long, strip_field_codes
from etl.vocabulary import inline_label, label_role


def test_a_changed_target_does_not_change_the_next_reading() -> None:
    first, warnings = read_target("≥95%", "", "", "群众满意度", 2024)
    first["value"] = -1
    first["op"] = "<"
    warnings.append(("x", "y"))
    again, again_warnings = read_target("≥95%", "", "", "群众满意度", 2024)
    assert again["value"] == 95 and again["op"] == ">=" and again["unit"] == "%"
    assert again_warnings == []


@pytest.mark.parametrize(
    ("value", "sign", "unit", "name"),
    [
        ("≥95%", "", "", "群众满意度"),
        ("0.9年初该项经费下达后", "", "", "资金到位率"),
        ("12", "≥", "次", "开展培训次数"),
        ("", "≥", "%", "覆盖率"),
        ("健全", "", "", "制度建设"),
        ("2024年12月底前", "", "", "完成时间"),
    ],
)
def test_memoised_reading_equals_the_target_parser(value, sign, unit, name) -> None:
    for _ in range(2):  # the second call is a cache hit
        got = read_target(value, sign, unit, name, 2024)
        want = targets.parse_target_cells(
            value, sign=sign or None, unit=unit or None, indicator_name=name, fiscal_year=2024
        )
        assert got == (want[0], list(want[1]))


@pytest.mark.parametrize("text", ["17.54", "410324ABC", "  ", "(万元)", "TOTAL:30"])
def test_ascii_cells_are_no_labels(text: str) -> None:
    assert label_role(text) == (None, None)
    assert inline_label(text) == (None, "")


def test_chinese_labels_still_found() -> None:
    assert label_role("项目名称")[0] == "project_name"
    assert inline_label("资金总额:30")[0] is not None


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("  一行  ", "一行"),
        ("第一行 \n\n  第二行\u3000", "第一行\n第二行"),
        ('[bookmark: _Toc1]标题{ TC "x" }', "标题"),
        ("没有代码", "没有代码"),
    ],
)
def test_cheap_paths_of_text_cleaning(text: str, want: str) -> None:
    assert clean_long(strip_field_codes(text)) == want


def test_a_deadline_keeps_its_own_year_through_the_cache() -> None:
    a = read_target("12月底前", "", "", "完成时间", 2023)[0]
    b = read_target("12月底前", "", "", "完成时间", 2024)[0]
    assert a["kind"] == b["kind"] == "deadline"
    assert a["value"] != b["value"] and str(a["value"]).startswith("2023")
    assert read_target("≥95%", "", "", "群众满意度", 2023) == read_target(
        "≥95%", "", "", "群众满意度", 2024
    )
