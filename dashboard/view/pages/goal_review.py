"""目标审核: the reviewer's worklist. Projects in the order to send them back, each finding
with the source text it is about and a link to the project card, and the whole review as an
Excel workbook (one sheet per unit) to annotate and return. Data text is shown only in
dataframes, never as markdown."""

import streamlit as st

from dashboard.data import db, review_workbook
from dashboard.data import goal_review as review_queries
from dashboard.view import review_charts, ui
from dashboard.view.filters import current_filters
from dashboard.view.formatting import YUAN_PER_WAN
from dashboard.view.labels import label, labels

st.title("目标审核")
ui.require_warehouse()
f = current_filters()
ui.filter_caption()
run = db.run_query
st.caption(
    "按完整性、相关性、适当性、可行性四个维度逐项目审核绩效目标：优（直接纳入预算）、"
    "良（沟通后修改）、中（退回修改）、差（不予通过）。规则与评级办法见 docs/goal_review.md，"
    "阈值可在 data/review_rules.toml 中调整后重新导入。"
)

counts = review_queries.grade_counts(run, f)
total = sum(counts.values())
if not total:
    ui.no_data()
    st.stop()

# --- headline numbers
columns = st.columns(5)
columns[0].metric("项目数", f"{total:,}")
for column, grade in zip(columns[1:], review_charts.GRADES, strict=True):
    column.metric(f"评为“{grade}”", f"{counts.get(grade, 0):,}")


# --- the workbook for the whole selection (one sheet per unit: bounded)
# how to narrow a selection too large for a download (the page filters by year and township)
narrow = "减少所选的年度或乡镇" if f.years or f.townships else "选择年度或乡镇"


def _workbook() -> bytes:
    projects = review_queries.worklist(run, f)
    found = review_queries.findings(run, projects["project_key"].tolist())
    return review_workbook.build(projects, found, f.describe())


if total <= review_queries.WORKBOOK_PROJECTS:
    st.download_button(
        "下载审核工作簿（Excel，每个单位一张工作表，可填写审核意见后返回）",
        data=_workbook,
        file_name="绩效目标审核工作清单.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
        key="review_workbook",
    )
else:
    st.info(
        f"当前范围有 {total:,} 个项目。审核工作簿（每个单位一张工作表）限 "
        f"{review_queries.WORKBOOK_PROJECTS:,} 个项目以内，请在侧栏{narrow}以缩小范围；"
        "下方退回顺序表可整表下载。"
    )


# --- worklist
st.subheader("退回优先顺序")
chosen = st.multiselect(
    "审核等级",
    review_charts.GRADES,
    default=["差", "中"],
    key="review_grades",
    placeholder="全部等级",
)
grades = tuple(chosen)
shown = review_queries.worklist(run, f, grades=grades, limit=review_queries.WORKLIST_ROWS)
matching = sum(counts.get(g, 0) for g in grades) if grades else total
whole_list = matching <= review_queries.DOWNLOAD_PROJECTS  # else: the shown rows only
if matching > len(shown):
    st.caption(
        f"共 {matching:,} 个项目，按退回顺序列出前 {len(shown):,} 个；"
        + (
            "完整顺序表请用下方按钮下载。"
            if whole_list
            else f"超过 {review_queries.DOWNLOAD_PROJECTS:,} 个项目时下载文件只含列出的项目，"
            f"请{narrow}后下载完整顺序表。"
        )
    )
table = shown.assign(budget_wan=shown["budget_total_yuan"] / YUAN_PER_WAN)[
    [
        "rank",
        "grade",
        "score",
        "serious",
        "normal",
        "remarks",
        "township",
        "unit_name",
        "project_name",
        "budget_wan",
        "card",
    ]
]
st.dataframe(
    table,
    hide_index=True,
    height=420,
    column_config=labels("grade", "township", "unit_name", "project_name")
    | review_charts.SEVERITY_HEADERS
    | {
        "rank": st.column_config.NumberColumn(label("rank"), format="%d"),
        "score": st.column_config.NumberColumn(label("score"), format="%.1f"),
        "budget_wan": st.column_config.NumberColumn(label("budget_wan"), format="%,.2f"),
        "card": st.column_config.LinkColumn(label("card"), display_text="打开项目明细"),
    },
)
ui.download_buttons(
    lambda: review_charts.for_table(
        review_queries.worklist(run, f, grades=grades) if whole_list else shown,
        review_charts.PROJECT_COLUMNS,
    ),
    "目标审核_退回顺序",
)

# --- one project's findings with their source text
limit = review_queries.DETAIL_PROJECTS
top = shown.head(limit)
st.subheader("逐项目问题与原文")
st.caption(f"按退回顺序列出前 {min(limit, len(top))} 个项目；完整清单请下载审核工作簿。")
details = review_queries.findings(run, top["project_key"].tolist())
for row in top.itertuples():
    heading = review_queries.md_escape(
        f"{row.rank}. 【{row.grade}】{row.project_name}（{row.township}，{row.findings} 个问题）"
    )
    with st.expander(heading):
        st.link_button("打开项目明细卡片", row.card, icon=":material/open_in_new:")
        rows = details[details["project_key"] == row.project_key] if len(details) else details
        if rows.empty:
            st.text("未发现问题。")
            continue
        st.dataframe(
            rows[["severity", "rule_title", "message", "source_text", "hint", "source_line"]],
            hide_index=True,
            column_config=labels("severity", "rule_title")
            | {
                "message": st.column_config.TextColumn(label("message"), width="large"),
                "source_text": st.column_config.TextColumn(label("source_text"), width="medium"),
                "hint": st.column_config.TextColumn(label("hint"), width="large"),
                "source_line": st.column_config.NumberColumn(label("source_line"), format="%d"),
            },
        )

# --- overview charts
st.subheader("各乡镇审核等级分布")
by_township = review_charts.grade_by_township(run, f)
ui.chart(review_charts.grade_distribution_chart(by_township))
ui.folded_caption(by_township, "项目数")

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
                labels(
                    "title",
                    "severity",
                    "findings",
                    "projects",
                ),
            ),
            "最常见的问题",
        )

st.subheader("全部问题清单")
shown_rows = review_charts.FINDING_ROWS
findings = review_charts.finding_list(run, f, chosen or None, limit=shown_rows + 1)
all_findings = matching <= review_queries.WORKBOOK_PROJECTS  # else: the shown rows only
if len(findings) > shown_rows:
    st.caption(
        f"按退回顺序列出前 {shown_rows:,} 条；"
        + (
            "完整清单请用下方按钮下载。"
            if all_findings
            else f"超过 {review_queries.WORKBOOK_PROJECTS:,} 个项目时下载文件只含列出的问题，"
            f"请{narrow}后下载完整清单。"
        )
    )
shown_findings = review_charts.for_table(findings.head(shown_rows), review_charts.FINDING_COLUMNS)
ui.table(
    shown_findings,
    "目标审核问题清单",
    key="review_findings",
    download=lambda: (
        review_charts.for_table(
            review_charts.finding_list(run, f, chosen or None), review_charts.FINDING_COLUMNS
        )
        if all_findings
        else shown_findings
    ),
)
