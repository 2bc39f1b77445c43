"""Shared Streamlit building blocks: downloads, tables, charts, empty states, palette."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal, TypeAlias

import pandas as pd
import streamlit as st

from dashboard.data import db, exports
from dashboard.data.township_fold import FOLDED, MAX_TOWNSHIPS, folded_count
from dashboard.view import filters
from dashboard.view.chart_theme import ChartSpec
from dashboard.view.formatting import DASH, fmt_wan, for_display
from dashboard.view.labels import labels
from dashboard.view.palette import TownshipPalette, township_palette

FrameSource: TypeAlias = pd.DataFrame | Callable[[], pd.DataFrame]
FLAG = "⚠"
ZWSP = "\u200b"
_AUTOLINK = re.compile(r":(?=//)|w(?=ww\.)|@", re.IGNORECASE)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'^])")
NO_MATCH = "当前筛选条件下没有数据，请调整左侧的筛选条件。"
_SAFE_NAME = re.compile(r"[\\/:*?\"<>|\s]+")


def safe_md(value: object) -> str:
    """Document or URL text made inert inside Streamlit markdown: every ASCII punctuation
    mark is backslash-escaped (CommonMark allows it), so links, images, HTML, emphasis,
    ``:color[...]`` directives and LaTeX all show as the literal characters."""
    text = "" if value is None else str(value)
    # GFM turns bare URLs, www. names and e-mail addresses into links even when their
    # punctuation is escaped: a zero-width space keeps them plain text.
    text = _AUTOLINK.sub(lambda m: m.group(0)[0] + ZWSP + m.group(0)[1:], text)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def caption(template: str, *values: object) -> None:
    """``st.caption(template.format(*escaped values))``: captions that quote data."""
    st.caption(template.format(*(safe_md(v) for v in values)))


def info(template: str, *values: object, icon: str | None = None) -> None:
    """``st.info`` with escaped values (see ``caption``)."""
    st.info(template.format(*(safe_md(v) for v in values)), icon=icon)


def flag_column(frame: pd.DataFrame, flags: pd.DataFrame, key: str = "project_key") -> pd.DataFrame:
    """Add ``flag`` ("⚠ warning text" or "") from v_project_flag rows keyed by project."""
    texts = dict(zip(flags["project_key"].astype(str), flags["flag_text"], strict=False))
    out = frame.copy()
    out["flag"] = [
        f"{FLAG} {texts[str(k)]}" if str(k) in texts else "" for k in out[key].astype(str)
    ]
    return out


CARD_COLUMN = "项目卡片"


def card_links(keys: pd.Series) -> list[str]:
    """Links that open the project card (项目明细 ?pid=…); shown as "打开" in tables."""
    return [f"/projects?pid={k}" for k in keys.astype(str)]


def filter_params(f: filters.Filters | None = None, **extra: str) -> dict:
    """The current selection as query parameters, for ``st.page_link`` (which would
    otherwise clear them): ``year=`` stands for all years."""
    f = f or filters.current_filters()
    params: dict = {"year": list(f.years) if f.years else ""}
    if f.townships:
        params["township"] = list(f.townships)
    if f.categories:
        params["category"] = list(f.categories)
    params.update(extra)
    return params


def _frame(source: FrameSource) -> pd.DataFrame:
    frame = source() if callable(source) else source
    return frame.drop(columns=[CARD_COLUMN], errors="ignore")  # links are for the screen


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
        elif column == CARD_COLUMN:
            config[column] = st.column_config.LinkColumn(display_text="打开", width="small")
        elif column == "数据提示":
            config[column] = st.column_config.TextColumn(width="small")
    return config


Height = int | Literal["auto", "stretch", "content"]


def dataframe(frame: pd.DataFrame, *, height: Height = "auto") -> None:
    """A read-only table: no index, money with separators, missing values as "—"."""
    st.dataframe(
        frame, hide_index=True, column_config=_column_config(frame), height=height, placeholder=DASH
    )


def table(
    frame: pd.DataFrame,
    basename: str,
    *,
    height: Height = "auto",
    key: str | None = None,
    download: FrameSource | None = None,
) -> None:
    """A dataframe followed by its CSV/Excel download buttons (short tables are not padded
    to ``height``). ``download``: what the buttons export instead of the shown rows (the
    full table behind a table folded to ``MAX_TOWNSHIPS``; built only when clicked)."""
    if isinstance(height, int) and len(frame) < height // 40:
        height = "auto"
    dataframe(frame, height=height)
    download_buttons(frame if download is None else download, basename, key=key)


def folded_caption(frame: pd.DataFrame, measure: str, amount: str | None = None) -> None:
    """Under a per-township chart whose query folded townships (township_fold): which ones
    are named and where the rest went; ``amount`` (a yuan column) adds their total, for the
    amount charts that leave the 其他 row out."""
    folded = folded_count(frame)
    if not folded:
        return
    rest = f"其余 {folded:,} 个乡镇"
    if amount is not None:
        total = pd.to_numeric(frame.loc[frame[FOLDED] > 1, amount], errors="coerce").sum()
        rest += f"合计 {fmt_wan(total)}"
    caption(
        "按{}列出前 {} 个乡镇；{}，在“查看数据”中合并为“其他”一行，下载文件列出全部乡镇。",
        measure,
        MAX_TOWNSHIPS,
        rest,
    )


def name_list(names: list[str], limit: int = 10) -> str:
    """ "甲、乙、丙" or, past ``limit`` names, "甲、乙……等 N 个" (captions stay one line)."""
    if len(names) <= limit:
        return "、".join(names)
    return "、".join(names[:limit]) + f" 等 {len(names):,} 个"


def chart(spec: ChartSpec) -> None:
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
    """A grey line under the page title naming the active filter (escaped: township
    names come from documents)."""
    caption("当前范围：{}", filters.current_filters().describe())


def year_scope(f: filters.Filters | None = None) -> str:
    """The years a view covers, for titles: "2025年", "2020–2021年（多个年度）",
    "全部年度（2019–2025年）"."""
    f = f or filters.current_filters()
    if not f.years:
        known = sorted(int(y) for y in filters.all_years())
        if len(known) > 1:
            return f"全部年度（{known[0]}–{known[-1]}年）"
        return f"全部年度（{known[0]}年）" if known else "全部年度"
    known = sorted(int(y) for y in f.years if str(y).isdigit())
    unknown = len(known) < len(f.years)
    if len(known) == 1 and not unknown:
        return f"{known[0]}年"
    if not known:
        return "未注明年度"
    names = "、".join(str(y) for y in known) if len(known) <= 3 else f"{known[0]}–{known[-1]}"
    return f"{names}年{'及未注明年度' if unknown else ''}（多个年度）"


def spans_years(f: filters.Filters | None = None) -> bool:
    """True when the selection covers more than one fiscal year (or all of them)."""
    f = f or filters.current_filters()
    return len(f.years) != 1


_TOP_COLUMNS = labels(
    "project_name",
    "flag",
    "township",
    "fiscal_year",
    "category",
    "budget_total_yuan",
)
_TOP_DETAIL = labels(
    "fiscal_funds_yuan",
    "other_funds_yuan",
)


def top_projects_table(top: pd.DataFrame, *, detail: bool = False) -> None:
    """The 预算最大的项目 table of 总览 and 预算对比 (``detail`` adds fund parts and the file),
    each row linked to its project card."""
    top["card"] = card_links(top["project_key"])
    columns = dict(_TOP_COLUMNS)
    if detail:
        columns |= _TOP_DETAIL
    columns |= labels("card")
    if detail:
        columns |= labels("source_file")
    money = ("budget_total_yuan", *(_TOP_DETAIL if detail else ()))
    table(for_display(top, columns, money=money, years=("fiscal_year",)), "预算最大的项目")
