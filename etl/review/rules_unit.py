"""Rules that need the whole document: boilerplate satisfaction targets copied across a
unit's projects, and the 100% satisfaction target (R15)."""

from __future__ import annotations

import math
from collections import Counter

from etl.review.model import Context, finding, is_satisfaction, number, target, target_raw
from etl.review.text import bare, fmt_number, quote

_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "", None: ""}


def _signature(indicator: dict) -> str:
    """Comparable and displayable form of a target: ≥95%, 95%以上 and ≥95百分比 are one."""
    tgt = target(indicator)
    value = number(tgt.get("value"))
    if value is not None:
        return f"{_SIGNS.get(tgt.get('op'), '')}{fmt_number(value)}{tgt.get('unit') or ''}"
    return bare(target_raw(indicator))


def _perfect(indicator: dict, cfg: dict) -> bool:
    tgt = target(indicator)
    value = number(tgt.get("value"))
    name = bare(indicator.get("name"))
    return (
        tgt.get("kind") == "percent"
        and value is not None
        and value >= cfg.get("perfect_value", 100)
        and tgt.get("op") in (">=", "=", ">", None)
        and any(bare(word) in name for word in cfg.get("satisfaction_words", ["满意"]))
    )


def r15_satisfaction(projects: list[dict], ctx: Context) -> dict[int, list[dict]]:
    """Findings keyed by the project's position in ``projects``."""
    cfg = ctx.rule("R15")
    out: dict[int, list[dict]] = {}
    firsts: dict[int, tuple[int, dict]] = {}
    for position, project in enumerate(projects):
        rows = [(i, ind) for i, ind in ctx.substantive(project) if is_satisfaction(ind)]
        for index, indicator in rows:
            if _perfect(indicator, cfg):
                out.setdefault(position, []).append(
                    finding(
                        "R15",
                        cfg.get("perfect_severity", "一般"),
                        f"满意度指标{quote(indicator.get('name'))}的目标为{quote(target_raw(indicator))}，"
                        "满意度100%没有实现的余地，目标缺乏合理性",
                        project=project,
                        index=index,
                        indicator=indicator,
                        variant="perfect",
                    )
                )
        if rows:
            firsts[position] = rows[0]
    graded = [p for p, project in enumerate(projects) if ctx.substantive(project)]
    minimum = cfg.get("min_projects", 3)
    if len(graded) < minimum or len(firsts) < minimum:
        return out
    counts = Counter(_signature(ind) for _, ind in firsts.values())
    top = counts.most_common(cfg.get("max_values", 2))
    covered = sum(count for _, count in top)
    if covered / len(graded) < cfg.get("share", 0.8):
        return out
    values = "、".join(quote(signature) for signature, _ in top)
    for position, (index, indicator) in firsts.items():
        signature = _signature(indicator)
        if signature not in dict(top):
            continue
        raw = target_raw(indicator)
        shown = quote(signature) + (
            f"（原文{quote(raw, 24)}）" if bare(raw) != bare(signature) else ""
        )
        out.setdefault(position, []).append(
            finding(
                "R15",
                cfg.get("severity", "提示"),
                f"满意度指标{quote(indicator.get('name'))}的目标{shown}：本单位{len(graded)}个项目的"
                f"满意度目标只有{values}{len(top)}种取值，没有按项目的服务对象分别设定，疑似套用模板",
                project=projects[position],
                index=index,
                indicator=indicator,
                variant="boilerplate",
            )
        )
    return out


def r21_copied_across(projects: list[dict], ctx: Context) -> dict[int, list[dict]]:
    """The same indicator with the same target in many projects of one unit (seed 003:
    制度及实施方案健全程度 = 健全 in 31 projects): a template, not project-specific goals.
    Satisfaction rows are R15's; copies across units are found in the warehouse."""
    cfg = ctx.rule("R21")
    graded = [p for p, project in enumerate(projects) if ctx.substantive(project)]
    minimum = cfg.get("min_projects", 3)
    if len(graded) < minimum:
        return {}
    seen: dict[tuple[str, str], list[tuple[int, int, dict]]] = {}
    for position in graded:
        project = projects[position]
        keys_here: set[tuple[str, str]] = set()
        for index, indicator in ctx.substantive(project):
            if is_satisfaction(indicator) or target(indicator).get("kind") == "deadline":
                continue  # R15 judges satisfaction; a year-end deadline may well be shared
            pair = (bare(indicator.get("name")), _signature(indicator))
            if not pair[0] or pair in keys_here:
                continue
            keys_here.add(pair)
            seen.setdefault(pair, []).append((position, index, indicator))
    needed = max(minimum, math.ceil(cfg.get("min_share", 0.25) * len(graded)))
    out: dict[int, list[dict]] = {}
    for places in seen.values():
        if len(places) < needed:
            continue
        for position, index, indicator in places:
            out.setdefault(position, []).append(
                finding(
                    "R21",
                    cfg.get("severity", "一般"),
                    f"指标{quote(indicator.get('name'), 30)}＝{quote(target_raw(indicator), 20)}"
                    f"在本单位{len(graded)}个项目中的{len(places)}个项目里完全相同，"
                    "没有体现本项目的具体目标",
                    project=projects[position],
                    index=index,
                    indicator=indicator,
                    variant="within_unit",
                )
            )
    return out
