"""``python -m warehouse export DIR [--db DB]``: Parquet for other engines.

Dimensions and lineage tables become ``DIR/<table>.parquet``; the two fact tables become
Hive-partitioned folders ``DIR/<fact>/fiscal_year=2021/*.parquet``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from warehouse import schema
from warehouse.connect import WarehouseMissingError, open_readonly
from warehouse.paths import resolve_db_path

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
            rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m warehouse export",
        description="把仓库各表导出为 Parquet（事实表按预算年度分区）",
    )
    parser.add_argument("dir", help="输出文件夹")
    parser.add_argument("--db", help="仓库路径（默认 $WAREHOUSE_DB，否则 var/warehouse.duckdb）")
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
    args = parser.parse_args(argv)
    if args.ddl_only and not args.engine:
        print("用法错误：--ddl-only 需要 --engine", file=sys.stderr)
        return 2
    if not args.ddl_only:
        try:
            written = export_parquet(resolve_db_path(args.db), Path(args.dir))
        except WarehouseMissingError as exc:
            print(exc, file=sys.stderr)
            return 2
        for table, rows in written.items():
            print(f"{table}: {rows} 行")
        print(f"已导出到 {args.dir}")
    if args.engine:
        from warehouse.engines import write_ddl

        if not Path(args.dir).is_dir():
            print(f"文件夹不存在：{args.dir}", file=sys.stderr)
            return 2
        print(f"已写出 {args.engine} DDL：{write_ddl(Path(args.dir), args.engine, args.location)}")
    return 0
