"""The one SQL guard shared by `python -m warehouse query` and the dashboard's SQL page.

Defence in depth: a query runs only if DuckDB's parser, sqlglot's AST walk and DuckDB's
parse tree of the *exact text that will run* all agree it is a single read-only query
over warehouse tables. The sandboxed connection (warehouse.serve.sandbox) is the last wall;
this module exists so that refusals are early, explained, and in Chinese.
See docs/sql_guard.md for the reasoning behind each check.
"""

from __future__ import annotations

import json
import re
import threading
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError

from warehouse.dbutil import scalar

DEFAULT_CAP = 10_000
# Size limits checked on the raw text *before* any parser sees it (issue 17): sqlglot
# recurses once per nesting level (60 nested parentheses raised RecursionError) and
# DuckDB plans hundreds of joins for minutes, outside max_execution_time.
MAX_SQL_CHARS = 20_000
MAX_NESTING = 32  # parentheses
MAX_JOINS = 32  # JOIN keywords in the text, and joined relations in the parsed tree
MAX_SELECTS = 64  # SELECT keywords (query blocks and subqueries)
MAX_TABLE_REFS = 64  # table/view references in the parsed tree
FUNCTIONS_TOML = Path(__file__).resolve().parents[2] / "data" / "sql_functions.toml"
DIALECTS: dict[str, str] = {
    "duckdb": "DuckDB",
    "mysql": "MySQL",
    "postgres": "PostgreSQL",
    "tsql": "SQL Server",
}

# Pure generators: harmless, and handy for date spines and the runaway-query test.
ALLOWED_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})

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


@dataclass(frozen=True)
class GuardResult:
    """Outcome of check_query: either sql_to_run is set, or reason says why not."""

    ok: bool
    sql_to_run: str | None = None
    reason: str | None = None
    cap: int = DEFAULT_CAP
    syntax_error: bool = False


class Refused(Exception):
    """Internal: carries the Chinese reason up to check_query."""


class SyntaxRefused(Refused):
    """A query that does not parse: reported as 语法错误, not as a refusal."""


SYNTAX_PREFIX = "语法错误："


@cache
def allowed_functions() -> frozenset[str]:
    """The allow-list from data/sql_functions.toml (every group), lower case."""
    with FUNCTIONS_TOML.open("rb") as handle:
        groups = tomllib.load(handle)
    return frozenset(
        str(name).lower() for group in groups.values() for name in group.get("names", [])
    )


def _parser() -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB used only to parse (never sees the warehouse)."""
    global _parser_con
    if _parser_con is None:
        _parser_con = duckdb.connect(
            ":memory:", config={"enable_external_access": False, "threads": 1}
        )
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
        raise SyntaxRefused(f"{SYNTAX_PREFIX}{_first_line(str(err))}") from err
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
    return line.removeprefix("Parser Error: ")[:200]


def _duckdb_statement_gate(sql: str) -> None:
    """First gate: DuckDB's own splitter and statement type on the text."""
    try:
        with _parser_lock:
            statements = _parser().extract_statements(sql)
    except duckdb.Error as err:
        raise SyntaxRefused(f"{SYNTAX_PREFIX}{_first_line(str(err))}") from err
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


def _refuse_function(name: str) -> None:
    """Only functions on the allow-list (data/sql_functions.toml) may be called."""
    if name not in allowed_functions():
        raise Refused(
            f"不允许调用函数 {name}()：只能使用聚合、字符串、日期、数学、窗口、列表等分析函数"
            "（允许清单见 data/sql_functions.toml）。"
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
        elif isinstance(node, exp.Anonymous) and not isinstance(node.parent, exp.Table):
            # Names sqlglot does not know are checked as typed; known functions are
            # regenerated for DuckDB and checked on DuckDB's own tree of the final text.
            _refuse_function(_func_name(node))


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
        raw = scalar(_parser(), "SELECT json_serialize_sql($1::VARCHAR)", [sql])
    tree = json.loads(raw)
    if tree.get("error"):
        message = _first_line(str(tree.get("error_message", "")))
        raise SyntaxRefused(f"{SYNTAX_PREFIX}{message}")
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
        elif "function_name" in d:  # FUNCTION, WINDOW and a TABLE_FUNCTION's call alike
            name = str(d["function_name"]).lower()
            schema = str(d.get("schema") or "").lower()
            catalog_name = str(d.get("catalog") or "").lower()
            if schema not in ("", "main") or catalog_name not in ("", "system"):
                raise Refused(f"不允许调用函数 {schema}.{name}()：请直接写函数名。")
            _refuse_function(name)


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
    except SyntaxRefused as refusal:
        return GuardResult(False, None, str(refusal), cap, syntax_error=True)
    except Refused as refusal:
        return GuardResult(False, None, str(refusal), cap)
    except RecursionError:  # a backstop: the size limits below should make this unreachable
        return GuardResult(False, None, "查询嵌套层次太深，无法检查；请拆成几步或使用 WITH。", cap)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _scan_outside_quotes(sql: str) -> tuple[int, dict[str, int]]:
    """Deepest parenthesis nesting and keyword counts, ignoring strings and comments.

    A linear scan that never recurses, so it is safe on any input; it is an upper bound
    for the parsers' recursion and the planner's work, not a parser itself.
    """
    depth = deepest = 0
    counts = {"JOIN": 0, "SELECT": 0}
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"`":
            end = sql.find(ch, i + 1)
            while end != -1 and end + 1 < n and sql[end + 1] == ch:  # doubled quote
                end = sql.find(ch, end + 2)
            i = n if end == -1 else end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end == -1 else end + 1
        elif sql.startswith("/*", i):
            level, i = 1, i + 2
            while i < n and level:
                if sql.startswith("/*", i):
                    level, i = level + 1, i + 2
                elif sql.startswith("*/", i):
                    level, i = level - 1, i + 2
                else:
                    i += 1
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
            i += 1
        elif ch == ")":
            depth = max(0, depth - 1)
            i += 1
        elif ch.isalpha() or ch == "_":
            match = _WORD.match(sql, i)
            end = match.end() if match else i + 1
            word = sql[i:end].upper()
            if word in counts:
                counts[word] += 1
            i = end
        else:
            i += 1
    return deepest, counts


def _check_size(sql: str) -> None:
    """Refuse queries too large or too deep for the parsers and the planner, before parsing."""
    if len(sql) > MAX_SQL_CHARS:
        raise Refused(f"SQL 太长（{len(sql):,} 个字符，上限 {MAX_SQL_CHARS:,}）。")
    deepest, counts = _scan_outside_quotes(sql)
    if deepest > MAX_NESTING:
        raise Refused(
            f"括号嵌套太深（{deepest} 层，上限 {MAX_NESTING} 层）；请拆成几步或使用 WITH。"
        )
    if counts["JOIN"] > MAX_JOINS:
        raise Refused(f"JOIN 太多（{counts['JOIN']} 个，上限 {MAX_JOINS} 个）；请减少连接的表。")
    if counts["SELECT"] > MAX_SELECTS:
        raise Refused(
            f"子查询太多（{counts['SELECT']} 个 SELECT，上限 {MAX_SELECTS} 个）；请简化查询。"
        )


def _check_tree_size(root: exp.Expr) -> None:
    """Comma joins (FROM a, a, a …) have no JOIN keyword: count relations in the tree too."""
    joins = sum(1 for _ in root.find_all(exp.Join))
    tables = sum(1 for _ in root.find_all(exp.Table))
    if joins > MAX_JOINS:
        raise Refused(f"连接的表太多（{joins} 个连接，上限 {MAX_JOINS} 个）；请减少连接的表。")
    if tables > MAX_TABLE_REFS:
        raise Refused(f"引用的表太多（{tables} 处，上限 {MAX_TABLE_REFS} 处）；请简化查询。")


def _check(sql: str, catalog: set[str], dialect: str, cap: int) -> str:
    if dialect not in DIALECTS:
        raise Refused(f"不支持的方言 {dialect}，可选：{'、'.join(DIALECTS)}。")
    if cap < 1:
        raise Refused("行数上限必须是正整数。")
    if not sql or not sql.strip():
        raise Refused("没有找到 SQL 语句，请输入一条 SELECT 查询。")
    if "\x00" in sql:
        raise Refused("SQL 中含有 NUL 控制字符。")
    _check_size(sql)
    catalog = {c.lower() for c in catalog}
    _check_unicode(sql, dialect)
    if dialect == "duckdb":
        _duckdb_statement_gate(sql)
    try:
        trees = [t for t in sqlglot.parse(sql, read=dialect) if t is not None]
    except (ParseError, TokenError) as err:
        raise SyntaxRefused(f"{SYNTAX_PREFIX}{_first_line(str(err))}") from err
    if len(trees) != 1:
        kinds = "、".join(
            _NODE_LABEL.get(type(t).__name__, type(t).__name__.upper()) for t in trees
        )
        raise Refused(
            f"一次只能执行一条语句，检测到 {len(trees)} 条（{kinds}）；请删除分号后的其余语句。"
        )
    root = trees[0]
    _check_tree_size(root)
    _walk_sqlglot(root, catalog, dialect)
    body = root.sql(dialect="duckdb", comments=False, pretty=True)
    final = wrap_with_cap(body, cap)
    _duckdb_statement_gate(final)
    _duckdb_tree_gate(final, catalog)
    return final
