"""`python -m etl review FILE [--json] [--config RULES.toml]`: review one document."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from etl.review.config import ConfigError, load_config
from etl.review.report import render


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m etl review",
        description="绩效目标审核：逐项目列出问题、修改建议和评级（优/良/中/差）",
    )
    parser.add_argument("file", type=Path, help="绩效目标文档（.txt/.docx/.xlsx/.csv）")
    parser.add_argument("--json", action="store_true", help="输出 JSON 而不是文字报告")
    parser.add_argument(
        "--config", type=Path, default=None, help="审核规则文件（默认 data/review_rules.toml）"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """0 when reviewed (whatever the grades), 2 when the file or the rules cannot be read."""
    args = _arguments(list(sys.argv[1:] if argv is None else argv))
    from etl.errors import DocumentError
    from etl.parser import parse_file

    try:
        config = load_config(args.config)
        record = parse_file(args.file)
    except (ConfigError, DocumentError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"错误：{args.file}: 无法读取文件（{error.strerror or error}）", file=sys.stderr)
        return 2
    # The set-based review of the warehouse, over an in-memory warehouse holding this file.
    from warehouse.review.memory import review_record_sql

    review = review_record_sql(record, config)
    if args.json:
        payload = {
            "source": record.get("source"),
            "unit": record.get("unit"),
            "fiscal_year": record.get("fiscal_year"),
            **review,
        }
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render(record, review))
    return 0
