"""township_fold: per-township queries name the largest townships and fold the rest into one
其他 row without losing anything; charts carry only what they draw."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pytest

from dashboard.data import budgets as budgets_queries
from dashboard.data import common as common_queries
from dashboard.data import history as history_queries
from dashboard.data import indicators as indicators_queries
from dashboard.data import overview as overview_queries
from dashboard.data import targets as targets_queries
from dashboard.data.filter_model import Filters
from dashboard.data.township_fold import (
    FOLDED,
    MAX_TOWNSHIPS,
    OTHER_TOWNSHIPS,
    RANK,
    folded_count,
    other_label,
    township_order,
)
from dashboard.view import charts, ui

ALL = Filters()


@dataclass(frozen=True)
class Folding:
    query: Callable[..., pd.DataFrame]
    keys: tuple[str, ...]
    sums: tuple[str, ...]  # additive columns: their totals per key must survive the fold
    measure: str  # the column the townships are ranked by
    per_township: str = "sum"  # how the measure adds up over one township's rows
    township: str = "township"


FOLDINGS = {
    "budget_by_township": Folding(
        common_queries.budget_by_township,
        (),
        ("projects", "projects_with_budget", "budget_yuan"),
        "budget_yuan",
    ),
    "budget_by_township_year": Folding(
        overview_queries.budget_by_township_year,
        ("fiscal_year",),
        ("projects", "budget_yuan"),
        "budget_yuan",
    ),
    "indicators_by_level1": Folding(
        overview_queries.indicators_by_level1, ("level1",), ("indicators",), "indicators"
    ),
    "budget_by_category": Folding(
        budgets_queries.budget_by_category,
        ("category",),
        ("projects", "budget_yuan"),
        "budget_yuan",
    ),
    "spending_plan": Folding(
        budgets_queries.spending_plan, ("checkpoint",), ("projects",), "projects"
    ),
    "level_mix_level1": Folding(
        lambda r, f, limit: indicators_queries.level_mix(r, f, "level1", limit),
        ("level",),
        ("indicators",),
        "indicators",
    ),
    "level_mix_level2": Folding(
        lambda r, f, limit: indicators_queries.level_mix(r, f, "level2", limit),
        ("level",),
        ("indicators",),
        "indicators",
    ),
    "level2_coverage": Folding(
        indicators_queries.level2_coverage,
        ("level2",),
        ("projects_with", "projects"),
        "projects",
        per_township="max",
    ),
    "kind_mix": Folding(targets_queries.kind_mix, ("kind",), ("indicators",), "indicators"),
    "budget_trend": Folding(
        lambda r, f, limit: history_queries.budget_trend(r, f, "township", limit),
        ("fiscal_year",),
        ("projects", "budget_yuan"),
        "budget_yuan",
        township="grp",
    ),
}


def _ranking(full: pd.DataFrame, spec: Folding) -> list[str]:
    """Townships by the measure, largest first (missing last), ties by name: by hand."""
    totals = full.groupby(spec.township, dropna=False)[spec.measure].agg(
        lambda s: s.max() if spec.per_township == "max" else s.sum(min_count=1)
    )
    known = sorted((t for t in totals.index if pd.notna(totals[t])), key=lambda t: (-totals[t], t))
    return known + sorted(t for t in totals.index if pd.isna(totals[t]))


def _totals(frame: pd.DataFrame, spec: Folding) -> pd.DataFrame:
    keys = list(spec.keys)
    if not keys:
        return frame[list(spec.sums)].sum().to_frame().T
    return frame.groupby(keys, dropna=False)[list(spec.sums)].sum().sort_index()


@pytest.mark.parametrize("name", sorted(FOLDINGS))
def test_fold_names_the_largest_townships_and_sums_the_rest(runner, name) -> None:
    spec = FOLDINGS[name]
    full = spec.query(runner, ALL, limit=None)
    limit = 1 if name in ("budget_trend", "spending_plan") else 2  # 3 townships have them
    folded = spec.query(runner, ALL, limit=limit)
    ranking = _ranking(full, spec)
    assert len(ranking) >= limit + 2, "the fixture needs townships to fold"
    other = other_label(len(ranking) - limit)
    assert township_order(folded.rename(columns={spec.township: "township"})) == [
        *ranking[:limit],
        other,
    ]
    # the named townships keep exactly their rows; the 其他 row stands for all the others
    for township in ranking[:limit]:
        mine = folded.loc[folded[spec.township] == township, [*spec.keys, *spec.sums]]
        theirs = full.loc[full[spec.township] == township, [*spec.keys, *spec.sums]]
        pd.testing.assert_frame_equal(
            mine.reset_index(drop=True), theirs.reset_index(drop=True), check_dtype=False
        )
    assert set(folded.loc[folded[spec.township] == other, FOLDED]) == {len(ranking) - limit}
    assert set(folded.loc[folded[spec.township] != other, FOLDED]) == {1}
    assert folded_count(folded) == len(ranking) - limit
    # nothing lost: every additive column has the same total per key
    pd.testing.assert_frame_equal(_totals(folded, spec), _totals(full, spec), check_dtype=False)
    if "share_pct" in folded.columns and name != "level2_coverage":
        shares = folded.groupby(spec.township)["share_pct"].sum()
        assert shares.to_numpy() == pytest.approx([100.0] * len(shares))


@pytest.mark.parametrize("name", sorted(FOLDINGS))
def test_one_township_more_than_the_limit_is_not_folded(runner, name) -> None:
    spec = FOLDINGS[name]
    full = spec.query(runner, ALL, limit=None)
    townships = full[spec.township].nunique()
    frame = spec.query(runner, ALL, limit=townships - 1)
    assert set(frame[spec.township]) == set(full[spec.township])
    assert folded_count(frame) == 0 and set(frame[FOLDED]) == {1}
    assert sorted(frame[RANK].unique()) == list(range(1, townships + 1))


def test_folded_coverage_is_the_share_of_all_folded_projects(runner) -> None:
    full = indicators_queries.level2_coverage(runner, ALL, limit=None)
    folded = indicators_queries.level2_coverage(runner, ALL, limit=1)
    other = folded.loc[folded[FOLDED] > 1]
    named = folded.loc[folded[FOLDED] == 1, "township"].iloc[0]
    rest = full.loc[full["township"] != named]
    for level2, row in other.set_index("level2").iterrows():
        expected = rest.loc[rest["level2"] == level2]
        assert row["projects"] == expected["projects"].sum()
        assert row["projects_with"] == expected["projects_with"].sum()
        assert row["share_pct"] == pytest.approx(100 * row["projects_with"] / row["projects"])


@pytest.mark.parametrize("name", sorted(FOLDINGS))
def test_rollup_and_direct_paths_fold_alike(run_without_rollups, seed_runner, name) -> None:
    """The seed warehouse with and without its rollup tables gives the same folded rows."""
    spec = FOLDINGS[name]
    for f in (ALL, Filters(years=("2021",))):
        left = spec.query(seed_runner, f, limit=1)
        right = spec.query(run_without_rollups, f, limit=1)
        assert folded_count(left) > 0 or f.years
        pd.testing.assert_frame_equal(
            left.reset_index(drop=True), right.reset_index(drop=True), check_dtype=False
        )


def test_amount_charts_leave_the_folded_row_out_and_say_so(runner) -> None:
    from dashboard.view.palette import township_palette

    palette = township_palette(common_queries.filter_options(runner)["townships"])
    frame = common_queries.budget_by_township(runner, ALL, limit=2)
    spec = charts.budget_by_township_chart(frame, palette).to_dict()
    drawn = {row["township"] for rows in spec["datasets"].values() for row in rows}
    assert drawn == set(frame.loc[frame[FOLDED] == 1, "township"])
    # the title sits on the layer (on a member, a long subtitle squeezes the plot away)
    assert spec["title"]["subtitle"].endswith(f"另有 {folded_count(frame)} 个乡镇未画出")


def test_distribution_charts_keep_the_townships_with_most_rows() -> None:
    box = pd.DataFrame({"township": list("abcdef"), "n": [5, 9, 9, 1, 7, 2]})
    points = pd.DataFrame({"township": list("abcdefab"), "v": range(8)})
    kept, kept_box, townships = charts.largest_townships(points, box, limit=3)
    assert townships == 6
    assert set(kept_box["township"]) == {"b", "c", "e"}  # 9, 9 (by name), 7
    assert set(kept["township"]) == {"b", "c", "e"} and len(kept) == 4
    # one township over the limit is drawn rather than cut
    same, same_box, cut = charts.largest_townships(points, box, limit=5)
    assert cut == 0 and same_box is box and same is points


def test_name_lists_stay_one_line() -> None:
    assert ui.name_list(["甲", "乙"]) == "甲、乙"
    names = [f"镇{i}" for i in range(12_345)]
    assert ui.name_list(names, limit=3) == "镇0、镇1、镇2 等 12,345 个"


def test_the_bound_is_declared_once() -> None:
    assert MAX_TOWNSHIPS == 25 and other_label(43855) == "其他 43,855 个乡镇"
    assert OTHER_TOWNSHIPS.count("%") == 1  # one printf placeholder, the folded count


def test_tiles_shorten_national_figures_and_keep_county_ones() -> None:
    from dashboard.view.formatting import fmt_count_short, fmt_money_short

    assert fmt_count_short(9_999) == "9,999"  # a county's figures stay exact
    assert fmt_count_short(15_451) == "1.5 万"
    assert fmt_count_short(1_045_678) == "104.6 万"
    assert fmt_count_short(230_000_000) == "2.30 亿"
    assert fmt_count_short(None) == "—"
    assert fmt_money_short(22_335_100) == "2,233.51 万元"
    assert fmt_money_short(84_954_182_000) == "849.54 亿元"
