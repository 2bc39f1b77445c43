"""``python -m etl load PATH... [--db DB]``: load documents and print a Chinese summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warehouse.paths import resolve_db_path


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() can return 2 with a Chinese line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m etl load",
        description="解析绩效目标文件（文件或文件夹，递归）并载入 DuckDB 仓库。",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="文件或文件夹")
    parser.add_argument(
        "--from-parquet", metavar="DIR", help="从 spark-parse 输出的 Parquet 文件夹建仓（不解析）"
    )
    parser.add_argument("--db", help="仓库路径（默认 $WAREHOUSE_DB，否则 var/warehouse.duckdb）")
    parser.add_argument("--workers", type=int, default=None, help="并行解析进程数（默认 CPU 核数）")
    parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
    return parser


def main(argv: list[str]) -> int:
    """Exit 0 when every file loaded, 1 when some were rejected (or a data check failed),
    2 for usage errors, 130 when interrupted (the warehouse is then left unchanged)."""
    from warehouse.loader import load_paths

    try:
        args = build_parser().parse_args(argv)
    except _UsageError as exc:
        print(f"用法错误：{exc}（python -m etl load PATH... [--db DB]）", file=sys.stderr)
        return 2
    if bool(args.paths) == bool(args.from_parquet):
        print("用法错误：请给出 PATH... 或 --from-parquet DIR（二选一）", file=sys.stderr)
        return 2
    db_path = resolve_db_path(args.db)
    if args.from_parquet:
        return _from_parquet(Path(args.from_parquet), db_path)
    try:
        summary = load_paths(
            [Path(p) for p in args.paths],
            db_path,
            progress=not args.no_progress,
            workers=args.workers,
        )
    except FileNotFoundError as exc:
        print(f"路径不存在：{exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n已中断：本次载入未提交，仓库保持原状。", file=sys.stderr)
        return 130
    except Exception as exc:  # e.g. schema mismatch, broken rule file: one line, no traceback
        print(f"载入失败，仓库保持原状：{exc}", file=sys.stderr)
        return 1
    print(format_summary(summary))
    return summary.exit_code


def _from_parquet(folder: Path, db_path: Path) -> int:
    """``--from-parquet``: warehouse/parquet_load.py, same exit codes and summary."""
    from warehouse.parquet_load import load_parquet

    try:
        summary = load_parquet(folder, db_path)
    except FileNotFoundError as exc:
        print(f"路径不存在：{exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n已中断：本次载入未提交，仓库保持原状。", file=sys.stderr)
        return 130
    except Exception as exc:  # bad Parquet, schema mismatch: one line, no traceback
        print(f"从 Parquet 载入失败，仓库保持原状：{folder}：{exc}", file=sys.stderr)
        return 1
    print(format_summary(summary))
    return summary.exit_code


def format_summary(summary: object) -> str:
    """The end-of-load report in Chinese."""
    s = summary  # LoadSummary; typed loosely to keep the import lazy
    head = (
        f"载入完成（批次 {s.run_id}，用时 {s.elapsed_s:.2f} 秒）"
        if s.written
        else f"没有需要载入的变化，仓库未改动（用时 {s.elapsed_s:.2f} 秒）"
    )
    lines = [
        head,
        f"  候选文件 {s.files_seen} 个：新载入 {s.loaded}，更新替换 {s.replaced}，"
        f"未变化跳过 {s.unchanged}，内容重复跳过 {len(s.duplicates)}，拒绝 {len(s.rejected)}",
        f"  本次写入：项目 {s.projects} 个，指标 {s.indicators} 条，警告 {s.warnings} 条",
        f"  仓库合计：文件 {s.totals.get('documents', 0)} 个，项目 {s.totals.get('projects', 0)} 个，"
        f"指标 {s.totals.get('indicators', 0)} 条，警告 {s.totals.get('warnings', 0)} 条",
        f"  仓库：{s.db_path} → {Path(s.db_file).name}",
    ]
    from warehouse.checks import report

    if s.written:
        lines.append("  " + report(s.check_results).replace("\n", "\n  "))
    if s.duplicates:
        lines.append("内容与已载入文件相同，已跳过：")
        lines += [f"  {path}（同 {original}）" for path, original in s.duplicates]
    if s.ignored:
        lines.append("不是支持的文件类型，已忽略：")
        lines += [f"  {path}" for path in s.ignored]
    if s.rejected:
        lines.append("被拒绝的文件：")
        lines += [f"  {r.path}：{r.reason}" for r in sorted(s.rejected, key=lambda r: r.path)]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
