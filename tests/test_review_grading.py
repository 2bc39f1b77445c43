"""Grade policy and configuration: scores, caps, roll-up and the editable rules file."""

from __future__ import annotations

import pytest

from etl.review import ConfigError, load_config, review_record, roll_up
from etl.review.config import DEFAULT_PATH
from etl.review.fixtures import good_indicators, indicator, project, record
from etl.review.grading import grade_project


def _f(rule_id: str, severity: str, variant: str | None = None) -> dict:
    return {"rule_id": rule_id, "severity": severity, "variant": variant}


GRADING = load_config()["grading"]


def test_default_file_is_the_data_toml():
    assert DEFAULT_PATH.name == "review_rules.toml" and DEFAULT_PATH.parent.name == "data"
    assert set(load_config()["rules"]) == {f"R{i:02d}" for i in range(1, 21)}


@pytest.mark.parametrize(
    ("findings", "grade"),
    [
        ([], "优"),
        ([_f("R18", "提示"), _f("R15", "提示")], "优"),
        ([_f("R07", "一般"), _f("R08", "一般"), _f("R03", "一般")], "良"),
        (
            [_f("R07", "一般")] * 2
            + [_f("R08", "一般")] * 2
            + [_f("R03", "一般"), _f("R20", "一般")],
            "中",
        ),
        ([_f("R05", "严重")], "中"),  # severity cap: one serious finding means sent back
        ([_f("R01", "严重", "no_indicators")], "差"),  # rule cap
    ],
)
def test_grade_project(findings, grade):
    assert grade_project(findings, GRADING)[1] == grade


def test_penalty_of_one_rule_is_capped():
    many = [_f("R11", "一般")] * 10
    score, _ = grade_project(many, GRADING)
    assert score == 100 - GRADING["max_penalty_per_rule"]


def test_roll_up_takes_grade_reached_by_half_the_projects():
    summary = roll_up(["优", "优", "良", "中", "差"], [95, 92, 80, 65, 40], GRADING)
    assert summary["grade"] == "良"
    assert summary["counts"] == {"优": 2, "良": 1, "中": 1, "差": 1}
    assert summary["score"] == 74.4
    assert roll_up([], [], GRADING)["grade"] is None


def test_user_file_overrides_only_what_it_sets(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(
        '[rules.R02]\nmin_indicators = 8\n[grading]\nbands = { "优" = 99, "良" = 80, "中" = 60 }\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config["rules"]["R02"]["min_indicators"] == 8
    assert config["rules"]["R02"]["severity"] == "一般"  # inherited
    hits = [
        f
        for f in review_record(record(project()), config)["projects"][0]["findings"]
        if f["rule_id"] == "R02"
    ]
    assert hits and "少于8个" in hits[0]["message"]


def test_disabled_rule_is_skipped(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("[rules.R05]\nenabled = false\n", encoding="utf-8")
    rec = record(project(total=3939700, fiscal=399700))
    assert review_record(rec, load_config(path))["projects"][0]["grade"] == "优"


@pytest.mark.parametrize(
    "text",
    [
        '[rules.R02]\nseverity = "高"\n',
        '[grading]\nseverity_caps = { "严重" = "A" }\n',
        "not toml [",
    ],
)
def test_bad_config_is_a_one_line_chinese_error(tmp_path, text):
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "\n" not in str(info.value) and "审核规则" in str(info.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError):
        load_config(tmp_path / "nope.toml")


def test_result_shape_matches_the_loader_contract():
    rows = good_indicators()
    rows[4] = indicator("社会效益指标", "带动就业人数", "无", line=44)
    result = review_record(record(project(indicators=rows)))
    (proj,) = result["projects"]
    assert set(proj) >= {"seq", "code", "name", "grade", "score", "findings"}
    assert isinstance(proj["score"], float)
    for item in proj["findings"]:
        assert set(item) >= {
            "rule_id",
            "severity",
            "message",
            "hint",
            "indicator_index",
            "indicator_name",
            "source_line",
        }
        assert item["severity"] in ("严重", "一般", "提示")
    r11 = next(f for f in proj["findings"] if f["rule_id"] == "R11")
    assert (r11["indicator_index"], r11["indicator_name"], r11["source_line"]) == (
        4,
        "带动就业人数",
        44,
    )
    assert set(result["unit"]) >= {"grade", "counts"}


def test_odd_records_do_not_crash():
    odd = {
        "projects": [
            {
                "seq": 1,
                "name": "x",
                "indicators": [{"name": "y"}],
                "budget": None,
                "spend_plan_pct": [None, None, None, None],
                "goals": None,
            }
        ]
    }
    result = review_record(odd)
    assert result["errors"] == [] and result["projects"][0]["grade"] in "优良中差"
    assert review_record({})["unit"]["grade"] is None


def test_unit_indicator_table_is_checked_but_not_graded():
    unit_rows = [indicator("时效指标", "全年工作任务完成时间", "按工作计划及时完成", line=165)]
    result = review_record(record(project(), unit_indicators=unit_rows))
    assert [f["rule_id"] for f in result["unit"]["findings"]] == ["R07"]
    assert result["projects"][0]["grade"] == "优"


def test_one_target_finding_per_row():
    # a vague 时效 target is reported once (R07), not also as vague (R08)
    rows = good_indicators()
    rows[2] = indicator("时效指标", "完成时间", "及时")
    result = review_record(record(project(indicators=rows)))
    rules = [f["rule_id"] for f in result["projects"][0]["findings"] if f["indicator_index"] == 2]
    assert rules == ["R07"]
