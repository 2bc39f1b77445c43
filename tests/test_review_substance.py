"""The substance checks (R21-R28) and the fixes of issue 12: each fires on an invented table
that has the defect and stays silent on the clean one."""

from __future__ import annotations

import pytest

from etl.review import review_record
from etl.review.fixtures import good_indicators, indicator, project, record, target


def found(rec: dict, rule_id: str, position: int = 0) -> list[dict]:
    result = review_record(rec)
    assert result["errors"] == []
    return [f for f in result["projects"][position]["findings"] if f["rule_id"] == rule_id]


def replaced(index: int, row: dict, **kwargs) -> dict:
    rows = good_indicators()
    rows[index] = row
    return record(project(indicators=rows, **kwargs))


def varied(seq: int) -> dict:
    """A clean project whose targets differ from its neighbours' (as real ones do)."""
    rows = good_indicators()
    rows[0] = indicator("数量指标", "维修村内道路长度", f"≥{seq + 2}公里")
    rows[1] = indicator("质量指标", "工程验收合格率", f"≥{94 + seq}%")
    rows[3] = indicator("成本指标", "道路维修总成本", f"≤{40 + seq}万元")
    rows[4] = indicator("社会效益指标", "受益村民人数", f"≥{1000 + seq * 100}人")
    rows[5] = indicator("服务对象满意度指标", "村民满意度", f"≥{84 + seq * 2}%")
    budget = (40 + seq) * 10000
    return project(
        seq=seq, name=f"第{seq}片区村内道路维修", indicators=rows, total=budget, fiscal=budget
    )


@pytest.mark.parametrize("rule_id", [f"R{i}" for i in range(21, 29)] + ["R15"])
def test_clean_table_is_silent(rule_id):
    rec = record(*(varied(i) for i in range(1, 5)), year=2021)
    for position in range(4):
        assert found(rec, rule_id, position) == []


# R21 copied indicator + target across projects -------------------------------------------
def _with_row(seq: int, row: dict, name: str) -> dict:
    base = varied(seq)
    base["indicators"].insert(4, row)
    base["name"] = name
    return base


def test_r21_same_indicator_and_target_in_many_projects():
    row = indicator("可持续影响指标", "制度健全程度", "健全")
    names = ["道路维修", "水渠清淤", "路灯更换", "公厕改造"]
    rec = record(*(_with_row(i, row, n) for i, n in enumerate(names, start=1)))
    hits = found(rec, "R21", 2)
    assert hits and "4个项目" in hits[0]["message"] and hits[0]["indicator_name"] == "制度健全程度"


def test_r21_quiet_when_targets_differ():
    names = ["道路维修", "水渠清淤", "路灯更换", "公厕改造"]
    rec = record(
        *(
            _with_row(i, indicator("数量指标", "完成工程个数", f"{i}个"), n)
            for i, n in enumerate(names, start=1)
        )
    )
    assert found(rec, "R21", 0) == []


# R15 satisfaction boilerplate: all projects at one or two values --------------------------
def test_r15_two_values_across_all_projects_is_boilerplate():
    projects = []
    for i, value in enumerate(["≥90%", "≥95%", "≥90%", "≥95%"], start=1):
        rows = good_indicators()
        rows[5] = indicator("服务对象满意度指标", "村民满意度", value)
        projects.append(project(seq=i, name=f"项目{i}", indicators=rows))
    hits = found(record(*projects), "R15", 1)
    assert hits and "2种取值" in hits[0]["message"]


def test_r15_quiet_when_satisfaction_targets_vary():
    projects = []
    for i, value in enumerate(["≥85%", "≥90%", "≥92%", "≥95%"], start=1):
        rows = good_indicators()
        rows[5] = indicator("服务对象满意度指标", "村民满意度", value)
        projects.append(project(seq=i, name=f"项目{i}", indicators=rows))
    assert found(record(*projects), "R15", 0) == []


# R22 cost against budget -------------------------------------------------------------------
def test_r22_cost_far_below_budget_points_at_the_amount_cell():
    rec = replaced(3, indicator("成本指标", "材料费控制数", "≤5万元", line=77))
    (hit,) = found(rec, "R22")
    assert hit["variant"] == "far_below" and hit["source_line"] == 77
    assert "50万元" in hit["message"]


def test_r22_cost_restating_budget():
    rec = replaced(3, indicator("成本指标", "按照预算指标执行", "50万元"))
    (hit,) = found(rec, "R22")
    assert hit["variant"] == "restates_budget" and hit["severity"] == "提示"


def test_r22_unit_cost_times_quantity_exceeds_budget():
    rows = good_indicators()
    rows[0] = indicator("数量指标", "补助人数", "100人")
    rows[3] = indicator("成本指标", "人均补助标准", "≤8000元")
    (hit,) = found(record(project(indicators=rows)), "R22")
    assert hit["variant"] == "unit_cost" and "80万元" in hit["message"]


def test_r22_quiet_on_plausible_unit_cost():
    rows = good_indicators()
    rows[0] = indicator("数量指标", "补助人数", "100人")
    rows[3] = indicator("成本指标", "人均补助标准", "≤5000元")
    assert found(record(project(indicators=rows)), "R22") == []


# R23 效益 row 是 / 开展 --------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["是", "开展", "达标"])
def test_r23_benefit_done_word(raw):
    hits = found(replaced(4, indicator("社会效益指标", "村民出行条件改善", raw)), "R23")
    assert hits and hits[0]["indicator_index"] == 4


def test_r23_quiet_on_measured_benefit():
    rec = replaced(4, indicator("社会效益指标", "村民出行时间缩短", "≥20%"))
    assert found(rec, "R23") == []


# R24 wrong level ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("level2", "name"),
    [
        ("服务对象满意度指标", "美化工程达标率"),
        ("数量指标", "工程优良率"),
        ("时效指标", "维修完成率"),
        ("质量指标", "经费使用完成率"),
    ],
)
def test_r24_misplaced(level2, name):
    hits = found(replaced(1, indicator(level2, name, "≥95%")), "R24")
    assert hits and hits[0]["indicator_name"] == name


@pytest.mark.parametrize(
    ("level2", "name"), [("质量指标", "工程优良率"), ("时效指标", "按时完成率")]
)
def test_r24_quiet_when_level_fits(level2, name):
    assert found(replaced(1, indicator(level2, name, "≥95%")), "R24") == []


# R25 unit vs name / percent on a non-rate --------------------------------------------------
@pytest.mark.parametrize(
    ("name", "raw"), [("协管员人数", "≥5次"), ("工作次数", "=17个"), ("巡视频次", "≥95%")]
)
def test_r25_unit_contradicts_name(name, raw):
    hits = found(replaced(0, indicator("数量指标", name, raw)), "R25")
    assert hits and hits[0]["indicator_name"] == name


def test_r25_percent_on_a_state_under_benefit():
    hits = found(replaced(4, indicator("社会效益指标", "社会稳定水平", "≥90%")), "R25")
    assert hits and hits[0]["variant"] == "percent_not_rate"


@pytest.mark.parametrize(("name", "raw"), [("协管员人数", "5人"), ("巡视次数", "≥12次")])
def test_r25_quiet_when_unit_fits(name, raw):
    assert found(replaced(0, indicator("数量指标", name, raw)), "R25") == []


# R26 blank spending plan -------------------------------------------------------------------
def test_r26_blank_plan_when_the_layout_has_one():
    rec = record(project(seq=1), project(seq=2, name="水渠清淤"))
    rec["projects"][1]["spend_plan_pct"] = None
    assert found(rec, "R26", 1) and found(rec, "R26", 0) == []


def test_r26_quiet_when_no_project_prints_a_plan():
    rec = record(project(seq=1), project(seq=2, name="水渠清淤"))
    for item in rec["projects"]:
        item["spend_plan_pct"] = None
    assert found(rec, "R26", 0) == [] and found(rec, "R26", 1) == []


# R27 irrelevant indicator ------------------------------------------------------------------
def test_r27_template_residue():
    rec = record(
        project(
            name="党组织建设",
            goals=["加强党员教育管理，健全党组织生活制度"],
            indicators=good_indicators()[:4]
            + [indicator("社会效益指标", "农业补贴发放率", "=100%")]
            + good_indicators()[5:],
        )
    )
    rec["projects"][0]["purpose"] = "党员教育和党组织活动"
    hits = {h["indicator_name"] for h in found(rec, "R27")}
    assert "农业补贴发放率" in hits
    assert not {"道路维修总成本", "村民满意度"} & hits  # cost and satisfaction fit any project


def test_r27_synonyms_count_as_related():
    rec = replaced(4, indicator("社会效益指标", "村庄道路通行改善户数", "≥300户"))
    assert found(rec, "R27") == []


# R28 scheme of 财预〔2021〕101号 ------------------------------------------------------------
def test_r28_fy2022_cost_under_output():
    (hit,) = found(record(project(), year=2023), "R28")
    assert "101号" in hit["message"] and "2023" in hit["message"]


def test_r28_quiet_with_cost_as_level1():
    rows = good_indicators()
    rows[3] = dict(rows[3], level1="成本指标", level2="经济成本指标")
    assert found(record(project(indicators=rows), year=2023), "R28") == []


# R07 hint uses the document's fiscal year --------------------------------------------------
def test_r07_hint_names_the_fiscal_year():
    rec = replaced(2, indicator("时效指标", "完工时间", "按计划完成"))
    rec["fiscal_year"] = 2024
    (hit,) = found(rec, "R07")
    assert "2024年12月底前" in hit["hint"]


# fixes ---------------------------------------------------------------------------------
def test_none_on_a_should_be_zero_count_is_valid():
    rows = good_indicators()
    rows[0] = indicator("数量指标", "保证无出辖区信访案件", "无")
    result = review_record(record(project(indicators=rows)))
    on_row = {f["rule_id"] for f in result["projects"][0]["findings"] if f["indicator_index"] == 0}
    assert not on_row & {"R08", "R09", "R11", "R12", "R20"}


def test_parser_zero_reading_of_none_is_valid_too():
    rows = good_indicators()
    rows[0] = indicator(
        "数量指标",
        "保证无出辖区信访案件",
        "无",
        target=target("无", op="=", value=0, kind="number"),
    )
    result = review_record(record(project(indicators=rows)))
    on_row = {f["rule_id"] for f in result["projects"][0]["findings"] if f["indicator_index"] == 0}
    assert not on_row & {"R08", "R09", "R11", "R12", "R20"}


def test_goal_measured_through_synonyms():
    rows = good_indicators()
    rows[1] = indicator("质量指标", "资金到位率", "=100%")
    rec = record(project(indicators=rows, goals=["确保资金及时发放"]))
    assert found(rec, "R19") == []


def test_fraction_notation_is_a_notation_defect():
    rows = good_indicators()
    rows[5] = indicator(
        "服务对象满意度指标",
        "群众满意度",
        "≥0.9群众满意",
        target=target("≥0.9群众满意", op=">=", value=90, unit="%", kind="percent"),
    )
    result = review_record(record(project(indicators=rows)))
    rules = {f["rule_id"] for f in result["projects"][0]["findings"] if f["indicator_index"] == 5}
    assert rules == {"R12"}
