"""Shared Streamlit building blocks: downloads, tables, charts, empty states, palette."""

from __future__ import annotations

import re
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import db, exports, filters
from dashboard.formatting import DASH
from dashboard.palette import TownshipPalette, township_palette

FrameSource = pd.DataFrame | Callable[[], pd.DataFrame]
NO_MATCH = "当前筛选条件下没有数据，请调整左侧的筛选条件。"
_SAFE_NAME = re.compile(r"[\\/:*?\"<>|\s]+")


def _frame(source: FrameSource) -> pd.DataFrame:
    return source() if callable(source) else source


def download_buttons(frame: FrameSource, basename: str, *, key: str | None = None) -> None:
    """CSV and Excel buttons for one table; files are built only when clicked."""
    name = _SAFE_NAME.sub("_", basename).strip("_.")[:80] or "数据"
    key = key or name
    described = filters.current_filters().describe()
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "下载 CSV",
        data=lambda: exports.to_csv_bytes(_frame(frame)),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"dl_csv_{key}",
        icon=":material/download:",
        on_click="ignore",
    )
    row.download_button(
        "下载 Excel",
        data=lambda: exports.to_xlsx_bytes(_frame(frame), title=basename, filters=described),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"dl_xlsx_{key}",
        icon=":material/download:",
        on_click="ignore",
    )


def _column_config(frame: pd.DataFrame) -> dict:
    """Money columns (headers ending in （万元）) get thousands separators."""
    config = {}
    for column in frame.columns:
        if str(column).endswith("（万元）"):
            config[column] = st.column_config.NumberColumn(format="%,.2f")
        elif str(column).endswith("（%）"):
            config[column] = st.column_config.NumberColumn(format="%.1f")
    return config


def dataframe(frame: pd.DataFrame, *, height: int | str = "auto") -> None:
    """A read-only table: no index, money with separators, missing values as "—"."""
    st.dataframe(
        frame, hide_index=True, column_config=_column_config(frame), height=height, placeholder=DASH
    )


def table(
    frame: pd.DataFrame, basename: str, *, height: int | str = "auto", key: str | None = None
) -> None:
    """A dataframe followed by its CSV/Excel download buttons (short tables are not padded
    to ``height``)."""
    if isinstance(height, int) and len(frame) < height // 40:
        height = "auto"
    dataframe(frame, height=height)
    download_buttons(frame, basename, key=key)


def chart(spec: alt.TopLevelMixin) -> None:
    """Full-width Altair chart with our CJK theme (Streamlit's theme would drop the fonts)."""
    st.altair_chart(spec, width="stretch", theme=None)


def no_data(message: str | None = None) -> None:
    """Filters that match nothing (or a warehouse without rows): a message, never an error."""
    if message is None:
        if filters.current_filters().is_empty:
            message = f"数据仓库中还没有项目数据。请先运行 `{db.BUILD_COMMAND}` 导入绩效目标文件。"
        else:
            message = NO_MATCH
    st.info(message, icon=":material/filter_alt:")


def empty_state() -> None:
    """What to do when there is no warehouse yet (or it lacks the analyst views)."""
    path = db.pointer_path()
    missing = db.missing_views()
    if db.current_file() is None:
        st.warning(
            f"尚未找到数据仓库文件（{path}）。请先在项目目录中运行以下命令导入绩效目标文件：",
            icon=":material/database_off:",
        )
    else:
        st.warning(
            f"数据仓库（{path}）中缺少分析视图：{'、'.join(missing)}。"
            "请重新运行导入命令生成数据仓库：",
            icon=":material/database_off:",
        )
    st.code(db.BUILD_COMMAND, language="bash")
    st.caption("导入完成后刷新本页面即可。也可以通过环境变量 WAREHOUSE_DB 指定数据仓库文件。")


def require_warehouse() -> None:
    """Stop the page with the empty state when the warehouse cannot be used."""
    if not db.warehouse_available():
        empty_state()
        st.stop()


def palette() -> TownshipPalette:
    """Township colours from the full township list (independent of the filter)."""
    return township_palette(filters.filter_options()["townships"])


def filter_caption() -> None:
    """A grey line under the page title naming the active filter."""
    st.caption(f"当前范围：{filters.current_filters().describe()}")
