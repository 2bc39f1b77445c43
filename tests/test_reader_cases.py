"""The general reader on small invented documents: one case per rule of docs/parser.md
(header by role coverage, level shift, banner column, horizons, per-place and graded
targets, money, stop rows, truncation, dropped rows, refusal)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.blocks import Row
from etl.errors import DocumentError
from etl.layouts.indicators import scan_header
from etl.parser import parse_file


def text_export(*parts: str | list[str]) -> str:
    """A text export: strings are paragraphs, lists are table rows (one cell per line)."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part + "\n")
        else:
            out.append("".join(f"\t{cell}\n" for cell in part) + "\n")
    return "".join(out)


def parse(tmp_path: Path, *parts: str | list[str]) -> dict:
    path = tmp_path / "doc.txt"
    path.write_text(text_export(*parts), encoding="utf-8")
    return parse_file(path, manifest=[])


def codes(record: dict) -> list[str]:
    return [warning["code"] for warning in record["warnings"]]


def only_project(record: dict) -> dict:
    assert len(record["projects"]) == 1
    return record["projects"][0]


HEAD = [
    "某某县某某镇2023年度项目支出绩效目标表",
    ["项目名称", "村道养护", "主管部门", "某某县某某镇人民政府"],
    ["资金情况(万元)", "资金总额", "12", "其中:财政拨款", "10", "其他资金", "2"],
]


# ----------------------------------------------------------------------- header detection


@pytest.mark.parametrize(
    "cells",
    [
        ("一级 指标", "二级 指标", "三级 指标", "指标值"),
        ("一级指标", "二级指标", "指标内容", "指标值", "备注"),
        ("绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "备注"),
        ("一级指标", "二级指标", "绩效标准", "当年预期实现值"),
        ("绩效指标分类", "绩效指标", "绩效指标描述", "绩效指标评价标准", "评价标准确定依据"),
        ("一级指标", "二级指标", "三级指标", "指标解释", "指标方向", "甲镇", "乙乡"),
        ("指标名称", "上年度实际水平", "本年度计划水平", "指标内容/计算公式"),
        ("一級指標", "二級指標", "三級指標", "指標值類型", "*指標值", "計量單位"),
    ],
)
def test_indicator_headers_are_found_by_role_coverage(cells):
    assert scan_header(Row(cells, 1)) is not None


@pytest.mark.parametrize(
    "cells",
    [
        ("项目名称", "某某工程", "主管部门", "某某局"),
        ("资金情况(万元)", "资金总额", "100", "其中:财政拨款", "100"),
        ("总体目标", "年度目标", "年度总体目标完成情况"),
        ("镇", "补助资金(万元)", "约束性任务"),
        ("一级指标", "二级指标"),
    ],
)
def test_key_value_rows_are_not_headers(cells):
    assert scan_header(Row(cells, 1)) is None


def test_side_by_side_halves_have_their_horizons():
    header = (
        "一级指标",
        "二级指标",
        "三级指标",
        "实施周期指标值",
        "二级指标",
        "三级指标",
        "当年度指标值",
    )
    columns = scan_header(Row(header, 1))
    assert columns is not None
    assert columns.half_horizons == ["long_term", "annual"]
    assert [half["value"] for half in columns.halves] == [3, 6]


# ----------------------------------------------------------------------- whole documents


def test_review_rows_end_the_table_without_truncation(tmp_path):
    record = parse(
        tmp_path,
        *HEAD,
        ["一级指标", "二级指标", "三级指标", "指标值", "备注"],
        ["产出指标", "数量指标", "养护里程", ">=12公里", ""],
        ["满意度指标", "服务对象满意度指标", "群众满意度", ">=90%", ""],
        ["财政部门审核意见", "(盖章)\n年 月 日"],
        ["填报人:某某", "单位负责人:某某"],
    )
    project = only_project(record)
    assert project["name"] == "村道养护"
    assert project["budget"] == {"total_yuan": 120000, "fiscal_yuan": 100000, "other_yuan": 20000}
    assert [i["name"] for i in project["indicators"]] == ["养护里程", "群众满意度"]
    assert "document_truncated" not in codes(record)
    assert record["unit"]["name"] == "某某县某某镇人民政府"
    assert record["fiscal_year"] == 2023


def test_a_really_cut_document_keeps_complete_rows_and_warns(tmp_path):
    record = parse(
        tmp_path,
        *HEAD,
        ["一级指标", "二级指标", "三级指标", "指标值", "备注"],
        ["产出指标", "数量指标", "养护里程", ">=12公里", ""],
        "2.第二个项目绩效目标表",
        ["项目名称", "路灯维护"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标"],
    )
    assert [p["name"] for p in record["projects"]] == ["村道养护"]
    assert "document_truncated" in codes(record)


def test_rows_of_a_goal_table_read_as_something_else_are_reported(tmp_path):
    record = parse(
        tmp_path,
        *HEAD,
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "养护里程", ">=12公里"],
        ["年度目标", "质量指标", "验收合格率", ">=95%"],  # a label word where a level belongs
    )
    assert len(only_project(record)["indicators"]) == 1
    dropped = [w for w in record["warnings"] if w["code"] == "indicators_dropped"]
    assert len(dropped) == 1 and "2 行" in dropped[0]["message"]


def test_a_clean_table_reports_nothing_dropped(tmp_path):
    record = parse(
        tmp_path,
        *HEAD,
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "养护里程", ">=12公里"],
        ["", "质量指标", "验收合格率", ">=95%"],
    )
    assert "indicators_dropped" not in codes(record)
    assert len(only_project(record)["indicators"]) == 2


def test_a_file_without_table_or_goal_prose_is_refused(tmp_path):
    with pytest.raises(DocumentError) as info:
        parse(tmp_path, "关于某某工作的通知", "各村：请按时上报材料。")
    assert "未找到绩效目标表" in str(info.value)
    assert "\n" not in str(info.value)


def test_stacked_long_term_and_annual_blocks(tmp_path):
    header = ["一级指标", "二级指标", "指标内容", "指标值", "备注"]
    record = parse(
        tmp_path,
        *HEAD,
        ["长期绩效指标"],
        header,
        ["产出指标", "数量指标", "三年养护里程", ">=36公里", ""],
        ["年度绩效指标"],
        header,
        ["产出指标", "数量指标", "年度养护里程", ">=12公里", ""],
        ["", "…", "", "", ""],
    )
    indicators = only_project(record)["indicators"]
    assert [(i["name"], i["horizon"], i["level2"]) for i in indicators] == [
        ("三年养护里程", "long_term", "数量指标"),
        ("年度养护里程", "annual", "数量指标"),
    ]


def test_level_columns_one_level_off(tmp_path):
    record = parse(
        tmp_path,
        *HEAD,
        ["一级指标", "二级指标", "绩效标准", "当年预期实现值"],
        ["数量指标", "巡查次数", "反映巡查情况", "≥120次"],
        ["成本指标", "养护成本", "反映成本控制", "不超预算"],
        ["服务对象满意度指标", "群众满意度", "问卷调查", "≥90%"],
    )
    indicators = only_project(record)["indicators"]
    assert [(i["level1"], i["level2"], i["name"]) for i in indicators] == [
        ("产出指标", "数量指标", "巡查次数"),
        ("产出指标", "成本指标", "养护成本"),
        ("满意度指标", "服务对象满意度指标", "群众满意度"),
    ]
    assert indicators[0]["description"] == "反映巡查情况"


def test_banner_cell_in_data_rows_shifts_them(tmp_path):
    record = parse(
        tmp_path,
        *HEAD,
        ["一级指标", "二级指标", "三级指标", "单位", "指标值"],
        ["绩效指标", "产出指标", "数量指标", "养护里程", "公里", "≥12"],
        ["", "", "质量指标", "验收合格率", "%", "≥95%"],
    )
    indicators = only_project(record)["indicators"]
    assert [(i["level2"], i["name"], i["target"]["value"]) for i in indicators] == [
        ("数量指标", "养护里程", 12),
        ("质量指标", "验收合格率", 95),
    ]


def test_per_place_columns_give_one_indicator_per_place(tmp_path):
    record = parse(
        tmp_path,
        *HEAD,
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标解释", "甲镇", "乙乡"],
        ["", "产出指标", "数量指标", "修缮户数(户)", "完成修缮", "12", "8"],
    )
    indicators = only_project(record)["indicators"]
    assert [(i["place"], i["target"]["value"]) for i in indicators] == [("甲镇", 12), ("乙乡", 8)]


def test_graded_columns_keep_every_standard_and_target_the_top_one(tmp_path):
    record = parse(
        tmp_path,
        *HEAD,
        ["绩效指标分类", "绩效指标", "绩效指标描述", "绩效指标评价标准", "评价标准确定依据"],
        ["", "", "", "优", "良", "中", "差", ""],
        ["产出指标", "发放及时率", "按月发放", "100%", "95%", "90%", "85%", "按台账"],
    )
    indicator = only_project(record)["indicators"][0]
    assert indicator["target"]["value"] == 100
    assert {g: t["value"] for g, t in indicator["graded"].items()} == {
        "优": 100,
        "良": 95,
        "中": 90,
        "差": 85,
    }
    assert indicator["basis"] == "按台账"


def test_self_evaluation_table_is_read_for_its_targets_with_a_warning(tmp_path):
    record = parse(
        tmp_path,
        "某某镇项目支出绩效自评表(2023年度)",
        ["项目名称", "村道养护", "主管部门", "某某县某某镇人民政府"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "养护里程", ">=12公里", "13公里", "10", "10"],
    )
    assert record["source"]["layout"] == "self_evaluation/txt"
    assert "self_evaluation_table" in codes(record)
    assert only_project(record)["indicators"][0]["target"]["value"] == 12


def test_current_year_money_wins_and_totals_come_from_parts(tmp_path):
    record = parse(
        tmp_path,
        "某某县某某局项目支出绩效目标表",
        "(2024年度)",
        ["项目名称", "社区课堂"],
        ["项目资金", "资金总额", "360万元", "当年资金总额:", "120万元"],
        ["", "其中:财政拨款", "360万元", "其中:当年财政拨款", "120万元"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "开设课堂", "≥300场"],
        "项目支出绩效目标表",
        ["项目名称", "社区书屋"],
        ["资金情况(万元)", "其中:财政拨款", "30", "其他资金", "5"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "新建书屋", "≥2个"],
    )
    first, second = record["projects"]
    assert first["budget"]["total_yuan"] == 1200000
    assert first["budget"]["fiscal_yuan"] == 1200000
    assert second["budget"] == {"total_yuan": 350000, "fiscal_yuan": 300000, "other_yuan": 50000}
    assert "budget_total_from_parts" in codes(record)
    assert record["fiscal_year"] == 2024


def test_goal_labels_above_their_values(tmp_path):
    record = parse(
        tmp_path,
        *HEAD,
        ["项目绩效目标", "长期目标", "年度目标"],
        ["", "三年内道路全部达标。", "1.完成养护12公里。2.群众满意。"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "养护里程", ">=12公里"],
    )
    project = only_project(record)
    assert project["goals"] == ["完成养护12公里。", "群众满意。"]
    assert project["long_term_goal"] == "三年内道路全部达标。"


def test_goal_prose_is_read_with_a_warning(tmp_path):
    record = parse(
        tmp_path,
        "某某镇2022年度重点项目及绩效目标情况",
        "1、“村道硬化”项目",
        "(1)项目概述:硬化通组道路。",
        "(2)年度预算安排:80万元。",
        "一、产出指标",
        "数量指标:硬化道路3.5公里;",
        "二、满意度指标",
        "服务对象满意度指标:群众满意度≥90%。",
    )
    project = only_project(record)
    assert project["budget"]["total_yuan"] == 800000
    assert [(i["level2"], i["name"], i["target"]["value"]) for i in project["indicators"]] == [
        ("数量指标", "硬化道路", 3.5),
        ("服务对象满意度指标", "群众满意度", 90),
    ]
    assert "goal_prose" in codes(record)
    assert record["source"]["layout"] == "prose/txt"


# ---------------------------------------------------------- cells the record cannot hold


def test_unreadable_plan_cells_and_unnamed_funding_sources_are_warned(tmp_path):
    record = parse(
        tmp_path,
        *HEAD,
        ["项目资金主要用途", "预算数12万元。其中：财政资金10万元，村集体资金2万元。"],
        ["资金支出计划(%)", "3月底", "6月底", "10月底", "12月底"],
        ["", "25%", "过半", "—", "100%"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "养护里程", ">=12公里"],
    )
    project = only_project(record)
    assert project["spend_plan_pct"] == [25.0, None, None, 100.0]
    assert project["budget"]["other_yuan"] == 20000  # counted as other, as before
    found = {w["code"]: w for w in record["warnings"]}
    assert "“过半”" in found["plan_unreadable"]["message"]
    assert "—" not in found["plan_unreadable"]["message"]  # a dash is an empty cell
    assert "“村集体资金”" in found["funding_notes"]["message"]
    assert found["funding_notes"]["project"] == "村道养护"


def test_readable_plan_and_known_sources_give_no_such_warning(tmp_path):
    record = parse(
        tmp_path,
        *HEAD,
        ["项目资金主要用途", "预算数12万元。其中：财政资金10万元，自筹资金2万元。"],
        ["资金支出计划(%)", "3月底", "6月底", "10月底", "12月底"],
        ["", "25%", "50%", "-", "100%"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "养护里程", ">=12公里"],
    )
    assert not {"plan_unreadable", "funding_notes"} & set(codes(record))
