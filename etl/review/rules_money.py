"""Funds arithmetic reviewers check by hand: cost vs budget (R04), fund parts adding up to
预算数 (R05) and the cumulative spending plan (R06). Projects without a budget (goals-only
layouts) are skipped: missing money is not wrong money."""

from __future__ import annotations

import math

from etl.review.model import Context, finding, is_cost, number, target
from etl.review.text import bare, fmt_number, fmt_yuan, quote

_CHECKPOINTS = ("一季度末", "二季度末", "三季度末", "年底")


def _budget(project: dict) -> dict:
    return project.get("budget") or {}


def _power_of_ten(ratio: float, tolerance: float) -> int | None:
    """10, 100, 1000 or 10000 when ``ratio`` is that within ``tolerance`` (relative)."""
    for exponent in (1, 2, 3, 4):
        if abs(ratio / 10**exponent - 1) <= tolerance:
            return 10**exponent
    return None


def _digits(value: float) -> str:
    """Significant digits of an amount in 元 (3939700 -> "39397") for slip detection."""
    text = f"{round(value, 2):.2f}".replace(".", "").lstrip("0")
    return text.rstrip("0") or "0"


def _one_digit_apart(a: float, b: float) -> bool:
    """True when one amount is the other with one digit left out or typed twice."""
    long, short = sorted((_digits(a), _digits(b)), key=len, reverse=True)
    if len(long) != len(short) + 1:
        return False
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _slip_note(a: float, b: float, tolerance: float) -> str:
    if a <= 0 or b <= 0:
        return ""
    factor = _power_of_ten(max(a, b) / min(a, b), tolerance)
    if factor == 10000:
        return "；两数相差约一万倍，疑似万元与元混用"
    if _one_digit_apart(a, b):
        return "；两数只差一位数字，疑似录入时多写或漏写了一位"
    if factor:
        return f"；两数相差约{factor}倍，疑似小数点或单位写错"
    return ""


def r04_cost_vs_budget(project: dict, ctx: Context) -> list[dict]:
    """A cost ceiling above the budget is impossible; a 预算控制数 must equal 预算数."""
    cfg = ctx.rule("R04")
    budget = _budget(project).get("total_yuan")
    if not budget or budget <= 0:
        return []
    tolerance = cfg.get("tolerance_ratio", 0.005)
    control_names = [bare(name) for name in cfg.get("control_names", [])]
    out = []
    for index, indicator in ctx.substantive(project):
        tgt = target(indicator)
        amount = number(tgt.get("value_yuan"))
        unit = str(tgt.get("unit") or "")
        if amount is None or "/" in unit:
            continue
        name = bare(indicator.get("name"))
        is_control = any(word and word in name for word in control_names)
        label = f"{'成本' if is_cost(indicator) else ''}指标{quote(indicator.get('name'))}"
        if (is_cost(indicator) or is_control) and amount > budget * (1 + tolerance):
            note = _slip_note(amount, budget, cfg.get("factor_tolerance", 0.02))
            out.append(
                finding(
                    "R04",
                    cfg.get("severity", "严重"),
                    f"{label}的指标值{quote(tgt.get('raw'))}（{fmt_yuan(amount)}）"
                    f"超过项目预算数{fmt_yuan(budget)}{note}",
                    project=project,
                    index=index,
                    indicator=indicator,
                    variant="exceeds",
                )
            )
        elif is_control and abs(amount - budget) > budget * tolerance:
            out.append(
                finding(
                    "R04",
                    cfg.get("control_severity", "一般"),
                    f"{label}的指标值{quote(tgt.get('raw'))}（{fmt_yuan(amount)}）"
                    f"与项目预算数{fmt_yuan(budget)}不一致",
                    project=project,
                    index=index,
                    indicator=indicator,
                    variant="control",
                )
            )
    return out


def r05_fund_mismatch(project: dict, ctx: Context) -> list[dict]:
    """财政资金 + 其他资金 must equal 预算数; name the likely slip when the gap is a pattern."""
    cfg = ctx.rule("R05")
    budget = _budget(project)
    total, fiscal, other = (
        number(budget.get(k)) for k in ("total_yuan", "fiscal_yuan", "other_yuan")
    )
    if total is None or (fiscal is None and other is None):
        return []
    parts = (fiscal or 0.0) + (other or 0.0)
    if abs(parts - total) <= cfg.get("tolerance_yuan", 100):
        return []
    note = _slip_note(total, parts, cfg.get("factor_tolerance", 0.02))
    if not note and fiscal is not None and other is None and parts < total:
        note = "；其他资金未填写"
    message = (
        f"预算数{fmt_yuan(total)}，但财政资金{fmt_yuan(fiscal or 0)}＋其他资金"
        f"{fmt_yuan(other or 0)}＝{fmt_yuan(parts)}，相差{fmt_yuan(abs(total - parts))}{note}"
    )
    return [finding("R05", cfg.get("severity", "严重"), message, project=project)]


def r06_spend_plan(project: dict, ctx: Context) -> list[dict]:
    """The plan is cumulative: it never decreases and reaches 100% at year end."""
    cfg = ctx.rule("R06")
    severity = cfg.get("severity", "一般")
    plan = project.get("spend_plan_pct")
    values = [number(v) for v in plan] if isinstance(plan, list) else []
    if not any(v is not None for v in values):
        if cfg.get("flag_missing") and _budget(project).get("total_yuan"):
            return [
                finding("R06", severity, "未填写资金支出计划", project=project, variant="missing")
            ]
        return []
    tolerance = cfg.get("tolerance_pct", 0.5)
    shown = "、".join(
        f"{label}{fmt_number(v)}%"
        for label, v in zip(_CHECKPOINTS, values, strict=False)
        if v is not None
    )
    present = [v for v in values if v is not None]
    last = values[-1] if len(values) == 4 else None
    out = []
    if any(v < 0 or v > 100 + tolerance for v in present):
        out.append(
            finding(
                "R06",
                severity,
                f"资金支出计划（{shown}）中有超过100%或为负数的进度",
                project=project,
                variant="range",
            )
        )
    decreasing = any(b < a - tolerance for a, b in zip(present, present[1:], strict=False))
    ends_full = last is not None and abs(last - 100) <= tolerance
    if not ends_full and math.isclose(sum(present), 100, abs_tol=tolerance) and len(present) > 1:
        out.append(
            finding(
                "R06",
                severity,
                f"资金支出计划（{shown}）各时点之和为100%，填成了每季度的支出占比，而不是累计进度",
                project=project,
                variant="not_cumulative",
            )
        )
        return out
    if decreasing:
        out.append(
            finding(
                "R06",
                severity,
                f"资金支出计划（{shown}）的累计进度出现下降",
                project=project,
                variant="decreasing",
            )
        )
    if not ends_full:
        reached = "未填写" if last is None else f"为{fmt_number(last)}%"
        out.append(
            finding(
                "R06",
                severity,
                f"资金支出计划（{shown}）年底累计进度{reached}，应为100%",
                project=project,
                variant="not_100",
            )
        )
    return out
