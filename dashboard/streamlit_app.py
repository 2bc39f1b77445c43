"""Entry point: ``streamlit run dashboard/streamlit_app.py``.

Sets up the page, renders the shared sidebar filters once per run and hands over to the
selected page. ``PAGES`` is the one page list: navigation, titles and URLs come from it.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # `streamlit run` only puts dashboard/ on the path
    sys.path.insert(0, str(HERE.parent))

import streamlit as st  # noqa: E402

from dashboard.view import filters  # noqa: E402

PAGES_DIR = HERE / "view" / "pages"

# (file in dashboard/view/pages, title, icon, url path), in navigation order
PAGES = [
    ("overview.py", "总览", ":material/dashboard:", "overview"),
    ("budgets.py", "预算对比", ":material/account_balance_wallet:", "budgets"),
    ("indicators.py", "指标结构", ":material/stacked_bar_chart:", "indicators"),
    ("targets.py", "目标值对比", ":material/target:", "targets"),
    ("projects.py", "项目明细", ":material/description:", "projects"),
    ("history.py", "历年对比", ":material/timeline:", "history"),
    ("goal_review.py", "目标审核", ":material/fact_check:", "review"),
    ("sql_query.py", "SQL 查询", ":material/terminal:", "sql"),
]
# pages the sidebar filters do not apply to (they run their own queries)
NO_FILTER_PAGES = {"sql"}


def build_pages() -> list:
    """The navigation list, in the order of ``PAGES``."""
    return [
        st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=url, default=(url == "overview"))
        for file, title, icon, url in PAGES
    ]


st.set_page_config(
    page_title="预算绩效目标看板", page_icon=str(HERE / "static" / "favicon.png"), layout="wide"
)
navigation = st.navigation(build_pages())
with st.sidebar:
    st.caption("乡镇预算绩效目标数据仓库")
filters.render_filters(show=navigation.url_path not in NO_FILTER_PAGES)
navigation.run()
