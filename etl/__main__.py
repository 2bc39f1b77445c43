"""`python -m etl parse|load|review|synth` — see docs/contract.md section 1."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from etl.errors import DocumentError


def _parse_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m etl parse", description="打印一个绩效目标文档的标准化记录（JSON）"
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--manifest", type=Path, help="文档清单 TOML（默认：就近的 manifest.toml）")
    parser.add_argument("--compact", action="store_true", help="单行 JSON 输出")
    args = parser.parse_args(argv)
    from etl.manifest import load_manifest
    from etl.parser import parse_file

    try:
        manifest = load_manifest(args.manifest) if args.manifest else None
        record = parse_file(args.file, manifest=manifest)
    except DocumentError as error:
        print(f"错误 {error}", file=sys.stderr)
        return 1
    json.dump(record, sys.stdout, ensure_ascii=False, indent=None if args.compact else 2)
    sys.stdout.write("\n")
    return 0


def _delegate(module: str, argv: list[str]) -> int:
    import importlib

    return int(importlib.import_module(module).main(argv))


COMMANDS = {
    "load": "warehouse.load.loader_cli",
    "review": "etl.review.cli",
    "synth": "synth.cli",
    "spark-parse": "etl.spark_parse",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(
            "用法: python -m etl {parse,load,review,synth,spark-parse} ...\n"
            "  parse FILE            打印文档的标准化记录 (JSON)\n"
            "  load PATH... [--db]   解析并入库 (DuckDB)\n"
            "  review FILE [--json]  绩效目标审核报告\n"
            "  synth --docs N --out DIR [--seed S]  生成合成文档\n"
            "  spark-parse INPUT_DIR OUT_DIR [--master URL]  在 Spark 上解析，写出 Parquet"
        )
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "parse":
        return _parse_command(rest)
    if command in COMMANDS:
        return _delegate(COMMANDS[command], rest)
    print(f"未知命令：{command}（可用：parse, load, review, synth, spark-parse）", file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
