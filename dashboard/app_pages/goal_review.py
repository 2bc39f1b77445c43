"""目标审核: grade distribution per township, most frequent findings, and every project's
findings with its fix hint, from the warehouse view v_goal_review."""

import pandas as pd
import streamlit as st

from dashboard import db, review_charts, ui
from dashboard.filters import current_filters

st.title("目标审核")
ui.require_warehouse()
f = current_filters()
ui.filter_caption()
run = db.run_query
st.caption(
    "按 20 条审核规则逐项目检查绩效目标：优（直接纳入预算）、良（沟通后修改）、"
    "中（退回修改）、差（不予通过）。规则与评级办法见 docs/goal_review.md，"
    "阈值可在 data/review_rules.toml 中调整后重新导入。"
)

projects = review_charts.project_grades(run, f)
if projects.empty:
    ui.no_data()
    st.stop()

# --- headline numbers
counts = projects["grade"].value_counts()
columns = st.columns(5)
columns[0].metric("项目数", len(projects))
for column, grade in zip(columns[1:], review_charts.GRADES, strict=True):
    column.metric(f"评为“{grade}”", int(counts.get(grade, 0)))

# --- grade distribution per township
st.subheader("各乡镇审核等级分布")
by_township = review_charts.grade_by_township(run, f)
ui.chart(review_charts.grade_distribution_chart(by_township))
with st.expander("查看数据"):
    table = by_township.pivot_table(
        index="township", columns="grade", values="projects", aggfunc="sum", fill_value=0
    )
    table = table.reindex(columns=[g for g in review_charts.GRADES if g in table.columns])
    ui.table(table.reset_index().rename(columns={"township": "乡镇"}), "各乡镇审核等级分布")

# --- most frequent findings
st.subheader("最常见的问题")
frequent = review_charts.frequent_findings(run, f)
if frequent.empty:
    st.success("当前范围内的项目没有发现问题。")
else:
    ui.chart(review_charts.frequent_findings_chart(frequent))
    with st.expander("查看数据"):
        ui.table(
            review_charts.for_table(
                frequent,
                {
                    "title": "审核规则",
                    "severity": "严重程度",
                    "findings": "问题条数",
                    "projects": "涉及项目数",
                },
            ),
            "最常见的问题",
        )

# --- per-project list
st.subheader("项目审核结果")
chosen = st.multiselect(
    "审核等级",
    review_charts.GRADES,
    default=["中", "差"],
    key="review_grades",
    placeholder="全部等级",
)
shown = projects if not chosen else projects[projects["grade"].isin(chosen)]
ui.table(
    review_charts.for_table(shown, review_charts.PROJECT_COLUMNS),
    "项目审核等级",
    key="review_projects",
)

st.subheader("问题清单与修改建议")
findings = review_charts.finding_list(run, f, chosen or None)
ui.table(
    review_charts.for_table(findings, review_charts.FINDING_COLUMNS),
    "目标审核问题清单",
    key="review_findings",
)

limit = 30
st.caption(f"逐项目查看（最多显示 {limit} 个项目，完整清单请下载上表）：")
for _, project in shown.head(limit).iterrows():
    rows = findings[findings["project_key"] == project["project_key"]]
    title = (
        f"【{project['grade']}】{project['project_name']}（{project['township']}，"
        f"{project['findings']} 个问题）"
    )
    with st.expander(title):
        issues = rows[rows["rule_id"].notna()]
        if issues.empty:
            st.write("未发现问题。")
        for _, item in issues.iterrows():
            line = f"（第{int(item['source_line'])}行）" if pd.notna(item["source_line"]) else ""
            st.markdown(
                f"**[{item['severity']}] {item['rule_title']}** {line}  \n"
                f"{item['message']}  \n建议：{item['hint']}"
            )
