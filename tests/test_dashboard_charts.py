"""charts.py: every builder yields a valid spec with Chinese text, CJK fonts and, where colour
means township, the shared township scale."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dashboard.data import budgets as budgets_queries
from dashboard.data import common as common_queries
from dashboard.data import indicators as indicators_queries
from dashboard.data import overview as overview_queries
from dashboard.data import targets as targets_queries
from dashboard.data.filter_model import Filters
from dashboard.view import charts
from dashboard.view.chart_theme import CJK_FONT
from dashboard.view.palette import township_palette
from tests.support.specs import walk

CJK = re.compile(r"[\u4e00-\u9fff]")
ALL = Filters()


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _texts(value.get("text", "")) + _texts(value.get("subtitle", ""))
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


@pytest.fixture(scope="module")
def palette(runner):
    return township_palette(common_queries.filter_options(runner)["townships"])


@pytest.fixture(scope="module")
def specs(runner, palette) -> dict[str, dict]:
    family = "满意度"
    built = {
        "budget_by_township": charts.budget_by_township_chart(
            common_queries.budget_by_township(runner, ALL), palette
        ),
        "indicators_by_level1": charts.indicators_by_level1_chart(
            overview_queries.indicators_by_level1(runner, ALL), palette
        ),
        "budget_by_category_amount": charts.budget_by_category_chart(
            budgets_queries.budget_by_category(runner, ALL), "amount"
        ),
        "budget_by_category_share": charts.budget_by_category_chart(
            budgets_queries.budget_by_category(runner, ALL), "share"
        ),
        "top_projects": charts.top_projects_chart(
            common_queries.top_projects(runner, ALL), palette
        ),
        "budget_distribution": charts.budget_distribution_chart(
            budgets_queries.project_budgets(runner, ALL), palette
        ),
        "spending_plan": charts.spending_plan_chart(
            budgets_queries.spending_plan(runner, ALL), palette
        ),
        "level1_mix": charts.level_mix_chart(
            indicators_queries.level_mix(runner, ALL, "level1"), "level1"
        ),
        "level2_mix": charts.level_mix_chart(
            indicators_queries.level_mix(runner, ALL, "level2"), "level2"
        ),
        "coverage": charts.coverage_heatmap(indicators_queries.level2_coverage(runner, ALL)),
        "indicators_per_project": charts.indicators_per_project_chart(
            indicators_queries.indicators_per_project(runner, ALL), palette
        ),
        "targets": charts.target_strip_chart(
            targets_queries.family_targets(runner, ALL, family, "%"), palette, family, "%"
        ),
        "kind_mix": charts.kind_mix_chart(targets_queries.kind_mix(runner, ALL)),
        "common_targets": charts.common_targets_chart(targets_queries.common_targets(runner, ALL)),
        "project_plan": charts.project_plan_chart([25.0, 50.0, None, 100.0]),
    }
    return {name: chart.to_dict() for name, chart in built.items()}


TOWNSHIP_COLOURED = [
    "budget_by_township",
    "indicators_by_level1",
    "top_projects",
    "budget_distribution",
    "spending_plan",
    "indicators_per_project",
    "targets",
]


def test_every_chart_has_a_chinese_title(specs):
    for name, spec in specs.items():
        titles = [t for v in walk(spec, "title") for t in _texts(v)]
        assert titles, name
        assert any(CJK.search(t) for t in titles), name


def test_axis_and_tooltip_titles_are_chinese(specs):
    for name, spec in specs.items():
        for encoding in walk(spec, "encoding"):
            for channel, definition in encoding.items():
                defs = definition if isinstance(definition, list) else [definition]
                for d in defs:
                    if not isinstance(d, dict) or "field" not in d or "title" not in d:
                        continue
                    if d["title"] is None:  # axis deliberately unlabelled (names speak)
                        continue
                    assert CJK.search(str(d["title"])), (name, channel, d)


def test_cjk_font_theme_and_horizontal_labels(specs):
    for name, spec in specs.items():
        config = spec["config"]
        assert config["font"] == CJK_FONT, name
        assert "Noto Sans CJK SC" in config["axis"]["labelFont"]
        assert config["axis"]["labelAngle"] == 0


def test_township_colour_scale_is_shared(specs, palette):
    for name in TOWNSHIP_COLOURED:
        scales = [
            c["scale"]
            for c in walk(specs[name], "color")
            if isinstance(c, dict) and c.get("field") == "township"
        ]
        assert scales, name
        for scale in scales:
            # each drawn township keeps the colour the shared palette gives it on every page
            assert scale["domain"] and set(scale["domain"]) <= set(palette.domain), name
            assert scale["range"] == [palette.colour(t) for t in scale["domain"]], name


def test_colour_scale_carries_only_the_drawn_townships(runner, palette):
    """A warehouse with thousands of townships must not put every name into every spec."""
    frame = common_queries.budget_by_township(runner, ALL, limit=2)
    scale = charts.budget_by_township_chart(frame, palette).to_dict()
    domains = [
        c["scale"]["domain"]
        for c in walk(scale, "color")
        if isinstance(c, dict) and c.get("field") == "township"
    ]
    named = frame.loc[frame["folded_townships"] == 1, "township"].tolist()
    assert len(named) == 2 and domains == [named]


def test_legend_lists_only_present_townships(specs):
    legends = [
        c["legend"]
        for c in walk(specs["spending_plan"], "color")
        if isinstance(c, dict) and c.get("legend")
    ]
    assert legends and "开元镇" not in legends[0]["values"]  # 开元镇 has no spending plan


def test_money_is_shown_in_wan(specs):
    data = next(iter(specs["budget_by_township"]["datasets"].values()))
    by_township = {row["township"]: row for row in data}
    assert by_township["老庄子镇"]["label"] == "1,555.47 万元"  # same in fixture and seeds
    assert by_township["老庄子镇"]["budget_wan"] == pytest.approx(1555.47)
    unbudgeted = [row for row in data if row["budget_wan"] is None]
    assert unbudgeted and all(row["label"] == "未注明预算" for row in unbudgeted)


def test_charts_accept_empty_frames(palette):
    empty_budget = pd.DataFrame(
        columns=["township", "projects", "projects_with_budget", "budget_yuan"]
    )
    charts.budget_by_township_chart(empty_budget, palette).to_dict()
    empty_mix = pd.DataFrame(columns=["township", "level", "indicators", "share_pct"])
    charts.level_mix_chart(empty_mix, "level1").to_dict()
    empty_cov = pd.DataFrame(
        columns=["township", "level2", "projects_with", "projects", "share_pct"]
    )
    charts.coverage_heatmap(empty_cov).to_dict()
    charts.project_plan_chart([None, None, None, None]).to_dict()
