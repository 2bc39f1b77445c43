"""v_goal_review lists every project: one row per finding, and one row with rule_id NULL for a
project whose goals pass every rule (CONTRACT section 3)."""

from __future__ import annotations

from pathlib import Path

from tests.support.records import (
    TEST_PARSER_VERSION,
    indicator,
    json_parse,
    project,
    record,
    write_record,
)
from warehouse.load.loader import load_paths
from warehouse.serve.connect import open_readonly


def clean_project() -> dict:
    """A road project a reviewer would pass as it is (no rule fires; grade 优)."""
    inds = [
        indicator(
            "改造村内道路长度",
            raw="≥12公里",
            value=12,
            unit="公里",
            description="改造村内道路长度",
            basis="项目实施方案",
        ),
        indicator(
            "道路工程验收合格率",
            level2="质量指标",
            raw="≥98%",
            value=98,
            unit="%",
            kind="percent",
            basis="行业标准",
        ),
        indicator(
            "道路改造完成时间",
            level2="时效指标",
            raw="2021年10月底前",
            op="<=",
            value="2021-10-31",
            unit=None,
            kind="deadline",
            basis="项目实施方案",
        ),
        indicator(
            "道路改造总成本",
            level2="成本指标",
            raw="≤450万元",
            op="<=",
            value=450,
            unit="万元",
            kind="money",
            value_yuan=4500000,
            direction="negative",
            basis="预算批复",
        ),
        indicator(
            "村民出行平均时间缩短",
            "效益指标",
            "社会效益指标",
            raw="≥15分钟",
            value=15,
            unit="分钟",
            basis="历史标准",
        ),
        indicator(
            "沿线村民满意度",
            "满意度指标",
            "服务对象满意度指标",
            raw="≥92%",
            value=92,
            unit="%",
            kind="percent",
            basis="问卷调查",
        ),
    ]
    clean = project(1, "村内道路改造", 4500000, indicators=inds)
    clean["goals"] = [
        "完成村内道路改造12公里，验收合格率不低于98%",
        "缩短村民出行时间，提高沿线村民满意度",
    ]
    return clean


def test_project_without_findings_has_one_null_row(tmp_path: Path) -> None:
    weak = project(
        2,
        "办公经费",
        100000,
        indicators=[
            indicator(
                "工作完成情况", raw="按计划完成", op=None, value=None, unit=None, kind="qualitative"
            )
        ],
    )
    write_record(
        tmp_path / "docs" / "000_甲镇.txt", record("甲镇", projects=[clean_project(), weak])
    )
    summary = load_paths(
        [tmp_path / "docs"],
        tmp_path / "w.duckdb",
        progress=False,
        parse=json_parse,
        version=TEST_PARSER_VERSION,
        review=True,
    )
    assert summary.exit_code == 0
    con = open_readonly(tmp_path / "w.duckdb")
    rows = con.execute(
        "SELECT project_name, grade, rule_id FROM v_goal_review WHERE project_name = '村内道路改造'"
    ).fetchall()
    assert rows == [("村内道路改造", "优", None)]
    weak_rows = con.execute(
        "SELECT DISTINCT grade, count(*) OVER () FROM v_goal_review "
        "WHERE project_name = '办公经费' AND rule_id IS NOT NULL"
    ).fetchall()
    assert weak_rows and weak_rows[0][0] in ("中", "差") and weak_rows[0][1] >= 2
    con.close()


def _unit_with(township: str, code: str, target: str, year: int = 2021) -> dict:
    """One township whose road project carries 道路养护制度数 = ``target`` (N项)."""
    clean = clean_project()
    clean["indicators"].insert(
        5,
        indicator(
            "道路养护制度数",
            "效益指标",
            "可持续影响指标",
            raw=target,
            op="=",
            value=float(target.rstrip("项")),
            unit="项",
            kind="number",
        ),
    )
    return record(township, year, projects=[clean], code=code)


def _load(folder: Path, db: Path):
    return load_paths(
        [folder], db, progress=False, parse=json_parse, version=TEST_PARSER_VERSION, review=True
    )


def test_same_indicator_and_target_in_three_units_is_flagged_without_changing_grades(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    for i, town in enumerate(["甲镇", "乙镇", "丙乡"]):
        write_record(docs / f"{i}.txt", _unit_with(town, f"80100{i}", "3项"))
    write_record(docs / "3.txt", _unit_with("丁镇", "801009", "4项"))
    assert _load(docs, tmp_path / "w.duckdb").exit_code == 0
    con = open_readonly(tmp_path / "w.duckdb")
    rows = con.execute(
        "SELECT township, severity, message, source_file IS NOT NULL FROM v_goal_review "
        "WHERE rule_id = 'R21' AND message LIKE '%道路养护制度数%个单位中%' ORDER BY township"
    ).fetchall()
    grades = dict(con.execute("SELECT township, grade FROM v_goal_review").fetchall())
    con.close()
    assert [r[0] for r in rows] == ["丙乡", "乙镇", "甲镇"]  # not 丁镇: its target differs
    assert rows[0][1] == "提示" and "3个单位" in rows[0][2]
    assert grades["甲镇"] == grades["丁镇"]  # a 提示 from other units does not move grades

    # a fourth unit copies it as well: the next load recomputes, no duplicates
    write_record(docs / "4.txt", _unit_with("戊镇", "801010", "3项"))
    assert _load(docs, tmp_path / "w.duckdb").exit_code == 0
    con = open_readonly(tmp_path / "w.duckdb")
    counts = con.execute(
        "SELECT township, count(*) FROM v_goal_review WHERE message LIKE '%个单位中完全相同%' "
        "AND message LIKE '%道路养护制度数%' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    message = con.execute(
        "SELECT any_value(message) FROM v_goal_review "
        "WHERE message LIKE '%道路养护制度数%个单位中%'"
    ).fetchone()[0]
    con.close()
    assert [c for _, c in counts] == [1, 1, 1, 1] and "4个单位" in message


def test_cross_unit_check_stays_silent_across_fiscal_years(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for i, (town, year) in enumerate([("甲镇", 2020), ("乙镇", 2021), ("丙乡", 2022)]):
        write_record(docs / f"{i}.txt", _unit_with(town, f"80100{i}", "3项", year))
    assert _load(docs, tmp_path / "w.duckdb").exit_code == 0
    con = open_readonly(tmp_path / "w.duckdb")
    hits = con.execute(
        "SELECT count(*) FROM v_goal_review WHERE message LIKE '%个单位中完全相同%'"
    ).fetchone()[0]
    con.close()
    assert hits == 0
