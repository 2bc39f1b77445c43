"""The one SQL guard shared by `python -m warehouse query` and the dashboard's SQL page.

Defence in depth: a query runs only if DuckDB's parser, sqlglot's AST walk and DuckDB's
parse tree of the *exact text that will run* all agree it is a single read-only query
over warehouse tables. The sandboxed connection (warehouse.sandbox) is the last wall;
this module exists so that refusals are early, explained, and in Chinese.
See docs/sql_guard.md for the reasoning behind each check.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError

DEFAULT_CAP = 10_000
MAX_SQL_CHARS = 100_000
DIALECTS: dict[str, str] = {
    "duckdb": "DuckDB",
    "mysql": "MySQL",
    "postgres": "PostgreSQL",
    "tsql": "SQL Server",
}

# Pure generators: harmless, and handy for date spines and the runaway-query test.
ALLOWED_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})

# Scalar functions that reveal or change session state, sleep, or log.
DENIED_SCALAR_FUNCTIONS = frozenset(
    {
        "getenv",
        "current_setting",
        "getvariable",
        "set_variable",
        "nextval",
        "currval",
        "setseed",
        "sleep_ms",
        "pg_sleep",
        "pg_read_file",
        "pg_read_binary_file",
        "pg_ls_dir",
        "lo_import",
        "lo_export",
        "write_log",
        "json_execute_serialized_sql",
        "current_query",
        "enable_logging",
        "disable_logging",
        "enable_profiling",
        "disable_profiling",
        "checkpoint",
        "force_checkpoint",
        "read_blob",
        "read_text",
    }
)

# Prefixes of table functions that may come from extensions not loaded in the parser.
DENIED_PREFIXES = (
    "read_",
    "parquet_",
    "pragma_",
    "duckdb_",
    "sniff_",
    "iceberg_",
    "delta_",
    "sqlite_",
    "postgres_",
    "mysql_",
    "st_read",
    "arrow_scan",
    "pandas_scan",
    "python_",
    "query_table",
    "load_aws",
    "which_secret",
    "ducklake_",
    "excel_",
    "json_execute",
    "create_",
    "register_",
    "destroy_",
    "deregister_",
)

# Statement-like nodes that must not appear anywhere in the tree (also inside WITH).
_FORBIDDEN_NODE_NAMES = (
    "Insert",
    "Update",
    "Delete",
    "Merge",
    "Create",
    "Drop",
    "Alter",
    "Command",
    "Copy",
    "Pragma",
    "Set",
    "Use",
    "Describe",
    "Show",
    "Transaction",
    "Commit",
    "Rollback",
    "Attach",
    "Detach",
    "Install",
    "LoadData",
    "Summarize",
    "Analyze",
    "Kill",
    "Grant",
    "Revoke",
    "TruncateTable",
    "Export",
    "Cache",
    "Uncache",
    "Refresh",
    "Execute",
    "Comment",
    "Into",
    "Put",
    "Get",
    "DDL",
    "DML",
)
_FORBIDDEN_NODES: tuple[type, ...] = tuple(
    getattr(exp, name) for name in _FORBIDDEN_NODE_NAMES if hasattr(exp, name)
)
_NODE_LABEL = {
    "Select": "SELECT",
    "Union": "UNION",
    "Insert": "INSERT",
    "Update": "UPDATE",
    "Delete": "DELETE",
    "Merge": "MERGE",
    "Create": "CREATE",
    "Drop": "DROP",
    "Alter": "ALTER",
    "Copy": "COPY",
    "Pragma": "PRAGMA",
    "Set": "SET",
    "Use": "USE",
    "Describe": "DESCRIBE",
    "Show": "SHOW",
    "Transaction": "BEGIN",
    "Commit": "COMMIT",
    "Rollback": "ROLLBACK",
    "Attach": "ATTACH",
    "Detach": "DETACH",
    "Install": "INSTALL",
    "Summarize": "SUMMARIZE",
    "TruncateTable": "TRUNCATE",
    "Export": "EXPORT",
    "Comment": "COMMENT ON",
    "Into": "SELECT INTO",
}

_STRING_TOKENS = frozenset(
    {
        "STRING",
        "NATIONAL_STRING",
        "BYTE_STRING",
        "HEREDOC_STRING",
        "RAW_STRING",
        "BIT_STRING",
        "HEX_STRING",
        "UNICODE_STRING",
    }
)
_FILE_HINTS = ("/", "\\", ":", "~", "*", "?")
_FILE_SUFFIXES = (
    ".csv",
    ".tsv",
    ".txt",
    ".json",
    ".jsonl",
    ".ndjson",
    ".parquet",
    ".duckdb",
    ".db",
    ".xlsx",
    ".xls",
    ".gz",
    ".zst",
    ".arrow",
    ".sqlite",
    ".wal",
)

_LEADING_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.S)

_parser_lock = threading.Lock()
_parser_con: duckdb.DuckDBPyConnection | None = None
_table_only_functions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class GuardResult:
    """Outcome of check_query: either sql_to_run is set, or reason says why not."""

    ok: bool
    sql_to_run: str | None = None
    reason: str | None = None
    cap: int = DEFAULT_CAP


class Refused(Exception):
    """Internal: carries the Chinese reason up to check_query."""


def _parser() -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB used only to parse (never sees the warehouse)."""
    global _parser_con, _table_only_functions
    if _parser_con is None:
        con = duckdb.connect(":memory:", config={"enable_external_access": False})
        rows = con.execute("SELECT function_type, function_name FROM duckdb_functions()").fetchall()
        table = {n.lower() for t, n in rows if t in ("table", "table_macro", "pragma")}
        other = {n.lower() for t, n in rows if t not in ("table", "table_macro", "pragma")}
        _table_only_functions = frozenset(table - other)
        _parser_con = con
    return _parser_con


def catalog_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables and views of the current database, bare and schema/catalog-qualified, lowercase."""
    rows = con.execute(
        """
        SELECT database_name, schema_name, table_name FROM duckdb_tables()
         WHERE database_name = current_database() AND NOT internal AND NOT temporary
        UNION ALL
        SELECT database_name, schema_name, view_name FROM duckdb_views()
         WHERE database_name = current_database() AND NOT internal AND NOT temporary
        """
    ).fetchall()
    names: set[str] = set()
    for database, schema, name in rows:
        database, schema, name = database.lower(), schema.lower(), name.lower()
        names |= {f"{schema}.{name}", f"{database}.{schema}.{name}"}
        if schema == "main":
            names.add(name)
    return names


# --------------------------------------------------------------------------- checks


def _is_cjk_ideograph(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2FA1F


def _describe_char(ch: str) -> str:
    name = unicodedata.name(ch, f"U+{ord(ch):04X}")
    return f"“{ch}”（{name}）"


def _check_unicode(sql: str, dialect: str) -> None:
    """Outside string literals and comments only ASCII and CJK ideographs may appear.

    NFKC-equivalent look-alikes (ＳＥＬＥＣＴ, Cyrillic е in rеad_csv, zero-width
    characters) are refused so that what the user sees is what the parsers read.
    Quoted identifiers may also carry CJK punctuation, e.g. "预算（元）".
    """
    if sql.isascii():
        return
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(sql)
    except TokenError as err:
        raise Refused(f"SQL 无法解析：{_first_line(str(err))}") from err
    for token in tokens:
        if token.token_type.name in _STRING_TOKENS or token.text.isascii():
            continue
        quoted = token.token_type.name == "IDENTIFIER"
        for ch in token.text:
            if ch.isascii() or _is_cjk_ideograph(ch):
                continue
            if quoted and unicodedata.category(ch)[0] in "PSZ" and ch.isprintable():
                continue
            raise Refused(
                f"“{token.text}”中含有非 ASCII 字符 {_describe_char(ch)}，疑似形近字；"
                "关键字、名称和标点请用半角字符，中文只能出现在字符串、注释和汉字别名里。"
            )


def _first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), text.strip())
    return line[:200]


def _duckdb_statement_gate(sql: str) -> None:
    """First gate: DuckDB's own splitter and statement type on the text."""
    try:
        with _parser_lock:
            statements = _parser().extract_statements(sql)
    except duckdb.Error as err:
        raise Refused(f"SQL 语法错误：{_first_line(str(err))}") from err
    if not statements:
        raise Refused("没有找到 SQL 语句，请输入一条 SELECT 查询。")
    words = [_leading_word(st) for st in statements]
    if len(statements) > 1:
        raise Refused(
            f"一次只能执行一条语句，检测到 {len(statements)} 条（{'、'.join(words)}）；"
            "请删除分号后的其余语句。"
        )
    try:
        kind = statements[0].type.name
    except ValueError:  # statement types the Python enum does not know (UPDATE EXTENSIONS)
        kind = "UNKNOWN"
    if kind != "SELECT":
        raise Refused(
            f"不允许执行 {words[0]} 语句，只允许只读查询（SELECT、WITH、UNION、FROM 开头）。"
        )


def _leading_word(statement: Any) -> str:
    """The statement's first word as typed (CHECKPOINT, IMPORT …) names it in reasons."""
    text = _LEADING_COMMENTS.sub("", str(getattr(statement, "query", "") or ""))
    first = text.split(None, 1)[0] if text else ""
    word = "".join(ch for ch in first if ch.isalnum() or ch == "_").upper()
    if word:
        return word
    try:
        return statement.type.name
    except ValueError:
        return "UNKNOWN"


def _func_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    return node.sql_name().lower()


def _denied_function(name: str) -> bool:
    if name in ALLOWED_TABLE_FUNCTIONS:
        return False
    return (
        name in DENIED_SCALAR_FUNCTIONS
        or name in _table_only_functions
        or name.startswith(DENIED_PREFIXES)
        or name in ("query", "glob", "summary", "checkpoint")
    )


def _looks_like_path(name: str) -> bool:
    lowered = name.lower()
    return (
        any(h in name for h in _FILE_HINTS)
        or lowered.endswith(_FILE_SUFFIXES)
        or (lowered.startswith(("http", "s3", "gs", "az", "hf")) and "." in lowered)
    )


def _walk_sqlglot(root: exp.Expr, catalog: set[str], dialect: str) -> None:
    """Second gate: allow-listed root, no forbidden nodes, tables from the catalog only."""
    if not isinstance(root, exp.Query):
        label = _NODE_LABEL.get(type(root).__name__, type(root).__name__.upper())
        if isinstance(root, exp.Column):  # e.g. a bare CHECKPOINT
            label = root.sql()
        raise Refused(
            f"不允许执行 {label} 语句，只允许只读查询（SELECT、WITH、UNION、FROM 开头）。"
        )
    ctes = {cte.alias_or_name.lower() for cte in root.find_all(exp.CTE)}
    for node in root.walk():
        if isinstance(node, _FORBIDDEN_NODES):
            label = _NODE_LABEL.get(type(node).__name__, type(node).__name__.upper())
            raise Refused(f"查询中包含 {label} 子句，只允许只读查询，不能修改数据或设置。")
        if isinstance(node, exp.Table):
            _check_table(node, catalog, ctes, dialect)
        elif isinstance(node, exp.Func) and not isinstance(node.parent, exp.Table):
            name = _func_name(node)
            if _denied_function(name):
                raise Refused(
                    f"不允许调用函数 {name}()：它可能读取文件、执行字符串里的 SQL、暂停或查看/改变会话状态。"
                )


def _check_table(node: exp.Table, catalog: set[str], ctes: set[str], dialect: str) -> None:
    target = node.this
    if isinstance(target, exp.Func):
        if isinstance(target, (exp.GenerateSeries, exp.Unnest)):
            return  # range() / generate_series() / unnest(): pure generators
        name = _func_name(target)
        if name in ALLOWED_TABLE_FUNCTIONS:
            return
        raise Refused(f"不允许使用表函数 {name}()：只能查询仓库中的表和视图。")
    if not isinstance(target, exp.Identifier):
        raise Refused(f"不支持的表引用 {node.sql(dialect='duckdb')}：只能查询仓库中的表和视图。")
    name = node.name
    if _looks_like_path(name):
        raise Refused(f"不允许读取文件或网址 '{name}'：只能查询仓库中的表和视图。")
    if dialect != "duckdb" and node.db.lower() in ("dbo", "public") and not node.catalog:
        node.set("db", None)  # SQL Server / PostgreSQL default schemas map to DuckDB's main
    parts = [p.lower() for p in (node.catalog, node.db, name) if p]
    key = ".".join(parts)
    if key in catalog or (len(parts) == 1 and key in ctes):
        return
    raise Refused(f"表或视图 {key} 不在仓库中；可查询的表和视图见“表结构”。")


# ---------------------------------------------------- DuckDB parse tree of the final text


def _iter_dicts(node: Any) -> Iterator[dict[str, Any]]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _duckdb_tree_gate(sql: str, catalog: set[str]) -> None:
    """Third gate: walk DuckDB's own parse tree of the exact text that will run."""
    with _parser_lock:
        raw = _parser().execute("SELECT json_serialize_sql($1::VARCHAR)", [sql]).fetchone()[0]
    tree = json.loads(raw)
    if tree.get("error"):
        raise Refused(f"SQL 语法错误：{_first_line(str(tree.get('error_message', '')))}")
    dicts = list(_iter_dicts(tree))
    ctes: set[str] = set()
    for d in dicts:
        cte_map = d.get("cte_map")
        if isinstance(cte_map, dict):
            ctes |= {str(e.get("key", "")).lower() for e in cte_map.get("map", [])}
    for d in dicts:
        kind = d.get("type")
        if kind == "TABLE_FUNCTION":
            name = str((d.get("function") or {}).get("function_name", "")).lower()
            if name not in ALLOWED_TABLE_FUNCTIONS:
                raise Refused(f"不允许使用表函数 {name}()：只能查询仓库中的表和视图。")
        elif kind == "BASE_TABLE":
            parts = [
                str(d.get(k) or "").lower() for k in ("catalog_name", "schema_name", "table_name")
            ]
            key = ".".join(p for p in parts if p)
            if key not in catalog and key not in ctes:
                raise Refused(f"表或视图 {key} 不在仓库中；可查询的表和视图见“表结构”。")
        elif d.get("class") == "FUNCTION" and "function_name" in d:
            name = str(d["function_name"]).lower()
            if _denied_function(name):
                raise Refused(
                    f"不允许调用函数 {name}()：它可能读取文件、执行字符串里的 SQL、暂停或查看/改变会话状态。"
                )


# ------------------------------------------------------------------------------ entry


def wrap_with_cap(sql: str, cap: int) -> str:
    """One extra row beyond the cap tells the caller the result was cut."""
    return f"SELECT * FROM (\n{sql}\n) AS _q\nLIMIT {int(cap) + 1}"


def check_query(
    sql: str, catalog: set[str], *, dialect: str = "duckdb", cap: int = DEFAULT_CAP
) -> GuardResult:
    """Decide whether `sql` may run; on success give the DuckDB text to run (capped)."""
    try:
        return GuardResult(True, _check(sql, catalog, dialect, cap), None, cap)
    except Refused as refusal:
        return GuardResult(False, None, str(refusal), cap)


def _check(sql: str, catalog: set[str], dialect: str, cap: int) -> str:
    if dialect not in DIALECTS:
        raise Refused(f"不支持的方言 {dialect}，可选：{'、'.join(DIALECTS)}。")
    if cap < 1:
        raise Refused("行数上限必须是正整数。")
    if not sql or not sql.strip():
        raise Refused("没有找到 SQL 语句，请输入一条 SELECT 查询。")
    if len(sql) > MAX_SQL_CHARS:
        raise Refused(f"SQL 太长（{len(sql)} 个字符，上限 {MAX_SQL_CHARS}）。")
    if "\x00" in sql:
        raise Refused("SQL 中含有 NUL 控制字符。")
    catalog = {c.lower() for c in catalog}
    _check_unicode(sql, dialect)
    if dialect == "duckdb":
        _duckdb_statement_gate(sql)
    try:
        trees = [t for t in sqlglot.parse(sql, read=dialect) if t is not None]
    except (ParseError, TokenError) as err:
        raise Refused(f"SQL 语法错误：{_first_line(str(err))}") from err
    if len(trees) != 1:
        kinds = "、".join(
            _NODE_LABEL.get(type(t).__name__, type(t).__name__.upper()) for t in trees
        )
        raise Refused(
            f"一次只能执行一条语句，检测到 {len(trees)} 条（{kinds}）；请删除分号后的其余语句。"
        )
    root = trees[0]
    _walk_sqlglot(root, catalog, dialect)
    body = root.sql(dialect="duckdb", comments=False, pretty=True)
    final = wrap_with_cap(body, cap)
    _duckdb_statement_gate(final)
    _duckdb_tree_gate(final, catalog)
    return final
