"""Table-driven tests for etl.targets.parse_target_cells: every target shape the general
reader meets (value cell + sign column + unit column + indicator name), with warning codes.

Cells are invented; they reproduce the shapes catalogued for published goal tables.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.targets import KINDS, WARNING_CODES, parse_target, parse_target_cells

KEYS = ["raw", "op", "value", "value_max", "unit", "value_yuan", "kind"]
FY = 2023
Q = (None, None, None, None, None, "qualitative")

# (value, sign, unit, name, (op, value, value_max, unit, value_yuan, kind), extra keys, codes)
CASES: list[tuple[str, str | None, str | None, str, tuple, dict, list[str]]] = [
    # --- operators: Unicode, ASCII, words, strict
    ("≧90%", None, None, "路面合格率", (">=", 90, None, "%", None, "percent"), {}, []),
    ("≦5%", None, None, "返工比例", ("<=", 5, None, "%", None, "percent"), {}, []),
    (">=60亩", None, None, "新修梯田面积", (">=", 60, None, "亩", None, "number"), {}, []),
    ("<=475元/亩", None, None, "亩均成本", ("<=", 475, None, "元/亩", 475.0, "money"), {}, []),
    ("大于等于3个", None, None, "示范点数量", (">=", 3, None, "个", None, "number"), {}, []),
    ("小于等于2次", None, None, "停水次数", ("<=", 2, None, "次", None, "number"), {}, []),
    ("等于8个", None, None, "建设站点", ("=", 8, None, "个", None, "number"), {}, []),
    ("大于70%", None, None, "绿化覆盖率", (">", 70, None, "%", None, "percent"), {}, []),
    ("小于3起", None, None, "投诉起数", ("<", 3, None, "起", None, "number"), {}, []),
    (">92%", None, None, "设备完好率", (">", 92, None, "%", None, "percent"), {}, []),
    ("=8个", None, None, "修缮祠堂数", ("=", 8, None, "个", None, "number"), {}, []),
    (
        "≤202.6万元",
        None,
        None,
        "项目总成本",
        ("<=", 202.6, None, "万元", 2026000.0, "money"),
        {},
        [],
    ),
    ("大约100人", None, None, "受益人数", ("=", 100, None, "人", None, "number"), {}, []),
    ("100人上下", None, None, "受益人数", ("=", 100, None, "人", None, "number"), {}, []),
    # --- tolerance
    ("±3%以内", None, None, "预算执行偏差", ("<=", 3, None, "%", None, "tolerance"), {}, []),
    ("±5%", None, None, "工程量偏差", ("<=", 5, None, "%", None, "tolerance"), {}, []),
    ("±", None, None, "工程量偏差", Q, {}, ["target_unparsed"]),
    # --- suffix operators with an inclusion mark
    ("95%（含）以上", None, None, "群众知晓率", (">=", 95, None, "%", None, "percent"), {}, []),
    ("≥95%（含）", None, None, "群众知晓率", (">=", 95, None, "%", None, "percent"), {}, []),
    (
        "每季度1次",
        None,
        None,
        "督查",
        ("=", 1, None, "次/季度", None, "number"),
        {"per": "季度"},
        [],
    ),
    ("90%(含)以下", None, None, "空置比例", ("<=", 90, None, "%", None, "percent"), {}, []),
    ("5个(含)以上", None, None, "培训班期数", (">=", 5, None, "个", None, "number"), {}, []),
    # --- counting periods
    ("全年≥12次", None, None, "巡河次数", (">=", 12, None, "次", None, "number"), {}, []),
    ("全年12次", None, None, "巡河次数", ("=", 12, None, "次", None, "number"), {}, []),
    (
        "每月至少20次",
        None,
        None,
        "巡查频次",
        (">=", 20, None, "次/月", None, "number"),
        {"per": "月"},
        [],
    ),
    (
        "每年不少于2次",
        None,
        None,
        "演练次数",
        (">=", 2, None, "次/年", None, "number"),
        {"per": "年"},
        [],
    ),
    (
        "≥20次/年",
        None,
        None,
        "宣传次数",
        (">=", 20, None, "次/年", None, "number"),
        {"per": "年"},
        [],
    ),
    # --- sign from the name (…以上) and unit from the name ((个), (%))
    ("10组", None, None, "更换护栏10组以上", (">=", 10, None, "组", None, "number"), {}, []),
    ("3", None, None, "新建蓄水池3座以内", ("<=", 3, None, None, None, "number"), {}, []),
    ("1", None, None, "开展修复工程(个)", ("=", 1, None, "个", None, "number"), {}, []),
    ("100", None, None, "工程成本控制率(%)", ("=", 100, None, "%", None, "percent"), {}, []),
    ("12", None, None, "补助资金（万元）", ("=", 12, None, "万元", 120000.0, "money"), {}, []),
    ("2", None, None, "建成水站（座）", ("=", 2, None, "座", None, "number"), {}, []),
    # --- periods: never numbers or ranges
    (
        "2023.07-2024.01",
        None,
        None,
        "项目实施周期",
        ("between", "2023-07-01", "2024-01-31", None, None, "period"),
        {},
        [],
    ),
    (
        "2017年1月至2017年12月",
        None,
        None,
        "",
        ("between", "2017-01-01", "2017-12-31", None, None, "period"),
        {},
        [],
    ),
    (
        "202001-202012",
        None,
        None,
        "项目起止时间",
        ("between", "2020-01-01", "2020-12-31", None, None, "period"),
        {},
        [],
    ),
    (
        "20230301-20231130",
        None,
        None,
        "",
        ("between", "2023-03-01", "2023-11-30", None, None, "period"),
        {},
        [],
    ),
    (
        "2023年3月1日至2023年11月30日",
        None,
        None,
        "",
        ("between", "2023-03-01", "2023-11-30", None, None, "period"),
        {},
        [],
    ),
    ("2024.01-2023.07", None, None, "实施周期", Q, {}, ["target_unparsed"]),
    # --- deadlines
    ("2021-12", None, None, "完成时间", ("<=", "2021-12-31", None, None, None, "deadline"), {}, []),
    ("2021-12", None, None, "工程验收", ("<=", "2021-12-31", None, None, None, "deadline"), {}, []),
    ("2022/6", None, None, "", ("<=", "2022-06-30", None, None, None, "deadline"), {}, []),
    ("2021.12", None, None, "完成时限", ("<=", "2021-12-31", None, None, None, "deadline"), {}, []),
    ("2021.12", None, None, "工程量", ("=", 2021.12, None, None, None, "number"), {}, []),
    (
        "2023年10月底前",
        None,
        None,
        "完工时限",
        ("<=", "2023-10-31", None, None, None, "deadline"),
        {},
        [],
    ),
    # --- recognised qualitative meanings
    ("不超预算", None, None, "项目成本", Q, {"meaning": "within_budget"}, []),
    ("控制在预算范围内", None, None, "项目成本", Q, {"meaning": "within_budget"}, []),
    ("否", "是/否", None, "返贫风险是否消除", Q, {"meaning": "no"}, []),
    ("是", "是/否", None, "工程质量达标", Q, {"meaning": "yes"}, []),
    ("是", None, None, "是否按期开工", Q, {"meaning": "yes"}, []),
    ("是", None, None, "工程质量达标", Q, {}, []),
    ("应保尽保", None, "%", "补助对象覆盖", Q, {}, []),
    # --- 无 on a count that should be zero
    ("无", None, None, "无出辖区信访案件", ("=", 0, None, None, None, "number"), {}, []),
    ("无", None, None, "安全事故", ("=", 0, None, None, None, "number"), {}, []),
    ("杜绝", None, None, "较大火灾事件", ("=", 0, None, None, None, "number"), {}, []),
    ("无", None, None, "群众意见", Q, {}, []),
    # --- sign column (指标方向 / 符号) and unit column (计量单位)
    ("95", "≥", "%", "受益群众满意度", (">=", 95, None, "%", None, "percent"), {}, []),
    ("1", "大于等于", None, "新建站点数", (">=", 1, None, None, None, "number"), {}, []),
    ("100", "≤", "万元", "项目成本", ("<=", 100, None, "万元", 1000000.0, "money"), {}, []),
    ("100%", "≥", None, "资金到位率", (">=", 100, None, "%", None, "percent"), {}, []),
    ("≥95%", None, "%", "服务满意度", (">=", 95, None, "%", None, "percent"), {}, []),
    ("90%", None, "%", "完成率", ("=", 90, None, "%", None, "percent"), {}, []),
    ("12", None, "个", "新建网点", ("=", 12, None, "个", None, "number"), {}, []),
    ("12", None, "百分比", "覆盖面", ("=", 12, None, "%", None, "percent"), {}, []),
    (
        "28.8万元",
        None,
        "%",
        "运行经费",
        ("=", 28.8, None, "万元", 288000.0, "money"),
        {},
        ["target_unit_conflict"],
    ),
    (
        "≥95%",
        "≤",
        None,
        "服务满意度",
        (">=", 95, None, "%", None, "percent"),
        {},
        ["target_sign_conflict"],
    ),
    ("95", None, "定量", "满意度", ("=", 95, None, "%", None, "percent"), {}, []),
    ("2", None, "/", "新建站点", ("=", 2, None, None, None, "number"), {}, []),
    ("100", "正向", None, "资金到位率", (">=", 100, None, "%", None, "percent"), {}, []),
    ("12", None, "万千瓦时", "年节约用电量", ("=", 12, None, "万千瓦时", None, "number"), {}, []),
    ("3", None, "标准亩", "高标准农田", ("=", 3, None, "标准亩", None, "number"), {}, []),
    ("≤1", None, "%", "资金发放差错率", ("<=", 1, None, "%", None, "percent"), {}, []),
    ("0.95", "≥", "%", "群众满意度", (">=", 0.95, None, "%", None, "percent"), {}, []),
    ("0.95", "≥", None, "群众满意度", (">=", 95, None, "%", None, "percent"), {}, []),
    ("按月安排", None, None, "经费拨付", Q, {}, []),
    ("提高", "文字描述", None, "服务水平", Q, {}, []),
    ("", "文字描述", "按工作计划及时完成", "完成时间", Q, {}, []),
    (
        "",
        "文字描述",
        "2021年12月底前",
        "完成时限",
        ("<=", "2021-12-31", None, None, None, "deadline"),
        {},
        [],
    ),
    ("", None, "严格执行相关制度规定", "制度执行", Q, {}, []),
    # --- a unit with no number is a missing target
    (
        "公里",
        None,
        None,
        "新建渠道长度",
        (None, None, None, "公里", None, "number"),
        {},
        ["target_missing"],
    ),
    (
        "万亩",
        None,
        None,
        "改善灌溉面积",
        (None, None, None, "万亩", None, "number"),
        {},
        ["target_missing"],
    ),
    (
        "≧ %",
        None,
        None,
        "水质达标率",
        (">=", None, None, "%", None, "percent"),
        {},
        ["target_missing"],
    ),
    (
        "万元",
        None,
        None,
        "工程投资",
        (None, None, None, "万元", None, "money"),
        {},
        ["target_missing"],
    ),
    ("", "≥", "%", "达标率", (">=", None, None, "%", None, "percent"), {}, ["target_missing"]),
    ("", None, "公里", "长度", (None, None, None, "公里", None, "number"), {}, ["target_missing"]),
    ("", None, None, "长度", Q, {}, []),
    # --- prose glued to a value: read the same way under any name, always warned
    (
        "≥0.9年初经费下达后及时拨付到村",
        None,
        None,
        "群众满意度",
        (">=", 90, None, "%", None, "percent"),
        {},
        ["target_prose_dropped"],
    ),
    (
        "≥0.9年初经费下达后及时拨付到村",
        None,
        None,
        "经费拨付到村",
        (">=", 90, None, "%", None, "percent"),
        {},
        ["target_prose_dropped"],
    ),
    (
        "≥0.9年初经费下达后及时拨付到村",
        None,
        None,
        "",
        (">=", 90, None, "%", None, "percent"),
        {},
        ["target_prose_dropped"],
    ),
    (
        "≥20次，每月不少于1次",
        None,
        None,
        "宣传次数",
        (">=", 20, None, "次", None, "number"),
        {},
        ["target_prose_dropped"],
    ),
    ("100%完成", None, None, "任务完成率", ("=", 100, None, "%", None, "percent"), {}, []),
    # --- a sentence restating the indicator name, then a clean value
    ("资金到位率达100%", None, None, "资金到位率", (">=", 100, None, "%", None, "percent"), {}, []),
    (
        "预算支出进度达到90%以上",
        None,
        None,
        "预算支出进度",
        (">=", 90, None, "%", None, "percent"),
        {},
        [],
    ),
    ("培训人数为120人", None, None, "培训人数", ("=", 120, None, "人", None, "number"), {}, []),
    ("资金到位率达100%，按时拨付", None, None, "资金到位率", Q, {}, []),
    ("建筑面积2.6万平方米,展示面积1万平方米", None, None, "建设规模", Q, {}, []),
    # --- ASCII operators keep working; unparsed stays qualitative with a code
    (">=95%", None, None, "满意度", (">=", 95, None, "%", None, "percent"), {}, []),
    (
        ">=530元/人*月",
        None,
        None,
        "救助标准",
        (">=", 530, None, "元/人*月", 530.0, "money"),
        {},
        [],
    ),
    (
        "<=3000元/平方米",
        None,
        None,
        "单位造价",
        ("<=", 3000, None, "元/平方米", 3000.0, "money"),
        {},
        [],
    ),
    ("≥良好", None, None, "服务质量", Q, {}, ["target_unparsed"]),
    ("3个村完成改造", None, None, "", Q, {}, ["target_unparsed"]),
]


def _ids(case: tuple) -> str:
    return f"{case[0]}|{case[1]}|{case[2]}|{case[3]}"


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_cells_table(case: tuple) -> None:
    value, sign, unit, name, expected, extra, codes = case
    target, warnings = parse_target_cells(
        value, sign=sign, unit=unit, indicator_name=name, fiscal_year=FY
    )
    got = tuple(target[k] for k in KEYS[1:])
    assert got == expected, (value, target)
    assert type(target["value"]) is type(expected[1]), value
    assert {k: target[k] for k in target if k not in KEYS} == extra
    assert [code for code, _ in warnings] == codes, warnings
    for code, text in warnings:
        assert code in WARNING_CODES and text and "指标" in text


def test_shape_table_is_broad() -> None:
    assert len(CASES) >= 70
    assert {c[4][5] for c in CASES} >= set(KINDS)


def test_glued_value_reads_the_same_on_every_row() -> None:
    """The seed-001 bug: ≥0.9 + prose was 0.9 on some rows and 90% on others."""
    cell = "≥0.9严格按照上级要求发放，确保村民满意"
    names = ["群众满意度", "发放人数", "严格按照上级要求发放", "资金到位率", ""]
    seen = {
        (t["op"], t["value"], t["unit"], t["kind"])
        for t, _ in (parse_target_cells(cell, indicator_name=n) for n in names)
    }
    assert seen == {(">=", 90, "%", "percent")}
    seen_legacy = {parse_target(cell, indicator_name=n)[0]["value"] for n in names}
    assert seen_legacy == {90}


def test_raw_is_the_value_cell() -> None:
    target, _ = parse_target_cells(" 95 ", sign="≥", unit="%", indicator_name="满意度")
    assert target["raw"] == "95"


def test_prose_warning_names_the_dropped_text() -> None:
    _, warnings = parse_target_cells("≥0.9及时拨付到村", indicator_name="拨付")
    assert warnings == [
        (
            "target_prose_dropped",
            "指标“拨付”的指标值“≥0.9及时拨付到村”后的文字“及时拨付到村”未计入目标值",
        )
    ]


def test_legacy_api_keeps_contract_keys_only() -> None:
    target, warning = parse_target("每月至少20次", indicator_name="巡查")
    assert list(target) == KEYS and target["unit"] == "次/月" and warning is None
    target, warning = parse_target("公里", indicator_name="渠道长度")
    assert target["unit"] == "公里" and target["value"] is None
    assert warning and "未填写数值" in warning


@settings(max_examples=400, deadline=None)
@given(
    st.text(max_size=20),
    st.one_of(
        st.none(),
        st.sampled_from(["≥", "≤", "是/否", "文字描述", "大于等于", "x"]),
        st.text(max_size=4),
    ),
    st.one_of(
        st.none(), st.sampled_from(["%", "个", "万元", "百分比", "公里"]), st.text(max_size=4)
    ),
    st.text(max_size=12),
)
def test_never_raises(value: str, sign: str | None, unit: str | None, name: str) -> None:
    target, warnings = parse_target_cells(value, sign=sign, unit=unit, indicator_name=name)
    assert list(target)[:7] == KEYS
    assert set(target) <= {*KEYS, "per", "meaning"}
    assert target["kind"] in KINDS
    assert all(code in WARNING_CODES for code, _ in warnings)
    if target["kind"] == "qualitative":
        assert target["op"] is None and target["value"] is None


@settings(max_examples=300, deadline=None)
@given(
    st.integers(2000, 2030),
    st.integers(1, 12),
    st.integers(0, 3),
    st.integers(1, 12),
    st.sampled_from(
        ["{y1}.{m1:02d}-{y2}.{m2:02d}", "{y1}年{m1}月至{y2}年{m2}月", "{y1}{m1:02d}-{y2}{m2:02d}"]
    ),
)
def test_periods_round_trip(y1: int, m1: int, years: int, m2: int, form: str) -> None:
    y2 = y1 + years
    if (y2, m2) < (y1, m1):
        return
    text = form.format(y1=y1, m1=m1, y2=y2, m2=m2)
    target, warnings = parse_target_cells(text, indicator_name="项目实施周期")
    assert warnings == []
    assert (target["kind"], target["op"]) == ("period", "between")
    assert target["value"] == f"{y1:04d}-{m1:02d}-01"
    assert target["value_max"][:7] == f"{y2:04d}-{m2:02d}"


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["0.9", "0.85", "0.95", "1", "20", "3"]),
    st.one_of(
        st.text(alphabet="年初经费下达后及时拨付到村群众满意发放", min_size=2, max_size=12),
        st.sampled_from(["完成", "达标", "合格"]),
    ),
    st.lists(
        st.text(alphabet="群众满意度覆盖率发放人数村补助资金", max_size=10), min_size=2, max_size=5
    ),
)
def test_glued_prose_reads_the_same_under_every_name(
    number: str, prose: str, names: list[str]
) -> None:
    cell = f"≥{number}{prose}"
    readings = {
        (t["op"], t["value"], t["unit"], t["kind"])
        for t, _ in (parse_target_cells(cell, indicator_name=n) for n in names)
    }
    assert len(readings) == 1, readings
