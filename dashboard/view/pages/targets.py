"""目标值对比: numeric targets of one indicator family across townships, kinds, outliers."""

import streamlit as st

from dashboard.data import db
from dashboard.data import targets as targets_queries
from dashboard.view import charts, ui
from dashboard.view.filters import current_filters
from dashboard.view.formatting import for_display
from dashboard.view.labels import labels

st.title("目标值对比")
ui.require_warehouse()
f = current_filters()
ui.filter_caption()
run = db.run_query

families = targets_queries.indicator_families(run, f)
numeric = families.loc[families["numeric"] > 0]
if families.empty:
    ui.no_data()
    st.stop()

counts = dict(zip(numeric["family"], numeric["numeric"], strict=True))
pick, pick_unit = st.columns([2, 1])
family = None
if counts:
    # Bound selectboxes store the displayed label in the URL, so labels stay plain names.
    family = pick.selectbox(
        "指标族",
        list(counts),
        key="family",
        bind="query-params",
        help="按指标名称归类的可比较指标，例如满意度、完成率等。",
    )
if family is None:
    st.info("当前筛选范围内没有可比较的数值型目标值。", icon=":material/info:")
else:
    units = targets_queries.family_units(run, f, family)
    unit_counts = dict(zip(units["unit"], units["targets"], strict=True))
    unit = pick_unit.selectbox(
        "计量单位",
        list(unit_counts),
        key="unit",
        format_func=lambda u: f"{u}（{unit_counts[u]:,} 条）",
        help="不同单位的目标值不能直接比较，请选择一种单位。",
    )
    ui.caption(
        "“{}”共有 {} 条数值型目标值（{}）。", family, f"{counts[family]:,}", ui.year_scope(f)
    )
    targets = targets_queries.family_targets(run, f, family, unit)
    if targets.empty:
        ui.no_data()
    else:
        box = targets_queries.family_target_box(run, f, family, unit)
        ui.chart(charts.target_strip_chart(targets, ui.palette(), family, unit, box))
        sampled = charts.sampled_note(targets, box)
        with st.expander("查看抽样目标值" if sampled else "查看全部目标值"):
            if sampled:
                st.caption(f"目标值较多，下表为图中显示的 {len(targets):,} 条抽样。")
            ui.table(
                for_display(
                    targets,
                    labels(
                        "township",
                        "fiscal_year",
                        "project_name",
                        "indicator_name",
                        "target_raw",
                        "target_value",
                        "target_unit",
                        "source_file",
                        "source_line",
                    ),
                    years=("fiscal_year",),
                ),
                f"{family}目标值",
            )

    st.subheader("需要关注的目标值")
    outliers = targets_queries.target_outliers(run, f, family)
    if outliers.empty:
        st.success(
            f"“{ui.safe_md(family)}”类目标值中没有发现明显异常。", icon=":material/check_circle:"
        )
    else:
        st.caption(
            "规则：满意度、完成率类用小数书写（如 0.9）；百分比超过 100%；"
            "明显偏离同单位目标值的中位数。" + targets_queries.outlier_note(outliers)
        )
        ui.table(
            for_display(
                outliers,
                labels(
                    "reason",
                    "township",
                    "fiscal_year",
                    "project_name",
                    "indicator_name",
                    "target_raw",
                    "target_value",
                    "target_unit",
                    "group_median",
                    "source_file",
                    "source_line",
                ),
                years=("fiscal_year",),
            ),
            f"{family}异常目标值",
        )

left, right = st.columns(2, gap="large")
with left:
    st.subheader(f"目标值类型构成 · {ui.year_scope(f)}", anchor=False)
    kinds = targets_queries.kind_mix(run, f)
    ui.chart(charts.kind_mix_chart(kinds))
    ui.folded_caption(kinds, "指标数")
    kind_columns = labels(
        "township",
        "kind",
        "indicators",
        "share_pct",
    )
    with st.expander("查看数据"):
        ui.table(
            for_display(kinds, kind_columns),
            "目标值类型构成",
            download=lambda: for_display(
                targets_queries.kind_mix(run, f, limit=None), kind_columns
            ),
        )
with right:
    scope = family or "全部指标"
    st.subheader("最常见的目标值")
    ui.caption("范围：{}", scope)
    common = targets_queries.common_targets(run, f, family)
    if common.empty:
        ui.no_data()
    else:
        ui.chart(charts.common_targets_chart(common))
        with st.expander("查看数据"):
            ui.table(
                for_display(
                    common,
                    labels(
                        "target",
                        "kind",
                        "indicators",
                        "townships",
                    ),
                ),
                "最常见的目标值",
            )
