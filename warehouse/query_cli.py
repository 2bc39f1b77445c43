"""`python -m warehouse query "SQL"`: one guarded read-only query, printed as table/CSV/JSON.

Exit codes: 0 ran, 1 runtime error or timeout, 2 refused by the guard (or bad arguments).
Every failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

import pandas as pd

from warehouse.sandbox import DEFAULT_TIMEOUT_S, resolve_db, run_guarded, truncation_notice
from warehouse.sql_guard import DEFAULT_CAP, DIALECTS


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
    parser.add_argument(
        "--db", default=None, help="仓库文件（默认：WAREHOUSE_DB 或 var/warehouse.duckdb）"
    )
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--dialect", choices=tuple(DIALECTS), default="duckdb")
    parser.add_argument("--max-rows", type=int, default=DEFAULT_CAP, help="行数上限")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="时间上限（秒）")
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


def main(argv: list[str] | None = None) -> int:
    """Entry point used by `python -m warehouse query`; argv excludes the `query` word."""
    try:
        args = _build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as stop:  # --help (0) or a usage error (2): return, never exit the caller
        return int(stop.code or 0)
    if args.max_rows < 1:
        print("参数错误：--max-rows 必须是正整数", file=sys.stderr)
        return 2
    if args.timeout <= 0:
        print("参数错误：--timeout 必须大于 0", file=sys.stderr)
        return 2
    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # keep stderr to one line
    db = resolve_db(args.db)
    outcome = run_guarded(
        db, args.sql, dialect=args.dialect, cap=args.max_rows, timeout_s=args.timeout
    )
    if outcome.refused:
        print(f"已拒绝：{outcome.error}", file=sys.stderr)
        return 2
    if outcome.error is not None:
        hint = " 请先运行 python -m etl load data/" if not db.exists() else ""
        print(f"错误：{outcome.error}{hint}", file=sys.stderr)
        return 1
    assert outcome.frame is not None
    sys.stdout.write(_render(outcome.frame, args.format))
    notice = truncation_notice(outcome)
    if notice:
        print(notice, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
