"""AppTest on the warehouse built from the bundled documents: every page renders and the
numbers are the seeds' (68 projects, 22,335,100 yuan; 老庄子镇 12 projects, 1,555.47 万元)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py")
PAGES = [
    "view/pages/budgets.py",
    "view/pages/indicators.py",
    "view/pages/targets.py",
    "view/pages/projects.py",
    "view/pages/history.py",
    "view/pages/goal_review.py",
    "view/pages/sql_query.py",
]


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, seed_warehouse: Path) -> AppTest:
    """The app on the seed warehouse with every year selected (``?year=``): the totals
    below are over all years (the default is the latest year)."""
    monkeypatch.setenv("WAREHOUSE_DB", str(seed_warehouse))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["year"] = ""
    return at


def metrics(at: AppTest) -> dict[str, str]:
    """Values by label; labels naming their years ("预算总额（全部年度）") also by the bare
    label."""
    out = {}
    for m in at.metric:
        out[m.label] = m.value
        out.setdefault(m.label.split("（")[0], m.value)
    return out


def test_every_page_renders_on_seed_warehouse(app: AppTest) -> None:
    at = app.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = metrics(at)
    assert (shown["乡镇数"], shown["项目数"], shown["预算总额"], shown["绩效指标数"]) == (
        "5",
        "68",
        "2,233.51 万元",
        "413",
    )
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])


def test_township_filter_changes_the_numbers(app: AppTest) -> None:
    at = app.run()
    at.sidebar.multiselect[1].set_value(["老庄子镇"]).run()
    assert not at.exception
    shown = metrics(at)
    assert (shown["乡镇数"], shown["项目数"], shown["预算总额"]) == ("1", "12", "1,555.47 万元")
    at.sidebar.multiselect[1].set_value(["开平镇", "林西镇"]).run()
    shown = metrics(at)
    assert (shown["项目数"], shown["预算总额"]) == ("8", "89.57 万元")
