"""Tests for etl.targets: the 指标值 parser.

The table holds the shapes the contract and DOMAIN.md promise plus real cells from the five
seed documents, so a change in behaviour on real data shows up as a failing row.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.targets import KINDS, parse_sign_value_unit, parse_target

KEYS = ["raw", "op", "value", "value_max", "unit", "value_yuan", "kind"]
Q = (None, None, None, None, None, "qualitative")  # op, value, value_max, unit, yuan, kind
FY = 2021

# (raw, indicator_name, fiscal_year, (op, value, value_max, unit, value_yuan, kind), warns)
CASES: list[tuple[str, str, int | None, tuple, bool]] = [
    # --- operators, symbols and words
    ("≥95%", "群众满意度", FY, (">=", 95, None, "%", None, "percent"), False),
    (">=95%", "群众满意度", FY, (">=", 95, None, "%", None, "percent"), False),
    ("＞＝95％", "", FY, (">=", 95, None, "%", None, "percent"), False),
    ("≧95%", "", FY, (">=", 95, None, "%", None, "percent"), False),
    ("不低于85%", "", FY, (">=", 85, None, "%", None, "percent"), False),
    ("不少于10次", "", FY, (">=", 10, None, "次", None, "number"), False),
    ("至少2次", "", FY, (">=", 2, None, "次", None, "number"), False),
    ("大于等于3个", "", FY, (">=", 3, None, "个", None, "number"), False),
    ("达到100%", "", FY, (">=", 100, None, "%", None, "percent"), False),
    ("≤5%", "", FY, ("<=", 5, None, "%", None, "percent"), False),
    ("<=45万元", "疫情防控经费标准", FY, ("<=", 45, None, "万元", 450000.0, "money"), False),
    ("不高于3%", "", FY, ("<=", 3, None, "%", None, "percent"), False),
    ("不超过10万元", "", FY, ("<=", 10, None, "万元", 100000.0, "money"), False),
    ("控制在5万元以内", "", FY, ("<=", 5, None, "万元", 50000.0, "money"), False),
    ("小于等于2次", "", FY, ("<=", 2, None, "次", None, "number"), False),
    ("大于3次", "", FY, (">", 3, None, "次", None, "number"), False),
    ("超过3次", "", FY, (">", 3, None, "次", None, "number"), False),
    (">90%", "", FY, (">", 90, None, "%", None, "percent"), False),
    ("<1%", "", FY, ("<", 1, None, "%", None, "percent"), False),
    ("小于1%", "", FY, ("<", 1, None, "%", None, "percent"), False),
    ("低于2起", "", FY, ("<", 2, None, "起", None, "number"), False),
    ("=24人", "编外人员数", FY, ("=", 24, None, "人", None, "number"), False),
    ("24人", "", FY, ("=", 24, None, "人", None, "number"), False),
    # --- suffix operators
    ("95%以上", "群众满意度", FY, (">=", 95, None, "%", None, "percent"), False),
    ("12个以上", "大气监测点数量", FY, (">=", 12, None, "个", None, "number"), False),
    ("5%以内", "", FY, ("<=", 5, None, "%", None, "percent"), False),
    ("95%及以上", "", FY, (">=", 95, None, "%", None, "percent"), False),
    ("3次以下", "", FY, ("<=", 3, None, "次", None, "number"), False),
    ("5个工作日内", "", FY, ("<=", 5, None, "个工作日", None, "number"), False),
    # --- ranges
    ("90%-95%", "", FY, ("between", 90, 95, "%", None, "percent"), False),
    ("90-95%", "", FY, ("between", 90, 95, "%", None, "percent"), False),
    ("90～95%", "", FY, ("between", 90, 95, "%", None, "percent"), False),
    ("90~95%", "", FY, ("between", 90, 95, "%", None, "percent"), False),
    ("90至95%", "", FY, ("between", 90, 95, "%", None, "percent"), False),
    ("1-2次", "", FY, ("between", 1, 2, "次", None, "number"), False),
    ("3万-5万元", "", FY, ("between", 3, 5, "万元", 30000.0, "money"), False),
    ("0.9-0.95", "满意度", FY, ("between", 90, 95, "%", None, "percent"), False),
    ("3个-5人", "", FY, Q, True),  # two different units: refuse to guess
    # --- units, normalisation, number types
    ("=100％", "", FY, ("=", 100, None, "%", None, "percent"), False),
    ("＝１００％", "", FY, ("=", 100, None, "%", None, "percent"), False),
    ("≥95百分比", "促进社会稳定", FY, (">=", 95, None, "%", None, "percent"), False),
    ("≥100百分比", "确保残疾人保障金金额足够", FY, (">=", 100, None, "%", None, "percent"), False),
    ("17\u3000个", "涉及村街数", FY, ("=", 17, None, "个", None, "number"), False),
    ("  ≥ 95 %  ", "", FY, (">=", 95, None, "%", None, "percent"), False),
    ("0起", "", FY, ("=", 0, None, "起", None, "number"), False),
    ("≥10000份", "印刷学习资料份数", FY, (">=", 10000, None, "份", None, "number"), False),
    (
        "17.3万元",
        "按照征收土地补偿标准执行",
        FY,
        ("=", 17.3, None, "万元", 173000.0, "money"),
        False,
    ),
    ("0.5万元", "", FY, ("=", 0.5, None, "万元", 5000.0, "money"), False),
    ("5万", "保证按照预算指标进行", FY, ("=", 5, None, "万元", 50000.0, "money"), False),
    ("92.8万", "保证按照预算指标进行", FY, ("=", 92.8, None, "万元", 928000.0, "money"), False),
    ("1,200元", "", FY, ("=", 1200, None, "元", 1200.0, "money"), False),
    ("3千元", "", FY, ("=", 3, None, "千元", 3000.0, "money"), False),
    ("1.2亿元", "", FY, ("=", 1.2, None, "亿元", 120000000.0, "money"), False),
    ("≤500元/人", "", FY, ("<=", 500, None, "元/人", 500.0, "money"), False),
    ("≥20次/年", "", FY, (">=", 20, None, "次/年", None, "number"), False),
    ("37亩", "完成征收土地补偿亩数", FY, ("=", 37, None, "亩", None, "number"), False),
    ("268米", "做到改造排水管道268米", FY, ("=", 268, None, "米", None, "number"), False),
    ("≥7天", "培训时间", FY, (">=", 7, None, "天", None, "number"), False),
    ("≥4500亩", "森林亩数", FY, (">=", 4500, None, "亩", None, "number"), False),
    ("12个月", "", FY, ("=", 12, None, "个月", None, "number"), False),
    ("≥2场次", "", FY, (">=", 2, None, "场次", None, "number"), False),
    ("≥3年", "", FY, (">=", 3, None, "年", None, "number"), False),
    ("10.00", "", FY, ("=", 10.0, None, None, None, "number"), False),
    ("-5%", "", FY, ("=", -5, None, "%", None, "percent"), False),
    # --- ratios and bare numbers
    ("≥0.95", "服务对象满意度", FY, (">=", 95, None, "%", None, "percent"), False),
    ("≥0.9", "补助覆盖率", FY, (">=", 90, None, "%", None, "percent"), False),
    ("=1", "资金到位率", FY, ("=", 100, None, "%", None, "percent"), False),
    ("≥0.95", "培训人数", FY, (">=", 0.95, None, None, None, "number"), False),
    ("≥95", "服务对象满意度", FY, (">=", 95, None, "%", None, "percent"), False),
    ("≥95", "培训参与度", FY, (">=", 95, None, "%", None, "percent"), False),  # 参与度 is a rate
    ("≥95", "", FY, (">=", 95, None, None, None, "number"), False),
    ("≥150", "完成率", FY, (">=", 150, None, None, None, "number"), False),
    ("≥4", "巡查频率", FY, (">=", 4, None, None, None, "number"), False),
    # --- a sign + number glued to prose keeps its number
    (
        "≥0.9年初该项经费下达后，我镇及时将该项经费拨付给21个村委会",
        "年初该项经费下达后，我镇及时将该项经费拨",
        FY,
        (">=", 90, None, "%", None, "percent"),  # glued to prose: the number decides
        False,
    ),
    (
        "≥0.9年初该项经费下达后，我镇及时将该项经费拨付给21个村委会，用于基础设施建设。",
        "群众满意度",
        FY,
        (">=", 90, None, "%", None, "percent"),
        False,
    ),
    ("≥0.9群众满意", "群众满意度", FY, (">=", 90, None, "%", None, "percent"), False),
    (
        "≥0.9强化环保机构，扎实推进乡村环境综合治理，群众满意",
        "群众满意",
        FY,
        (">=", 90, None, "%", None, "percent"),
        False,
    ),
    ("≥20次，每月不少于1次", "", FY, (">=", 20, None, "次", None, "number"), False),
    ("100%完成", "", FY, ("=", 100, None, "%", None, "percent"), False),
    # numbers are never picked out of the middle of prose
    ("大力宣传党对伊斯兰教工作的决策部署每月至少20次", "开展外宣活动数量", FY, Q, False),
    ("做到更换暖气片10组以上", "", FY, Q, False),
    ("3个村完成改造", "", FY, Q, True),
    # --- deadlines
    (
        "2021年12月底前",
        "征收土地完成时限",
        FY,
        ("<=", "2021-12-31", None, None, None, "deadline"),
        False,
    ),
    (
        "2021年5月底前",
        "经费使用完成时限",
        FY,
        ("<=", "2021-05-31", None, None, None, "deadline"),
        False,
    ),
    ("2021年12月31日前", "", FY, ("<=", "2021-12-31", None, None, None, "deadline"), False),
    ("2020年2月底前", "", None, ("<=", "2020-02-29", None, None, None, "deadline"), False),
    ("2021年12月底前完成", "", FY, ("<=", "2021-12-31", None, None, None, "deadline"), False),
    ("2021-06-30", "", FY, ("<=", "2021-06-30", None, None, None, "deadline"), False),
    (
        "2021年1月至12月",
        "",
        FY,
        ("between", "2021-01-01", "2021-12-31", None, None, "period"),
        False,
    ),
    ("12月底", "工作及时率", FY, ("<=", "2021-12-31", None, None, None, "deadline"), False),
    ("12月底前", "", 2022, ("<=", "2022-12-31", None, None, None, "deadline"), False),
    ("12月31日前", "", FY, ("<=", "2021-12-31", None, None, None, "deadline"), False),
    ("6月中旬", "", FY, ("<=", "2021-06-20", None, None, None, "deadline"), False),
    ("12月底", "", None, ("<=", None, None, None, None, "deadline"), False),
    ("年底前", "", FY, ("<=", "2021-12-31", None, None, None, "deadline"), False),
    ("年内", "", FY, ("<=", "2021-12-31", None, None, None, "deadline"), False),
    ("年底", "", FY, ("<=", "2021-12-31", None, None, None, "deadline"), False),
    ("年底前完成拨付", "", FY, ("<=", "2021-12-31", None, None, None, "deadline"), False),
    ("年底前", "", None, ("<=", None, None, None, None, "deadline"), False),
    ("第一季度", "", FY, ("<=", "2021-03-31", None, None, None, "deadline"), False),
    ("一季度末", "", FY, ("<=", "2021-03-31", None, None, None, "deadline"), False),
    ("第三季度", "", FY, ("<=", "2021-09-30", None, None, None, "deadline"), False),
    ("上半年", "", FY, ("<=", "2021-06-30", None, None, None, "deadline"), False),
    ("次年3月底前", "", FY, ("<=", "2022-03-31", None, None, None, "deadline"), False),
    ("≤2021年12月31日", "", FY, ("<=", "2021-12-31", None, None, None, "deadline"), False),
    ("2021年度", "项目完成时间", FY, ("<=", "2021-12-31", None, None, None, "deadline"), False),
    ("2021年度", "建设内容", FY, Q, False),
    ("12月", "完成时间", FY, ("<=", "2021-12-31", None, None, None, "deadline"), False),
    ("12月", "培训时长", FY, ("=", 12, None, "月", None, "number"), False),
    ("2021年2月30日前", "", FY, Q, True),
    ("年内开展两次培训", "", FY, Q, False),
    # --- qualitative
    ("", "", FY, Q, False),
    ("   ", "", FY, Q, False),
    ("提高", "提高空气质量情况", FY, Q, False),
    ("提升", "", FY, Q, False),
    ("改善", "", FY, Q, False),
    ("健全", "", FY, Q, False),
    ("完善", "", FY, Q, False),
    ("达标", "", FY, Q, False),
    ("合格", "", FY, Q, False),
    ("是", "是否做到信访不出村", FY, Q, False),
    ("否", "", FY, Q, False),
    ("无", "保证无出辖区信访案件", FY, ("=", 0, None, None, None, "number"), False),
    ("不出现", "", FY, Q, False),
    ("减少", "", FY, Q, False),
    ("降低", "", FY, Q, False),
    ("开展", "", FY, Q, False),
    ("有效", "", FY, Q, False),
    ("明显", "", FY, Q, False),
    ("良好", "", FY, Q, False),
    ("优", "", FY, Q, False),
    ("较好", "", FY, Q, False),
    ("一般", "", FY, Q, False),
    ("及时", "", FY, Q, False),
    ("按时", "", FY, Q, False),
    ("按计划完成", "", FY, Q, False),
    ("按工作计划及时完成", "工作完成时间", FY, Q, False),
    ("按规定执行", "", FY, Q, False),
    ("与实际支出相符", "项目建设成本", FY, Q, False),
    ("按照规定标准控制", "项目成本控制", FY, Q, False),
    ("元按照规定标准控制", "项目成本控制", FY, Q, False),
    ("年初预算数", "项目总成本", FY, Q, False),
    ("达到预期", "", FY, Q, False),
    ("群众满意数量占总数的比例。", "群众满意度", FY, Q, False),
    # looks numeric but is not: qualitative with a warning
    ("≥", "", FY, Q, True),
    ("≥良好", "", FY, Q, True),
    ("=是", "", FY, Q, True),
    ("1.5.6", "", FY, Q, True),
]

# Real cells from the five seed documents: (raw, indicator name, expected, warns).
SEED_CASES: list[tuple[str, str, int | None, tuple, bool]] = [
    ("100%", "保证完成规划环评率", FY, ("=", 100, None, "%", None, "percent"), False),
    ("100%", "防止林带不发生火灾", FY, ("=", 100, None, "%", None, "percent"), False),
    (
        "100万元",
        "完成规划环评预计使用资金成本",
        FY,
        ("=", 100, None, "万元", 1000000.0, "money"),
        False,
    ),
    ("108.60", "108.60", FY, ("=", 108.6, None, None, None, "number"), False),
    ("10人", "是否按照预算人员购买", FY, ("=", 10, None, "人", None, "number"), False),
    ("10组", "做到更换暖气片10组以上", FY, (">=", 10, None, "组", None, "number"), False),
    ("131.4亩", "做到林带防护亩数", FY, ("=", 131.4, None, "亩", None, "number"), False),
    ("141万", "保证按照预算指标进行", FY, ("=", 141, None, "万元", 1410000.0, "money"), False),
    ("15万", "保证按照预算指标进行", FY, ("=", 15, None, "万元", 150000.0, "money"), False),
    ("17个", "涉及村街数", FY, ("=", 17, None, "个", None, "number"), False),
    ("18万", "保证按照预算指标进行", FY, ("=", 18, None, "万元", 180000.0, "money"), False),
    ("20000.00", "20000.00", FY, ("=", 20000.0, None, None, None, "number"), False),
    (
        "2021年12月底前",
        "规划环评完成时限",
        FY,
        ("<=", "2021-12-31", None, None, None, "deadline"),
        False,
    ),
    ("204人", "保证经费全部发放", FY, ("=", 204, None, "人", None, "number"), False),
    ("2个", "涉及监测站个数", FY, ("=", 2, None, "个", None, "number"), False),
    ("2次", "向社会公布整治情况", FY, ("=", 2, None, "次", None, "number"), False),
    ("30万", "保证按照预算指标进行", FY, ("=", 30, None, "万元", 300000.0, "money"), False),
    ("3万", "保证按照预算指标进行", FY, ("=", 3, None, "万元", 30000.0, "money"), False),
    ("4次", "开展环保宣传活动", FY, ("=", 4, None, "次", None, "number"), False),
    ("50次", "巡查次数", FY, ("=", 50, None, "次", None, "number"), False),
    ("54.17", "54.17", FY, ("=", 54.17, None, None, None, "number"), False),
    (
        "5万元",
        "村级服务群众经费控制不超成本数",
        FY,
        ("=", 5, None, "万元", 50000.0, "money"),
        False,
    ),
    ("89人", "保证经费全部发放", FY, ("=", 89, None, "人", None, "number"), False),
    ("8个", "涉及部门数量", FY, ("=", 8, None, "个", None, "number"), False),
    ("91万", "保证按照预算指标进行", FY, ("=", 91, None, "万元", 910000.0, "money"), False),
    ("98%", "案件完成率", FY, ("=", 98, None, "%", None, "percent"), False),
    ("=100%", "资金到位率", FY, ("=", 100, None, "%", None, "percent"), False),
    ("=100％", "工作任务合格率", FY, ("=", 100, None, "%", None, "percent"), False),
    ("=17个", "补助村街个数", FY, ("=", 17, None, "个", None, "number"), False),
    ("=1人", "编外（自收自支）人员数", FY, ("=", 1, None, "人", None, "number"), False),
    ("=71人", "保障人数", FY, ("=", 71, None, "人", None, "number"), False),
    (">=4人", "慰问人数", FY, (">=", 4, None, "人", None, "number"), False),
    (">=98％", "受益对象满意度", FY, (">=", 98, None, "%", None, "percent"), False),
    (
        "≥0.9严格按照上级要求和金额发放，确保村民满意",
        "群众满意度",
        FY,
        (">=", 90, None, "%", None, "percent"),
        False,
    ),
    (
        "≥0.9严格按照上级要求和金额发放，确保村民满意。",
        "严格按照上级要求和金额发放，确保村民满意",
        FY,
        (">=", 90, None, "%", None, "percent"),
        False,
    ),
    (
        "≥0.9农村组织办公经费一经拨付，及时下发各个村。",
        "农村组织办公经费一经拨付，及时下发各个村",
        FY,
        (">=", 90, None, "%", None, "percent"),
        False,
    ),
    (
        "≥0.9宣传贯彻退役军人有关政策法规，保障退役军人合法权益落实。",
        "群众满意度",
        FY,
        (">=", 90, None, "%", None, "percent"),
        False,
    ),
    (
        "≥0.9维护稳定以及重大节日及活动安保工作的顺利进行",
        "维护稳定以及重大节日及活动安保工作的顺利",
        FY,
        (">=", 90, None, "%", None, "percent"),
        False,
    ),
    ("≥0.9群众满意度", "群众满意度", FY, (">=", 90, None, "%", None, "percent"), False),
    ("≥1个", "涉及补偿村街数", FY, (">=", 1, None, "个", None, "number"), False),
    ("≥20次", "组织宣传活动次数", FY, (">=", 20, None, "次", None, "number"), False),
    ("≥5次", "协管员人数", FY, (">=", 5, None, "次", None, "number"), False),
    ("≥60人", "组织参观学习人数", FY, (">=", 60, None, "人", None, "number"), False),
    ("≥80%", "外宣品发放使用量占生产量比例", FY, (">=", 80, None, "%", None, "percent"), False),
    ("≥90%", "社会稳定水平", FY, (">=", 90, None, "%", None, "percent"), False),
    ("≥95", "培训参与度", FY, (">=", 95, None, "%", None, "percent"), False),
    ("≥95％", "督促企业治理隐患数占原初数的比", FY, (">=", 95, None, "%", None, "percent"), False),
    ("≥95百分比", "是否有安全事故发生", FY, (">=", 95, None, "%", None, "percent"), False),
    ("≥98%", "工作质量完成合格率", FY, (">=", 98, None, "%", None, "percent"), False),
    ("≥99%", "工作完成数占总数的比", FY, (">=", 99, None, "%", None, "percent"), False),
    ("依法履职，严格依法办事；联系群众密切。", "群众满意度", FY, Q, False),
    ("保持干部队伍相对稳定", "加强工作人员归属感", FY, Q, False),
    ("全年工作任务完成时间", "全年工作任务完成时间", FY, Q, False),
    ("合格的工作任务占总工作任务数的比重", "工作完成合格率（%", FY, Q, False),
    ("工作目标完成件数", "工作目标完成件数", FY, Q, False),
    ("按规定时间发放", "工资(福利)发放及时性", FY, Q, False),
    ("数量", "政府采购目录序号", FY, Q, False),
]


def _check(target: dict, warning: str | None, raw: str, expected: tuple, warns: bool) -> None:
    op, value, value_max, unit, value_yuan, kind = expected
    assert list(target) == KEYS
    assert target["raw"] == raw.strip()
    got = (
        target["op"],
        target["value"],
        target["value_max"],
        target["unit"],
        target["value_yuan"],
        target["kind"],
    )
    assert got == expected, raw
    # int/float follow the printed text; compare types too (95 == 95.0 would hide it)
    assert type(target["value"]) is type(value), raw
    if warns:
        assert warning and "无法解析为数值" in warning and "按定性处理" in warning
    else:
        assert warning is None, warning


@pytest.mark.parametrize(
    ("raw", "name", "fy", "expected", "warns"),
    CASES + SEED_CASES,
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_parse_target_table(
    raw: str, name: str, fy: int | None, expected: tuple, warns: bool
) -> None:
    target, warning = parse_target(raw, indicator_name=name, fiscal_year=fy)
    _check(target, warning, raw, expected, warns)


def test_seed_table_is_large_enough() -> None:
    assert len(SEED_CASES) >= 40


def test_raw_is_kept_with_inner_whitespace() -> None:
    target, _ = parse_target("\u3000 17\u3000个 \n", indicator_name="涉及村街数")
    assert target["raw"] == "17\u3000个"


def test_warning_names_indicator_and_value() -> None:
    _, warning = parse_target("≥良好", indicator_name="服务质量")
    assert warning == "指标“服务质量”的指标值“≥良好”无法解析为数值，按定性处理"


# --- split 符号 / 值 / 单位 columns

SPLIT_CASES = [
    (
        ("≥", "40.00", "件"),
        "工作目标完成件数",
        "≥40.00件",
        (">=", 40.0, None, "件", None, "number"),
        False,
    ),
    (
        ("=", "100.00", "%"),
        "工作完成合格率（%",
        "=100.00%",
        ("=", 100.0, None, "%", None, "percent"),
        False,
    ),
    (("≤", "45", "万元"), "", "≤45万元", ("<=", 45, None, "万元", 450000.0, "money"), False),
    (("≥", "95", "百分比"), "", "≥95百分比", (">=", 95, None, "%", None, "percent"), False),
    (("≥", "0.95", ""), "群众满意度", "≥0.95", (">=", 95, None, "%", None, "percent"), False),
    (
        ("文字描述", "", "按工作计划及时完成"),
        "全年工作任务完成时间",
        "按工作计划及时完成",
        Q,
        False,
    ),
    (("文字描述", "", "提高\u3000"), "", "提高", Q, False),
    (("文字描述", "健全", ""), "", "健全", Q, False),
    (
        ("文字描述", "", "2021年12月底前"),
        "完成时限",
        "2021年12月底前",
        ("<=", "2021-12-31", None, None, None, "deadline"),
        False,
    ),
    (("", "", ""), "", "", Q, False),
    (("≥", "", ""), "", "≥", Q, True),
    (("≥", "良好", ""), "", "≥良好", Q, True),
    (("约", "四十", "件"), "", "约四十件", Q, True),
]


@pytest.mark.parametrize(("parts", "name", "raw", "expected", "warns"), SPLIT_CASES)
def test_parse_sign_value_unit(
    parts: tuple[str, str, str], name: str, raw: str, expected: tuple, warns: bool
) -> None:
    target, warning = parse_sign_value_unit(*parts, indicator_name=name, fiscal_year=FY)
    _check(target, warning, raw, expected, warns)


# --- properties


@settings(max_examples=500, deadline=None)
@given(st.text(), st.text(max_size=12), st.one_of(st.none(), st.integers()))
def test_never_raises(raw: str, name: str, fy: int | None) -> None:
    target, warning = parse_target(raw, indicator_name=name, fiscal_year=fy)
    assert list(target) == KEYS
    assert target["kind"] in KINDS
    assert warning is None or isinstance(warning, str)
    if target["kind"] == "qualitative":
        assert target["op"] is None and target["value"] is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="≥≤=<>%万元人个次0123456789.-~至以上下内年月底前 　，", max_size=20))
def test_never_raises_on_near_misses(raw: str) -> None:
    target, _ = parse_target(raw, indicator_name="满意度", fiscal_year=FY)
    assert target["kind"] in KINDS


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["≥", "≤", "="]),
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["%", "人", "万元"]),
    st.sampled_from(["", "群众满意度", "资金到位率"]),
)
def test_round_trip(sign: str, number: Decimal, unit: str, name: str) -> None:
    text = format(number, "f")
    target, warning = parse_target(f"{sign}{text}{unit}", indicator_name=name, fiscal_year=FY)
    assert warning is None
    assert target["op"] == {"≥": ">=", "≤": "<=", "=": "="}[sign]
    assert Decimal(str(target["value"])) == number
    assert target["unit"] == unit
    if unit == "万元":
        assert target["kind"] == "money"
        assert target["value_yuan"] == float(number * 10000)
    else:
        assert target["value_yuan"] is None
        assert target["kind"] == ("percent" if unit == "%" else "number")


def test_operator_vocabulary_refuses_a_value_outside_the_contract():
    """Every operator word maps to a contract `op`: a typo in targets.toml stops the import
    with a message naming the word, instead of reaching the warehouse as a new operator."""
    from typing import get_args

    from etl.record import Op
    from etl.targets import vocab

    assert set(vocab.PREFIX_OPS.values()) | set(vocab.SIGN_COLUMN_OPS.values()) <= set(get_args(Op))
    with pytest.raises(ValueError, match="至少"):
        vocab._ops({"至少": "≥"})
    assert vocab._ops({"至 少": ">="}) == {"至少": ">="}
