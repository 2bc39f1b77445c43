"""总览 (the manager's first screen): the selected year's totals, the review outcome, data
problems that need a look (each linking to the page that explains it), budget per year,
budget per township, the largest projects, and the load warnings."""

import streamlit as st

from dashboard.data import common as common_queries
from dashboard.data import db
from dashboard.data import overview as overview_queries
from dashboard.view import charts, ui
from dashboard.view.filters import current_filters
from dashboard.view.formatting import (
    fmt_count_short,
    fmt_int,
    fmt_money_short,
    fmt_pct,
    fmt_wan,
    for_display,
)
from dashboard.view.labels import labels

f = current_filters()
scope = ui.year_scope(f)
st.title("预算绩效目标总览")
ui.require_warehouse()
ui.filter_caption()
run = db.run_query

kpis = overview_queries.overview_kpis(run, f)
if kpis["projects"] == 0 and kpis["indicators"] == 0:
    ui.no_data()
    st.stop()

st.subheader(f"{scope}概况", anchor=False)
# a wrapping row of tiles sized to their figures: "2,233.51 万元" and "18,110.60 亿元" both fit
row = st.container(horizontal=True, wrap=True, gap="small")
# tiles show large figures in 万/亿 (a national warehouse has 6-digit counts); the exact
# figure is in the tooltip
budget_help = (
    f"合计 {fmt_wan(kpis['budget_yuan'])}。"
    + (
        f"{fmt_int(kpis['projects_without_budget'])} 个项目未注明预算，未计入合计。"
        if kpis["projects_without_budget"]
        else "全部项目均已注明预算。"
    )
    + ("多个年度的预算相加，请结合下方“各年度预算”查看。" if ui.spans_years(f) else "")
)
for label, value, help_text in (
    (
        "乡镇数",
        fmt_count_short(kpis["townships"]),
        f"范围：{scope}；共 {fmt_int(kpis['townships'])} 个",
    ),
    (
        "项目数",
        fmt_count_short(kpis["projects"]),
        f"范围：{scope}；共 {fmt_int(kpis['projects'])} 个",
    ),
    (f"预算总额（{scope.split('（')[0]}）", fmt_money_short(kpis["budget_yuan"]), budget_help),
    ("绩效指标数", fmt_count_short(kpis["indicators"]), f"共 {fmt_int(kpis['indicators'])} 条"),
    (
        "定量指标占比",
        fmt_pct(kpis["quantitative_pct"]),
        "目标值为数值、百分比或金额的指标占全部指标的比例。",
    ),
):
    row.container(width="content").metric(label, value, border=True, help=help_text)

# --- what needs a look: review outcome, suspect figures, missing budgets
st.subheader("需要关注", anchor=False)
outcome = overview_queries.review_outcome(run, f)
grades = dict(zip(outcome["grade"], outcome["projects"], strict=False))
flagged = overview_queries.flagged_count(run, f)
attention = st.columns(4)
attention[0].metric(
    "审核结果为“差”的项目",
    fmt_count_short(grades.get("差", 0)),
    border=True,
    help="绩效目标审核评为“差”（退回不予安排）的项目数。",
)
attention[1].metric(
    "审核结果为“中”的项目",
    fmt_count_short(grades.get("中", 0)),
    border=True,
    help="绩效目标审核评为“中”（需退回修改）的项目数。",
)
attention[2].metric(
    f"{ui.FLAG} 数字有疑问的项目",
    fmt_count_short(flagged),
    border=True,
    help="导入时发现的数据问题或资金类审核问题（如资金构成不符、疑似万元/元混用）。",
)
attention[3].metric(
    "未注明预算的项目",
    fmt_count_short(kpis["projects_without_budget"]),
    border=True,
    help="文件中没有写明预算数的项目，未计入预算合计。",
)
links = st.columns(4)
links[0].page_link(
    "view/pages/goal_review.py",
    label="查看审核问题",
    icon=":material/fact_check:",
    query_params=ui.filter_params(f),
)
links[2].page_link(
    "view/pages/projects.py",
    label="查看有数据提示的项目",
    icon=":material/warning:",
    query_params=ui.filter_params(f, flagged="true"),
)
links[3].page_link(
    "view/pages/budgets.py",
    label="查看各乡镇预算构成",
    icon=":material/account_balance_wallet:",
    query_params=ui.filter_params(f),
)

palette = ui.palette()
flags = overview_queries.township_flags(run, f)
left, right = st.columns(2, gap="large")


def _budget_table(frame):
    """The 各乡镇预算总额 table, ⚠ flags merged (shown folded, downloaded whole)."""
    marked = frame.merge(flags, on="township", how="left")
    marked["flag"] = [f"{ui.FLAG} {t}" if isinstance(t, str) else "" for t in marked["flag_text"]]
    return for_display(
        marked,
        labels(
            "township",
            "flag",
            "projects",
            "projects_with_budget",
            "budget_yuan",
        ),
        money=("budget_yuan",),
    )


with left:
    budgets = common_queries.budget_by_township(run, f)
    if budgets.empty:
        ui.no_data()
    else:
        if ui.spans_years(f):
            by_year_township = overview_queries.budget_by_township_year(run, f)
            ui.chart(charts.budget_by_township_years_chart(by_year_township, budgets, flags, scope))
        else:
            ui.chart(charts.budget_by_township_chart(budgets, palette, flags=flags, scope=scope))
        ui.folded_caption(budgets, "预算总额", amount="budget_yuan")
        with st.expander("查看数据"):
            ui.table(
                _budget_table(budgets),
                "各乡镇预算总额",
                download=lambda: _budget_table(
                    common_queries.budget_by_township(run, f, limit=None)
                ),
            )
with right:
    by_year = overview_queries.budget_by_year(run, f)
    if by_year.empty:
        ui.no_data()
    else:
        ui.chart(charts.budget_by_year_chart(by_year))
        with st.expander("查看数据"):
            ui.table(
                for_display(
                    by_year,
                    labels(
                        "fiscal_year",
                        "townships",
                        "projects",
                        "projects_with_budget",
                        "budget_yuan",
                    ),
                    money=("budget_yuan",),
                    years=("fiscal_year",),
                ),
                "各年度预算",
            )

st.subheader(f"预算最大的项目 · {scope}", anchor=False)
top = ui.flag_column(
    common_queries.top_projects(run, f, limit=5), common_queries.project_flags(run)
)
if top.empty:
    ui.no_data("当前筛选范围内没有注明预算的项目。")
else:
    ui.top_projects_table(top)

st.subheader("数据加载提示", anchor=False)
WARNINGS_SHOWN = 10
warnings = overview_queries.load_warnings(run, f, limit=WARNINGS_SHOWN)
if warnings.empty:
    st.success("当前范围内的文件导入时没有提示。", icon=":material/check_circle:")
else:
    warning_count = overview_queries.load_warning_count(run, f)
    ui.caption(
        "共 {} 条提示（导入时自动发现的数据问题），下表显示前 {} 条，下载可获取全部。",
        f"{warning_count:,}",
        min(WARNINGS_SHOWN, warning_count),
    )
    warning_columns = labels(
        "township",
        "fiscal_year",
        "project_name",
        "message",
        "source_file",
        "line",
        "code",
        obj="v_load_warning",
    )
    ui.dataframe(for_display(warnings, warning_columns, years=("fiscal_year",)))
    ui.download_buttons(  # every warning, fetched only when a button is clicked
        lambda: for_display(
            overview_queries.load_warnings(run, f), warning_columns, years=("fiscal_year",)
        ),
        "数据加载提示",
    )
