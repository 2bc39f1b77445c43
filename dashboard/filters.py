"""The shared sidebar filters (year, township, category), kept in the URL query string.

Widgets use ``bind="query-params"`` (Streamlit 1.67): the widget key is the parameter name
(``?year=2021&township=开平镇``), so a copied link reproduces the view. The entry script
renders the sidebar once per run via ``render_filters()``; pages call ``current_filters()``,
which returns that run's selection.
"""

from __future__ import annotations

import streamlit as st

from dashboard import db, queries
from dashboard.filter_model import Filters

PARAM_KEYS = {"years": "year", "townships": "township", "categories": "category"}
_STATE_KEY = "_dashboard_filters"
_NO_OPTIONS: dict[str, list[str]] = {"years": [], "townships": [], "categories": []}


def filter_options() -> dict[str, list[str]]:
    """All years/townships/categories in the warehouse; empty lists when there is none."""
    if not db.warehouse_available():
        return dict(_NO_OPTIONS)
    return queries.filter_options(db.run_query)


def _clear() -> None:
    for key in PARAM_KEYS.values():
        st.session_state[key] = []


def render_filters() -> Filters:
    """Draw the filter widgets in the sidebar and remember the selection for this run."""
    options = filter_options()
    if not any(options.values()):  # no warehouse or no rows: nothing to choose from
        st.session_state[_STATE_KEY] = Filters()
        return Filters()
    with st.sidebar:
        st.subheader("筛选条件")
        years = st.multiselect(
            "预算年度",
            options["years"],
            key=PARAM_KEYS["years"],
            bind="query-params",
            placeholder="全部年度",
            help="“未注明”表示文件中没有写明预算年度",
        )
        townships = st.multiselect(
            "乡镇",
            options["townships"],
            key=PARAM_KEYS["townships"],
            bind="query-params",
            placeholder="全部乡镇",
        )
        categories = st.multiselect(
            "项目类别",
            options["categories"],
            key=PARAM_KEYS["categories"],
            bind="query-params",
            placeholder="全部类别",
        )
        selected = Filters(tuple(years), tuple(townships), tuple(categories))
        if not selected.is_empty:
            st.button("清除筛选", on_click=_clear, icon=":material/filter_alt_off:")
        st.caption("筛选条件保存在网址中，复制链接即可分享当前视图。")
    st.session_state[_STATE_KEY] = selected
    return selected


def current_filters() -> Filters:
    """This run's selection (renders the sidebar if the entry script has not done so)."""
    selected = st.session_state.get(_STATE_KEY)
    if isinstance(selected, Filters):
        return selected
    return render_filters()
