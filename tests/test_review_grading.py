"""Grade policy and configuration: scores, caps, roll-up and the editable rules file."""

from __future__ import annotations

import pytest

from etl.review import ConfigError, load_config, review_record, roll_up
from etl.review.config import DEFAULT_PATH
from etl.review.fixtures import good_indicators, indicator, project, record
from etl.review.grading import grade_detail, grade_project


def _f(rule_id: str, severity: str, variant: str | None = None) -> dict:
    return {"rule_id": rule_id, "severity": severity, "variant": variant}


GRADING = load_config()["grading"]


def test_default_file_is_the_data_toml():
    assert DEFAULT_PATH.name == "review_rules.toml" and DEFAULT_PATH.parent.name == "data"
    assert set(load_config()["rules"]) == {f"R{i:02d}" for i in range(1, 29)}
    assert load_config()["vocabulary"]["vague_terms"]  # data/review_vocabulary.toml


@pytest.mark.parametrize(
    ("findings", "grade"),
    [
        ([], "优"),
        ([_f("R18", "提示"), _f("R15", "提示")], "优"),
        # one defect in each of two dimensions: fixed by consultation
        ([_f("R07", "一般"), _f("R16", "一般")], "良"),
        # two defects in one dimension (可行性 60 < 65): sent back
        ([_f("R07", "一般"), _f("R08", "一般")], "中"),
        ([_f("R05", "严重")], "中"),  # severity cap: one serious finding means sent back
        ([_f("R01", "严重", "no_indicators")], "差"),  # rule cap
        ([_f("R01", "严重", "missing_效益")], "差"),  # no 效益 at all: refused
        ([_f("R17", "严重", "uniform")], "中"),  # every target the same: never 良
        ([_f("R23", "一般")], "中"),  # 效益 row 是/开展: never 良
        ([_f("R20", "一般")], "中"),  # mostly unmeasurable rows: never 良
        # one dimension wiped out (适当性 0 < 20) even though the mean is 75
        ([_f("R25", "一般")] * 2 + [_f("R13", "一般")] * 2 + [_f("R12", "一般")] * 2, "差"),
    ],
)
def test_grade_project(findings, grade):
    assert grade_project(findings, GRADING)[1] == grade


def test_dimension_scores_and_mean():
    score, grade, dims = grade_detail([_f("R07", "一般"), _f("R16", "一般")], GRADING)
    assert dims == {"完整性": 100.0, "相关性": 80.0, "适当性": 100.0, "可行性": 80.0}
    assert score == 90.0 and grade == "良"  # the mean reaches 优; a dimension under 85 does not


def test_penalty_of_one_rule_is_capped():
    many = [_f("R11", "一般")] * 10
    _, _, dims = grade_detail(many, GRADING)
    assert dims["完整性"] == 100 - GRADING["max_penalty_per_rule"]


def test_rules_file_can_move_a_rule_to_another_dimension():
    grading = {**GRADING, "rule_dimensions": {"R18": "可行性"}}
    _, _, dims = grade_detail([_f("R18", "提示")], grading)
    assert dims["可行性"] == 95.0 and dims["完整性"] == 100.0


def test_identical_tables_get_identical_grades():
    twin = project(seq=1, name="村内道路维修")
    rows = good_indicators()
    rows[4] = indicator("社会效益指标", "村民出行条件", "开展")
    odd = project(seq=2, name="村内道路维修", indicators=rows)
    result = review_record(record(twin, odd, project(seq=3, name="村内道路维修")))
    first, second, third = result["projects"]
    assert (first["grade"], first["score"]) == (third["grade"], third["score"])
    assert second["grade"] == "中"


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
    found = review_record(rec, load_config(path))["projects"][0]["findings"]
    assert found and "R05" not in {f["rule_id"] for f in found}


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
