"""Rules on substance rather than form, the defects reviewers send tables back for:
costs that contradict the budget (R22), 效益 rows that only say 是/开展 (R23), rows filed
under the wrong level (R24), units or percents that contradict the name (R25), a blank
spending plan (R26), indicators unrelated to the project (R27) and the FY2022+ cost
scheme of 财预〔2021〕101号 (R28). Copies across projects (R21) are in rules_unit."""

from __future__ import annotations

from etl.review.model import (
    BENEFIT,
    COST,
    OUTPUT,
    Context,
    finding,
    is_cost,
    is_satisfaction,
    level1,
    level2,
    number,
    target,
    target_kind,
    target_raw,
)
from etl.review.text import bare, fmt_number, fmt_yuan, quote
from etl.review.vocabulary import vocabulary

_PER_UNIT_WORDS = ("标准", "单价", "人均", "户均", "亩均", "每", "单位成本", "/")


def _name(indicator: dict) -> str:
    return quote(indicator.get("name"), 30)


def _money(indicator: dict) -> float | None:
    return number(target(indicator).get("value_yuan"))


def _per_unit(indicator: dict) -> bool:
    text = bare(indicator.get("name")) + str(target(indicator).get("unit") or "")
    return any(word in text for word in _PER_UNIT_WORDS)


def _quantity_rows(project: dict, ctx: Context) -> list[dict]:
    """Counted quantities (亩, 人, 个…) of the project's 数量指标 rows."""
    return [
        ind
        for _, ind in ctx.substantive(project)
        if level2(ind) == "数量指标"
        and target_kind(ind) == "number"
        and number(target(ind).get("value"))
        and target(ind).get("unit")
    ]


def r22_cost_budget(project: dict, ctx: Context) -> list[dict]:
    """A cost far below the budget, a cost that only restates it, and a unit cost times a
    known quantity that cannot be the budget (R04 covers costs above the budget)."""
    cfg = ctx.rule("R22")
    budget = (project.get("budget") or {}).get("total_yuan")
    fiscal = (project.get("budget") or {}).get("fiscal_yuan")
    if not budget or budget <= 0:
        return []
    low = cfg.get("min_ratio", 0.5)
    tolerance = cfg.get("tolerance_ratio", 0.005)
    out = []
    quantities = _quantity_rows(project, ctx)
    control_names = [bare(n) for n in ctx.rule("R04").get("control_names", [])]
    for index, indicator in ctx.substantive(project):
        if not is_cost(indicator):
            continue
        amount = _money(indicator)
        if amount is None or amount <= 0:
            continue
        raw = quote(target_raw(indicator))
        if _per_unit(indicator):
            for qty in quantities:
                count = number(target(qty).get("value"))
                if count is None:  # _quantity_rows keeps numeric targets only
                    continue
                total = amount * count
                if total > budget * (1 + cfg.get("unit_cost_tolerance", 0.1)) or (
                    total < budget * low
                ):
                    relation = "超过" if total > budget else "远低于"
                    out.append(
                        finding(
                            "R22",
                            cfg.get("severity", "一般"),
                            f"成本指标{_name(indicator)}{raw}按单位成本乘以数量指标{_name(qty)}"
                            f"的{fmt_number(count)}{target(qty).get('unit')}，合计{fmt_yuan(total)}，"
                            f"{relation}项目预算数{fmt_yuan(budget)}",
                            project=project,
                            index=index,
                            indicator=indicator,
                            variant="unit_cost",
                        )
                    )
                    break
            continue
        name = bare(indicator.get("name"))
        if (
            abs(amount - budget) <= budget * tolerance
            and any(bare(w) in name for w in cfg.get("budget_words", ["预算"]))
            and not any(bare(w) in name for w in cfg.get("cost_words", ["成本", "单价", "费用"]))
        ):
            out.append(
                finding(
                    "R22",
                    cfg.get("restate_severity", "提示"),
                    f"成本指标{_name(indicator)}{raw}只是重复了预算数{fmt_yuan(budget)}，"
                    "没有说明成本的构成或单位成本",
                    project=project,
                    index=index,
                    indicator=indicator,
                    variant="restates_budget",
                )
            )
            continue
        if abs(amount - budget) <= budget * tolerance or any(
            n and n in name for n in control_names
        ):
            continue  # equal is what R04 asks for; a 总成本 that differs is R04's finding
        if amount < budget * low:
            also = ""
            if fiscal and abs(fiscal - budget) > budget * tolerance:
                also = f"（财政资金为{fmt_yuan(fiscal)}）"
            out.append(
                finding(
                    "R22",
                    cfg.get("severity", "一般"),
                    f"成本指标{_name(indicator)}{raw}（{fmt_yuan(amount)}）只有项目预算数"
                    f"{fmt_yuan(budget)}{also}的{amount / budget:.0%}，成本目标与预算相矛盾："
                    "要么预算多报，要么成本目标不实",
                    project=project,
                    index=index,
                    indicator=indicator,
                    variant="far_below",
                )
            )
    return out


def _done_word(raw: str, words: set[str]) -> bool:
    return bare(raw) in words


def r23_benefit_done(project: dict, ctx: Context) -> list[dict]:
    """A 效益 row answered 是 / 开展 / 达标 says the work was done, not what changed."""
    cfg = ctx.rule("R23")
    words = {bare(w) for w in ctx.config.get("vocabulary", {}).get("benefit_done_words", [])}
    out = []
    for index, indicator in ctx.substantive(project):
        if level1(indicator) != BENEFIT or target_kind(indicator) != "qualitative":
            continue
        if not _done_word(target_raw(indicator), words):
            continue
        out.append(
            finding(
                "R23",
                cfg.get("severity", "一般"),
                f"效益指标{_name(indicator)}的指标值只有{quote(target_raw(indicator))}，"
                "只说明做了，无法衡量项目带来的变化",
                project=project,
                index=index,
                indicator=indicator,
            )
        )
    return out


def r24_misplaced(project: dict, ctx: Context) -> list[dict]:
    """达标率 under 满意度, 优良率 under 数量, 完成率 under 时效, budget execution as 质量."""
    cfg = ctx.rule("R24")
    specs = ctx.config.get("vocabulary", {}).get("misplaced", [])
    out = []
    for index, indicator in ctx.substantive(project):
        name = bare(indicator.get("name"))
        levels = {level1(indicator), level2(indicator)}
        for spec in specs:
            if spec.get("wrong") not in levels:
                continue
            word = next((w for w in spec.get("words", []) if bare(w) in name), None)
            if word is None or any(bare(u) in name for u in spec.get("unless", [])):
                continue
            out.append(
                finding(
                    "R24",
                    cfg.get("severity", "一般"),
                    f"指标{_name(indicator)}（含“{word}”）写在{spec['wrong']}下，"
                    f"应放在{spec.get('expected')}",
                    project=project,
                    index=index,
                    indicator=indicator,
                    variant=bare(spec["wrong"]),
                )
            )
            break
    return out


def r25_unit_name(project: dict, ctx: Context) -> list[dict]:
    """`协管员人数 ≥5次`, `工作次数 =17个`, `巡视频次 ≥95%`: the unit contradicts the name."""
    cfg = ctx.rule("R25")
    vocab = vocabulary(ctx.config)
    out = []
    for index, indicator in ctx.substantive(project):
        tgt = target(indicator)
        kind = target_kind(indicator)
        name = bare(indicator.get("name"))
        if not name or is_satisfaction(indicator) or is_cost(indicator):
            continue
        expected = vocab.unit_class_of_name(name)
        if kind == "percent":
            if any(w and w in name for w in vocab.rate_words):
                continue
            if expected or level2(indicator) in ("数量指标",) or level1(indicator) == BENEFIT:
                why = (
                    f"“{expected[1]}”应是具体数量"
                    if expected
                    else "名称不是比率，百分比无从计算（分子、分母是什么？）"
                )
                out.append(
                    finding(
                        "R25",
                        cfg.get("severity", "一般"),
                        f"指标{_name(indicator)}不是比率，指标值却是百分比{quote(target_raw(indicator))}：{why}",
                        project=project,
                        index=index,
                        indicator=indicator,
                        variant="percent_not_rate",
                    )
                )
            continue
        if kind != "number" or expected is None:
            continue
        actual = vocab.unit_class_of_unit(tgt.get("unit"))
        if actual and actual != expected[0]:
            out.append(
                finding(
                    "R25",
                    cfg.get("severity", "一般"),
                    f"指标{_name(indicator)}是{expected[1]}，指标值{quote(target_raw(indicator))}"
                    f"的单位“{tgt.get('unit')}”与名称不符",
                    project=project,
                    index=index,
                    indicator=indicator,
                    variant="unit_mismatch",
                )
            )
    return out


def r26_blank_plan(project: dict, ctx: Context) -> list[dict]:
    """A project without a spending plan when other projects of the same document print one:
    the layout has the plan, so a blank one is a gap (a document where no project has a
    plan may simply use a layout without it, and stays silent)."""
    if project.get("spend_plan_pct"):
        return []
    if not (project.get("budget") or {}).get("total_yuan"):
        return []
    others = [p for p in ctx.record.get("projects") or [] if p is not project]
    if not any(p.get("spend_plan_pct") for p in others):
        return []
    return [
        finding(
            "R26",
            ctx.rule("R26").get("severity", "一般"),
            "资金支出计划为空：同一文件的其他项目都填写了分季度支出计划，本项目没有填写",
            project=project,
        )
    ]


def _relevant(indicator: dict, context: tuple[set[str], set[str]], vocab) -> bool:
    concepts, grams = vocab.content(indicator.get("name"))
    if not concepts and len(grams) < 2:
        return True  # nothing specific to compare: generic names are judged elsewhere
    return bool(concepts & context[0]) or bool(grams & context[1])


def project_context(project: dict, vocab) -> tuple[set[str], set[str]]:
    text = "，".join(
        [str(project.get("name") or ""), str(project.get("purpose") or "")]
        + [str(g) for g in project.get("goals") or []]
    )
    return vocab.content(text)


def r27_irrelevant(project: dict, ctx: Context) -> list[dict]:
    """Template residue: an indicator whose key nouns (through synonyms) share nothing with
    the project's name, purpose and goals, such as 补贴发放率 on a 党组织建设 project."""
    cfg = ctx.rule("R27")
    vocab = vocabulary(ctx.config)
    context = project_context(project, vocab)
    if not context[0] and not context[1]:
        return []
    out = []
    for index, indicator in ctx.substantive(project):
        if level1(indicator) not in (OUTPUT, BENEFIT) or is_cost(indicator):
            continue
        name = bare(indicator.get("name"))
        if any(word in name for word in vocab.universal):
            continue
        if _relevant(indicator, context, vocab):
            continue
        out.append(
            finding(
                "R27",
                cfg.get("severity", "一般"),
                f"指标{_name(indicator)}与项目名称、用途和绩效目标没有共同的内容，疑似从其他项目套用",
                project=project,
                index=index,
                indicator=indicator,
            )
        )
    return out


def r28_scheme(project: dict, ctx: Context) -> list[dict]:
    """FY2022+: 财预〔2021〕101号 makes 成本指标 a level 1 with 经济/社会/生态环境成本."""
    cfg = ctx.rule("R28")
    year = ctx.fiscal_year
    if not year or int(year) < cfg.get("from_year", 2022):
        return []
    rows = ctx.substantive(project)
    if any(level1(ind) == COST for _, ind in rows):
        return []
    old = [(i, ind) for i, ind in rows if level1(ind) == OUTPUT and level2(ind) == "成本指标"]
    if not old:
        return []
    index, indicator = old[0]
    return [
        finding(
            "R28",
            cfg.get("severity", "提示"),
            f"{year}年度的表格仍把成本指标{_name(indicator)}放在产出指标下，且没有经济成本、"
            "社会成本、生态环境成本指标；财预〔2021〕101号起成本指标为一级指标",
            project=project,
            index=index,
            indicator=indicator,
        )
    ]
