"""Completeness rules on a project's indicator set: level-1 coverage (R01), size (R02),
cost indicators (R03), repetition (R17) and the share of quantitative rows (R20)."""

from __future__ import annotations

from collections import Counter, defaultdict

from etl.review.model import (
    QUANTITATIVE_KINDS,
    Context,
    enumerate_indicators,
    finding,
    is_cost,
    is_money,
    level1,
    level2,
    target_kind,
    target_raw,
)
from etl.review.text import bare, key, quote

_LEVEL_SHORT = {"产出指标": "产出", "效益指标": "效益", "满意度指标": "满意度"}


def r01_level1_missing(project: dict, ctx: Context) -> list[dict]:
    """Every project needs 产出, 效益 and 满意度 indicators; placeholder rows do not count."""
    cfg = ctx.rule("R01")
    rows = ctx.substantive(project)
    all_rows = list(enumerate_indicators(project))
    if not rows:
        message = (
            "项目没有任何绩效指标"
            if not all_rows
            else f"项目的{len(all_rows)}个指标行都没有有效的指标值（均为空白或“无”等占位内容）"
        )
        return [
            finding(
                "R01",
                cfg.get("no_indicators_severity", "严重"),
                message,
                project=project,
                variant="no_indicators",
            )
        ]
    present = {level1(indicator) for _, indicator in rows}
    placeholder_only = {level1(indicator) for _, indicator in all_rows} - present
    severities = cfg.get("severity", {})
    out = []
    for required in cfg.get("required", ["产出指标", "效益指标", "满意度指标"]):
        if required in present:
            continue
        short = _LEVEL_SHORT.get(required, required)
        message = f"缺少{required}：项目的{len(rows)}个指标中没有{short}类指标"
        if required in placeholder_only:
            message += f"（{short}类只有空白或占位行）"
        out.append(
            finding(
                "R01",
                severities.get(required, "一般"),
                message,
                project=project,
                variant=f"missing_{short}",
            )
        )
    return out


def r02_too_few(project: dict, ctx: Context) -> list[dict]:
    """Fewer than the minimum number of real indicators cannot describe a project."""
    cfg = ctx.rule("R02")
    minimum = cfg.get("min_indicators", 3)
    rows = ctx.substantive(project)
    if not rows or len(rows) >= minimum:
        return []
    total = len(project.get("indicators") or [])
    message = f"项目只有{len(rows)}个有效绩效指标，少于{minimum}个"
    if total > len(rows):
        message += f"（另有{total - len(rows)}行为空白或占位）"
    return [finding("R02", cfg.get("severity", "一般"), message, project=project)]


def r03_cost(project: dict, ctx: Context) -> list[dict]:
    """A cost indicator must exist and be stated as money (101号 makes cost mandatory)."""
    cfg = ctx.rule("R03")
    money_units = frozenset(key(unit) for unit in cfg.get("money_units", ["元", "万元"]))
    rows = ctx.substantive(project)
    cost_rows = [(index, indicator) for index, indicator in rows if is_cost(indicator)]
    if not cost_rows:
        placeholders = [i for i, ind in enumerate_indicators(project) if is_cost(ind)]
        message = "缺少成本指标，无法考核资金使用的经济性"
        if placeholders:
            message = "成本指标只有空白或占位值，没有实际内容"
        return [
            finding(
                "R03",
                cfg.get("missing_severity", "一般"),
                message,
                project=project,
                variant="missing",
            )
        ]
    if any(is_money(indicator, money_units) for _, indicator in cost_rows):
        return []
    return [
        finding(
            "R03",
            cfg.get("severity", "一般"),
            f"成本指标{quote(indicator.get('name'))}的指标值{quote(target_raw(indicator))}"
            "没有金额，无法与预算对照",
            project=project,
            index=index,
            indicator=indicator,
            variant="no_money",
        )
        for index, indicator in cost_rows
    ]


def r17_repeated(project: dict, ctx: Context) -> list[dict]:
    """The same indicator twice, or one target value pasted onto (almost) every row."""
    cfg = ctx.rule("R17")
    rows = ctx.substantive(project)
    out = []
    first_seen: dict[str, tuple[int, dict]] = {}
    for index, indicator in rows:
        name_key = bare(indicator.get("name"))
        if not name_key:
            continue
        if name_key in first_seen:
            _, first = first_seen[name_key]
            where = f"第{first.get('source_line')}行" if first.get("source_line") else "前面"
            out.append(
                finding(
                    "R17",
                    cfg.get("severity", "一般"),
                    f"指标{quote(indicator.get('name'))}与{where}的指标重复"
                    f"（{level2(first) or '同类'}／{level2(indicator) or '同类'}）",
                    project=project,
                    index=index,
                    indicator=indicator,
                    variant="duplicate",
                )
            )
        else:
            first_seen[name_key] = (index, indicator)
    minimum = cfg.get("uniform_min_indicators", 4)
    if len(rows) >= minimum:
        counts = Counter(_target_key(indicator) for _, indicator in rows)
        common, count = counts.most_common(1)[0]
        if common and count / len(rows) >= cfg.get("uniform_share", 0.8):
            same = [(i, ind) for i, ind in rows if _target_key(ind) == common]
            groups: defaultdict[str, int] = defaultdict(int)
            for _, ind in same:
                groups[level2(ind) or level1(ind) or "未分类"] += 1
            spread = "、".join(groups)
            index, indicator = same[0]
            out.append(
                finding(
                    "R17",
                    cfg.get("uniform_severity", "一般"),
                    f"{len(rows)}个指标中有{count}个的指标值都是{quote(target_raw(indicator))}"
                    f"（涉及{spread}），指标值没有按各指标的实际情况设定",
                    project=project,
                    index=index,
                    indicator=indicator,
                    variant="uniform",
                )
            )
    return out


def _target_key(indicator: dict) -> str:
    return bare(target_raw(indicator)).replace("百分比", "%")


def r20_low_quantitative(project: dict, ctx: Context) -> list[dict]:
    """Goals that are mostly prose cannot be checked at year end."""
    cfg = ctx.rule("R20")
    rows = ctx.substantive(project)
    if len(rows) < cfg.get("min_indicators", 3):
        return []
    qualitative = [ind for _, ind in rows if target_kind(ind) not in QUANTITATIVE_KINDS]
    quantitative = len(rows) - len(qualitative)
    share = quantitative / len(rows)
    minimum = cfg.get("min_share", 0.5)
    if share >= minimum:
        return []
    examples = "、".join(quote(ind.get("name"), 16) for ind in qualitative[:3])
    message = (
        f"{len(rows)}个指标中只有{quantitative}个是定量指标（占{share:.0%}，"
        f"低于{minimum:.0%}）；定性指标如{examples}"
    )
    return [finding("R20", cfg.get("severity", "一般"), message, project=project)]
