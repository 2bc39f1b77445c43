"""`python -m warehouse query "SQL"`: one guarded read-only query, printed as table/CSV/JSON.

Exit codes: 0 ran, 1 runtime error, timeout or unwritable output, 2 refused by the guard,
syntax error or bad arguments. Every failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import math
import os
import sys
from pathlib import Path

import pandas as pd

from warehouse.paths import DB_HELP
from warehouse.serve.sandbox import DEFAULT_TIMEOUT_S, resolve_db, run_guarded, truncation_notice
from warehouse.serve.sql_guard import DEFAULT_CAP, DIALECTS
from warehouse.serve.sql_worker import RESULT_BYTE_BUDGET

MAX_ROWS_LIMIT = 1_000_000
MAX_TIMEOUT_S = 600.0
MAX_MB_LIMIT = 1024.0


class _ArgError(Exception):
    """A bad argument value: its text is the one line printed."""


def _number(text: str, kind: type, name: str, low: float, high: float) -> float:
    """Parse a finite number within [low, high] (rejects inf, nan, -1 and friends)."""
    try:
        value = kind(text)
    except (TypeError, ValueError):
        raise _ArgError(f"{name} 必须是数字，收到 {text!r}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise _ArgError(f"{name} 必须是有限的数字，收到 {text!r}")
    if not low <= value <= high:
        raise _ArgError(f"{name} 必须在 {_fmt(low)} 到 {_fmt(high)} 之间，收到 {text!r}")
    return value


def _fmt(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


_ERRNO_TEXT = {
    errno.ENOSPC: "磁盘已满",
    errno.EACCES: "没有写权限",
    errno.EPERM: "没有写权限",
    errno.ENOENT: "目录不存在",
    errno.EISDIR: "这是一个目录",
    errno.EROFS: "只读文件系统",
}


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"参数错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m warehouse query",
        description="对仓库执行一条只读 SQL 查询（与仪表盘 SQL 页面使用同一个安全检查）。",
    )
    parser.add_argument("sql", help='一条查询语句，例如 "SELECT * FROM v_project_budget"')
    parser.add_argument("--db", default=None, help=DB_HELP)
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--dialect", choices=tuple(DIALECTS), default="duckdb")
    parser.add_argument("--max-rows", default=str(DEFAULT_CAP), help="行数上限（1–1000000）")
    parser.add_argument(
        "--max-mb",
        default=f"{RESULT_BYTE_BUDGET / 1024**2:g}",
        help="结果数据量上限（MB，默认 20）",
    )
    parser.add_argument(
        "--timeout", default=f"{DEFAULT_TIMEOUT_S:g}", help="时间上限（秒，0–600，默认 15）"
    )
    parser.add_argument("--output", "-o", default=None, help="把结果写入文件（默认标准输出）")
    return parser


def _render(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        records = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if frame.empty:
        return "（无结果行）\n" if not len(frame.columns) else frame.to_string(index=False) + "\n"
    return frame.to_string(index=False) + "\n"


def _write(text: str, output: str | None) -> str | None:
    """Write the result; a Chinese line on failure (unwritable path, closed pipe, full disk)."""
    try:
        if output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            Path(output).write_text(text, encoding="utf-8")
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error; silence the exit-time flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as err:
        target = "标准输出" if output is None else output
        reason = _ERRNO_TEXT.get(err.errno or 0, err.strerror or type(err).__name__)
        return f"无法写入{target}：{reason}"
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point used by `python -m warehouse query`; argv excludes the `query` word."""
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except Exception as err:  # the promise is: never a traceback
        print(f"内部错误：{type(err).__name__}: {str(err).splitlines()[0][:200]}", file=sys.stderr)
        return 1


def _main(argv: list[str]) -> int:
    try:
        args = _build_parser().parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error (2): return, never exit the caller
        return int(stop.code or 0)
    try:
        max_rows = int(_number(args.max_rows, int, "--max-rows", 1, MAX_ROWS_LIMIT))
        max_mb = _number(args.max_mb, float, "--max-mb", 0.001, MAX_MB_LIMIT)
        timeout = _number(args.timeout, float, "--timeout", 0.001, MAX_TIMEOUT_S)
    except _ArgError as err:
        print(f"参数错误：{err}", file=sys.stderr)
        return 2
    if args.output is not None:
        parent = Path(args.output).expanduser().resolve().parent
        if not parent.is_dir() or not os.access(parent, os.W_OK) or Path(args.output).is_dir():
            print(f"参数错误：无法写入 --output {args.output}", file=sys.stderr)
            return 2
    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # keep stderr to one line
    db = resolve_db(args.db)
    outcome = run_guarded(
        db,
        args.sql,
        dialect=args.dialect,
        cap=max_rows,
        timeout_s=timeout,
        max_bytes=int(max_mb * 1024**2),
    )
    if outcome.syntax_error:
        print(outcome.error, file=sys.stderr)
        return 2
    if outcome.refused:
        print(f"已拒绝：{outcome.error}", file=sys.stderr)
        return 2
    if outcome.error is not None:
        hint = " 请先运行 python -m etl load data/" if not db.exists() else ""
        print(f"错误：{outcome.error}{hint}", file=sys.stderr)
        return 1
    assert outcome.frame is not None
    problem = _write(_render(outcome.frame, args.format), args.output)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    notice = truncation_notice(outcome)
    if notice:
        print(notice, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
