"""``python -m etl load PATH... [--db DB]``: load documents and print a Chinese summary."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.load.discover import safe_text
from warehouse.paths import resolve_db_path

if TYPE_CHECKING:  # the loader itself is imported lazily (a fast --help)
    from warehouse.load.loader import LoadSummary


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
    parser.add_argument(
        "--workers", type=_workers, default=None, help="并行解析进程数 1–64（默认 CPU 核数）"
    )
    parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
    parser.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="跟随指向载入文件夹之外的符号链接（默认不跟随）",
    )
    parser.add_argument(
        "--keep-both",
        action="store_true",
        help="同一单位同一年度同类文档的多个文件都保留（默认新版本取代旧版本）",
    )
    parser.add_argument(
        "--keep-versions",
        type=_keep_versions,
        metavar="N",
        default=None,
        help="除当前版本外保留的旧版本文件数 0–100（默认 2；磁盘约为仓库文件的 1+N 倍）",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="列出全部跳过的文件")
    parser.add_argument(
        "--timings",
        action="store_true",
        help="在标准错误输出逐阶段、逐审核批次的用时与内存，摘要末尾列出各阶段用时",
    )
    return parser


def _trace_to_stderr() -> None:
    """--timings: the loader's and the review's INFO lines, time-stamped, on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    for name in ("warehouse.load", "warehouse.review"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)


def _keep_versions(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是整数：{text}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"须在 0–100 之间：{value}")
    return value


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--workers 应为 1–64 的整数，实际为 {text!r}") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"--workers 应为 1–64 的整数，实际为 {value}")
    return value


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the half-written version is removed, workers stop."""


_signals_received: list[int] = []


def _on_signal(signum: int, frame: object) -> None:
    """Remember the signal before raising: a DuckDB query running when it arrives swallows the
    handler's exception and raises ``InterruptException("Query interrupted")`` instead."""
    _signals_received.append(signum)
    if signum == signal.SIGTERM:
        raise _Terminated()
    raise KeyboardInterrupt()


def _stopped_by_signal(exc: BaseException) -> int | None:
    """The exit code (143 SIGTERM, 130 Ctrl-C) when ``exc`` is how a signal surfaced."""
    import duckdb

    if isinstance(exc, _Terminated) or signal.SIGTERM in _signals_received:
        return 143
    if isinstance(exc, KeyboardInterrupt | duckdb.InterruptException) or _signals_received:
        return 130
    return None


def _print_stopped(code: int) -> None:
    if code == 143:
        print("\n已终止（SIGTERM）：本次载入未提交，仓库保持原状。", file=sys.stderr)
    else:
        print("\n已中断：本次载入未提交，仓库保持原状。", file=sys.stderr)


def _db_problem(db_path: Path) -> str | None:
    """A --db value that cannot be a warehouse path, as one line (None when fine)."""
    if db_path.is_dir() and not db_path.is_symlink():
        return f"--db 指向的是文件夹，应为仓库文件路径：{db_path}"
    for parent in db_path.parents:
        if parent.exists():
            if not parent.is_dir():
                return f"--db 路径无效：{parent} 是文件，不是文件夹"
            break
    return None


def _is_cli_process() -> bool:
    """Whether this process is ``python -m etl load`` itself (not a test or an app calling
    main(), which may use pandas with pyarrow afterwards)."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) in ("etl.__main__", "warehouse.load.loader_cli")


def main(argv: list[str]) -> int:
    """Exit 0 when every file loaded, 1 when some were rejected (or a data check failed),
    2 for usage errors, 130 when interrupted by Ctrl-C and 143 by SIGTERM (the warehouse is
    then left unchanged)."""
    try:
        args = build_parser().parse_args(argv)
    except _UsageError as exc:
        print(
            f"用法错误：{safe_text(str(exc))}（python -m etl load PATH... [--db DB]）",
            file=sys.stderr,
        )
        return 2
    if bool(args.paths) == bool(args.from_parquet):
        print("用法错误：请给出 PATH... 或 --from-parquet DIR（二选一）", file=sys.stderr)
        return 2
    db_path = resolve_db_path(args.db)
    problem = _db_problem(db_path)
    if problem:
        print(safe_text(problem), file=sys.stderr)
        return 2
    _signals_received.clear()
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if args.from_parquet:
            return _from_parquet(Path(args.from_parquet), db_path)
        return _load(args, db_path)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _load(args: argparse.Namespace, db_path: Path) -> int:
    """The load proper, with the signal handlers of main() installed."""
    from warehouse.load.loader import arrow_without_pandas, load_paths
    from warehouse.load.storage import KEEP_PREVIOUS

    if args.timings:
        _trace_to_stderr()
    if _is_cli_process():
        arrow_without_pandas()  # this process only loads: no pandas import (~0.5 CPU-s)
    return _outcome(
        lambda: load_paths(
            [Path(p) for p in args.paths],
            db_path,
            progress=not args.no_progress,
            workers=args.workers,
            follow_symlinks=args.follow_symlinks,
            keep_both=args.keep_both,
            keep_versions=KEEP_PREVIOUS if args.keep_versions is None else args.keep_versions,
        ),
        lambda exc: f"载入失败，仓库保持原状：{describe_error(exc)}",
        verbose=args.verbose,
        timings=args.timings,
    )


def _from_parquet(folder: Path, db_path: Path) -> int:
    """``--from-parquet``: warehouse/load/parquet_load.py, same exit codes and summary."""
    from warehouse.load.parquet_load import load_parquet

    return _outcome(
        lambda: load_parquet(folder, db_path),
        lambda exc: f"从 Parquet 载入失败，仓库保持原状：{folder}：{exc}",
    )


def _outcome(
    load: Callable[[], LoadSummary],
    failure: Callable[[Exception], str],
    verbose: bool = False,
    timings: bool = False,
) -> int:
    """Run a load and print its summary, or one line: exit 2 for a missing path, 143 / 130
    for SIGTERM / Ctrl-C, 1 for any other failure (schema mismatch, disk full, bad Parquet),
    never a traceback."""
    try:
        summary = load()
    except FileNotFoundError as exc:
        print(f"路径不存在：{safe_text(str(exc.args[0] if exc.args else exc))}", file=sys.stderr)
        return 2
    except BaseException as exc:
        stopped = _stopped_by_signal(exc)
        if stopped is not None:
            _print_stopped(stopped)
            return stopped
        if not isinstance(exc, Exception):
            raise
        print(safe_text(failure(exc)), file=sys.stderr)
        return 1
    print(format_summary(summary, verbose=verbose, timings=timings))
    return summary.exit_code


def describe_error(exc: BaseException) -> str:
    """The real cause in one line (disk full, permission) rather than a follow-up error."""
    from warehouse.load.storage import describe_os_error

    return describe_os_error(exc)


SKIPPED_SHOWN = 50  # skipped files listed one by one (all of them with --verbose)


def format_summary(summary: LoadSummary, *, verbose: bool = False, timings: bool = False) -> str:
    """The end-of-load report in Chinese; every path and reason is escaped for the terminal."""
    s = summary
    head = (
        f"载入完成（批次 {s.run_id}，用时 {s.elapsed_s:.2f} 秒）"
        if s.written
        else f"没有需要载入的变化，仓库未改动（用时 {s.elapsed_s:.2f} 秒）"
    )
    lines = [
        head,
        f"  候选文件 {s.files_seen} 个：新载入 {s.loaded}，更新替换 {s.replaced}，"
        f"未变化跳过 {s.unchanged}，"
        f"内容重复跳过 {len(s.duplicates) + len(s.same_content)}，拒绝 {len(s.rejected)}",
        f"  本次写入：项目 {s.projects} 个，指标 {s.indicators} 条，警告 {s.warnings} 条",
        f"  仓库合计：文件 {s.totals.get('documents', 0)} 个，"
        f"项目 {s.totals.get('projects', 0)} 个，"
        f"指标 {s.totals.get('indicators', 0)} 条，警告 {s.totals.get('warnings', 0)} 条",
        f"  仓库：{s.db_path} → {Path(s.db_file).name}",
    ]
    from warehouse.load.checks import report

    if s.written:
        lines.append("  " + report(s.check_results).replace("\n", "\n  "))
    if s.superseded:
        lines.append("新版本取代了旧版本（同一单位、年度、文档类型；--keep-both 可都保留）：")
        lines += [f"  {new} 取代 {old}" for old, new in s.superseded]
    if s.separate:
        lines.append("同一单位同一年度的另一份文档（两者没有相同的项目），都已载入：")
        lines += [f"  {new}（另有 {other}）" for new, other in s.separate]
    if s.same_content:
        lines.append("同一文档的另一文件或格式（内容相同），未重复载入：")
        lines += [f"  {path}（同 {kept}）" for path, kept in s.same_content]
    if s.version_skipped:
        lines.append(f"此前已被新版本取代的文件 {len(s.version_skipped)} 个，跳过：")
        lines += [f"  {path}（已由 {kept} 取代）" for path, kept in s.version_skipped]
    if s.duplicates:
        lines.append("内容与已载入文件相同，已跳过：")
        lines += [f"  {path}（同 {original}）" for path, original in s.duplicates]
    if s.not_documents:
        lines.append(f"  跳过：不是文档 {s.not_documents} 个（清单 .toml、说明、参考数据等）")
    if s.skipped:
        lines.append(f"未载入的文件 {len(s.skipped)} 个（原因如下）：")
        shown = s.skipped if verbose else s.skipped[:SKIPPED_SHOWN]
        lines += [f"  {k.path}：{k.reason}" for k in shown]
        if len(shown) < len(s.skipped):
            lines.append(f"  ……另有 {len(s.skipped) - len(shown)} 个，用 --verbose 查看全部")
    if s.rejected:
        known = sum(1 for r in s.rejected if r.known)
        note = f"（其中 {known} 个内容未变，沿用上次的拒绝原因，未重新解析）" if known else ""
        lines.append(f"被拒绝的文件{note}：")
        lines += [f"  {r.path}：{r.reason}" for r in sorted(s.rejected, key=lambda r: r.path)]
    if timings and s.phases:
        from warehouse.load.loader import PHASES

        lines.append("各阶段用时：")
        lines += [f"  {PHASES[name]}：{seconds:.2f} 秒" for name, seconds in s.phases.items()]
    if s.nothing_found:
        from etl.readers import SUPPORTED_SUFFIXES

        kinds = " ".join(sorted(SUPPORTED_SUFFIXES))
        lines.append(f"没有找到可载入的文档（支持 {kinds}），仓库未增加任何文档。")
    return safe_text_lines(lines)


def safe_text_lines(lines: list[str]) -> str:
    """Join report lines, escaping control characters inside each (names come from disk)."""
    return "\n".join(safe_text(line) for line in lines)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
