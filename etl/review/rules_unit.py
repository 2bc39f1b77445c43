"""Rules that need the whole document: boilerplate satisfaction targets copied across a
unit's projects, and the 100% satisfaction target (R15)."""

from __future__ import annotations

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
    if len(graded) < minimum or not firsts:
        return out
    counts = Counter(_signature(ind) for _, ind in firsts.values())
    signature, count = counts.most_common(1)[0]
    if count < minimum or count / len(graded) < cfg.get("share", 0.8):
        return out
    for position, (index, indicator) in firsts.items():
        if _signature(indicator) != signature:
            continue
        raw = target_raw(indicator)
        shown = quote(signature) + (
            f"（原文{quote(raw, 24)}）" if bare(raw) != bare(signature) else ""
        )
        out.setdefault(position, []).append(
            finding(
                "R15",
                cfg.get("severity", "提示"),
                f"满意度指标{quote(indicator.get('name'))}的目标{shown}与本单位{len(graded)}个项目中"
                f"{count}个项目的满意度目标相同，疑似套用模板",
                project=projects[position],
                index=index,
                indicator=indicator,
                variant="boilerplate",
            )
        )
    return out
