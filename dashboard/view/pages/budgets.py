"""预算对比: category split per township, largest projects, distribution, spending plans."""

import streamlit as st

from dashboard.data import budgets as budgets_queries
from dashboard.data import common as common_queries
from dashboard.data import db
from dashboard.data.township_fold import folded_count
from dashboard.view import charts, ui
from dashboard.view.filters import current_filters, filter_options
from dashboard.view.formatting import for_display
from dashboard.view.labels import labels

st.title("预算对比")
ui.require_warehouse()
f = current_filters()
ui.filter_caption()
run = db.run_query
palette = ui.palette()
scope = ui.year_scope(f)

# --- budget by township and category
st.subheader(f"各乡镇预算构成 · {scope}", anchor=False)
by_category = budgets_queries.budget_by_category(run, f)
townships = common_queries.budget_by_township(run, f, limit=None)  # every name, for captions
if by_category.empty:
    ui.no_data("当前筛选范围内没有注明预算的项目。" if not townships.empty else None)
else:
    mode = st.segmented_control(
        "显示方式",
        ["金额", "占比"],
        default="金额",
        required=True,
        key="budget_mode",
        bind="query-params",
    )
    ui.chart(
        charts.budget_by_category_chart(
            by_category,
            "share" if mode == "占比" else "amount",
            categories=filter_options()["categories"],
        )
    )
    ui.folded_caption(by_category, "预算总额", amount=None if mode == "占比" else "budget_yuan")
    unbudgeted = townships.loc[townships["projects_with_budget"] == 0, "township"].tolist()
    if unbudgeted:
        ui.caption("{} 的项目均未注明预算，未在图中显示。", ui.name_list(unbudgeted))
    category_columns = labels(
        "township",
        "category",
        "projects",
        "budget_yuan",
        "share_pct",
    )
    with st.expander("查看数据"):
        ui.table(
            for_display(by_category, category_columns, money=("budget_yuan",)),
            "各乡镇预算类别构成",
            download=lambda: for_display(
                budgets_queries.budget_by_category(run, f, limit=None),
                category_columns,
                money=("budget_yuan",),
            ),
        )

# --- largest projects
st.subheader(f"预算最大的项目 · {scope}", anchor=False)
limit = st.slider("显示项目数", min_value=5, max_value=30, value=10, step=5, key="top_n")
top = ui.flag_column(
    common_queries.top_projects(run, f, limit=limit), common_queries.project_flags(run)
)
if top.empty:
    ui.no_data("当前筛选范围内没有注明预算的项目。")
else:
    ui.chart(charts.top_projects_chart(top, palette))
    ui.top_projects_table(top, detail=True)

# --- distribution and spending plans side by side
left, right = st.columns(2, gap="large")
with left:
    st.subheader(f"项目预算分布 · {scope}", anchor=False)
    budgets = budgets_queries.project_budgets(run, f)
    if budgets.empty:
        ui.no_data("当前筛选范围内没有注明预算的项目。")
    else:
        ui.chart(
            charts.budget_distribution_chart(
                budgets, palette, budgets_queries.project_budget_box(run, f)
            )
        )
        with st.expander("查看数据"):
            ui.table(
                for_display(
                    budgets,
                    labels(
                        "township",
                        "project_name",
                        "category",
                        "fiscal_year",
                        "budget_total_yuan",
                    ),
                    money=("budget_total_yuan",),
                    years=("fiscal_year",),
                ),
                "项目预算分布",
            )
with right:
    st.subheader(f"资金支出计划 · {scope}", anchor=False)
    plan = budgets_queries.spending_plan(run, f)
    if plan.empty:
        ui.no_data("当前筛选范围内的项目没有填写资金支出计划。")
    else:
        ui.chart(charts.spending_plan_chart(plan, palette))
        ui.folded_caption(plan, "填写计划的项目数")
        planned = plan["township"].nunique() - (1 if folded_count(plan) else 0) + folded_count(plan)
        if planned < len(townships):  # names needed: the folded frame does not list them
            whole = budgets_queries.spending_plan(run, f, limit=None)
            missing = sorted(set(townships["township"]) - set(whole["township"]))
            ui.caption("{} 的项目未填写资金支出计划。", ui.name_list(missing))
        plan_columns = labels(
            "township",
            "checkpoint",
            "avg_pct",
            "projects",
        )
        with st.expander("查看数据"):
            ui.table(
                for_display(plan, plan_columns),
                "资金支出计划",
                download=lambda: for_display(
                    budgets_queries.spending_plan(run, f, limit=None), plan_columns
                ),
            )
