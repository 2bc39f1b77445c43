"""DDL for other engines over the Parquet tables, transpiled from the one DuckDB definition.

The analyst views (warehouse/schema/views.sql) and the marts they read (the SELECTs in
warehouse/schema/marts.py; on other engines the marts are plain views) are parsed once with sqlglot
as DuckDB SQL and written for DuckDB, Spark or Trino. sqlglot translates most of it; the
few DuckDB constructs whose meaning it does not carry over are rewritten on the AST by the
table ``REWRITES`` below (docs/scale_out.md lists them). Nothing here is a hand-kept copy
of a view: a new view in views.sql appears in every engine's DDL on the next export.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import sqlglot
from sqlglot import exp

from warehouse.export import parquet_layout as layout
from warehouse.schema import ddl as schema
from warehouse.schema import marts

ENGINES = ("duckdb", "spark", "trino")
TRINO_SCHEMA = "goals"  # schema name used in Trino's partition sync calls (docs/scale_out.md)
DDL_FILE = "ddl_{engine}.sql"
STATEMENT_END = ";\n\n"


@cache
def _double_columns() -> frozenset[str]:
    """Columns stored as DOUBLE anywhere in the schema (their text form differs by engine)."""
    import pyarrow as pa

    names = set()
    for table in (*schema.TABLES, *layout.PARSE_TABLES):
        if table in ("load_run", "warehouse_meta"):
            continue
        names |= {f.name for f in schema.arrow_schema(table) if pa.types.is_float64(f.type)}
    return frozenset(names)


def _string_agg(engine: str) -> Callable[[exp.Expr], exp.Expr]:
    """string_agg(x, sep) → concat_ws(sep, collect_list(x)) on Spark, array_join(array_agg(x),
    sep) on Trino (whose LISTAGG needs WITHIN GROUP; older Spark releases have no LISTAGG)."""

    def call(name: str, *args: exp.Expr) -> exp.Expr:
        return exp.Anonymous(this=name, expressions=list(args))

    def rewrite(node: exp.Expr) -> exp.Expr:
        if not isinstance(node, exp.GroupConcat):
            return node
        value, sep = node.this, node.args.get("separator") or exp.Literal.string(",")
        ordered = isinstance(value, exp.Order)  # ORDER BY the value itself (all views.sql uses)
        if ordered:
            value = value.this
        distinct = isinstance(value, exp.Distinct)
        if distinct:
            value = value.expressions[0]
        if engine == "spark":
            items = call("COLLECT_SET" if distinct else "COLLECT_LIST", value)
            items = call("ARRAY_SORT", items) if ordered else items
            return call("CONCAT_WS", sep, items)
        items = exp.ArrayAgg(this=value)
        items = call("ARRAY_DISTINCT", items) if distinct else items
        items = call("ARRAY_SORT", items) if ordered else items
        return call("ARRAY_JOIN", items, sep)

    return rewrite


def _double_to_text(node: exp.Expr) -> exp.Expr:
    """CAST(double AS VARCHAR): DuckDB prints 10000000.0, Spark 1.0E7, Trino 1.0E7. Whole
    numbers go through BIGINT so every engine prints 10000000 (the views then strip a
    trailing '.0' that is no longer there); other values keep the engine's cast."""
    if not (
        isinstance(node, exp.Cast)
        and node.to.is_type(exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT)
        and isinstance(node.this, exp.Column)
        and node.this.name in _double_columns()
    ):
        return node
    value = node.this
    whole = exp.and_(
        exp.EQ(this=value.copy(), expression=exp.Floor(this=value.copy())),
        exp.LT(this=exp.Abs(this=value.copy()), expression=exp.Literal.number("1e15")),
    )
    as_int = exp.Cast(
        this=exp.Cast(this=value.copy(), to=exp.DataType.build("BIGINT")), to=node.to.copy()
    )
    return exp.Case(ifs=[exp.If(this=whole, true=as_int)], default=node.copy())


# The rewrite table: which DuckDB construct, for which engines, how (docs/scale_out.md).
REWRITES: tuple[
    tuple[str, tuple[str, ...], Callable[[str], Callable[[exp.Expr], exp.Expr]]], ...
] = (
    ("string_agg([DISTINCT] x, sep [ORDER BY x])", ("spark", "trino"), _string_agg),
    ("CAST(<double> AS VARCHAR)", ("spark", "trino"), lambda _engine: _double_to_text),
)


def rewrite(tree: exp.Expr, engine: str) -> exp.Expr:
    """Apply every rewrite of ``REWRITES`` that concerns ``engine``."""
    for _name, engines, make in REWRITES:
        if engine in engines:
            tree = tree.transform(make(engine))
    return tree


def transpile(sql: str, engine: str) -> str:
    """One DuckDB statement in ``engine``'s dialect, rewrites applied."""
    if engine not in ENGINES:
        raise ValueError(f"不支持的引擎：{engine}（可选 {', '.join(ENGINES)}）")
    tree = sqlglot.parse_one(sql, read="duckdb")
    return rewrite(tree, engine).sql(dialect=engine, pretty=True)


_MACRO_KEYS = "keys"  # the parameter of views.sql's table macros: identities to compute


def view_definitions() -> list[tuple[str, str]]:
    """(name, DuckDB SELECT) of every view other engines need, in dependency order: the two
    marts (as views), then each CREATE VIEW of views.sql."""
    out = [
        ("mart_project_budget", marts._PROJECT_SELECT.format(scope_f="TRUE")),
        ("mart_indicator_target", marts._INDICATOR_SELECT.format(scope_t="TRUE")),
    ]
    macros: dict[str, exp.Expression] = {}
    for statement in sqlglot.parse(schema.VIEWS_SQL.read_text(encoding="utf-8"), read="duckdb"):
        if not isinstance(statement, exp.Create):
            continue
        select = statement.expression
        if statement.args.get("kind") == "MACRO":
            macros[statement.this.this.name] = select  # UserDefinedFunction(Table(name))
        elif statement.args.get("kind") == "VIEW":
            select = _inline_macros(select, macros)
            out.append((statement.this.name, select.sql(dialect="duckdb")))
        elif isinstance(select, exp.Select):
            # a table DuckDB precomputes at load (`CREATE TABLE mart_x AS SELECT * FROM
            # v_x_live LIMIT 0`, filled by warehouse/load/derived.py) is a plain view elsewhere
            table = statement.this if isinstance(statement.this, exp.Table) else None
            if table is None:  # CREATE TABLE name (columns…): data, not a derived table
                continue
            unlimited = select.copy()
            unlimited.set("limit", None)
            out.append((table.name, unlimited.sql(dialect="duckdb")))
    return out


def _inline_macros(select: exp.Expression, macros: dict[str, exp.Expression]) -> exp.Expression:
    """A view over a DuckDB table macro (``SELECT * FROM m(NULL)``, views.sql) as plain SQL
    other engines run: the macro's body for every row, ``keys IS NULL OR …`` filters true."""

    def expand(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Or) and any(
            c.name == _MACRO_KEYS for c in node.find_all(exp.Column)
        ):
            return exp.true()
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Anonymous):
            body = macros.get(node.this.name)
            if body is not None:
                return exp.Subquery(this=expand_all(body), alias=node.args.get("alias"))
        return node

    def expand_all(tree: exp.Expression) -> exp.Expression:
        return tree.copy().transform(expand)

    if not macros:
        return select
    return expand_all(select)


def _partitions(folder: Path) -> list[str]:
    """Hive partition columns of a table folder, read from the first file's path."""
    first = next(iter(sorted(folder.rglob("*.parquet"))), None)
    if first is None:
        return []
    return [p.split("=", 1)[0] for p in first.relative_to(folder).parts[:-1] if "=" in p]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _table_ddl(engine: str, table: str, location: str, single: bool, parts: list[str]) -> list[str]:
    if engine == "duckdb":
        source = location if single else location + "/**/*.parquet"
        return [
            f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet("
            f"{_quote(source)}, hive_partitioning = true, union_by_name = true)"
        ]
    if engine == "spark":
        out = [
            f"DROP TABLE IF EXISTS {table}",
            f"CREATE TABLE {table} USING parquet LOCATION {_quote(location)}",
        ]
        return out + ([f"MSCK REPAIR TABLE {table}"] if parts else [])
    columns = [
        f"    {field.name} {_trino_type(field.name, table)}"
        for field in schema.arrow_schema(table)
        if field.name not in parts
    ]
    columns += [f"    {p} {'INTEGER' if p == 'fiscal_year' else 'VARCHAR'}" for p in parts]
    props = [f"external_location = {_quote(location)}", "format = 'PARQUET'"]
    if parts:
        props.append("partitioned_by = ARRAY[" + ", ".join(_quote(p) for p in parts) + "]")
    out = [
        f"CREATE TABLE IF NOT EXISTS {table} (\n"
        + ",\n".join(columns)
        + f"\n) WITH (\n    {', '.join(props)}\n)"
    ]
    if parts:
        out.append(f"CALL system.sync_partition_metadata('{TRINO_SCHEMA}', '{table}', 'FULL')")
    return out


@cache
def _duckdb_types() -> dict[tuple[str, str], str]:
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(schema.SCHEMA_SQL.read_text(encoding="utf-8"))
        rows = con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE NOT internal"
        ).fetchall()
    finally:
        con.close()
    return {(t, c): d for t, c, d in rows}


def _trino_type(column: str, table: str) -> str:
    return exp.DataType.build(_duckdb_types()[(table, column)], dialect="duckdb").sql("trino")


def _needs(select: str) -> set[str]:
    """Tables and views a SELECT reads (its own CTE names excluded)."""
    tree = sqlglot.parse_one(select, read="duckdb")
    ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
    return {t.name for t in tree.find_all(exp.Table)} - ctes


def ddl_statements(
    root: Path, engine: str, location: str | None = None, skipped: list[str] | None = None
) -> list[str]:
    """Every statement registering the Parquet tables under ``root`` and the views, for
    ``engine``. ``location`` replaces ``root`` in the paths (e.g. s3a://bucket/goals). A view
    whose inputs are not there (the cross-year views need ``project_identity``, which the
    DuckDB load computes and ``warehouse export`` writes, but ``spark-parse`` does not) is left
    out and named in ``skipped``."""
    if engine not in ENGINES:
        raise ValueError(f"不支持的引擎：{engine}（可选 {', '.join(ENGINES)}）")
    base = (location or str(Path(root).absolute())).rstrip("/")
    statements: list[str] = []
    present: set[str] = set()
    for table in dict.fromkeys((*layout.PARSE_TABLES, *schema.TABLES)):
        single = (root / f"{table}.parquet").is_file()
        if not single and layout.table_glob(root, table) is None:
            continue
        parts = [] if single else _partitions(root / table)
        where = layout.table_location(base, table, single_file=single)
        statements += _table_ddl(engine, table, where, single, parts)
        present.add(table)
    for name, select in view_definitions():
        missing = sorted(_needs(select) - present)
        if missing:
            if skipped is not None:
                skipped.append(f"{name}（缺少 {'、'.join(missing)}）")
            continue
        body = transpile(select, engine)
        statements.append(f"CREATE OR REPLACE VIEW {name} AS\n{body}")
        present.add(name)
    return statements


def write_ddl(root: Path, engine: str, location: str | None = None) -> Path:
    """Write ``root/ddl_<engine>.sql`` (statements separated by ';' and a blank line)."""
    target = Path(root) / DDL_FILE.format(engine=engine)
    skipped: list[str] = []
    text = STATEMENT_END.join(ddl_statements(Path(root), engine, location, skipped)) + ";\n"
    header = (
        f"-- Generated by `python -m warehouse export --engine {engine}` "
        "from warehouse/schema/views.sql\n"
        "-- and warehouse/schema/marts.py (DuckDB SQL, transpiled with sqlglot). Do not edit.\n"
    )
    header += "".join(f"-- 未注册的视图（输入表不在此文件夹）：{item}\n" for item in skipped)
    header += "\n"
    target.write_text(header + text, encoding="utf-8")
    return target


def split_script(text: str) -> list[str]:
    """The statements of a file written by ``write_ddl`` (comments dropped)."""
    lines = [line for line in text.splitlines() if not line.startswith("-- ")]
    body = "\n".join(lines).strip()
    return [s.strip() for s in (body + "\n\n").split(STATEMENT_END) if s.strip().rstrip(";")]
