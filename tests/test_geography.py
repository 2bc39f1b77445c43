"""Admin-division resolution against the bundled official table and the five seed documents."""

from __future__ import annotations

import csv
import gzip
import io
import re
from pathlib import Path

import pytest

from etl.geography import TABLE_PATH, lookup_township, resolve_unit

DATA = Path(__file__).resolve().parents[1] / "data"
# The unit is a table cell "<6-digit unit code><unit name>" in the text export.
_UNIT_CELL = re.compile(r"^\t(\d{6})(\S+)$", re.M)
NONE = {"province": None, "city": None, "county": None, "township": None}


def _seed(prefix: str) -> str:
    (path,) = DATA.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _unit(text: str) -> str | None:
    m = _UNIT_CELL.search(text)
    return m.group(2) if m else None


def _expect(
    province: str | None, city: str | None, county: str | None, township: str | None
) -> dict[str, str | None]:
    return {"province": province, "city": city, "county": county, "township": township}


# --- bundled table ------------------------------------------------------------------------


def test_table_is_compact_and_not_picked_up_by_the_document_loader() -> None:
    assert TABLE_PATH.name == "admin_divisions.csv.gz"
    assert TABLE_PATH.suffix not in {".csv", ".txt", ".docx", ".xlsx"}
    assert TABLE_PATH.stat().st_size < 3_000_000


def test_table_columns_and_levels() -> None:
    with gzip.open(TABLE_PATH, "rb") as fh:
        rows = list(csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8")))
    assert list(rows[0]) == [
        "code", "name", "level", "parent_code", "province", "city", "county",
    ]  # fmt: skip
    by_code = {r["code"]: r for r in rows}
    levels = {r["level"] for r in rows}
    assert levels == {"province", "city", "county", "township"}
    assert sum(r["level"] == "province" for r in rows) == 31
    # Every parent exists and sits at a shallower level.
    order = {"province": 0, "city": 1, "county": 2, "township": 3}
    for r in rows:
        if r["level"] != "province":
            parent = by_code[r["parent_code"]]
            assert order[parent["level"]] < order[r["level"]]
    hebei_towns = [r for r in rows if r["level"] == "township" and r["code"].startswith("13")]
    assert len(hebei_towns) > 2000


# --- the five seed documents --------------------------------------------------------------


def test_seed_000_unit_names_the_whole_chain() -> None:
    text = _seed("000")
    assert _unit(text) == "唐山市开平区开平镇人民政府本级"
    assert resolve_unit(_unit(text), text) == _expect("河北省", "唐山市", "开平区", "开平镇")


def test_seed_001_township_only_unit_is_placed_by_the_table() -> None:
    text = _seed("001")
    assert _unit(text) == "开元镇政府办公室"
    # 开元镇 is unique in the table (定州市, coded under 保定市); the text's 定州市 agrees.
    assert [r["county"] for r in lookup_township("开元镇")] == ["定州市"]
    expected = _expect("河北省", "保定市", "定州市", "开元镇")
    assert resolve_unit(_unit(text), text) == expected
    assert resolve_unit(_unit(text)) == expected


def test_seed_002_no_unit_line_uses_the_text() -> None:
    text = _seed("002")
    assert _unit(text) is None
    expected = _expect("河北省", "唐山市", "唐山高新技术产业开发区", "老庄子镇")
    assert resolve_unit(None, text) == expected
    assert resolve_unit(None, text, default_province="河北省") == expected


def test_seed_003_development_zone_is_the_township() -> None:
    text = _seed("003")
    unit = "河北永清经济开发区管理委员会"
    assert "永清县" in text and "廊财" in text
    # The statistical table lists the zone as a township-level unit under 永清县.
    assert resolve_unit(unit, text) == _expect("河北省", "廊坊市", "永清县", "河北永清经济开发区")
    assert resolve_unit("永清经济开发区管委会") == resolve_unit(unit, text)


def test_seed_004_county_disambiguates_shared_township_name() -> None:
    text = _seed("004")
    assert _unit(text) == "玉田县林西镇人民政府本级"
    assert {r["province"] for r in lookup_township("林西镇")} == {"河北省", "内蒙古自治区"}
    assert resolve_unit(_unit(text), text) == _expect("河北省", "唐山市", "玉田县", "林西镇")


# --- synthetic ----------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["火星镇人民政府", "", None])
def test_unknown_names_give_all_none(unit: str | None) -> None:
    assert resolve_unit(unit, "本单位负责全镇经济社会发展。") == NONE


def test_county_level_unit_leaves_township_none() -> None:
    assert resolve_unit("玉田县财政局") == _expect("河北省", "唐山市", "玉田县", None)


def test_ambiguous_township_is_not_guessed() -> None:
    assert resolve_unit("林西镇人民政府") == NONE


def test_default_province_breaks_a_remaining_tie() -> None:
    result = resolve_unit("林西镇人民政府", default_province="河北省")
    assert result == _expect("河北省", "唐山市", "玉田县", "林西镇")
    # ...but evidence in the document wins over the default.
    result = resolve_unit("林西镇人民政府", "本镇隶属林西县。", default_province="河北省")
    assert result == _expect("内蒙古自治区", "赤峰市", "林西县", "林西镇")


def test_zone_missing_from_table_uses_its_own_name() -> None:
    result = resolve_unit("河北永清临空经济开发区管理委员会", "永清县委、县政府")
    assert result == _expect("河北省", "廊坊市", "永清县", "永清临空经济开发区")


def test_only_full_names_match() -> None:
    # 唐县 must not fire inside 高唐县, and 东湖区 not inside 东湖区域; bare 开平 is no name.
    assert resolve_unit(None, "山东省高唐县") == _expect("山东省", "聊城市", "高唐县", None)
    assert resolve_unit(None, "东湖区域内村庄") == NONE
    assert resolve_unit(None, "开平煤矿") == NONE


def test_municipality_and_province_administered_county() -> None:
    assert resolve_unit("北京市东城区东华门街道办事处") == _expect(
        "北京市", "北京市", "东城区", "东华门街道"
    )
    assert resolve_unit("仙桃市财政局") == _expect("湖北省", None, "仙桃市", None)


def test_lookup_township_filters() -> None:
    assert lookup_township("林西镇", province="河北") == lookup_township("林西镇", county="玉田县")
    assert lookup_township("林西镇", province="河北省")[0]["code"] == "130229108"
    assert lookup_township("不存在镇") == []


def test_generic_township_name_after_its_county() -> None:
    """中心镇 is too generic to look for in prose, but 华坪县中心镇 in a unit line is certain."""
    assert resolve_unit("692001丽江市华坪县中心镇人民政府本级") == {
        "province": "云南省",
        "city": "丽江市",
        "county": "华坪县",
        "township": "中心镇",
    }
    assert resolve_unit("中心镇人民政府")["township"] is None
