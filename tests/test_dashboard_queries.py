"""queries.py, filter_model.py, formatting.py and palette.py on the fixture warehouse."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.data import budgets as budgets_queries
from dashboard.data import common as common_queries
from dashboard.data import indicators as indicators_queries
from dashboard.data import overview as overview_queries
from dashboard.data import projects as projects_queries
from dashboard.data import targets as targets_queries
from dashboard.data.filter_model import Filters
from dashboard.view.formatting import fmt_pct, fmt_target, fmt_wan, fmt_year, for_display
from dashboard.view.palette import UNKNOWN_COLOUR, township_palette
from tests.fixtures.seedlike import PROJECTS, expected_budget_yuan, fixture_only

ALL = Filters()


# ---------------------------------------------------------------- pure helpers


def test_where_is_true_without_selection():
    assert ALL.where() == ("TRUE", [])


def test_where_maps_unknown_labels_to_null():
    sql, params = Filters(
        years=("2021", "未注明"), townships=("开平镇",), categories=("未分类",)
    ).where(alias="p")
    assert "p.fiscal_year IN (?) OR p.fiscal_year IS NULL" in sql
    assert "p.township IN (?)" in sql
    assert "p.project_category IS NULL" in sql
    assert params == [2021, "开平镇"]


def test_where_without_category_for_warnings():
    sql, params = Filters(categories=("民生保障",)).where(category=False)
    assert (sql, params) == ("TRUE", [])


def test_money_and_year_formatting():
    assert fmt_wan(15554700) == "1,555.47 万元"
    assert fmt_wan(163000) == "16.30 万元"
    assert fmt_wan(None) == "—"
    assert fmt_wan(float("nan")) == "—"
    assert fmt_year(None) == "未注明"
    assert fmt_year(pd.NA) == "未注明"
    assert fmt_year(2021) == "2021"
    assert fmt_pct(None) == "—"
    assert fmt_target(">=", 95.0, "%") == "≥95%"


def test_for_display_converts_money_and_years():
    frame = pd.DataFrame(
        {
            "t": ["开平镇", "开元镇"],
            "b": [163000.0, None],
            "y": pd.array([2021, None], dtype="Int64"),
        }
    )
    out = for_display(
        frame, {"t": "乡镇", "b": "预算（万元）", "y": "年度"}, money=("b",), years=("y",)
    )
    assert list(out.columns) == ["乡镇", "预算（万元）", "年度"]
    assert out["预算（万元）"].iloc[0] == 16.3
    assert math.isnan(out["预算（万元）"].iloc[1])
    assert list(out["年度"]) == ["2021", "未注明"]


def test_palette_is_deterministic_and_order_free():
    a = township_palette(["开平镇", "林西镇", "开元镇"])
    b = township_palette(["开元镇", "开平镇", "林西镇", None, "林西镇"])
    assert a == b
    assert len(set(a.range[:-1])) == 3
    assert a.domain[-1] == "未注明" and a.colour("未注明") == UNKNOWN_COLOUR
    assert township_palette(["开平镇"]).colour("开平镇") == a.colour("开元镇")  # sorted position


# ---------------------------------------------------------------- queries


@fixture_only
def test_filter_options(runner):
    options = common_queries.filter_options(runner)
    assert options["years"] == ["2025", "2021", "未注明"]
    assert set(options["townships"]) == set(PROJECTS)
    assert "征地拆迁补偿" in options["categories"]  # the loader's classifier, from the names


@fixture_only
def test_overview_kpis_all(runner):
    kpis = overview_queries.overview_kpis(runner, ALL)
    assert kpis["townships"] == 5
    assert kpis["projects"] == sum(len(v) for v in PROJECTS.values())
    assert kpis["budget_yuan"] == pytest.approx(expected_budget_yuan())
    assert kpis["projects_without_budget"] == 34  # 永清经济开发区 prints no budgets
    assert 0 < kpis["quantitative_pct"] < 100


@fixture_only
def test_overview_kpis_follow_filters(runner):
    unknown_year = overview_queries.overview_kpis(runner, Filters(years=("未注明",)))
    assert unknown_year["projects"] == 14 and unknown_year["townships"] == 1
    one = overview_queries.overview_kpis(runner, Filters(townships=("老庄子镇",)))
    assert fmt_wan(one["budget_yuan"]) == "1,555.47 万元"
    nothing = overview_queries.overview_kpis(
        runner, Filters(years=("2025",), townships=("开平镇",))
    )
    assert nothing["projects"] == 0 and nothing["budget_yuan"] is None
    assert nothing["quantitative_pct"] is None


@fixture_only
def test_category_filter_drops_unit_level_indicators(runner):
    unit_rows = runner("SELECT count(*) AS n FROM v_indicator_target WHERE scope = 'unit'")
    assert unit_rows["n"].iloc[0] > 0
    total = overview_queries.overview_kpis(runner, ALL)["indicators"]
    by_category = sum(
        overview_queries.overview_kpis(runner, Filters(categories=(c,)))["indicators"]
        for c in common_queries.filter_options(runner)["categories"]
    )
    assert by_category == total - unit_rows["n"].iloc[0]


@fixture_only
def test_budget_by_township_keeps_unbudgeted(runner):
    frame = common_queries.budget_by_township(runner, ALL).set_index("township")
    assert frame.loc["老庄子镇", "budget_yuan"] == pytest.approx(15554700)
    assert pd.isna(frame.loc["永清经济开发区", "budget_yuan"])
    assert frame.loc["永清经济开发区", "projects"] == 34
    assert frame.index[0] == "老庄子镇"  # largest first, NULL last
    assert frame.index[-1] == "永清经济开发区"


@fixture_only
def test_budget_by_category_shares(runner):
    frame = budgets_queries.budget_by_category(runner, ALL)
    sums = frame.groupby("township")["share_pct"].sum()
    assert all(s == pytest.approx(100) for s in sums)
    assert "永清经济开发区" not in set(frame["township"])
    assert frame["budget_yuan"].sum() == pytest.approx(expected_budget_yuan())


@fixture_only
def test_top_projects(runner):
    top = common_queries.top_projects(runner, ALL, limit=3)
    assert list(top["project_name"]) == [
        "征地拆迁补偿款",
        "老庄子镇集贸市场附近修建排水沟",
        "电厂占地赔偿",
    ]
    assert top["budget_total_yuan"].iloc[0] == pytest.approx(5612000)


@fixture_only
def test_spending_plan(runner):
    plan = budgets_queries.spending_plan(runner, ALL)
    assert "开元镇" not in set(plan["township"])  # its plan cells are empty
    row = plan[(plan["township"] == "老庄子镇") & (plan["checkpoint"] == "3月")]
    assert row["avg_pct"].iloc[0] == pytest.approx(30)
    assert list(plan[plan["township"] == "开平镇"]["checkpoint"]) == ["3月", "6月", "10月", "12月"]


@fixture_only
@pytest.mark.parametrize("level", ["level1", "level2"])
def test_level_mix_sums_to_100(runner, level):
    frame = indicators_queries.level_mix(runner, ALL, level)
    for total in frame.groupby("township")["share_pct"].sum():
        assert total == pytest.approx(100)


def test_level_mix_rejects_unknown_column(runner):
    with pytest.raises(ValueError):
        indicators_queries.level_mix(runner, ALL, "indicator_name; DROP TABLE x")


@fixture_only
def test_level2_coverage(runner):
    frame = indicators_queries.level2_coverage(runner, ALL)
    assert frame["share_pct"].between(0, 100).all()
    linxi = frame[(frame["township"] == "林西镇") & (frame["level2"] == "数量指标")]
    assert linxi["share_pct"].iloc[0] == pytest.approx(100)
    assert linxi["projects"].iloc[0] == 5


@fixture_only
def test_indicators_per_project_matches_rows(runner):
    frame = indicators_queries.indicators_per_project(runner, ALL)
    counted = runner("SELECT count(*) AS n FROM v_indicator_target WHERE scope = 'project'")
    assert frame["indicator_count"].sum() == counted["n"].iloc[0]


@fixture_only
def test_families_units_and_targets(runner):
    families = targets_queries.indicator_families(runner, ALL).set_index("family")
    assert families.loc["完成时限", "numeric"] == 0
    units = targets_queries.family_units(runner, ALL, "满意度")
    assert units["unit"].iloc[0] == "%"
    assert "（无单位）" in set(units["unit"])
    percent = targets_queries.family_targets(runner, ALL, "满意度", "%")
    assert (percent["target_value"] > 1).all()
    assert set(percent["target_unit"]) == {"%"}


@fixture_only
def test_outliers_flag_fractions(runner):
    outliers = targets_queries.target_outliers(runner, ALL, "满意度")
    fractions = outliers[outliers["reason"] == "疑似以小数表示百分比"]
    assert len(fractions) == 8 and set(fractions["township"]) == {"开元镇"}


@fixture_only
def test_common_targets_are_unique_labels(runner):
    frame = targets_queries.common_targets(runner, ALL, "满意度")
    assert not frame.duplicated(["target", "target_kind"]).any()
    assert frame["target"].iloc[0] == "≥95%"
    assert set(frame["kind"]) <= {"数值", "百分比", "金额", "时限", "定性"}


@fixture_only
def test_kind_mix_labels(runner):
    frame = targets_queries.kind_mix(runner, ALL)
    assert set(frame["kind"]) == {"数值", "百分比", "金额", "时限", "定性"}


@fixture_only
def test_search_projects(runner):
    names = set(projects_queries.search_projects(runner, ALL, "征地")["project_name"])
    assert names == {"征地拆迁补偿款", "电厂生产征地生活补贴", "电厂宿舍楼征地粮食补贴"}
    everything = projects_queries.search_projects(runner, ALL, "")
    assert len(everything) == sum(len(v) for v in PROJECTS.values())
    by_indicator = projects_queries.search_projects(runner, ALL, "完成征收土地补偿亩数")
    assert set(by_indicator["matched_in"]) == {"绩效指标"}
    # LIKE wildcards in user text are literal
    assert projects_queries.search_projects(runner, ALL, "_").empty
    assert len(projects_queries.search_projects(runner, Filters(townships=("开平镇",)), "")) == 3


@fixture_only
def test_project_card_and_indicators(runner):
    key = projects_queries.search_projects(runner, ALL, "征地拆迁补偿款")["project_key"].iloc[0]
    card = projects_queries.project_card(runner, key)
    assert card["budget_total_yuan"].iloc[0] == pytest.approx(5612000)
    indicators = projects_queries.project_indicators(runner, key)
    assert len(indicators) == card["indicator_count"].iloc[0]
    assert projects_queries.project_card(runner, "no-such-key").empty


def test_queries_on_empty_warehouse(empty_db):
    import duckdb

    con = duckdb.connect(str(empty_db), read_only=True)

    def run(sql, params=None):
        return con.execute(sql, params or []).df()

    assert common_queries.filter_options(run) == {"years": [], "townships": [], "categories": []}
    kpis = overview_queries.overview_kpis(run, ALL)
    assert kpis["projects"] == 0 and kpis["quantitative_pct"] is None
    assert indicators_queries.level2_coverage(run, ALL).empty
    assert targets_queries.target_outliers(run, ALL, "满意度").empty
    assert targets_queries.kind_mix(run, ALL).empty
    con.close()


def test_load_warnings_page_fetches_the_first_few_and_counts_all(runner):
    from dashboard.data import overview as overview_queries

    every = overview_queries.load_warnings(runner, ALL)
    first = overview_queries.load_warnings(runner, ALL, limit=2)
    assert len(every) > 2  # the seed-like fixture carries several warnings
    assert overview_queries.load_warning_count(runner, ALL) == len(every)
    pd.testing.assert_frame_equal(first, every.head(2), check_dtype=False)
