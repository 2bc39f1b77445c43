"""``python -m warehouse export DIR [--db DB]``: Parquet for other engines.

Dimensions and lineage tables become ``DIR/<table>.parquet``; the two fact tables become
Hive-partitioned folders ``DIR/<fact>/fiscal_year=2021/*.parquet``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import duckdb

from warehouse.dbutil import scalar
from warehouse.load.storage import describe_os_error
from warehouse.paths import DB_HELP, resolve_db_path
from warehouse.schema import ddl as schema
from warehouse.serve.connect import WarehouseMissingError, open_readonly

PARTITIONED = ("fact_project_budget", "fact_indicator_target")


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_parquet(db_path: Path, out_dir: Path) -> dict[str, int]:
    """Write every table; returns rows written per table. Existing outputs are replaced."""
    out_dir.mkdir(parents=True, exist_ok=True)
    con = open_readonly(db_path)
    written: dict[str, int] = {}
    try:
        for table in schema.TABLES:
            rows = scalar(con, f"SELECT count(*) FROM {table}")
            if table in PARTITIONED:
                target = out_dir / table
                shutil.rmtree(target, ignore_errors=True)
                if rows:
                    con.execute(
                        f"COPY {table} TO {_literal(target)} "
                        "(FORMAT parquet, PARTITION_BY (fiscal_year))"
                    )
            else:
                con.execute(
                    f"COPY {table} TO {_literal(out_dir / (table + '.parquet'))} (FORMAT parquet)"
                )
            written[table] = rows
    finally:
        con.close()
    return written


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting with a traceback-free 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def output_problem(out_dir: Path) -> str | None:
    """Why ``out_dir`` cannot receive the export, as one Chinese line (None when fine)."""
    if out_dir.exists() and not out_dir.is_dir():
        return f"输出路径已存在且不是文件夹：{out_dir}"
    for parent in [out_dir, *out_dir.parents]:
        if parent.exists():
            if not parent.is_dir():
                return f"输出路径无效：{parent} 是文件，不是文件夹"
            if not os.access(parent, os.W_OK | os.X_OK):
                return f"没有写入权限：{parent}"
            return None
    return None


def main(argv: list[str]) -> int:
    parser = _Parser(
        prog="python -m warehouse export",
        description="把仓库各表导出为 Parquet（事实表按预算年度分区）",
    )
    parser.add_argument("dir", help="输出文件夹")
    parser.add_argument("--db", help=DB_HELP)
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark", "trino"),
        help="另写出该引擎注册表与分析视图的 DDL（ddl_<engine>.sql，由 DuckDB 定义转译）",
    )
    parser.add_argument(
        "--ddl-only",
        action="store_true",
        help="只为 DIR 中已有的 Parquet（如 spark-parse 输出）写 DDL",
    )
    parser.add_argument("--location", help="DDL 中替换 DIR 的路径前缀（如 s3a://bucket/goals）")
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(
            f"用法错误：{exc}（python -m warehouse export DIR [--db DB] [--engine E]）",
            file=sys.stderr,
        )
        return 2
    if args.ddl_only and not args.engine:
        print("用法错误：--ddl-only 需要 --engine", file=sys.stderr)
        return 2
    out_dir = Path(args.dir).expanduser()
    if not args.ddl_only:
        problem = output_problem(out_dir) if args.dir.strip() else "输出文件夹不能为空"
        if problem:
            print(f"导出失败：{problem}", file=sys.stderr)
            return 2
        try:
            written = export_parquet(resolve_db_path(args.db), out_dir)
        except WarehouseMissingError as exc:
            print(exc, file=sys.stderr)
            return 2
        except (OSError, duckdb.Error) as exc:  # disk full, permission, odd path: one line
            print(f"导出失败：{describe_os_error(exc)}", file=sys.stderr)
            return 1
        for table, rows in written.items():
            print(f"{table}: {rows} 行")
        print(f"已导出到 {args.dir}")
    if args.engine:
        from warehouse.export.engines import write_ddl

        if not out_dir.is_dir():
            print(f"文件夹不存在：{args.dir}", file=sys.stderr)
            return 2
        try:
            ddl = write_ddl(out_dir, args.engine, args.location)
        except OSError as exc:
            print(f"写出 DDL 失败：{describe_os_error(exc)}", file=sys.stderr)
            return 1
        print(f"已写出 {args.engine} DDL：{ddl}")
    return 0
