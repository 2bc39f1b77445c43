"""项目明细: search projects by several words and show one project as a card.

Every text from a document goes through ``ui.safe_md`` or into a dataframe / code block,
never into markdown as it is. ``?pid=<project key>`` opens a card (links from other pages).
"""

import streamlit as st

from dashboard.data import common as common_queries
from dashboard.data import db
from dashboard.data import history as history_queries
from dashboard.data import projects as projects_queries
from dashboard.data.history import has_history
from dashboard.view import ui
from dashboard.view.filters import current_filters
from dashboard.view.formatting import (
    HORIZON_LABELS,
    KIND_LABELS,
    fmt_text,
    fmt_wan,
    fmt_year,
    for_display,
)
from dashboard.view.labels import label, labels

st.title("项目明细")
ui.require_warehouse()
f = current_filters()
ui.filter_caption()
run = db.run_query

text = st.text_input(
    "搜索项目",
    key="q",
    bind="query-params",
    placeholder="输入一个或几个词（空格分隔，须同时出现），在项目名称、编码、绩效目标、资金用途和指标中查找",
    icon=":material/search:",
)
flagged_only = st.toggle(
    "只看有数据提示（⚠）的项目", key="flagged", bind="query-params", value=False
)
results = projects_queries.search_projects(run, f, text or "")
flags = common_queries.project_flags(run)
results = ui.flag_column(results, flags)
if flagged_only:
    results = results[results["flag"] != ""]

pid = st.query_params.get("pid")
card_key: str | None = None
if pid:
    if projects_queries.project_card(run, pid).empty:
        st.warning("链接中的项目在数据仓库中不存在，已忽略。", icon=":material/link_off:")
    else:
        card_key = pid

if results.empty and card_key is None:
    if text:
        ui.info("没有找到同时包含“{}”的项目。", text, icon=":material/filter_alt:")
    else:
        ui.no_data()
    st.stop()

words = projects_queries.search_words(text or "")
if words:
    ui.caption("找到 {} 个项目（同时包含：{}）", len(results), "、".join(words))
else:
    ui.caption("共 {} 个项目", len(results))

if not results.empty:
    st.caption(
        "点选表格中的一行即可打开项目卡片；【】内为匹配的文字，⚠ 表示该项目的数字有数据提示。"
    )
    shown = for_display(
        results,
        labels(
            "project_name",
            "flag",
            "township",
            "fiscal_year",
            "budget_total_yuan",
            "snippet",
            "matched_in",
            "category",
            "project_code",
            "source_file",
            "source_line",
        ),
        money=("budget_total_yuan",),
        years=("fiscal_year",),
    )
    if not words:
        shown = shown.drop(columns=["匹配内容", "匹配位置"])
    picked = st.dataframe(
        shown,
        hide_index=True,
        height=min(320, 38 + 35 * len(shown)),
        on_select="rerun",
        selection_mode="single-row",
        key="project_table",
        column_config={
            "项目名称": st.column_config.TextColumn(width="medium"),
            "数据提示": st.column_config.TextColumn(width="small"),
            "预算总额（万元）": st.column_config.NumberColumn(format="%,.2f"),
        },
        placeholder="—",
    )
    ui.download_buttons(shown, "项目列表")
    rows = picked.selection.rows if picked and picked.selection else []
    if rows:
        card_key = str(results.iloc[rows[0]]["project_key"])
    elif card_key is None:
        card_key = str(results.iloc[0]["project_key"])

card = projects_queries.project_card(run, card_key) if card_key else None
if card is None or card.empty:
    st.info("请选择一个项目。", icon=":material/info:")
    st.stop()
p = card.iloc[0]
key = str(p["project_key"])
flag_text = dict(zip(flags["project_key"].astype(str), flags["flag_text"], strict=False)).get(key)

with st.container(border=True):
    st.subheader(ui.safe_md(p["project_name"]), anchor=False)
    geography = "".join(
        fmt_text(p[c]) for c in ("province", "city", "county") if fmt_text(p[c]) != "—"
    )
    unit_code = fmt_text(p["unit_code"])
    unit_line = fmt_text(p["unit_name"]) + (f"（{unit_code}）" if unit_code != "—" else "")
    township_line = fmt_text(p["township"]) + (f"（{geography}）" if geography else "")
    st.markdown(
        "  \n".join(
            [
                f"**单位：** {ui.safe_md(unit_line)}",
                f"**乡镇：** {ui.safe_md(township_line)}",
                f"**预算年度：** {fmt_year(p['fiscal_year'])}　"
                f"**项目编码：** {ui.safe_md(fmt_text(p['project_code']))}　"
                f"**项目类别：** {ui.safe_md(fmt_text(p['project_category']))}",
            ]
        )
    )
    if flag_text:
        st.warning(f"{ui.FLAG} 数据提示：{ui.safe_md(flag_text)}", icon=":material/warning:")
    money = st.columns(3)
    mark = f"{ui.FLAG} " if flag_text else ""
    money[0].metric("预算总额", mark + fmt_wan(p["budget_total_yuan"]), help=flag_text or None)
    money[1].metric("其中：财政资金", fmt_wan(p["fiscal_funds_yuan"]))
    money[2].metric("其他资金", fmt_wan(p["other_funds_yuan"]))

    review = projects_queries.project_review(run, key)
    if not review.empty:
        grade = review["grade"].iloc[0]
        findings = review[review["rule_id"].notna()]
        st.markdown(
            f"**目标审核等级：** {ui.safe_md(fmt_text(grade))}　"
            f"（{len(findings)} 条问题{'，见下表' if len(findings) else ''}）"
        )
        if len(findings):
            ui.dataframe(
                for_display(
                    findings,
                    labels(
                        "rule_id",
                        "severity",
                        "message",
                        "hint",
                        "source_line",
                    ),
                )
            )

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("**资金用途**")
        st.text(fmt_text(p["purpose"]))
        st.markdown("**绩效目标**")
        goals = [g.strip() for g in str(p["goals"] or "").splitlines() if g.strip()]
        st.text("\n".join(f"· {g}" for g in goals) if goals else "—")
    with right:
        from dashboard.view import charts

        plan = [p[c] for c in ("plan_q1_pct", "plan_q2_pct", "plan_q3_pct", "plan_q4_pct")]
        if all(v is None or v != v for v in plan):  # NaN != NaN
            st.markdown("**资金支出计划**")
            st.text("文件未填写资金支出计划。")
        else:
            ui.chart(charts.project_plan_chart(plan))

    st.markdown("**绩效指标**")
    indicators = projects_queries.project_indicators(run, key)
    if indicators.empty:
        st.text("该项目没有绩效指标。")
    else:
        indicators["kind"] = [KIND_LABELS.get(k, k) for k in indicators["target_kind"]]
        indicators["horizon_label"] = [HORIZON_LABELS.get(h, h) for h in indicators["horizon"]]
        columns = labels(
            "level1",
            "level2",
            "indicator_name",
            "place",
            "horizon_label",
            "target_raw",
            "kind",
            "description",
            "basis",
            "weight",
            "source_line",
        )
        if indicators["weight"].isna().all():  # most layouts print no weights
            columns.pop("weight")
        if indicators["place"].isna().all():  # per-place targets only (F4, F5)
            columns.pop("place")
        if (indicators["horizon"] == "annual").all():  # long-term rows only in F7-like tables
            columns.pop("horizon_label")
        table = for_display(indicators, columns)
        st.dataframe(
            table,
            hide_index=True,
            placeholder="—",
            column_config={
                label("level1"): st.column_config.TextColumn(width="small"),
                label("level2"): st.column_config.TextColumn(width="small"),
                label("indicator_name"): st.column_config.TextColumn(width="medium"),
                label("target_raw"): st.column_config.TextColumn(width="medium"),
                label("description"): st.column_config.TextColumn(width="medium"),
            },
        )
        ui.download_buttons(table, f"{p['project_name']}_绩效指标", key="project_indicators")

    if has_history(run):
        years = history_queries.project_years(run, key)
        if len(years) > 1:
            st.markdown("**历年预算**（同一项目在各年度的记录）")
            ui.dataframe(
                for_display(
                    years,
                    labels(
                        "fiscal_year",
                        "project_name",
                        "budget_total_yuan",
                        "change_yuan",
                        "change_pct",
                        "link_method",
                        obj="v_project_history",
                    ),
                    money=("budget_total_yuan", "change_yuan"),
                    years=("fiscal_year",),
                )
            )

    source = projects_queries.project_source_text(run, key)
    with st.expander("查看原文", icon=":material/article:"):
        if source.empty:
            st.text("导入时没有保存该项目的原文（请重新运行导入命令）。")
        else:
            first = int(source["first_line"].iloc[0])
            lines = str(source["text"].iloc[0]).split("\n")
            numbered = "\n".join(
                f"{first + i:>5}  {line}" for i, line in enumerate(lines) if line.strip()
            )
            st.caption("文件中的原文（导入时保存；空行已省略，左侧为行号）")
            st.code(numbered, language=None, wrap_lines=True, height=420)
    ui.caption(
        "来源：{} 第 {} 行",
        fmt_text(p["source_file"]).replace("\\", "/").rsplit("/", 1)[-1],
        fmt_text(p["source_line"]),
    )
