"""Non-Streamlit helpers for the SQL page, so the page stays thin and the logic is testable."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from pandas.io.formats.style import Styler

from warehouse.serve.sandbox import QueryOutcome, open_sandbox, resolve_db
from warehouse.serve.sql_guard import DIALECTS

HISTORY_LIMIT = 30
LOAD_COMMAND = "python -m etl load data/"
NULL_TEXT = "—"
# Above this many cells the grid gets plain values: formatting every cell would slow the page.
STYLE_CELL_LIMIT = 200_000
_YEAR_NAME = re.compile(r"(year|年度|年份|^年$)", re.IGNORECASE)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=\"'&^@%])")


def escape_markdown(text: str) -> str:
    """Backslash-escape every ASCII punctuation Streamlit markdown could interpret.

    Error lines quote the user's SQL (and SQL can quote anything), so a link, an image,
    `:red[...]` or `$...$` in a query must show literally, never render or fetch.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def _is_year_column(name: str, column: pd.Series) -> bool:
    """Years are integers without thousands separators (2,024 would read as a number)."""
    if _YEAR_NAME.search(str(name)):
        return True
    values = column.dropna()
    return (
        len(values) > 0
        and pd.api.types.is_integer_dtype(column.dtype)
        and bool(values.between(1900, 2100).all())
    )


def display_table(frame: pd.DataFrame) -> pd.DataFrame | Styler:
    """The result grid: NULL as "—", numbers with thousands separators; values stay numeric.

    A Styler keeps the numbers themselves (sorting in the grid stays numeric) and only
    changes how they are shown.
    """
    if frame.empty or frame.size > STYLE_CELL_LIMIT or not frame.columns.is_unique:
        return frame
    styler = frame.style.format(na_rep=NULL_TEXT, thousands=",", precision=2)
    plain = [
        c
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c].dtype) and _is_year_column(c, frame[c])
    ]
    if plain:
        styler = styler.format(na_rep=NULL_TEXT, subset=plain, thousands="", precision=0)
    return styler


def error_line(outcome: QueryOutcome) -> str:
    """The one line shown for a failed query: 语法错误 stays 语法错误, refusals say so."""
    if outcome.refused and not outcome.syntax_error:
        return f"查询被拒绝：{outcome.error}"
    return str(outcome.error)


def warehouse_path() -> Path:
    """The warehouse the dashboard reads (WAREHOUSE_DB or the default), symlinks resolved."""
    return resolve_db(None)


def missing_warehouse_message(path: Path) -> str:
    """Shown instead of the page when there is nothing to query yet."""
    return f"还没有找到仓库文件 {path}。请先在项目根目录运行下面的命令加载数据，然后刷新本页。"


def db_fingerprint(path: Path) -> tuple[str, int, int]:
    """Cache key that changes when the loader swaps in a new file."""
    stat = path.stat()
    return (str(path), stat.st_mtime_ns, stat.st_size)


def schema_objects(path: Path) -> pd.DataFrame:
    """Tables and views of the warehouse with their comments, views first."""
    con = open_sandbox(path)
    try:
        return con.execute(
            """
            SELECT view_name AS 名称, '视图' AS 类型, coalesce(comment, '') AS 说明
              FROM duckdb_views()
             WHERE database_name = current_database() AND NOT internal AND NOT temporary
            UNION ALL
            SELECT table_name, '表', coalesce(comment, '')
              FROM duckdb_tables()
             WHERE database_name = current_database() AND NOT internal AND NOT temporary
            ORDER BY 类型 DESC, 名称
            """
        ).df()
    finally:
        con.close()


def schema_columns(path: Path) -> pd.DataFrame:
    """Every column of every table/view with type and comment (COMMENT ON from the loader)."""
    con = open_sandbox(path)
    try:
        return con.execute(
            """
            SELECT table_name AS 表名, column_name AS 列名, data_type AS 类型,
                   coalesce(comment, '') AS 说明, column_index AS 序号
              FROM duckdb_columns()
             WHERE database_name = current_database() AND NOT internal
             ORDER BY table_name, column_index
            """
        ).df()
    finally:
        con.close()


@dataclass(frozen=True)
class HistoryEntry:
    """One query of this visit, as listed in the history table."""

    time: str
    dialect: str
    status: str
    rows: int | None
    elapsed_ms: int
    sql: str


HISTORY_COLUMNS = {
    "time": "时间",
    "dialect": "方言",
    "status": "状态",
    "rows": "行数",
    "elapsed_ms": "用时（毫秒）",
    "sql": "SQL",
}


def history_entry(sql: str, dialect: str, outcome: QueryOutcome) -> HistoryEntry:
    """Summarise a run for the per-session history."""
    if outcome.syntax_error:
        status = "语法错误"
    elif outcome.refused:
        status = "已拒绝"
    elif outcome.error:
        status = "出错"
    else:
        status = "截断" if outcome.truncated else "成功"
    rows = None if outcome.frame is None else len(outcome.frame)
    return HistoryEntry(
        time=datetime.now().strftime("%H:%M:%S"),
        dialect=DIALECTS.get(dialect, dialect),
        status=status,
        rows=rows,
        elapsed_ms=round(outcome.elapsed_ms),
        sql=sql.strip(),
    )


def add_to_history(history: list[dict], entry: HistoryEntry) -> list[dict]:
    """Newest first, bounded so a long visit does not grow session state without limit."""
    return [asdict(entry), *history][:HISTORY_LIMIT]


def history_frame(history: list[dict]) -> pd.DataFrame:
    """The history as a table with Chinese headers."""
    frame = pd.DataFrame(history, columns=list(HISTORY_COLUMNS))
    return frame.rename(columns=HISTORY_COLUMNS)


def result_caption(outcome: QueryOutcome) -> str:
    """One line under the results: rows and time."""
    rows = 0 if outcome.frame is None else len(outcome.frame)
    return f"共 {rows:,} 行，用时 {outcome.elapsed_ms:,.0f} 毫秒。"
