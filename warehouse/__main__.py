"""``python -m warehouse <command>``: export, dictionary, reclassify, query, load."""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "export": ("warehouse.export.parquet", "导出 Parquet（事实表按年度分区）"),
    "dictionary": ("warehouse.schema.dictionary", "重新生成 docs/data_dictionary.md"),
    "reclassify": ("warehouse.load.reclassify", "按 data/ 规则文件重新分类项目与指标"),
    "query": ("warehouse.serve.query_cli", "只读 SQL 查询（与仪表盘同一安全检查）"),
    "load": ("warehouse.load.loader_cli", "载入文件（同 python -m etl load）"),
}


def usage() -> str:
    lines = ["用法：python -m warehouse <命令> [参数]", "命令："]
    lines += [f"  {name:<11}{text}" for name, (_, text) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"未知命令：{command}\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[command][0])
    return int(module.main(rest) or 0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
