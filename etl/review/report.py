"""The readable Chinese report printed by `python -m etl review FILE`."""

from __future__ import annotations

from etl.review.catalog import RULES
from etl.review.grading import GRADE_ORDER


def _where(item: dict) -> str:
    return f"第{item['source_line']}行" if item.get("source_line") else "行号未知"


def _finding_lines(item: dict) -> list[str]:
    return [
        f"    [{item['severity']}] {item['rule_id']} "
        f"{RULES[item['rule_id']].title}（{_where(item)}）",
        f"        {item['message']}",
        f"        建议：{item['hint']}",
    ]


def render(record: dict, review: dict) -> str:
    """Unit summary first (what a bureau head reads), then every project with its findings."""
    unit = record.get("unit") or {}
    source = (record.get("source") or {}).get("path") or ""
    summary = review["unit"]
    counts = "，".join(f"{g}{summary['counts'].get(g, 0)}个" for g in GRADE_ORDER)
    lines = [
        f"绩效目标审核报告：{source}",
        f"单位：{unit.get('name') or '未识别'}　乡镇：{unit.get('township') or '未识别'}　"
        f"年度：{record.get('fiscal_year') or '未识别'}",
        f"项目{summary['projects']}个，评级分布：{counts}；单位评级：{summary['grade'] or '无'}"
        f"（平均分{summary['score'] if summary['score'] is not None else '—'}）",
    ]
    if summary.get("findings_by_rule"):
        top = sorted(summary["findings_by_rule"].items(), key=lambda kv: (-kv[1], kv[0]))
        lines.append("问题分布：" + "，".join(f"{r} {RULES[r].title}×{n}" for r, n in top))
    for project in review["projects"]:
        code = f"（{project['code']}）" if project.get("code") else ""
        where = f"，第{project['source_line']}行" if project.get("source_line") else ""
        lines += [
            "",
            f"【{project['grade']}】{project['score']:.0f}分  {project['seq']}. "
            f"{project['name']}{code}{where}",
        ]
        if not project["findings"]:
            lines.append("    未发现问题")
        for item in project["findings"]:
            lines += _finding_lines(item)
    if summary.get("findings"):
        lines += ["", "【部门整体绩效指标】（不评级）"]
        for item in summary["findings"]:
            lines += _finding_lines(item)
    if review.get("errors"):
        lines += ["", f"注意：{len(review['errors'])}条规则执行出错，结果可能不完整。"]
    return "\n".join(lines)
