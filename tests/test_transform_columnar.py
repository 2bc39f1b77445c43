"""The worker builds the indicator tables straight into column lists (``columnar=True``);
they must be exactly what the row dicts turned into columns (``to_columns``) give."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from etl.parser import parse_file
from warehouse.load.classify import load_classifier
from warehouse.load.transform import COLUMNAR, SourceInfo, record_to_rows
from warehouse.schema import keys

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted(ROOT.glob("data/00*.txt")) + sorted(
    ROOT.glob("tests/fixtures/families/*/doc.txt")
)


def _source(path: Path) -> SourceInfo:
    return SourceInfo(str(path), "0" * 64, 1, "test", 1, dt.datetime(2026, 1, 2))


def _both(record: dict, path: Path) -> tuple:
    classifier = load_classifier()
    rows = record_to_rows(copy.deepcopy(record), _source(path), classifier)
    assert "fact_indicator_target" not in rows.columns
    rows.to_columns()
    direct = record_to_rows(copy.deepcopy(record), _source(path), classifier, columnar=True)
    assert not set(COLUMNAR[:2]) & set(direct.tables)
    direct.to_columns()
    return rows, direct


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.parent.name + "/" + p.name)
def test_direct_columns_equal_rows_turned_into_columns(path: Path) -> None:
    rows, direct = _both(parse_file(path, manifest=[]), path)
    assert rows.count("fact_indicator_target") > 0
    assert direct.tables == rows.tables
    assert list(direct.columns) == list(rows.columns)  # the same tables, in the same order
    for table, columns in rows.columns.items():
        assert list(direct.columns[table]) == list(columns), table  # column order
        assert direct.columns[table] == columns, table


def test_repeated_definition_keeps_one_dimension_row_the_last() -> None:
    """Two indicators with one definition (names differ only by spaces): one dim row, the
    later spelling, as the loader's upsert keeps it; two target rows with their own keys."""
    indicator = {"level1": "产出指标", "level2": "数量指标", "target": {"kind": "count"}}
    record = {
        "fiscal_year": 2024,
        "unit": {"name": "示例镇"},
        "projects": [
            {
                "seq": 1,
                "name": "示例项目",
                "indicators": [
                    {**indicator, "name": "维护 里程", "source_line": 3},
                    {**indicator, "name": "维护里程", "source_line": 4},
                ],
            }
        ],
    }
    path = Path("/tmp/invented.txt")
    rows, direct = _both(record, path)
    dim = direct.columns["dim_indicator"]
    assert dim == rows.columns["dim_indicator"]
    assert dim["indicator_name"] == ["维护里程"]
    facts = direct.columns["fact_indicator_target"]
    assert facts == rows.columns["fact_indicator_target"]
    assert facts["source_line"] == [3, 4]
    doc = keys.document_key(str(path))
    assert facts["target_key"] == [keys.row_key("target", doc, "project", 1, n) for n in (1, 2)]


def test_md5_text_is_md5_key_of_the_joined_parts() -> None:
    assert keys.md5_text("target|7|unit|0|3") == keys.row_key("target", 7, "unit", 0, 3)
    assert keys.md5_text("x||名") == keys.md5_key("x", None, "名")


def test_keys_are_pinned() -> None:
    """Keys are stored in warehouses: the md5 implementation may change, never the value
    (computed with hashlib.md5 of "document|/x/y.txt" and "target|7|unit|0|3")."""
    assert keys.document_key("/x/y.txt") == 7479085283310228826
    assert keys.row_key("target", 7, "unit", 0, 3) == 9013457939482740584
