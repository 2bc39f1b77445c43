"""Tests for etl.targets.parse_target_cells: value + sign column + unit column + name."""

from __future__ import annotations

from etl.targets import parse_target_cells


def test_sign_and_unit_columns_combine() -> None:
    target, warnings = parse_target_cells("95", sign="≥", unit="%", indicator_name="覆盖面")
    assert (target["op"], target["value"], target["unit"], target["kind"]) == (
        ">=",
        95,
        "%",
        "percent",
    )
    assert warnings == []


def test_unit_column_contradicting_value_warns_and_keeps_value_unit() -> None:
    target, warnings = parse_target_cells("28.8万元", unit="%", indicator_name="补助资金")
    assert (target["value"], target["unit"], target["value_yuan"]) == (28.8, "万元", 288000.0)
    assert [code for code, _ in warnings] == ["target_unit_conflict"]
