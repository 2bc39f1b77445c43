"""Classification rules are data: order, name-before-purpose, conditions."""

from __future__ import annotations

from warehouse.classify import load_classifier


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
    assert c.indicator_family("补助村街个数", "数量指标", "number", "个") == "覆盖/数量"
    assert c.indicator_family("某某", "社会效益指标", "qualitative", None) == "社会效益（定性）"
    assert c.indicator_family("某某", "", None, None) == "其他"


def test_digest_changes_with_rules(tmp_path) -> None:
    rules = tmp_path / "c.toml"
    rules.write_text('[[category]]\nname = "甲"\nkeywords = ["a"]\n', encoding="utf-8")
    assert load_classifier(category_file=rules).digest != load_classifier().digest
