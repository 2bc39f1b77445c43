"""总览: headline tiles, budget by township, indicators by level 1, load warnings."""

import streamlit as st

from dashboard import charts, db, queries, ui
from dashboard.filters import current_filters
from dashboard.formatting import fmt_int, fmt_pct, fmt_wan, for_display

st.title("预算绩效目标总览")
ui.require_warehouse()
f = current_filters()
ui.filter_caption()
run = db.run_query

kpis = queries.overview_kpis(run, f)
if kpis["projects"] == 0 and kpis["indicators"] == 0:
    ui.no_data()
    st.stop()

tiles = st.columns([1, 1, 2, 1, 1.2])  # money needs room: "2,233.51 万元"
tiles[0].metric("乡镇数", fmt_int(kpis["townships"]), border=True)
tiles[1].metric("项目数", fmt_int(kpis["projects"]), border=True)
tiles[2].metric(
    "预算总额",
    fmt_wan(kpis["budget_yuan"]),
    border=True,
    help=f"{kpis['projects_without_budget']} 个项目未注明预算，未计入合计。"
    if kpis["projects_without_budget"]
    else "全部项目均已注明预算。",
)
tiles[3].metric("绩效指标数", fmt_int(kpis["indicators"]), border=True)
tiles[4].metric(
    "定量指标占比",
    fmt_pct(kpis["quantitative_pct"]),
    border=True,
    help="目标值为数值、百分比或金额的指标占全部指标的比例。",
)
if kpis["projects_without_budget"]:
    st.caption(
        f"注：{kpis['projects_without_budget']} 个项目未注明预算，预算总额只含已注明的项目。"
    )

palette = ui.palette()
left, right = st.columns(2, gap="large")
with left:
    budgets = queries.budget_by_township(run, f)
    if budgets.empty:
        ui.no_data()
    else:
        ui.chart(charts.budget_by_township_chart(budgets, palette))
        with st.expander("查看数据"):
            ui.table(
                for_display(
                    budgets,
                    {
                        "township": "乡镇",
                        "projects": "项目数",
                        "projects_with_budget": "注明预算的项目数",
                        "budget_yuan": "预算总额（万元）",
                    },
                    money=("budget_yuan",),
                ),
                "各乡镇预算总额",
            )
with right:
    levels = queries.indicators_by_level1(run, f)
    if levels.empty:
        ui.no_data()
    else:
        ui.chart(charts.indicators_by_level1_chart(levels, palette))
        with st.expander("查看数据"):
            ui.table(
                for_display(
                    levels, {"level1": "一级指标", "township": "乡镇", "indicators": "指标数"}
                ),
                "一级指标数量",
            )

st.subheader("数据加载提示")
warnings = queries.load_warnings(run, f)
if warnings.empty:
    st.success("当前范围内的文件导入时没有提示。", icon=":material/check_circle:")
else:
    st.caption(
        f"共 {len(warnings)} 条提示（导入时自动发现的数据问题），下表显示前 10 条，下载可获取全部。"
    )
    shown = for_display(
        warnings,
        {
            "township": "乡镇",
            "fiscal_year": "年度",
            "project_name": "项目",
            "message": "提示",
            "source_file": "来源文件",
            "line": "行号",
            "code": "代码",
        },
        years=("fiscal_year",),
    )
    ui.dataframe(shown.head(10))
    ui.download_buttons(shown, "数据加载提示")
