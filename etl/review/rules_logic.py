"""Consistency and relevance rules: direction (R13), weights (R14), output/outcome
mix-ups (R16), basis (R18) and goals without indicators (R19)."""

from __future__ import annotations

import math

from etl.review.model import (
    BENEFIT,
    OUTPUT,
    Context,
    enumerate_indicators,
    finding,
    is_cost,
    is_money,
    level1,
    number,
    target,
    target_raw,
)
from etl.review.text import (
    bare,
    bigrams,
    fmt_number,
    key,
    quote,
    stop_bigrams,
    strip_goal_numbering,
)
from etl.review.vocabulary import vocabulary

_UP, _DOWN = (">=", ">"), ("<=", "<")
_POSITIVE_MARKERS = (
    "处理",
    "办结",
    "整改",
    "化解",
    "查处",
    "处置",
    "解决",
    "答复",
    "回复",
    "下降",
    "减少",
    "降低",
    "防范",
    "防治",
    "排查",
    "培训",
    "宣传",
    "覆盖",
    "知晓",
    "消除",
)


def _name(indicator: dict) -> str:
    return quote(indicator.get("name"), 30)


def given_direction(indicator: dict) -> str | None:
    """The direction the document states. A direction the parser implied from the sign
    (direction_source == "implied") cannot contradict that same sign, so it is ignored."""
    if indicator.get("direction_source") == "implied":
        return None
    return indicator.get("direction")


def r13_direction(project: dict, ctx: Context) -> list[dict]:
    """正向 pairs with ≥, 反向 with ≤; costs and accident-type counts are 反向."""
    cfg = ctx.rule("R13")
    severity = cfg.get("severity", "一般")
    money_units = frozenset(key(u) for u in ctx.rule("R03").get("money_units", ["元", "万元"]))
    negative_words = [bare(w) for w in cfg.get("negative_words", [])]
    out = []
    for index, indicator in ctx.substantive(project):
        op = target(indicator).get("op")
        direction = given_direction(indicator)
        raw = quote(target_raw(indicator))
        name = bare(indicator.get("name"))
        message = None
        if target(indicator).get("kind") == "deadline":
            continue  # "2023年12月底前" is a date bound, not a direction statement
        if direction == "positive" and op in _DOWN:
            message = f"指标{_name(indicator)}标为正向指标，指标值{raw}却使用了“≤/<”"
        elif direction == "negative" and op in _UP:
            message = f"指标{_name(indicator)}标为反向指标，指标值{raw}却使用了“≥/>”"
        elif is_cost(indicator) and direction == "positive":
            message = f"成本指标{_name(indicator)}被设为正向指标（{raw}），成本应越低越好"
        elif (
            is_cost(indicator)
            and direction is None
            and op in _UP
            and cfg.get("infer_cost_direction", True)
            and is_money(indicator, money_units)
        ):
            message = f"成本指标{_name(indicator)}的指标值{raw}使用了“≥”，成本指标应为反向（≤）"
        elif (
            op in _UP
            and direction != "positive"
            and any(w and w in name for w in negative_words)
            and not any(m in name for m in _POSITIVE_MARKERS)
        ):
            hit = next(w for w in negative_words if w and w in name)
            message = (
                f"指标{_name(indicator)}含“{hit}”，属于越低越好的反向指标，指标值{raw}却使用了“≥”"
            )
        if message:
            out.append(
                finding("R13", severity, message, project=project, index=index, indicator=indicator)
            )
    return out


def r14_weights(project: dict, ctx: Context) -> list[dict]:
    """Where a layout carries 权重, the weights of a project must add up to the total."""
    cfg = ctx.rule("R14")
    rows = list(enumerate_indicators(project))
    weights = [number(ind.get("weight")) for _, ind in rows]
    given = [w for w in weights if w is not None]
    if not given:
        return []
    total = sum(given)
    missing = [
        ind
        for (_, ind), w in zip(rows, weights, strict=True)
        if w is None and key(ind.get("name")) and not ctx.is_placeholder(ind)
    ]
    totals = cfg.get("totals", [100])
    ok_total = any(math.isclose(total, t, abs_tol=cfg.get("tolerance", 0.5)) for t in totals)
    if ok_total and not missing:
        return []
    expected = "或".join(fmt_number(t) for t in totals)
    message = f"{len(given)}个指标的权重合计为{fmt_number(total)}"
    message += "" if ok_total else f"，不等于{expected}"
    if missing:
        message += f"；另有{len(missing)}个指标未填写权重（如{_name(missing[0])}）"
    return [finding("R14", cfg.get("severity", "一般"), message, project=project)]


def r16_mixup(project: dict, ctx: Context) -> list[dict]:
    """Completion words under 效益, improvement words under 产出."""
    cfg = ctx.rule("R16")
    output_words = [bare(w) for w in cfg.get("output_words", [])]
    outcome_words = [bare(w) for w in cfg.get("outcome_words", [])]
    exclusions = [bare(w) for w in cfg.get("outcome_exclusions", [])]
    out = []
    for index, indicator in ctx.substantive(project):
        name = bare(indicator.get("name"))
        outputs = [w for w in output_words if w and w in name]
        outcomes = [w for w in outcome_words if w and w in name]
        if outputs and outcomes:
            continue  # "发放补贴带动增收" describes the outcome of an output: not a mix-up
        level = level1(indicator)
        if level == BENEFIT and outputs:
            message = (
                f"效益指标{_name(indicator)}含“{outputs[0]}”，描述的是工作完成情况，属于产出指标"
            )
        elif (
            level == OUTPUT
            and outcomes
            and not is_cost(indicator)
            and not any(w and w in name for w in exclusions)
        ):
            message = (
                f"产出指标{_name(indicator)}含“{outcomes[0]}”，描述的是项目带来的变化，"
                "属于效益或满意度指标"
            )
        else:
            continue
        out.append(
            finding(
                "R16",
                cfg.get("severity", "一般"),
                message,
                project=project,
                index=index,
                indicator=indicator,
            )
        )
    return out


def _record_has_basis(record: dict) -> bool:
    """Whether the layout carries a 指标值确定依据 column at all."""
    for project in record.get("projects") or []:
        for indicator in project.get("indicators") or []:
            if key(indicator.get("basis")):
                return True
    return any(key(ind.get("basis")) for ind in record.get("unit_indicators") or [])


def _is_generic_basis(basis: str, generic: set[str]) -> bool:
    text = bare(basis)
    if text in generic:
        return True
    return len(text) <= 10 and any(len(g) >= 4 and g in text for g in generic)


def r18_basis(project: dict, ctx: Context) -> list[dict]:
    """Say where a target comes from (计划/行业/历史标准), not 根据实际情况测算. One finding per
    kind of problem and project, so that a form filled the same way is not punished per row."""
    cfg = ctx.rule("R18")
    generic = {bare(g) for g in cfg.get("generic", [])}
    carries_basis = _record_has_basis(ctx.record)
    empty, vague = [], []
    for index, indicator in ctx.substantive(project):
        basis = indicator.get("basis") or ""
        if not key(basis):
            if carries_basis:
                empty.append((index, indicator))
        elif _is_generic_basis(basis, generic):
            vague.append((index, indicator))
    total = len(ctx.substantive(project))
    out = []
    if empty:
        index, indicator = empty[0]
        names = "、".join(_name(ind) for _, ind in empty[:3])
        out.append(
            finding(
                "R18",
                cfg.get("severity", "提示"),
                f"{total}个指标中有{len(empty)}个未填写指标值确定依据（如{names}）",
                project=project,
                index=index,
                indicator=indicator,
                variant="empty",
            )
        )
    if vague:
        index, indicator = vague[0]
        shown = "、".join(dict.fromkeys(quote(ind.get("basis"), 16) for _, ind in vague))
        out.append(
            finding(
                "R18",
                cfg.get("severity", "提示"),
                f"{total}个指标中有{len(vague)}个的指标值确定依据笼统（{shown}），"
                "没有说明依据的标准或文件",
                project=project,
                index=index,
                indicator=indicator,
                variant="generic",
            )
        )
    return out


def r19_goal_unmeasured(project: dict, ctx: Context) -> list[dict]:
    """Each 绩效目标 should share wording with at least one indicator's name or description."""
    cfg = ctx.rule("R19")
    stop = stop_bigrams(cfg.get("stop_bigrams", []))
    min_shared = cfg.get("min_shared_bigrams", 2)
    ratio = cfg.get("min_overlap_ratio", 0.1)
    vocab = vocabulary(ctx.config)
    indicators = [
        (ind, bigrams(text, stop), vocab.concepts_in(text))
        for _, ind in ctx.substantive(project)
        for text in [f"{ind.get('name') or ''}，{ind.get('description') or ''}"]
    ]
    if not indicators:
        return []
    out = []
    for goal in project.get("goals") or []:
        grams = bigrams(strip_goal_numbering(goal), stop)
        if len(grams) < 2:
            continue
        need = max(min_shared, math.floor(ratio * len(grams)))
        best_indicator, best = max(
            ((ind, len(grams & g)) for ind, g, _ in indicators), key=lambda pair: pair[1]
        )
        if best >= need:
            continue
        # synonyms: 确保资金及时发放 is measured by 资金到位率 (资金 + 发放/到位)
        concepts = vocab.concepts_in(goal)
        if concepts and any(
            len(concepts & found) >= min(2, len(concepts)) for _, _, found in indicators
        ):
            continue
        closest = f"，最接近的指标{_name(best_indicator)}也只有{best}处用词相同" if best else ""
        out.append(
            finding(
                "R19",
                cfg.get("severity", "一般"),
                f"绩效目标{quote(strip_goal_numbering(goal), 40)}没有对应的绩效指标{closest}",
                project=project,
            )
        )
    return out
