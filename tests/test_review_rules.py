"""Every review rule fires on a defect and stays quiet on the nearest correct case."""

from __future__ import annotations

import pytest

from etl.review import review_record
from etl.review.fixtures import good_indicators, indicator, project, record, target


def findings(rec: dict, rule_id: str, position: int = 0) -> list[dict]:
    result = review_record(rec)
    assert result["errors"] == []
    return [f for f in result["projects"][position]["findings"] if f["rule_id"] == rule_id]


def with_rows(*rows: dict, **kwargs) -> dict:
    return record(project(indicators=list(rows), **kwargs))


def replace(index: int, row: dict, **kwargs) -> dict:
    rows = good_indicators()
    rows[index] = row
    return record(project(indicators=rows, **kwargs))


def test_good_project_has_no_findings_and_grade_you():
    result = review_record(record(project()))
    assert result["projects"][0]["findings"] == []
    assert result["projects"][0]["grade"] == "优"


# R01 -----------------------------------------------------------------------------------
def test_r01_fires_when_benefit_missing_and_is_serious():
    rows = [r for r in good_indicators() if r["level1"] != "效益指标"]
    hits = findings(with_rows(*rows), "R01")
    assert len(hits) == 1 and hits[0]["severity"] == "严重" and "效益指标" in hits[0]["message"]


def test_r01_placeholder_only_level_counts_as_missing():
    rows = good_indicators()
    rows[4] = indicator("社会效益指标", "受益村民人数", "无")
    hits = findings(with_rows(*rows), "R01")
    assert hits and "占位" in hits[0]["message"]


def test_r01_no_indicators_grades_cha():
    result = review_record(record(project(indicators=[])))
    assert result["projects"][0]["grade"] == "差"
    assert [f["rule_id"] for f in result["projects"][0]["findings"]] == ["R01"]


def test_r01_quiet_when_all_levels_present():
    assert findings(record(project()), "R01") == []


# R02 -----------------------------------------------------------------------------------
def test_r02_fires_with_two_indicators():
    hits = findings(with_rows(*good_indicators()[:2]), "R02")
    assert hits and "2个" in hits[0]["message"]


def test_r02_quiet_with_three():
    assert findings(with_rows(*good_indicators()[:3]), "R02") == []


# R03 -----------------------------------------------------------------------------------
def test_r03_fires_when_cost_indicator_missing():
    rows = [r for r in good_indicators() if r["level2"] != "成本指标"]
    hits = findings(with_rows(*rows), "R03")
    assert hits and hits[0]["indicator_index"] is None and "缺少成本指标" in hits[0]["message"]


def test_r03_fires_on_cost_without_money():
    hits = findings(replace(3, indicator("成本指标", "控制成本", "≥95百分比", line=77)), "R03")
    assert hits[0]["indicator_index"] == 3 and hits[0]["source_line"] == 77
    assert "≥95百分比" in hits[0]["message"] and "控制成本" in hits[0]["message"]


def test_r03_quiet_on_unit_price():
    row = indicator(
        "成本指标", "人均补助标准", "≤1200元/人", target=target("≤1200元/人", unit="元/人")
    )
    assert findings(replace(3, row), "R03") == []


# R04 -----------------------------------------------------------------------------------
def test_r04_fires_when_cost_exceeds_budget_and_names_wan_yuan_slip():
    row = indicator("成本指标", "项目总成本", "≤500000万元")  # budget is 50万元
    hits = findings(replace(3, row), "R04")
    assert hits and hits[0]["severity"] == "严重" and "万元与元混用" in hits[0]["message"]


def test_r04_fires_when_budget_control_number_differs():
    row = indicator("成本指标", "预算控制数", "=45万元")
    hits = findings(replace(3, row), "R04")
    assert hits and hits[0]["severity"] == "一般" and "45万元" in hits[0]["message"]


def test_r04_quiet_for_small_cost_target_on_big_budget():
    # seed 002 style: a 5万 cost target on a 393.97万 budget is smaller, not larger
    row = indicator("成本指标", "保证按照预算指标进行", "5万元")
    rec = replace(3, row, total=3939700, fiscal=3939700)
    assert findings(rec, "R04") == []


def test_r04_quiet_without_budget():
    row = indicator("成本指标", "项目总成本", "≤80万元")
    assert findings(replace(3, row, total=None, fiscal=None), "R04") == []


# R05 -----------------------------------------------------------------------------------
def test_r05_fires_on_dropped_digit_like_seed_002():
    hits = findings(record(project(total=3939700, fiscal=399700)), "R05")
    assert hits and hits[0]["severity"] == "严重"
    assert "393.97万元" in hits[0]["message"] and "39.97万元" in hits[0]["message"]
    assert "一位数字" in hits[0]["message"]


def test_r05_names_wan_yuan_mixup():
    hits = findings(record(project(total=500000, fiscal=50)), "R05")
    assert "万元与元混用" in hits[0]["message"]


def test_r05_quiet_when_parts_add_up_or_budget_absent():
    assert findings(record(project(total=500000, fiscal=300000, other=200000)), "R05") == []
    assert findings(record(project(total=None, fiscal=None)), "R05") == []


# R06 -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("plan", "variant"),
    [
        ([25, 25, 25, 25], "not_cumulative"),
        ([30, 60, 50, 100], "decreasing"),
        ([20, 40, 60, 90], "not_100"),
    ],
)
def test_r06_fires(plan, variant):
    hits = findings(record(project(plan=plan)), "R06")
    assert [h["variant"] for h in hits] == [variant]


def test_r06_quiet_on_cumulative_plan_or_no_plan():
    assert findings(record(project(plan=[0, 40, 40, 100])), "R06") == []
    rec = record(project())
    rec["projects"][0]["spend_plan_pct"] = None
    assert findings(rec, "R06") == []


# R07 -----------------------------------------------------------------------------------
def test_r07_fires_on_vague_timeliness():
    hits = findings(
        replace(2, indicator("时效指标", "补助金发放时间", "按工作计划及时完成")), "R07"
    )
    assert hits and hits[0]["variant"] == "no_period"


def test_r07_fires_on_percent_without_rate_name():
    hits = findings(replace(2, indicator("时效指标", "检查是否及时", "≥95%")), "R07")
    assert hits


def test_r07_fires_on_date_outside_fiscal_year():
    row = indicator(
        "时效指标",
        "完工时间",
        "2022年6月底前",
        target=target("2022年6月底前", op="<=", value="2022-06-30", kind="deadline"),
    )
    hits = findings(replace(2, row), "R07")
    assert hits and hits[0]["variant"] == "outside_year" and "2022-06-30" in hits[0]["message"]


@pytest.mark.parametrize(
    "row",
    [
        indicator("时效指标", "审批办结时限", "≤30天"),
        indicator("时效指标", "资金支付及时率", "≥95%"),
    ],
)
def test_r07_quiet_on_period_or_rate(row):
    assert findings(replace(2, row), "R07") == []


# R08 -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw", ["提高", "明显改善", "进一步提升", "良好", "群众生活质量得到明显改善"]
)
def test_r08_fires_on_vague_target(raw):
    hits = findings(replace(1, indicator("质量指标", "村民生活条件", raw)), "R08")
    assert hits and hits[0]["indicator_index"] == 1


@pytest.mark.parametrize("raw", ["减少", "开展", "确保", "顺利推进"])
def test_r08_vocabulary_words_are_vague(raw):
    assert findings(replace(1, indicator("质量指标", "道路通行状况", raw)), "R08")


@pytest.mark.parametrize(
    "raw", ["健全", "是", "有效期内设施完好率达到要求的等级并通过县级复核验收", "达成"]
)
def test_r08_quiet_on_concrete_qualitative(raw):
    assert findings(replace(4, indicator("社会效益指标", "设施管护制度", raw)), "R08") == []


def test_r08_quiet_when_vague_word_is_part_of_a_concrete_value():
    # qualitative by kind, but the prose carries a number: 及时 is not the whole target
    row = indicator("社会效益指标", "补偿款发放", "及时足额发放到21个村")
    row["target"]["kind"] = "qualitative"
    assert findings(replace(4, row), "R08") == []
    rate = indicator("社会效益指标", "资金拨付及时率", "≥95%")
    rate["target"]["raw"] = "及时率≥95%"
    assert findings(replace(4, rate), "R08") == []


# R09 -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("level2", "name", "raw"),
    [
        ("质量指标", "补助覆盖率", "全覆盖"),
        ("社会效益指标", "受益人数", "较多"),
        ("服务对象满意度指标", "群众满意度", "满意"),
        ("数量指标", "是否做到护路期间无人员空岗", "是"),
    ],
)
def test_r09_fires(level2, name, raw):
    index = {"质量指标": 1, "社会效益指标": 4, "服务对象满意度指标": 5, "数量指标": 0}[level2]
    assert findings(replace(index, indicator(level2, name, raw)), "R09")


@pytest.mark.parametrize(
    ("level2", "name", "raw"),
    [
        ("服务对象满意度指标", "群众满意度", "≥95%"),  # satisfaction with a percent target
        ("社会效益指标", "政府工作效率", "健全"),  # 效率 is not a rate to measure
        ("质量指标", "能否做到验收合格", "是"),  # yes/no question answered yes/no
    ],
)
def test_r09_quiet(level2, name, raw):
    index = {"质量指标": 1, "社会效益指标": 4, "服务对象满意度指标": 5}[level2]
    assert findings(replace(index, indicator(level2, name, raw)), "R09") == []


# R10 -----------------------------------------------------------------------------------
def test_r10_fires_on_seed_001_style_glued_target():
    text = "年初该项经费下达后，我镇及时将该项经费拨付给21个村委会"
    row = indicator(
        "数量指标",
        text,
        f"≥0.9{text}",
        target=target(f"≥0.9{text}", op=">=", value=0.9, kind="number"),
    )
    hits = findings(replace(0, row), "R10")
    assert hits and "照抄了指标名称" in hits[0]["message"]


def test_r10_fires_on_copied_description():
    row = indicator(
        "社会效益指标",
        "道路通行",
        "雨季道路不积水，村民出行顺畅",
        description="雨季道路不积水，村民出行顺畅",
    )
    assert findings(replace(4, row), "R10")


def test_r10_quiet_when_target_merely_shares_words():
    row = indicator("社会效益指标", "道路硬化", "完成道路硬化3公里", description="道路硬化工程")
    assert findings(replace(4, row), "R10") == []
    row = indicator("质量指标", "工程验收情况", "验收合格", description="工程验收合格")
    assert findings(replace(1, row), "R10") == []


# R11 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["无", "不涉及", "/", "—", ""])
def test_r11_fires_on_placeholder(raw):
    hits = findings(replace(4, indicator("社会效益指标", "带动就业人数", raw)), "R11")
    assert hits and hits[0]["indicator_name"] == "带动就业人数"


def test_r11_quiet_when_none_means_zero_events():
    assert (
        findings(replace(4, indicator("社会效益指标", "保证无出辖区信访案件", "无")), "R11") == []
    )
    assert findings(replace(1, indicator("质量指标", "安全事故", "无")), "R11") == []


def test_r11_quiet_on_real_target_and_unnamed_row():
    assert findings(record(project()), "R11") == []
    row = indicator("社会效益指标", "", "", description="")
    assert findings(record(project(indicators=[*good_indicators(), row])), "R11") == []


# R12 -----------------------------------------------------------------------------------
def test_r12_fires_on_rate_above_100():
    hits = findings(replace(1, indicator("质量指标", "工程验收合格率", "≥120%")), "R12")
    assert hits and hits[0]["variant"] == "over_100"


def test_r12_fires_on_fractional_people():
    hits = findings(replace(4, indicator("社会效益指标", "受益村民人数", "≥1200.5人")), "R12")
    assert hits and hits[0]["variant"] == "fractional_count"


def test_r12_fires_on_fraction_written_for_percent():
    hits = findings(replace(5, indicator("服务对象满意度指标", "村民满意度", "≥0.9")), "R12")
    assert hits and hits[0]["variant"] == "fraction"


def test_r12_quiet_on_growth_rate_and_whole_counts():
    assert findings(replace(1, indicator("质量指标", "农民收入增长率", "≥105%")), "R12") == []
    assert findings(replace(4, indicator("社会效益指标", "受益村民人数", "≥1200人")), "R12") == []
    assert findings(replace(0, indicator("数量指标", "维修道路长度", "≥3.5公里")), "R12") == []


# R13 -----------------------------------------------------------------------------------
def test_r13_fires_on_given_direction_mismatch():
    row = indicator(
        "质量指标", "工程验收合格率", "≤100%", direction="positive", direction_source="given"
    )
    assert findings(replace(1, row), "R13")


def test_r13_fires_on_accident_indicator_with_ge():
    row = indicator("质量指标", "是否有安全事故发生", "≥95%")
    hits = findings(replace(1, row), "R13")
    assert hits and "事故" in hits[0]["message"]


def test_r13_fires_on_cost_with_ge_money():
    assert findings(replace(3, indicator("成本指标", "道路维修总成本", "≥50万元")), "R13")


def test_r13_quiet_on_implied_direction_and_positive_accident_rates():
    row = indicator(
        "质量指标", "工程验收合格率", "≥95%", direction="positive", direction_source="implied"
    )
    assert findings(replace(1, row), "R13") == []
    assert findings(replace(1, indicator("质量指标", "安全事故处理率", "≥95%")), "R13") == []
    assert findings(replace(1, indicator("质量指标", "安全事故发生率", "≤1%")), "R13") == []


# R14 -----------------------------------------------------------------------------------
def test_r14_fires_when_weights_do_not_sum_to_100():
    rows = good_indicators()
    for row, weight in zip(rows, [20, 20, 10, 10, 20, 10], strict=True):
        row["weight"] = weight
    hits = findings(with_rows(*rows), "R14")
    assert hits and "90" in hits[0]["message"]


def test_r14_quiet_when_weights_sum_to_100_or_absent():
    rows = good_indicators()
    for row, weight in zip(rows, [20, 20, 10, 20, 20, 10], strict=True):
        row["weight"] = weight
    assert findings(with_rows(*rows), "R14") == []
    assert findings(record(project()), "R14") == []


# R15 -----------------------------------------------------------------------------------
def test_r15_fires_on_boilerplate_across_projects():
    rec = record(*[project(seq=i, name=f"项目{i}") for i in range(1, 5)])
    result = review_record(rec)
    hits = [f for p in result["projects"] for f in p["findings"] if f["rule_id"] == "R15"]
    assert len(hits) == 4 and all(h["variant"] == "boilerplate" for h in hits)


def test_r15_fires_on_100_percent_satisfaction():
    hits = findings(replace(5, indicator("服务对象满意度指标", "村民满意度", "=100%")), "R15")
    assert hits and hits[0]["variant"] == "perfect"


def test_r15_quiet_on_varied_targets_and_non_satisfaction_100():
    projects = []
    for i, raw in enumerate(["≥90%", "≥85%", "≥92%", "≥88%"], start=1):
        rows = good_indicators()
        rows[5] = indicator("服务对象满意度指标", "村民满意度", raw)
        projects.append(project(seq=i, indicators=rows))
    result = review_record(record(*projects))
    assert not [f for p in result["projects"] for f in p["findings"] if f["rule_id"] == "R15"]
    row = indicator("服务对象满意度指标", "美丽乡村建设达标率", "100%")
    assert findings(replace(5, row), "R15") == []


# R16 -----------------------------------------------------------------------------------
def test_r16_fires_on_completion_under_benefit():
    hits = findings(replace(4, indicator("社会效益指标", "补贴发放率", "=100%")), "R16")
    assert hits and "产出" in hits[0]["message"]


def test_r16_fires_on_improvement_under_output():
    hits = findings(replace(1, indicator("质量指标", "村民收入提高幅度", "≥5%")), "R16")
    assert hits and "效益" in hits[0]["message"]


def test_r16_quiet_on_correct_placement_and_mixed_phrases():
    assert findings(record(project()), "R16") == []
    row = indicator(
        "经济效益指标",
        "发放补贴带动农户增收",
        "≥500元/户",
        target=target("≥500元/户", unit="元/户"),
    )
    assert findings(replace(4, row), "R16") == []


# R17 -----------------------------------------------------------------------------------
def test_r17_fires_on_repeated_indicator():
    rows = [*good_indicators(), indicator("社会效益指标", "村民满意度", "≥90%", line=30)]
    hits = findings(with_rows(*rows), "R17")
    assert hits and hits[0]["source_line"] == 30 and "第25行" in hits[0]["message"]


def test_r17_fires_when_every_target_is_the_same():
    rows = [indicator(r["level2"], r["name"], "≥95百分比") for r in good_indicators()]
    hits = findings(with_rows(*rows), "R17")
    assert any(h["variant"] == "uniform" and h["severity"] == "严重" for h in hits)


def test_r17_quiet_on_distinct_rows():
    assert findings(record(project()), "R17") == []


# R18 -----------------------------------------------------------------------------------
def test_r18_fires_once_per_project_on_generic_basis():
    rows = [dict(r, basis="根据实际情况测算") for r in good_indicators()]
    hits = findings(with_rows(*rows), "R18")
    assert len(hits) == 1 and "6个" in hits[0]["message"]


def test_r18_fires_on_empty_basis_when_layout_has_basis():
    rows = good_indicators()
    rows[2]["basis"] = None
    hits = findings(with_rows(*rows), "R18")
    assert hits and hits[0]["variant"] == "empty"


def test_r18_quiet_on_specific_basis_and_layouts_without_basis():
    assert findings(record(project()), "R18") == []
    rows = [dict(r, basis=None) for r in good_indicators()]
    assert findings(with_rows(*rows), "R18") == []


# R19 -----------------------------------------------------------------------------------
def test_r19_fires_on_goal_without_indicator():
    rec = record(project(goals=["维修村内道路3.5公里", "防治树木病虫害"]))
    hits = findings(rec, "R19")
    assert len(hits) == 1 and "防治树木病虫害" in hits[0]["message"]


def test_r19_quiet_on_related_goals():
    assert findings(record(project(goals=["目标1：维修村内道路", "群众满意"])), "R19") == []


# R20 -----------------------------------------------------------------------------------
def test_r20_fires_on_mostly_qualitative_project():
    rows = good_indicators()
    rows[0] = indicator("数量指标", "道路维修", "完成道路维修任务")
    rows[1] = indicator("质量指标", "工程质量", "达标")
    rows[4] = indicator("社会效益指标", "出行条件", "达成")
    rows[5] = indicator("服务对象满意度指标", "村民评价", "好")
    hits = findings(with_rows(*rows), "R20")
    assert hits and "33%" in hits[0]["message"]


def test_r20_quiet_on_quantitative_project():
    assert findings(record(project()), "R20") == []


def test_r13_ignores_deadlines_marked_positive():
    """A flat 申报表 often marks 时效 rows 正向 with a date bound: not a direction mismatch."""
    from etl.review import review_record
    from tests.support.records import indicator, project, record

    deadline = indicator(
        "完成时间",
        level2="时效指标",
        raw="2021年10月底前",
        op="<=",
        value="2021-10-31",
        unit=None,
        kind="deadline",
        direction="positive",
    )
    findings = review_record(
        record(projects=[project(1, "道路改造", 1000000, indicators=[deadline])])
    )
    assert not [f for f in findings["projects"][0]["findings"] if f["rule_id"] == "R13"]
