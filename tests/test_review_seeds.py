"""What the review says about the bundled seed documents, and why a reviewer would agree.

- 000 开平镇: 补贴发放率 / 工作完成率 filed under 效益 (outputs posing as outcomes, R16); a
  时效指标 whose target is a count (组织宣传活动次数 ≥20次, R07); 8 of 10 rows of 清真寺建设
  share the target ≥90% (R17 uniform).
- 001 开元镇: every project has two indicators (R02), no 效益 row (R01, serious: refused), no
  cost row (R03), and targets that are the indicator text with ≥0.9 glued in front (R10);
  the same satisfaction target on all 14 projects (R15). `≥0.9群众满意` is 0.9 for 90% (R12).
- 002 老庄子镇: 保证无出辖区信访案件 → 无 is zero cases, not a placeholder. The 排水沟 project
  prints 预算数393.97万元 but 财政资金39.97万元 — one digit dropped (R05, serious, so 中); its
  5万 cost contradicts either figure (R22). Every 效益 row is 是/开展 (R23, never 良),
  保证经费使用完成率 100% is pasted into most projects (R21) and filed as 质量 (R24).
- 003 永清经开区: goals-only layout without budgets, so no money rule fires; 按工作计划及时完成
  as every 时效 target (R07), 按照规定标准控制 as cost (R03), 提高/健全 as benefit targets
  (R23), 制度及实施方案健全程度 = 健全 in 31 projects (R21).
- 004 林西镇: every indicator of every project is ≥95百分比 including 成本指标 (R17 uniform,
  R03), 是否有安全事故发生 ≥95% (R13), basis 根据实际情况测算 (R18).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from etl.parser import parse_file
from etl.review import review_record

DATA = Path(__file__).resolve().parents[1] / "data"
SEEDS = sorted(DATA.glob("*.txt"))


def _review(prefix: str) -> tuple[dict, dict]:
    path = next(p for p in SEEDS if p.name.startswith(prefix))
    record = parse_file(path)
    return record, review_record(record)


def _rules(project: dict) -> set[str]:
    return {f["rule_id"] for f in project["findings"]}


def _variants(project: dict) -> set[str]:
    return {
        f"{f['rule_id']}.{f['variant']}" if f.get("variant") else f["rule_id"]
        for f in project["findings"]
    }


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_every_seed_project_has_a_grade(path):
    record = parse_file(path)
    result = review_record(record)
    assert result["errors"] == []
    assert len(result["projects"]) == len(record["projects"]) > 0
    for project in result["projects"]:
        assert project["grade"] in ("优", "良", "中", "差")
        for item in project["findings"]:
            assert item["message"] and item["hint"] and item["source_line"]
    assert result["unit"]["grade"] in ("优", "良", "中", "差")


def test_seed_000_outputs_under_benefit_and_uniform_targets():
    _, result = _review("000")
    first, second, third = result["projects"]
    r16 = [f["indicator_name"] for f in first["findings"] if f["rule_id"] == "R16"]
    assert "补贴发放率" in r16
    assert any(
        f["rule_id"] == "R07" and "组织宣传活动次数" in f["message"] for f in first["findings"]
    )
    uniform = next(f for f in second["findings"] if f.get("variant") == "uniform")
    assert "≥90%" in uniform["message"]
    assert "R16" in _rules(third)


def test_seed_001_glued_targets_two_rows_no_benefit():
    _, result = _review("001")
    assert len(result["projects"]) == 14
    for project in result["projects"]:
        assert {"R01", "R02", "R03"} <= _rules(project)
        assert project["grade"] == "差"  # no 效益 indicator at all: refused
    first = result["projects"][0]
    copied = next(f for f in first["findings"] if f["rule_id"] == "R10")
    assert "≥0.9年初该项经费下达后" in copied["message"] and copied["source_line"] == 64
    assert result["unit"]["grade"] == "差"
    # `≥0.9群众满意` is a notation defect (0.9 for 90%), not a copied / unmeasurable target
    food = next(p for p in result["projects"] if p["name"] == "伙食补助")
    row = {f["rule_id"]: f for f in food["findings"] if f["indicator_name"] == "群众满意度"}
    assert "90%" in row["R12"]["message"] and not {"R08", "R09", "R10"} & set(row)


def test_seed_002_drainage_fund_parts_and_cost_target():
    record, result = _review("002")
    drain = next(p for p in result["projects"] if "排水沟" in p["name"])
    r05 = next(f for f in drain["findings"] if f["rule_id"] == "R05")
    assert "393.97万元" in r05["message"] and "39.97万元" in r05["message"]
    assert "一位数字" in r05["message"] and r05["severity"] == "严重"
    assert "R04" not in _rules(drain)
    # 5万 against 393.97万 (or 39.97万 of fiscal funds): the cost contradicts the budget
    cost = next(f for f in drain["findings"] if f["rule_id"] == "R22")
    assert "393.97万元" in cost["message"] and "39.97万元" in cost["message"]
    assert cost["source_line"] == 1296  # the amount cell, not the project heading
    assert drain["grade"] == "中"
    others = [p for p in result["projects"] if p is not drain]
    assert all("R05" not in _rules(p) for p in others)
    # every project has a 效益 row answered 是/开展/不出现: none reaches 良
    assert {p["grade"] for p in result["projects"]} == {"中"}
    # 保证无出辖区信访案件 → 无 means zero cases: a real target, not a placeholder
    assert not [f for p in others for f in p["findings"] if f["rule_id"] == "R11"]
    petition = next(p for p in result["projects"] if p["name"] == "信访维稳专项资金")
    assert not [f for f in petition["findings"] if f["indicator_name"] == "保证无出辖区信访案件"]
    # 保证经费使用完成率 100% pasted into 7 projects; budget execution filed as 质量
    copied = [
        p
        for p in result["projects"]
        if any(
            f["rule_id"] == "R21" and f["indicator_name"] == "保证经费使用完成率"
            for f in p["findings"]
        )
    ]
    assert len(copied) >= 7
    assert any(f["rule_id"] == "R24" for p in copied for f in p["findings"])
    village = next(p for p in result["projects"] if p["name"] == "村级组织经费")
    assert "R22.far_below" in _variants(village)  # 5万 cost on a 104.5万 budget
    land = next(p for p in result["projects"] if p["name"] == "征地拆迁补偿款")
    unit_cost = next(f for f in land["findings"] if f["rule_id"] == "R22")
    assert unit_cost["variant"] == "unit_cost" and "37亩" in unit_cost["message"]


def test_seed_003_goals_only_layout_has_no_money_findings():
    record, result = _review("003")
    assert all(p["budget"]["total_yuan"] is None for p in record["projects"])
    rules = Counter(f["rule_id"] for p in result["projects"] for f in p["findings"])
    assert not {"R04", "R05", "R06"} & set(rules)
    assert rules["R07"] >= 30 and rules["R03"] == len(result["projects"])
    first = result["projects"][0]
    assert any(
        f["rule_id"] == "R23" and f["indicator_name"] == "提高编外人员工作效率情况"
        for f in first["findings"]
    )
    copied = [
        p
        for p in result["projects"]
        if any(
            f["rule_id"] == "R21" and f["indicator_name"] == "制度及实施方案健全程度"
            for f in p["findings"]
        )
    ]
    assert len(copied) >= 30
    # 确保资金及时发放 is measured by 资金到位率 (synonyms), so it is no unmeasured goal
    covid = next(p for p in result["projects"] if p["name"] == "经开区新冠病毒防疫资金")
    assert not any("确保资金及时发放" in f["message"] for f in covid["findings"])
    # 协管员人数 ≥5次 and 环境治理工作次数 =17个: the unit contradicts the name
    units = [f for p in result["projects"] for f in p["findings"] if f["rule_id"] == "R25"]
    assert {"协管员人数", "环境治理工作次数"} <= {f["indicator_name"] for f in units}
    assert result["unit"]["findings"]  # the 部门整体 table is checked too


def test_seed_004_every_indicator_95_percent():
    _, result = _review("004")
    for project in result["projects"]:
        assert {"R17.uniform", "R03.no_money", "R15.boilerplate"} <= _variants(project)
        assert project["grade"] in ("中", "差")
    first = result["projects"][0]
    accident = next(f for f in first["findings"] if f["rule_id"] == "R13")
    assert accident["indicator_name"] == "是否有安全事故发生"


def test_seed_004_scheme_and_year_specific_hint():
    _, result = _review("004")
    first = result["projects"][0]
    scheme = next(f for f in first["findings"] if f["rule_id"] == "R28")
    assert "财预〔2021〕101号" in scheme["message"] + scheme["hint"]
    deadline = next(f for f in first["findings"] if f["rule_id"] == "R07")
    assert "2025年" in deadline["hint"] and "2021" not in deadline["hint"]
    rates = [
        f["indicator_name"]
        for p in result["projects"]
        for f in p["findings"]
        if f.get("variant") == "percent_not_rate"
    ]
    assert "河渠清理巡视频次" in rates


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_seed_grades_read_like_a_finance_bureau(seed):
    """No 优 on the seeds; a table of one pasted target or with a 效益 row 是/开展 never
    reaches 良."""
    record, result = _review(seed)
    for source, graded in zip(record["projects"], result["projects"], strict=True):
        assert graded["grade"] != "优"
        rows = [i for i in source["indicators"] if i["target"]["raw"]]
        all_95 = rows and all(
            i["target"]["kind"] == "percent" and i["target"]["value"] == 95 for i in rows
        )
        benefit_done = any(
            i["level1"] == "效益指标" and i["target"]["raw"].strip() in ("是", "开展") for i in rows
        )
        if all_95 or benefit_done:
            assert graded["grade"] in ("中", "差"), graded["name"]


def test_seed_share_of_refusals_is_about_a_third():
    grades = Counter(
        p["grade"]
        for seed in ("000", "001", "002", "003", "004")
        for p in _review(seed)[1]["projects"]
    )
    total = sum(grades.values())
    assert grades["优"] == 0
    assert 0.25 <= grades["差"] / total <= 0.4
