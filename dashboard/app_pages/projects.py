"""项目明细: search projects by any text and show one project as a card."""

import streamlit as st

from dashboard import charts, db, queries, ui
from dashboard.filters import current_filters
from dashboard.formatting import (
    KIND_LABELS,
    fmt_text,
    fmt_wan,
    fmt_year,
    for_display,
)

st.title("项目明细")
ui.require_warehouse()
f = current_filters()
ui.filter_caption()
run = db.run_query

text = st.text_input(
    "搜索项目",
    key="q",
    bind="query-params",
    placeholder="输入项目名称、项目编码、绩效目标、指标名称或描述中的任意文字",
    icon=":material/search:",
)
results = queries.search_projects(run, f, text or "")
if results.empty:
    ui.no_data(f"没有找到包含“{text}”的项目。" if text else None)
    st.stop()

st.caption(f"找到 {len(results)} 个项目" + (f"（关键词：{text}）" if text else ""))
with st.expander("项目列表", expanded=bool(text)):
    ui.table(
        for_display(
            results,
            {
                "township": "乡镇",
                "fiscal_year": "年度",
                "project_name": "项目名称",
                "project_code": "项目编码",
                "category": "项目类别",
                "budget_total_yuan": "预算总额（万元）",
                "matched_in": "匹配位置",
                "source_file": "来源文件",
                "source_line": "行号",
            },
            money=("budget_total_yuan",),
            years=("fiscal_year",),
        ),
        "项目列表",
        height=300,
    )

# Bound selectboxes keep the displayed label in the URL: use readable, unique labels.
labels: dict[str, str] = {}
for row in results.itertuples():
    label = f"{row.project_name} · {row.township} · {fmt_year(row.fiscal_year)}"
    if label in labels:
        label = f"{label} · {fmt_text(row.project_code)} · 第{row.source_line}行"
    labels[label] = row.project_key
choice = st.selectbox("选择项目", list(labels), key="project", bind="query-params")
key = labels.get(choice) if choice else None
card = queries.project_card(run, key) if key else None
if card is None or card.empty:
    st.info("请选择一个项目。", icon=":material/info:")
    st.stop()
p = card.iloc[0]

with st.container(border=True):
    st.subheader(p["project_name"])
    geography = "".join(
        fmt_text(p[c]) for c in ("province", "city", "county") if fmt_text(p[c]) != "—"
    )
    unit_code = fmt_text(p["unit_code"])
    unit_line = fmt_text(p["unit_name"]) + (f"（{unit_code}）" if unit_code != "—" else "")
    township_line = fmt_text(p["township"]) + (f"（{geography}）" if geography else "")
    st.markdown(
        "  \n".join(
            [
                f"**单位：** {unit_line}",
                f"**乡镇：** {township_line}",
                f"**预算年度：** {fmt_year(p['fiscal_year'])}　**项目编码：** {fmt_text(p['project_code'])}"
                f"　**项目类别：** {fmt_text(p['project_category'])}",
            ]
        )
    )
    money = st.columns(3)
    money[0].metric("预算总额", fmt_wan(p["budget_total_yuan"]))
    money[1].metric("其中：财政资金", fmt_wan(p["fiscal_funds_yuan"]))
    money[2].metric("其他资金", fmt_wan(p["other_funds_yuan"]))

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("**资金用途**")
        st.write(fmt_text(p["purpose"]))
        st.markdown("**绩效目标**")
        goals = [g.strip() for g in str(p["goals"] or "").splitlines() if g.strip()]
        if goals:
            st.markdown("\n".join(f"- {g}" for g in goals))
        else:
            st.write("—")
    with right:
        plan = [p[c] for c in ("plan_q1_pct", "plan_q2_pct", "plan_q3_pct", "plan_q4_pct")]
        if all(v is None or v != v for v in plan):  # NaN != NaN
            st.markdown("**资金支出计划**")
            st.write("文件未填写资金支出计划。")
        else:
            ui.chart(charts.project_plan_chart(plan))

    st.markdown("**绩效指标**")
    indicators = queries.project_indicators(run, key)
    if indicators.empty:
        st.write("该项目没有绩效指标。")
    else:
        indicators["kind"] = [KIND_LABELS.get(k, k) for k in indicators["target_kind"]]
        columns = {
            "level1": "一级指标",
            "level2": "二级指标",
            "indicator_name": "三级指标",
            "description": "指标描述",
            "target_raw": "指标值",
            "kind": "类型",
            "basis": "确定依据",
            "weight": "权重",
            "source_line": "行号",
        }
        if indicators["weight"].isna().all():  # most layouts print no weights
            columns.pop("weight")
        ui.table(
            for_display(indicators, columns),
            f"{p['project_name']}_绩效指标",
            key="project_indicators",
        )
    st.caption(f"来源：{fmt_text(p['source_file'])} 第 {fmt_text(p['source_line'])} 行")
