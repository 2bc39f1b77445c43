"""历年对比: budget trend per township and category, the projects whose budget changed most
against their previous year, and the targets lowered while the budget rose."""

import streamlit as st

from dashboard.data import db
from dashboard.data import history as history_queries
from dashboard.view import charts, ui
from dashboard.view.filters import all_years, current_filters
from dashboard.view.formatting import for_display
from dashboard.view.labels import labels

st.title("历年对比")
ui.require_warehouse()
f = current_filters()
ui.filter_caption()
run = db.run_query

if not history_queries.has_history(run):
    st.info(
        "当前数据仓库没有跨年度视图，请重新运行导入命令（python -m etl load data/）生成。",
        icon=":material/history:",
    )
    st.stop()

years = all_years()
span = f"{years[-1]}–{years[0]}年" if len(years) > 1 else (f"{years[0]}年" if years else "")
st.caption(
    "同一项目在不同年度的记录按单位内的项目编码、名称（含相似名称）关联；"
    "趋势图包含全部年度（不受年度筛选影响），变化表按所选年度与各项目的上一年度比较。"
)
if len(years) < 2:
    st.info("数据仓库中只有一个年度的数据，暂无可比较的年度。", icon=":material/history:")

# --- trends
st.subheader(f"预算趋势（{span}，多个年度）", anchor=False)
by = st.segmented_control(
    "按",
    ["乡镇", "项目类别"],
    default="乡镇",
    required=True,
    key="trend_by",
    bind="query-params",
)
trend_by = "category" if by == "项目类别" else "township"
trend = history_queries.budget_trend(run, f, trend_by)
if trend.empty:
    ui.no_data("当前筛选范围内没有注明年度和预算的项目。")
else:
    palette = ui.palette() if by != "项目类别" else None
    ui.chart(charts.budget_trend_chart(trend, by or "乡镇", palette))
    ui.folded_caption(trend, "历年预算总额", amount="budget_yuan")
    trend_columns = {"grp": by or labels("township")["township"]} | labels(
        "fiscal_year", "projects", "budget_yuan"
    )
    with st.expander("查看数据"):
        ui.table(
            for_display(trend, trend_columns, money=("budget_yuan",), years=("fiscal_year",)),
            f"预算趋势_按{by}",
            download=lambda: for_display(
                history_queries.budget_trend(run, f, trend_by, limit=None),
                trend_columns,
                money=("budget_yuan",),
                years=("fiscal_year",),
            ),
        )

# --- largest changes
scope = ui.year_scope(f)
st.subheader(f"预算变化最大的项目 · {scope}", anchor=False)
st.caption("与各项目的上一年度相比")
changes = history_queries.largest_changes(run, f, limit=15)
if changes.empty:
    ui.no_data("所选年度中没有能与上一年度比较的项目。")
else:
    ui.chart(charts.budget_change_chart(changes))
    changes["card"] = ui.card_links(changes["project_key"])
    ui.table(
        for_display(
            changes,
            labels(
                "project_name",
                "township",
                "prev_fiscal_year",
                "fiscal_year",
                "prev_budget_yuan",
                "budget_total_yuan",
                "change_yuan",
                "change_pct",
                "category",
                "link_method",
                "card",
                obj="v_project_history",
            ),
            money=("prev_budget_yuan", "budget_total_yuan", "change_yuan"),
            years=("fiscal_year", "prev_fiscal_year"),
        ),
        "预算变化最大的项目",
    )

# --- targets
left, right = st.container(), st.container()
with left:
    st.subheader("目标值变化", anchor=False)
    st.caption(f"{scope}，与各项目的上一年度相比")
    counts = history_queries.change_counts(run, f)
    if counts.empty:
        ui.no_data("所选年度中没有能与上一年度比较的指标。")
    else:
        ui.chart(charts.target_change_chart(counts))
        st.caption(
            "“提高/降低”按指标方向判断：正向指标数值变大、反向指标（≤）数值变小、时限提前为提高。"
        )
with right:
    st.subheader("预算增加但目标降低", anchor=False)
    lowered = history_queries.lowered_targets_budget_rose(run, f)
    if lowered.empty:
        st.success("所选范围内没有预算增加而目标降低的指标。", icon=":material/check_circle:")
    else:
        lowered["card"] = ui.card_links(lowered["project_key"])
        ui.table(
            for_display(
                lowered,
                labels(
                    "project_name",
                    "indicator_name",
                    "prev_target_raw",
                    "target_raw",
                    "budget_change_yuan",
                    "township",
                    "fiscal_year",
                    "card",
                    obj="v_target_change",
                ),
                money=("budget_change_yuan",),
                years=("fiscal_year",),
            ),
            "预算增加但目标降低的指标",
            height=420,
        )
