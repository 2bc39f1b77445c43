"""Geography that does not give up: townships missing from the reference table, candidates
contradicting the named county, agency suffixes, departments, and unit_kind.

Unit names are invented (real county and city names, invented townships and bodies).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.geography import KINDS, lookup_township, resolve_unit, unit_kind

CODE = "township_not_in_reference"


def _place(province, city, county, township) -> dict:
    return {"province": province, "city": city, "county": county, "township": township}


def test_invented_townships_are_really_missing_from_the_table() -> None:
    assert lookup_township("新设镇") == []
    assert lookup_township("后奕镇", county="大城县") == []
    assert [r["county"] for r in lookup_township("后奕镇")] == ["永清县"]


def test_new_township_keeps_the_county_and_takes_its_name_from_the_unit() -> None:
    warnings: list[tuple[str, str]] = []
    found = resolve_unit("永清县新设镇人民政府", warnings=warnings)
    assert found == _place("河北省", "廊坊市", "永清县", "新设镇")
    assert [code for code, _ in warnings] == [CODE]
    assert "新设镇" in warnings[0][1] and "永清县" in warnings[0][1]


def test_candidate_contradicting_the_named_county_is_discarded() -> None:
    """后奕镇 exists only under 永清县: a unit of 大城县 must not be moved there."""
    warnings: list[tuple[str, str]] = []
    found = resolve_unit("大城县后奕镇人民政府", "本镇位于大城县东部。", warnings=warnings)
    assert found == _place("河北省", "廊坊市", "大城县", "后奕镇")
    assert [code for code, _ in warnings] == [CODE]


def test_new_township_under_a_city_only() -> None:
    warnings: list[tuple[str, str]] = []
    found = resolve_unit("廊坊市新设镇人民政府", warnings=warnings)
    assert found == _place("河北省", "廊坊市", None, "新设镇")
    assert [code for code, _ in warnings] == [CODE]


def test_township_only_unit_placed_by_the_text() -> None:
    warnings: list[tuple[str, str]] = []
    found = resolve_unit("新设镇人民政府", "永清县新设镇位于县城南部。", warnings=warnings)
    assert found == _place("河北省", "廊坊市", "永清县", "新设镇")
    assert [code for code, _ in warnings] == [CODE]


def test_unknown_township_with_no_place_at_all_stays_empty() -> None:
    warnings: list[tuple[str, str]] = []
    assert resolve_unit("新设镇人民政府", "本镇负责全镇发展。", warnings=warnings) == _place(
        None, None, None, None
    )
    assert warnings == []


def test_known_township_gives_no_warning_and_the_signature_is_compatible() -> None:
    warnings: list[tuple[str, str]] = []
    found = resolve_unit("永清县别古庄镇人民政府", warnings=warnings)
    assert found == _place("河北省", "廊坊市", "永清县", "别古庄镇")
    assert warnings == []
    assert resolve_unit("永清县新设镇人民政府") == _place("河北省", "廊坊市", "永清县", "新设镇")


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("永清县林业局", _place("河北省", "廊坊市", "永清县", None)),
        ("延吉市林业局", _place("吉林省", "延边朝鲜族自治州", "延吉市", None)),
        ("安溪县水利局", _place("福建省", "泉州市", "安溪县", None)),
        ("玉田县财政局", _place("河北省", "唐山市", "玉田县", None)),
        ("永清县乡村振兴局", _place("河北省", "廊坊市", "永清县", None)),
        ("唐山市财政局", _place("河北省", "唐山市", None, None)),
    ],
)
def test_agency_suffixes_never_match_a_township(unit: str, expected: dict) -> None:
    assert resolve_unit(unit) == expected


def test_department_gets_no_township_even_when_the_text_names_one() -> None:
    text = "林西镇工作要点。林西镇、林西镇的道路建设由本局负责。"
    assert resolve_unit("玉田县财政局", text)["township"] is None
    assert resolve_unit("唐山市财政局", text)["township"] is None


def test_no_unit_line_takes_the_township_the_text_names_consistently() -> None:
    consistent = "别古庄镇位于永清县。别古庄镇与后奕镇接壤，别古庄镇农田水利建设。"
    assert resolve_unit(None, consistent) == _place("河北省", "廊坊市", "永清县", "别古庄镇")
    only_one = "别古庄镇位于永清县。"
    assert resolve_unit(None, only_one)["township"] == "别古庄镇"
    tied = "永清县别古庄镇、后奕镇两镇合作。"
    assert resolve_unit(None, tied) == _place("河北省", "廊坊市", "永清县", None)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("永清县别古庄镇人民政府", "township"),
        ("永清县新设镇人民政府", "township"),
        ("玉田县林西镇财政所", "township"),
        ("开元镇政府办公室", "township"),
        ("820001-宁乡市坝塘镇人民政府", "township"),
        ("永清县某某乡便民服务中心", "township"),
        ("北京市东城区东华门街道办事处", "street"),
        ("某某街道办事处", "street"),
        ("河北永清经济开发区管理委员会", "development_zone"),
        ("某某高新区管委会", "development_zone"),
        # a township a new district or zone administers is still a township
        ("邯郸冀南新区花官营乡人民政府", "township"),
        ("某某经济开发区东岭镇人民政府", "township"),
        ("某某新区财政局", "development_zone"),
        ("玉田县财政局", "county_department"),
        ("永清县乡村振兴局", "county_department"),
        ("永清县林业局", "county_department"),
        ("[015001]武汉市青山区教育局", "county_department"),
        ("仙桃市财政局", "county_department"),
        ("广水市人民政府办公室", "county_department"),
        ("岳阳楼区价格认证鉴定中心", "county_department"),
        ("某某县卫生健康委员会", "county_department"),
        ("唐山市财政局", "city_unit"),
        ("鄂州市机关事务服务中心", "city_unit"),
        ("财政局", "other"),
        ("", "other"),
        (None, "other"),
    ],
)
def test_unit_kind(name: str | None, kind: str) -> None:
    assert unit_kind(name) == kind
    assert kind in KINDS


def test_candidate_contradicting_the_named_province_is_discarded() -> None:
    # 后奕镇 exists only in 河北省; a unit that says 山西省 is not placed there.
    assert resolve_unit("山西省后奕镇人民政府")["county"] is None
    assert resolve_unit("河北省后奕镇人民政府")["county"] == "永清县"
    assert resolve_unit("内蒙古自治区林西镇人民政府")["county"] == "林西县"


_ALPHABET = "永清县新设镇人民政府林业局财政所街道办事处开发区管委会廊坊市河北省[]0123-后奕大城 　"


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.none(), st.text(alphabet=_ALPHABET, max_size=20), st.text(max_size=10)),
    st.text(alphabet=_ALPHABET, max_size=40),
)
def test_never_raises(unit: str | None, text: str) -> None:
    warnings: list[tuple[str, str]] = []
    found = resolve_unit(unit, text, warnings=warnings)
    assert set(found) == {"province", "city", "county", "township"}
    assert unit_kind(unit) in KINDS
    assert all(code == CODE and message for code, message in warnings)
    if found["township"] is None:
        assert warnings == []


def test_no_unit_line_township_beats_a_common_noun_and_a_word_tail() -> None:
    """Invented text shaped like synthetic file 000294: the township once in a sentence
    naming its county, 小城镇 in a project title, 费县 inside 经费县级 (three times)."""
    text = (
        "2023年，黄峤镇将继续在平川区委、平川区政府的正确领导下，稳中求进。"
        "黄峤镇现有行政村12个。\n锅炉维修费县级\n农业技术推广经费县级\n"
        "换届选举工作经费县级\n小城镇基础设施建设\n小城镇道路维护"
    )
    assert resolve_unit(None, text) == _place("甘肃省", "白银市", "平川区", "黄峤镇")


def test_a_county_named_in_prose_still_counts_before_jiji() -> None:
    """Only the tail of a word is skipped: 费县 after punctuation is the county."""
    assert resolve_unit(None, "根据“费县级”文件，费县财政局安排资金。")["county"] == "费县"


def test_a_name_with_a_traditional_looking_character_keeps_it() -> None:
    """於 is also the Traditional form of 于, but 於潜镇 is the reference name: the unit
    name is placed as printed before it is read as a Traditional-character mirror."""
    from etl.parser import _geography

    place = _geography("临安区於潜镇人民政府", [])
    assert place["township"] == "於潜镇" and place["county"] == "临安区"
    mirror = _geography("臨安區於潛鎮人民政府", [])  # a Traditional mirror still resolves
    assert mirror["county"] == "临安区"
