"""Classification rules are data: order, name-before-purpose, conditions."""

from __future__ import annotations

import datetime as dt

import pytest

from warehouse.load import classify
from warehouse.load.classify import load_classifier
from warehouse.load.transform import SourceInfo, record_to_rows


def test_project_category_name_then_purpose() -> None:
    c = load_classifier()
    assert c.project_category("电厂二期临时占地", None) == "征地拆迁补偿"
    assert c.project_category("退役军人服务站工作经费", None) == "退役军人服务"
    assert c.project_category("气代煤协管员工资", None) == "环境整治与大气污染防治"
    assert c.project_category("经开区村干部基本工资", None) == "人员经费"
    assert c.project_category("非公党建经费", None) == "党建与村级组织运转"
    assert c.project_category("南水北调", "在上级资金拨付后及时将补偿款发放") == "征地拆迁补偿"
    assert c.project_category("某某项目", None) == "其他"
    assert c.project_category("　河渠 清理", None) == "农林水"  # NFKC + no whitespace


def test_indicator_families() -> None:
    c = load_classifier()
    assert c.indicator_family("群众满意度", "服务对象满意度指标", "percent", "%") == "满意度"
    assert c.indicator_family("资金到位率", "质量指标", "percent", "%") == "发放/到位率"
    assert c.indicator_family("完成时间", "时效指标", "deadline", None) == "完成时限"
    assert c.indicator_family("项目总成本", "成本指标", "money", "万元") == "成本控制"
    assert c.indicator_family("工作任务合格率", "质量指标", "percent", "%") == "完成率/合格率"
    assert c.indicator_family("组织培训次数", "数量指标", "number", "次") == "培训/宣传次数"
    assert (
        c.indicator_family("制度及实施方案健全程度", "可持续影响指标", "qualitative", None)
        == "制度建设"
    )
    assert c.indicator_family("补助村街个数", "数量指标", "number", "个") == "覆盖/数量·村街"
    assert c.indicator_family("某某", "社会效益指标", "qualitative", None) == "社会效益（定性）"
    assert c.indicator_family("某某", "", None, None) == "其他"


def test_digest_changes_with_rules(tmp_path) -> None:
    rules = tmp_path / "c.toml"
    rules.write_text('[[category]]\nname = "甲"\nkeywords = ["a"]\n', encoding="utf-8")
    assert load_classifier(category_file=rules).digest != load_classifier().digest


def test_project_category_goals_override_a_weak_name() -> None:
    c = load_classifier()
    goals = ["此项目给退役军人送去节日问候。", "确保取得实实在在的效果。"]
    assert c.project_category("经开区春节送温暖活动慰问金", None, goals) == "退役军人服务"
    assert c.project_category("经开区春节送温暖活动慰问金", None, None) == "社会保障与民生"
    # a strong name keeps its category whatever the goals mention
    assert c.project_category("党组织活动经费", None, ["组织退役军人党员学习"]) == (
        "党建与村级组织运转"
    )


def test_the_load_transform_classifies_with_the_goals() -> None:
    """The parse workers' rows carry the goal-aware category: no post-load pass re-reads
    every project (at 400,000 documents that pass held 2.1 GB in the loader)."""
    record = {
        "fiscal_year": 2024,
        "unit": {"name": "某某镇人民政府"},
        "projects": [
            {"name": "经开区春节送温暖活动慰问金", "goals": ["此项目给退役军人送去节日问候。"]},
            {"name": "经开区春节送温暖活动慰问金", "goals": ["为困难群众送去节日问候。"]},
        ],
    }
    source = SourceInfo("/docs/a.txt", "0" * 64, 1, "test", 1, dt.datetime(2024, 1, 1))
    rows = record_to_rows(record, source, load_classifier())
    categories = [r["project_category"] for r in rows.tables["dim_project"]]
    assert categories == ["退役军人服务", "社会保障与民生"]


def test_memos_stay_bounded_and_answers_stay_right(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classify, "MEMO_MAX", 3)
    c = load_classifier()
    names = [f"第{n}村道路维修工程" for n in range(10)] + ["退役军人服务站工作经费"]
    first = [c.project_category(n, None) for n in names]
    assert len(c._cat_cache) <= 3
    assert first[-1] == "退役军人服务"
    assert [c.project_category(n, None) for n in names] == first  # recomputed alike
    families = [c.indicator_family(f"指标{n}", "数量指标", "number", "个") for n in range(10)]
    assert len(c._fam_cache) <= 3 and len(set(families)) == 1


def test_law_enforcement_is_not_social_order() -> None:
    c = load_classifier()
    assert c.project_category("综合执法人员统一制式服装费", None) == "城管与综合执法"
    assert c.project_category("社会治安综合治理经费", None) == "信访维稳与综治"
    assert c.project_category("综治中心运行经费", None) == "信访维稳与综治"


# Order of evidence: level 2, kind, unit, name (docs/classification.md) ------------------
def test_level2_beats_a_keyword_in_a_pasted_sentence() -> None:
    c = load_classifier()
    pasted = "严格按照上级要求和金额发放，确保村民满意"
    assert c.indicator_family(pasted, "数量指标", "percent", "%") == "发放/到位率"
    assert c.indicator_family("经费支持完成率", "成本指标", "percent", "%") == "成本控制"
    assert c.indicator_family("项目成本控制", "成本指标", "qualitative", None) == "成本控制"


def test_timeliness_of_payment_is_a_deadline_family() -> None:
    c = load_classifier()
    assert c.indicator_family("及时支付", "时效指标", "percent", "%") == "完成时限"
    assert c.indicator_family("补助金发放时间", "时效指标", "qualitative", None) == "完成时限"


def test_counts_are_counts_not_environment_quality() -> None:
    c = load_classifier()
    assert c.indicator_family("大气监测点数量", "数量指标", "number", "个") == "覆盖/数量·站点"
    assert c.indicator_family("环境治理工作次数", "数量指标", "number", "次") == "覆盖/数量·次数"
    assert c.indicator_family("空气质量优良天数比例", "生态效益指标", "percent", "%") == "环境质量"


def test_villages_and_monitoring_stations_never_share_a_family() -> None:
    c = load_classifier()
    villages = c.indicator_family("此项目涉及村街数", "数量指标", "number", "个")
    stations = c.indicator_family("空气监测站个数", "数量指标", "number", "个")
    assert villages == "覆盖/数量·村街" and stations == "覆盖/数量·站点"


def test_employment_environment_is_not_the_environment() -> None:
    c = load_classifier()
    assert (
        c.indicator_family("持续保障残疾人就业环境", "可持续影响指标", "percent", "%")
        == "收入/经济效益"
    )
    assert c.indicator_family("人居环境整治率", "社会效益指标", "percent", "%") != "收入/经济效益"
