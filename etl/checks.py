"""Warnings the parser raises about a document's own numbers (CONTRACT: `warnings`).

These are facts about the document, not review opinions: fund parts that do not add up,
a plan that is not cumulative or does not end at 100%, duplicate project codes, a year that
could not be found. The goal review (etl.review) grades on top of them.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from etl.record import Project, Warning


def _yuan(value: int | float | None) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def _wan(value: Decimal) -> str:
    return f"{value / 10000:,.2f}万元"


def fund_warning(project: Project) -> Warning | None:
    """财政资金 + 其他资金 must equal 预算数 (seed 002: 393.97 vs 39.97 万元)."""
    budget = project["budget"]
    total = budget.get("total_yuan")
    if total is None or (budget.get("fiscal_yuan") is None and budget.get("other_yuan") is None):
        return None
    parts = _yuan(budget.get("fiscal_yuan")) + _yuan(budget.get("other_yuan"))
    if parts == _yuan(total):
        return None
    ratio = _yuan(total) / parts if parts else Decimal(0)
    hint = "，相差约 10 倍，疑似录入错误" if parts and abs(ratio - 10) < Decimal("0.2") else ""
    if parts and (abs(ratio - 10000) < 1 or abs(ratio - Decimal("0.0001")) < Decimal("0.000001")):
        hint = "，相差 10000 倍，疑似万元与元混用"
    return {
        "code": "fund_mismatch",
        "message": f"资金来源合计 {_wan(parts)} 与预算数 {_wan(_yuan(total))} 不一致{hint}",
        "line": project["source_line"],
        "project": project["name"],
    }


def plan_warnings(project: Project) -> list[Warning]:
    """A spending plan is cumulative: it never decreases and ends at 100%."""
    plan = project.get("spend_plan_pct")
    if not plan:
        return []
    found: list[Warning] = []
    values = [value for value in plan if value is not None]
    line, name = project["source_line"], project["name"]
    if any(value is None for value in plan):
        found.append(
            {
                "code": "plan_incomplete",
                "message": "资金支出计划有空缺的节点",
                "line": line,
                "project": name,
            }
        )
    if any(later < earlier for earlier, later in zip(values, values[1:], strict=False)):
        found.append(
            {
                "code": "plan_not_cumulative",
                "message": f"资金支出计划不是累计进度（出现下降）：{plan}",
                "line": line,
                "project": name,
            }
        )
    if values and plan[-1] is not None and abs(plan[-1] - 100) > 1e-6:
        found.append(
            {
                "code": "plan_not_100",
                "message": f"资金支出计划 12 月底应为 100%，实为 {plan[-1]:g}%",
                "line": line,
                "project": name,
            }
        )
    return found


def document_warnings(record: dict) -> list[Warning]:
    """All record-level warnings, in document order. (``record`` is the parser's record
    being built: a `Record` in shape, a dict at the parse_file boundary.)"""
    found: list[Warning] = []
    if record["fiscal_year"] is None:
        found.append(
            {
                "code": "fiscal_year_unknown",
                "line": None,
                "project": None,
                "message": "文档中未找到预算年度，请在 data/manifest.toml 中补充",
            }
        )
    unit = record["unit"]
    if not unit.get("name") and not unit.get("township"):
        found.append(
            {
                "code": "unit_unknown",
                "line": None,
                "project": None,
                "message": "文档中未找到预算单位名称，请在 data/manifest.toml 中补充",
            }
        )
    codes = Counter(p["code"] for p in record["projects"] if p.get("code"))
    for project in record["projects"]:
        warning = fund_warning(project)
        if warning:
            found.append(warning)
        found.extend(plan_warnings(project))
        if project.get("code") and codes[project["code"]] > 1:
            found.append(
                {
                    "code": "duplicate_project_code",
                    "line": project["source_line"],
                    "project": project["name"],
                    "message": f"项目编码 {project['code']} 在本文档中重复出现",
                }
            )
        if not project["indicators"]:
            found.append(
                {
                    "code": "project_without_indicators",
                    "line": project["source_line"],
                    "project": project["name"],
                    "message": "项目没有任何绩效指标",
                }
            )
    return found
