"""Streamlit AppTest: every page renders on the fixture, an empty and a missing warehouse,
and the sidebar filters change the numbers shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures.seedlike import fixture_only

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py")
PAGES = [
    "view/pages/budgets.py",
    "view/pages/indicators.py",
    "view/pages/targets.py",
    "view/pages/projects.py",
]


def _app(monkeypatch: pytest.MonkeyPatch, db: Path, *, all_years: bool = True) -> AppTest:
    """The app on ``db``; ``all_years`` opens it with ``?year=`` (every year) instead of
    the default latest year, as the fixture numbers below are totals over all years."""
    monkeypatch.setenv("WAREHOUSE_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    if all_years:
        at.query_params["year"] = ""
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    """Metric values by label; labels that name their years ("预算总额（2021年）") are
    also available under the bare label."""
    out = {}
    for m in at.metric:
        out[m.label] = m.value
        out.setdefault(m.label.split("（")[0], m.value)
    return out


def _assert_clean(at: AppTest, where: str) -> None:
    assert not at.exception, (where, [e.value for e in at.exception])


def _visit_all(at: AppTest) -> AppTest:
    at.run()
    _assert_clean(at, "总览")
    for page in PAGES:
        at.switch_page(page).run()
        _assert_clean(at, page)
    return at


def test_pages_render_on_fixture(monkeypatch, fixture_db):
    at = _visit_all(_app(monkeypatch, fixture_db))
    assert at.title[0].value == "项目明细"


def test_navigation_lists_chinese_pages(monkeypatch, fixture_db):
    at = _app(monkeypatch, fixture_db).run()
    _assert_clean(at, "总览")
    assert at.title[0].value == "预算绩效目标总览"
    assert [s.label for s in at.sidebar.multiselect] == ["预算年度", "乡镇", "项目类别"]


def test_pages_render_without_warehouse(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "missing.duckdb").run()
    _assert_clean(at, "总览")
    assert "尚未找到数据仓库" in at.warning[0].value
    assert at.code[0].value == "python -m etl load data/"
    for page in PAGES:
        at.switch_page(page).run()
        _assert_clean(at, page)
        assert at.code[0].value == "python -m etl load data/"


def test_pages_render_on_empty_warehouse(monkeypatch, empty_db):
    at = _visit_all(_app(monkeypatch, empty_db))
    assert at.info, "an empty warehouse shows a message"


def test_warehouse_without_views(monkeypatch, tmp_path):
    import duckdb

    path = tmp_path / "bare.duckdb"
    duckdb.connect(str(path)).close()
    at = _app(monkeypatch, path).run()
    _assert_clean(at, "总览")
    assert "缺少分析视图" in at.warning[0].value


@fixture_only
def test_overview_numbers(monkeypatch, fixture_db):
    at = _app(monkeypatch, fixture_db).run()
    metrics = _metrics(at)
    assert metrics["乡镇数"] == "5"
    assert metrics["项目数"] == "68"
    assert metrics["预算总额"] == "2,233.51 万元"
    assert metrics["绩效指标数"] == "397"


@fixture_only
def test_township_filter_changes_numbers(monkeypatch, fixture_db):
    at = _app(monkeypatch, fixture_db).run()
    at.sidebar.multiselect(key="township").set_value(["老庄子镇"]).run()
    _assert_clean(at, "filter")
    metrics = _metrics(at)
    assert metrics["乡镇数"] == "1"
    assert metrics["项目数"] == "12"
    assert metrics["预算总额"] == "1,555.47 万元"


@fixture_only
def test_year_filter_unknown_year(monkeypatch, fixture_db):
    at = _app(monkeypatch, fixture_db).run()
    at.sidebar.multiselect(key="year").set_value(["未注明"]).run()
    metrics = _metrics(at)
    assert metrics["项目数"] == "14"
    assert metrics["预算总额"] == "588.47 万元"


@fixture_only
def test_filters_matching_nothing_show_a_message(monkeypatch, fixture_db):
    at = _app(monkeypatch, fixture_db).run()
    at.sidebar.multiselect(key="year").set_value(["2025"])
    at.sidebar.multiselect(key="township").set_value(["开平镇"]).run()
    _assert_clean(at, "no match")
    assert "没有数据" in at.info[0].value
    for page in PAGES:
        at.switch_page(page).run()
        _assert_clean(at, page)
        assert at.info, page


@fixture_only
def test_filters_persist_across_pages(monkeypatch, fixture_db):
    at = _app(monkeypatch, fixture_db).run()
    at.sidebar.multiselect(key="township").set_value(["开平镇"]).run()
    at.switch_page("view/pages/projects.py").run()
    assert at.caption[0].value.endswith("乡镇：开平镇")
    assert _metrics(at)["预算总额"] == "16.30 万元"  # first project of 开平镇


@fixture_only
def test_query_params_reproduce_the_view(monkeypatch, fixture_db):
    at = _app(monkeypatch, fixture_db)
    at.query_params["township"] = ["开平镇", "林西镇"]
    at.run()
    _assert_clean(at, "query params")
    assert _metrics(at)["项目数"] == "8"


@fixture_only
def test_budget_toggle_and_project_search(monkeypatch, fixture_db):
    at = _app(monkeypatch, fixture_db).run()
    at.switch_page("view/pages/budgets.py").run()
    at.segmented_control(key="budget_mode").set_value("占比").run()
    _assert_clean(at, "share")
    at.switch_page("view/pages/projects.py").run()
    at.text_input(key="q").input("征地拆迁").run()
    _assert_clean(at, "search")
    metrics = _metrics(at)
    assert metrics["预算总额"] == "⚠ 561.20 万元"  # flagged: its record warns 项目编码为空
    assert metrics["其中：财政资金"] == "0.00 万元"
    assert metrics["其他资金"] == "561.20 万元"


@fixture_only
def test_target_family_choice(monkeypatch, fixture_db):
    at = _app(monkeypatch, fixture_db).run()
    at.switch_page("view/pages/targets.py").run()
    at.selectbox(key="family").set_value("满意度").run()
    _assert_clean(at, "family")
    assert at.selectbox(key="unit").value == "%"
    assert any("疑似以小数表示百分比" in str(df.value.to_dict()) for df in at.dataframe)
