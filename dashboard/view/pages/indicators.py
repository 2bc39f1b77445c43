"""指标结构: level-1/level-2 mix per township, level-2 coverage heatmap, indicators per project."""

import streamlit as st

from dashboard.data import db
from dashboard.data import indicators as indicators_queries
from dashboard.view import charts, ui
from dashboard.view.filters import current_filters
from dashboard.view.formatting import for_display
from dashboard.view.labels import labels

st.title("指标结构")
ui.require_warehouse()
f = current_filters()
ui.filter_caption()
run = db.run_query

level1 = indicators_queries.level_mix(run, f, "level1")
if level1.empty:
    ui.no_data()
    st.stop()
level2 = indicators_queries.level_mix(run, f, "level2")
mix_columns = labels(
    "township",
    "level",
    "indicators",
    "share_pct",
)

left, right = st.columns(2, gap="large")
for column, frame, level, name in (
    (left, level1, "level1", "一级指标构成"),
    (right, level2, "level2", "二级指标构成"),
):
    with column:
        ui.chart(charts.level_mix_chart(frame, level))
        ui.folded_caption(frame, "指标数")
        with st.expander("查看数据"):
            ui.table(
                for_display(frame, mix_columns),
                name,
                download=lambda level=level: for_display(
                    indicators_queries.level_mix(run, f, level, limit=None), mix_columns
                ),
            )

st.subheader(f"二级指标覆盖情况 · {ui.year_scope(f)}", anchor=False)
coverage = indicators_queries.level2_coverage(run, f)
if coverage.empty:
    ui.no_data("当前筛选范围内没有项目级指标。")
else:
    ui.chart(charts.coverage_heatmap(coverage))
    ui.folded_caption(coverage, "项目数")
    coverage_columns = labels(
        "township",
        "level2",
        "projects_with",
        "projects",
        "share_pct",
    )
    with st.expander("查看数据"):
        ui.table(
            for_display(coverage, coverage_columns),
            "二级指标覆盖率",
            download=lambda: for_display(
                indicators_queries.level2_coverage(run, f, limit=None), coverage_columns
            ),
        )

st.subheader(f"每个项目的指标数量 · {ui.year_scope(f)}", anchor=False)
per_project = indicators_queries.indicators_per_project(run, f)
if per_project.empty:
    ui.no_data()
else:
    per_project_box = indicators_queries.indicators_per_project_box(run, f)
    ui.chart(charts.indicators_per_project_chart(per_project, ui.palette(), per_project_box))
    no_indicator = int(per_project_box["zeros"].sum())
    if no_indicator:
        st.caption(f"{no_indicator} 个项目没有任何绩效指标。")
    ui.table(
        for_display(
            per_project,
            labels(
                "township",
                "fiscal_year",
                "project_name",
                "category",
                "indicator_count",
            ),
            years=("fiscal_year",),
        ),
        "各项目指标数量",
        height=320,
    )
