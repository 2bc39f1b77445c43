"""dashboard/view/review_charts.py on a warehouse loaded from the seed documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.data.filter_model import Filters
from dashboard.view import review_charts

ROOT = Path(__file__).resolve().parents[1]
ALL = Filters()


@pytest.fixture(scope="module")
def run(seed_runner):
    """The seed warehouse, loaded once for the session (tests/conftest.py)."""
    return seed_runner


def test_grade_by_township_covers_every_project(run):
    frame = review_charts.grade_by_township(run, ALL)
    total = run("SELECT COUNT(DISTINCT project_key) AS n FROM v_goal_review", None)["n"][0]
    assert frame["projects"].sum() == total == 68
    assert set(frame["grade"]) <= set(review_charts.GRADES)
    laozhuang = frame[frame["township"] == "老庄子镇"].set_index("grade")["projects"]
    assert laozhuang["中"] == 12  # every 效益 row is 是/开展: sent back, none refused


def test_filters_apply(run):
    frame = review_charts.grade_by_township(run, Filters(townships=("林西镇",)))
    assert set(frame["township"]) == {"林西镇"} and frame["projects"].sum() == 5


def test_frequent_findings_have_titles(run):
    frame = review_charts.frequent_findings(run, ALL, limit=5)
    assert len(frame) == 5
    assert frame["findings"].is_monotonic_decreasing
    assert all(t.startswith("R") and " " in t for t in frame["title"])


def test_project_grades_and_finding_list(run):
    projects = review_charts.project_grades(run, ALL)
    assert len(projects) == 68 and projects["project_key"].is_unique
    assert projects.iloc[0]["grade"] in ("差", "中")  # worst first
    findings = review_charts.finding_list(run, ALL, ["中"])
    assert set(findings["grade"]) == {"中"}
    drain = findings[findings["project_name"].str.contains("排水沟")]
    assert "R05" in set(drain["rule_id"]) and drain["hint"].notna().all()
    table = review_charts.for_table(findings, review_charts.FINDING_COLUMNS)
    assert {"修改建议", "问题说明", "行号", "审核规则"} <= set(table.columns)
    assert "project_key" not in table.columns


def test_charts_render_to_vega_lite(run):
    grades = review_charts.grade_distribution_chart(review_charts.grade_by_township(run, ALL))
    spec = grades.to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == review_charts.GRADES
    assert spec["encoding"]["y"]["title"] == "乡镇"
    assert spec["title"]["text"] == "各乡镇项目审核等级分布"
    frequent = review_charts.frequent_findings_chart(review_charts.frequent_findings(run, ALL))
    assert frequent.to_dict()["encoding"]["x"]["title"] == "问题条数"


def test_empty_selection_gives_empty_frames(run):
    none = Filters(townships=("不存在镇",))
    assert review_charts.grade_by_township(run, none).empty
    assert review_charts.finding_list(run, none).empty
    assert review_charts.frequent_findings(run, none).empty


def test_grade_by_township_folds_past_the_limit_and_loses_no_project(run):
    full = review_charts.grade_by_township(run, ALL, limit=None)
    folded = review_charts.grade_by_township(run, ALL, limit=2)
    assert folded["projects"].sum() == full["projects"].sum() == 68  # nothing lost
    named = folded[folded["folded_townships"] == 1]
    assert named["township"].nunique() == 2
    top = full.groupby("township")["projects"].sum().sort_values(ascending=False)
    assert set(named["township"]) == set(top.index[:2])  # the two with most projects
    other = folded[folded["folded_townships"] > 1]
    assert other["township"].nunique() == 1 and other["township"].iloc[0].startswith("其他 ")
    # per grade, the folded row holds exactly what the unnamed townships had
    rest = full[~full["township"].isin(named["township"])].groupby("grade")["projects"].sum()
    assert other.set_index("grade")["projects"].to_dict() == rest.to_dict()
    # the chart draws the named townships only and says how many are left out
    spec = review_charts.grade_distribution_chart(folded).to_dict()
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert {v["township"] for v in values} == set(named["township"])
    assert "未画出" in spec["title"]["subtitle"]


@pytest.mark.parametrize(
    "chosen", [ALL, Filters(townships=("老庄子镇",)), Filters(years=("2021",))]
)
def test_frequent_findings_equal_the_view_count(run, chosen):
    """Counted on goal_review_finding for the selection's projects: the same as through
    v_goal_review, which the analysts' SQL uses."""
    where, params = chosen.where(category=False)
    expected = run(
        f"""SELECT rule_id, severity, COUNT(*) AS findings,
                   COUNT(DISTINCT project_key) AS projects
            FROM v_goal_review WHERE rule_id IS NOT NULL AND {where}
            GROUP BY 1, 2 ORDER BY findings DESC, rule_id, severity LIMIT 100""",
        params,
    )
    got = review_charts.frequent_findings(run, chosen, limit=100)
    key = ["rule_id", "severity"]
    assert len(got) == len(expected) > 0
    assert (
        got[[*key, "findings", "projects"]].sort_values(key).values.tolist()
        == expected.sort_values(key).values.tolist()
    )


def test_finding_list_limit_is_the_head_of_the_full_list(run):
    full = review_charts.finding_list(run, ALL)
    head = review_charts.finding_list(run, ALL, limit=7)
    assert len(full) > 7 and len(head) == 7
    columns = ["project_key", "rule_id", "source_line"]
    assert head[columns].values.tolist() == full.head(7)[columns].values.tolist()
