"""The five real seed documents: facts checked by hand against the text exports.

Line numbers refer to the files in data/. Budgets are the printed amounts converted to
yuan (万元 × 10000); seed 004 prints 元.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.geography import unit_kind
from etl.parser import parse_file

DATA = Path(__file__).resolve().parents[1] / "data"
SEEDS = {
    "000": DATA / "000_c5dc2f2abd3f2e97.txt",
    "001": DATA / "001_852a9d826d30868b.txt",
    "002": DATA / "002_dc2e081542201539.txt",
    "003": DATA / "003_247e9d6eca422fe5.txt",
    "004": DATA / "004_f25de82381349b1b.txt",
}


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    return {seed: parse_file(path) for seed, path in SEEDS.items()}


def indicators(record: dict) -> list[dict]:
    return [i for p in record["projects"] for i in p["indicators"]]


@pytest.mark.parametrize(
    ("seed", "projects", "indicator_count", "unit_indicators"),
    [
        ("000", 3, 27, 0),
        ("001", 14, 28, 0),
        ("002", 12, 72, 0),
        ("003", 34, 242, 7),
        ("004", 5, 37, 0),
    ],
)
def test_counts(records, seed, projects, indicator_count, unit_indicators):
    record = records[seed]
    assert len(record["projects"]) == projects
    assert len(indicators(record)) == indicator_count
    assert len(record["unit_indicators"]) == unit_indicators
    assert [p["seq"] for p in record["projects"]] == list(range(1, projects + 1))


def test_total_budget_of_all_seeds(records):
    total = sum(p["budget"]["total_yuan"] or 0 for r in records.values() for p in r["projects"])
    assert total == 22_335_100


def test_every_target_has_a_kind(records):
    kinds = {"number", "percent", "money", "deadline", "qualitative"}
    for record in records.values():
        for indicator in indicators(record) + record["unit_indicators"]:
            assert indicator["target"]["kind"] in kinds
            assert indicator["level1"] in {"产出指标", "效益指标", "满意度指标", "成本指标"}


def test_seed_000_form_layout_in_wan_yuan(records):
    record = records["000"]
    assert record["source"]["layout"] == "form/txt"
    assert record["fiscal_year"] == 2021
    assert {k: v for k, v in record["unit"].items() if k != "kind"} == {
        "code": "801001",
        "name": "唐山市开平区开平镇人民政府本级",
        "province": "河北省",
        "city": "唐山市",
        "county": "开平区",
        "township": "开平镇",
    }
    summary = [
        (
            p["code"],
            p["name"],
            p["budget"]["total_yuan"],
            p["budget"]["fiscal_yuan"],
            p["budget"]["other_yuan"],
            len(p["indicators"]),
        )
        for p in record["projects"]
    ]
    assert summary == [
        (
            "1302052198IG5CA7OFKXQ",
            "小专项党组织建设区级",
            163000,
            163000,
            0,
            9,
        ),  # line 50-60: 16.30
        ("13020521GKCZWBMDEOE4Y", "清真寺建设区级", 541700, 541700, 0, 10),  # line 166: 54.17
        ("13020521ILR9CW0CMFYGP", "卫生城创建工作经费区级", 20000, 20000, 0, 8),  # line 284: 2.00
    ]
    first = record["projects"][0]
    assert first["spend_plan_pct"] == [25.0, 50.0, 75.0, 100.0]
    assert first["source_line"] == 45
    assert record["projects"][1]["goals"] == [
        "坚决稳妥推进阿式风格清真寺整改",
        "进一步完善配套设施，提升服务教众的能力，对部分建筑物进行配套改造工程",
    ]
    timing = first["indicators"][2]  # line 103: 时效指标 组织宣传活动次数 ≥20次
    assert (timing["level1"], timing["level2"], timing["name"]) == (
        "产出指标",
        "时效指标",
        "组织宣传活动次数",
    )
    assert timing["target"]["op"] == ">=" and timing["target"]["value"] == 20
    assert timing["target"]["unit"] == "次" and timing["target"]["kind"] == "number"
    assert timing["source_line"] == 103
    env = record["projects"][2]["indicators"][1]  # line 326: ≥95百分比
    assert env["target"]["unit"] == "%" and env["target"]["value"] == 95
    assert env["target"]["kind"] == "percent"


def test_seed_001_empty_other_funds_and_glued_targets(records):
    record = records["001"]
    first = record["projects"][0]
    assert (first["code"], first["name"]) == ("914-0102-YQN-FGM4", "党组织活动经费")
    assert first["budget"] == {"total_yuan": 383400, "fiscal_yuan": 383400, "other_yuan": None}
    assert first["spend_plan_pct"] is None  # every plan cell is empty (lines 46-50)
    assert first["goals"] == [
        "年初该项经费下达后，我镇及时将该项经费拨付给21个村委会，用于开展基层党组织活动。",
        "群众满意",
    ]
    satisfaction = first["indicators"][1]  # line 75: ≥0.9 glued to prose on 群众满意度
    assert satisfaction["level1"] == "满意度指标"
    assert satisfaction["target"]["op"] == ">="
    assert satisfaction["target"]["kind"] == "percent" and satisfaction["target"]["value"] == 90
    names = [p["name"] for p in record["projects"]]
    assert names[-1] == "稳定经费及共青团经费"
    assert all("TC" not in name and "绩效目标表" not in name for name in names)
    assert sum(p["budget"]["total_yuan"] for p in record["projects"]) == 5_884_700


def test_seed_002_text_budget_layout(records):
    record = records["002"]
    assert record["source"]["layout"] == "text_budget/txt"
    assert record["fiscal_year"] == 2021
    assert record["unit"]["township"] == "老庄子镇"
    first = record["projects"][0]
    assert first["name"] == "征地拆迁补偿款" and first["code"] is None
    # line 124: 预算数561.2万元。其中：政府性基金561.2万元。
    assert first["budget"] == {"total_yuan": 5612000, "fiscal_yuan": 5612000, "other_yuan": None}
    assert first["spend_plan_pct"] == [30.0, 50.0, 75.0, 100.0]
    assert first["goals"] == [
        "完成从群民哪里征收土地补偿工作，做到群民补偿合理合法",
        "完成征收土地的置换，合理利用土地",
    ]
    targets = [
        (i["level1"], i["level1_raw"], i["level2"], i["target"]["kind"], i["target"]["value"])
        for i in first["indicators"]
    ]
    assert targets == [
        ("产出指标", "产出指标", "数量指标", "number", 37),  # 37亩
        ("产出指标", "产出指标", "质量指标", "percent", 100),
        ("产出指标", "产出指标", "时效指标", "deadline", "2021-12-31"),  # 2021年12月底前
        ("产出指标", "产出指标", "成本指标", "money", 17.3),  # 17.3万元
        (
            "效益指标",
            "效果指标",
            "社会效益指标",
            "qualitative",
            None,
        ),  # 不出现; placeholders skipped
        ("满意度指标", "满意度指标", "服务对象满意度指标", "percent", 95),  # 95%以上
    ]
    assert first["indicators"][3]["target"]["value_yuan"] == 173000
    last = record["projects"][-1]
    assert last["budget"]["total_yuan"] == 3939700 and last["budget"]["fiscal_yuan"] == 399700
    assert last["indicators"][2]["target"]["value"] == "2021-05-31"
    assert last["indicators"][3]["target"]["value_yuan"] == 50000  # 5万
    mismatch = [w for w in record["warnings"] if w["code"] == "fund_mismatch"]
    assert len(mismatch) == 1 and mismatch[0]["project"] == "老庄子镇集贸市场附近修建排水沟"
    assert "393.97" in mismatch[0]["message"] and "39.97" in mismatch[0]["message"]


def test_seed_003_goals_only_with_unit_table(records):
    record = records["003"]
    assert record["source"]["layout"] == "goals_only/txt"
    assert record["fiscal_year"] == 2021
    assert record["unit"]["name"] == "河北永清经济开发区管理委员会"
    assert (record["unit"]["province"], record["unit"]["city"], record["unit"]["county"]) == (
        "河北省",
        "廊坊市",
        "永清县",
    )
    names = [p["name"] for p in record["projects"]]
    assert names[0] == "经开区编外人员资金"
    assert names[2] == "经开区村级组织运转经费—农村党建经费"
    assert names[29] == "2020-2021取暖季双代运行补贴资金"
    assert all("{" not in n and "TC" not in n for n in names)
    assert all(p["budget"]["total_yuan"] is None for p in record["projects"])
    first = record["projects"][0]["indicators"][0]  # line 235: =24人
    assert (first["target"]["op"], first["target"]["value"], first["target"]["unit"]) == (
        "=",
        24,
        "人",
    )
    units = record["unit_indicators"]
    assert [(u["level1"], u["level2"]) for u in units] == [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("产出指标", "时效指标"),
        ("产出指标", "成本指标"),
        ("效益指标", "社会效益指标"),
        ("效益指标", "可持续影响指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]
    assert units[0]["target"]["op"] == ">=" and units[0]["target"]["value"] == 40
    assert units[0]["target"]["unit"] == "件" and units[0]["basis"] == "计划标准"
    assert units[1]["name"] == "工作完成合格率（%"  # printed with the bracket left open
    assert (
        units[2]["target"]["kind"] == "qualitative"
        and units[2]["target"]["raw"] == "按工作计划及时完成"
    )
    assert units[6]["level1_raw"] == "部门效果" and units[6]["target"]["value"] == 98
    cost = record["projects"][3]["indicators"][0]  # line 423: <=45万元
    assert cost["target"]["op"] == "<=" and cost["target"]["value_yuan"] == 450000


def test_seed_004_form_layout_in_yuan(records):
    record = records["004"]
    assert record["fiscal_year"] == 2025
    assert record["unit"]["code"] == "484001" and record["unit"]["county"] == "玉田县"
    budgets = [p["budget"]["total_yuan"] for p in record["projects"]]
    assert budgets == [20000, 81000, 20000, 30000, 20000]
    assert record["projects"][0]["name"] == "安保、环保、安全生产、应急、食药监管"
    assert record["projects"][0]["budget"]["other_yuan"] is None  # blank cell (line 46)
    assert all(i["target"]["kind"] == "percent" for i in record["projects"][0]["indicators"])


def test_every_seed_unit_has_a_kind(records):
    """unit.kind (docs/contract.md) comes from etl.geography.unit_kind of the unit name."""
    kinds = {"township", "street", "development_zone", "county_department", "city_unit", "other"}
    for record in records.values():
        assert record["unit"]["kind"] in kinds
    for record in records.values():
        assert record["unit"]["kind"] == unit_kind(record["unit"]["name"])
