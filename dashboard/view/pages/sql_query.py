"""SQL 查询 page: guarded read-only SQL for analysts. Logic lives in sql_page_logic/warehouse."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.data.exports import to_csv_bytes, to_xlsx_bytes
from dashboard.data.sql_query import (
    LOAD_COMMAND,
    add_to_history,
    db_fingerprint,
    display_table,
    error_line,
    escape_markdown,
    history_entry,
    history_frame,
    missing_warehouse_message,
    result_caption,
    schema_columns,
    schema_objects,
    warehouse_path,
)
from warehouse.serve.sandbox import run_guarded, truncation_notice
from warehouse.serve.sql_examples import example_sql, example_titles
from warehouse.serve.sql_guard import DEFAULT_CAP, DIALECTS
from warehouse.serve.sql_worker import default_pool

NO_EXAMPLE = "（选择一个示例查询）"


@st.cache_data(max_entries=8, ttl=600, show_spinner=False)
def _schema(fingerprint: tuple[str, int, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    path = Path(fingerprint[0])
    return schema_objects(path), schema_columns(path)


def _fill_from_example() -> None:
    title = st.session_state.get("sql_example")
    if title and title != NO_EXAMPLE:
        st.session_state["sql_text"] = example_sql(title)
        st.session_state["sql_dialect"] = "duckdb"


def _fill_from_history() -> None:
    picked = st.session_state.get("sql_history_pick")
    if picked is not None:
        st.session_state["sql_text"] = st.session_state["sql_history"][picked]["sql"]


st.title("SQL 查询")
st.caption("对仓库执行只读查询：只允许一条 SELECT / WITH / UNION 语句，只能查询仓库中的表和视图。")

db = warehouse_path()
if not db.is_file():
    st.warning(missing_warehouse_message(db))
    st.code(LOAD_COMMAND, language="bash")
    st.stop()

st.session_state.setdefault("sql_text", example_sql(example_titles()[0]))
default_pool().warm_in_background()  # start the query process while the user types
st.session_state.setdefault("sql_history", [])

left, right = st.columns([3, 1])
with left:
    st.selectbox(
        "示例查询", [NO_EXAMPLE, *example_titles()], key="sql_example", on_change=_fill_from_example
    )
    st.text_area("SQL", key="sql_text", height=260)
with right:
    dialect = st.selectbox(
        "SQL 方言", list(DIALECTS), format_func=DIALECTS.__getitem__, key="sql_dialect"
    )
    cap = st.number_input("行数上限", 1, 100_000, DEFAULT_CAP, step=1000, key="sql_cap")
    run = st.button("运行查询", type="primary", key="sql_run", width="stretch")

if run:
    sql = st.session_state["sql_text"]
    with st.spinner("正在查询…"):
        fresh = run_guarded(db, sql, dialect=dialect, cap=int(cap))  # never raises
    st.session_state["sql_last"] = fresh
    st.session_state["sql_history"] = add_to_history(
        st.session_state["sql_history"], history_entry(sql, dialect, fresh)
    )

outcome = st.session_state.get("sql_last")
if outcome is not None:
    if outcome.error:
        st.error(escape_markdown(error_line(outcome)))  # quotes user SQL: never markdown
    else:
        notice = truncation_notice(outcome)
        if notice:
            st.warning(notice)
        st.caption(result_caption(outcome))
        st.dataframe(display_table(outcome.frame), hide_index=True)
        frame = outcome.frame
        c1, c2, _ = st.columns([1, 1, 4])
        c1.download_button(
            "下载 CSV", data=lambda: to_csv_bytes(frame), file_name="sql_query.csv", mime="text/csv"
        )
        c2.download_button(
            "下载 Excel",
            data=lambda: to_xlsx_bytes(frame, sheet_name="查询结果"),
            file_name="sql_query.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    if outcome.sql_run:
        with st.expander("实际执行的 SQL"):
            st.code(outcome.sql_run, language="sql")

schema_tab, history_tab = st.tabs(["表结构", "本次查询历史"])
with schema_tab:
    try:
        objects, columns = _schema(db_fingerprint(db))
    except Exception as err:  # the page must stay usable even if the browser fails
        st.info(escape_markdown(f"暂时无法读取表结构：{str(err).splitlines()[0][:200]}"))
    else:
        st.dataframe(objects, hide_index=True)
        name = st.selectbox("查看列", objects["名称"].tolist(), key="sql_schema_pick")
        picked = columns.loc[columns["表名"] == name, ["列名", "类型", "说明"]]
        st.dataframe(picked, hide_index=True)
with history_tab:
    history = st.session_state["sql_history"]
    if not history:
        st.info("本次访问还没有运行过查询。")
    else:
        st.dataframe(history_frame(history), hide_index=True)
        st.selectbox(
            "载入历史查询到编辑器",
            range(len(history)),
            format_func=lambda i: f"{history[i]['time']} {history[i]['sql'][:60]}",
            index=None,
            key="sql_history_pick",
            on_change=_fill_from_history,
        )
