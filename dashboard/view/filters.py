"""The shared sidebar filters (year, township, category), kept in the URL query string.

Widgets use ``bind="query-params"`` (Streamlit 1.67): the widget key is the parameter name
(``?year=2021&township=开平镇``), so a copied link reproduces the view. The year defaults to
the latest fiscal year with data (per-year views are the rule; ``?year=`` selects all
years). Values in a link that the warehouse does not know (``?township=不存在镇``,
``?year=1800``) are reported with a warning and ignored — Streamlit would drop them
silently. Pages that the filters do not apply to (SQL 查询) do not show them.
"""

from __future__ import annotations

import streamlit as st

from dashboard.data import common as common_queries
from dashboard.data import db
from dashboard.data.filter_model import Filters
from dashboard.view.labels import label

PARAM_KEYS = {"years": "year", "townships": "township", "categories": "category"}
# Query parameter → the filter's label (the label of the column it filters).
PARAM_LABELS = {
    "year": label("fiscal_year"),
    "township": label("township"),
    "category": label("category"),
}
_STATE_KEY = "_dashboard_filters"
_NO_OPTIONS: dict[str, list[str]] = {"years": [], "townships": [], "categories": []}


def filter_options() -> dict[str, list[str]]:
    """All years/townships/categories in the warehouse; empty lists when there is none."""
    if not db.warehouse_available():
        return dict(_NO_OPTIONS)
    return common_queries.filter_options(db.run_query)


def default_years(options: dict[str, list[str]]) -> list[str]:
    """The latest fiscal year with data (years are sorted newest first), else all."""
    known = [y for y in options["years"] if y.isdigit()]
    return known[:1]


def _clear() -> None:
    st.session_state[PARAM_KEYS["years"]] = []
    for key in ("townships", "categories"):
        st.session_state[PARAM_KEYS[key]] = []


def unknown_link_values(options: dict[str, list[str]]) -> dict[str, list[str]]:
    """URL parameter → values the warehouse does not have (before the widgets drop them)."""
    unknown: dict[str, list[str]] = {}
    for field, param in PARAM_KEYS.items():
        values = [v for v in st.query_params.get_all(param) if v != ""]
        bad = [v for v in values if v not in options[field]]
        if bad:
            unknown[param] = bad
    return unknown


def warn_unknown(unknown: dict[str, list[str]]) -> None:
    """One warning naming the ignored link values (shown as plain text, never markdown)."""
    if not unknown:
        return
    parts = [f"{PARAM_LABELS[p]}“{'、'.join(v)}”" for p, v in unknown.items()]
    st.warning(
        "链接中的筛选条件在数据仓库中不存在，已忽略：" + "；".join(parts),
        icon=":material/link_off:",
    )


def render_filters(*, show: bool = True) -> Filters:
    """Draw the filter widgets in the sidebar and remember the selection for this run.
    ``show=False`` (pages the filters do not apply to) keeps the default selection."""
    options = filter_options()
    if not any(options.values()):  # no warehouse or no rows: nothing to choose from
        st.session_state[_STATE_KEY] = Filters()
        return Filters()
    if not show:
        selected = Filters(tuple(default_years(options)))
        st.session_state[_STATE_KEY] = selected
        return selected
    unknown = unknown_link_values(options)
    with st.sidebar:
        st.subheader("筛选条件")
        years = st.multiselect(
            PARAM_LABELS["year"],
            options["years"],
            default=default_years(options),
            key=PARAM_KEYS["years"],
            bind="query-params",
            persist_state="session",
            placeholder="全部年度",
            help="默认显示有数据的最近一个年度；清空即为全部年度（图表按年度区分）。"
            "“未注明”表示文件中没有写明预算年度。",
        )
        townships = st.multiselect(
            PARAM_LABELS["township"],
            options["townships"],
            key=PARAM_KEYS["townships"],
            bind="query-params",
            persist_state="session",
            placeholder="全部乡镇",
        )
        categories = st.multiselect(
            PARAM_LABELS["category"],
            options["categories"],
            key=PARAM_KEYS["categories"],
            bind="query-params",
            persist_state="session",
            placeholder="全部类别",
        )
        selected = Filters(tuple(years), tuple(townships), tuple(categories))
        if not selected.is_empty:
            st.button("清除筛选", on_click=_clear, icon=":material/filter_alt_off:")
        st.caption("筛选条件保存在网址中，复制链接即可分享当前视图。")
    warn_unknown(unknown)
    st.session_state[_STATE_KEY] = selected
    return selected


def current_filters() -> Filters:
    """This run's selection (renders the sidebar if the entry script has not done so)."""
    selected = st.session_state.get(_STATE_KEY)
    if isinstance(selected, Filters):
        return selected
    return render_filters()


def all_years() -> list[str]:
    """Every known fiscal year (newest first), for views that span years."""
    return [y for y in filter_options()["years"] if y.isdigit()]
