"""Rules on single target values (指标值): deadlines (R07), vague wording (R08), prose where a
number is asked for (R09), targets copied from the name (R10), placeholders (R11) and
impossible numbers (R12)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from etl.review.model import (
    TIME_KINDS,
    Context,
    enumerate_indicators,
    finding,
    is_cost,
    is_satisfaction,
    level2,
    number,
    target,
    target_kind,
    target_raw,
)
from etl.review.text import bare, fmt_number, has_digit, key, quote, words_only

_FIRST_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_QUESTION_PREFIXES = ("是否", "能否", "有无", "有没有", "可否")


def _name(indicator: dict) -> str:
    return quote(indicator.get("name"), 30)


def deadline_hint(year: int | None) -> str:
    """R07's hint names the document's own fiscal year (a 2025 table is not told 2021)."""
    example = f"{year}年12月底前" if year else "某年12月底前"
    return f"时效指标写明完成时限（如“{example}”）或期限（如“≤30天”），" + (
        "且在预算年度内。" if not year else f"且在{year}年度内。"
    )


def r07_deadline(project: dict, ctx: Context) -> list[dict]:
    """A 时效指标 needs a date or a period, inside the fiscal year."""
    cfg = ctx.rule("R07")
    severity = cfg.get("severity", "一般")
    period_units = {key(unit) for unit in cfg.get("period_units", ["天", "日", "个月", "月"])}
    rate_words = cfg.get("rate_words", ["率"])
    year = ctx.fiscal_year
    out = []
    for index, indicator in ctx.substantive(project):
        if level2(indicator) != "时效指标":
            continue
        tgt = target(indicator)
        kind = target_kind(indicator)
        raw = quote(target_raw(indicator))
        if kind == "deadline":
            value = str(tgt.get("value") or "")
            if year and value[:4].isdigit() and int(value[:4]) != int(year):
                why = (
                    "晚于预算年度，跨年度的长期目标不应作为年度目标"
                    if int(value[:4]) > int(year)
                    else "早于预算年度，疑似沿用往年的表格"
                )
                out.append(
                    finding(
                        "R07",
                        severity,
                        f"时效指标{_name(indicator)}的完成时限{raw}（{value}）{why}",
                        project=project,
                        index=index,
                        indicator=indicator,
                        variant="outside_year",
                        hint=deadline_hint(year),
                    )
                )
            continue
        if kind in TIME_KINDS:  # a period (2023.07-2024.01) is a completion time too
            continue
        if kind in ("number", "percent") and key(tgt.get("unit")) in period_units:
            continue
        if kind == "percent" and any(word in key(indicator.get("name")) for word in rate_words):
            continue
        out.append(
            finding(
                "R07",
                severity,
                f"时效指标{_name(indicator)}的指标值{raw}没有给出具体的完成时间或期限",
                project=project,
                index=index,
                indicator=indicator,
                variant="no_period",
                hint=deadline_hint(year),
            )
        )
    return out


def vague_terms_in(raw: str, cfg: dict) -> list[str]:
    """Vague words that make up (nearly) the whole target; [] when the target says more."""
    text = bare(raw)
    if not text or has_digit(text):
        return []
    for exclusion in cfg.get("exclusions", []):
        text = text.replace(bare(exclusion), "#")
    terms = sorted({bare(t) for t in cfg.get("vague_terms", [])}, key=len, reverse=True)
    found = []
    residual = text
    for term in terms:
        if term and term in residual:
            found.append(term)
            residual = residual.replace(term, "")
    residual = residual.replace("#", "")
    if found and len(residual) <= cfg.get("max_residual_chars", 6):
        return sorted(found, key=text.find)
    return []


def r08_vague(project: dict, ctx: Context) -> list[dict]:
    """提高 / 明显改善 / 按计划完成 cannot be checked at year end."""
    cfg = dict(ctx.rule("R08"))
    cfg["vague_terms"] = list(cfg.get("vague_terms", [])) + list(
        ctx.config.get("vocabulary", {}).get("vague_terms", [])
    )
    out = []
    for index, indicator in ctx.substantive(project):
        if target_kind(indicator) != "qualitative":
            continue
        terms = vague_terms_in(target_raw(indicator), cfg)
        if terms:
            words = "、".join(f"“{t}”" for t in terms)
            out.append(
                finding(
                    "R08",
                    cfg.get("severity", "一般"),
                    f"指标{_name(indicator)}的指标值{quote(target_raw(indicator))}只有{words}等模糊表述，"
                    "年底无法判断是否完成",
                    project=project,
                    index=index,
                    indicator=indicator,
                )
            )
    return out


def asks_for_number(name: str | None, cfg: dict) -> str | None:
    """The suffix that makes a name ask for a number (…率, …人数, …面积), else None."""
    text = bare(name)
    if not text or text.startswith(_QUESTION_PREFIXES):
        return None
    fillers = sorted((bare(f) for f in cfg.get("trailing_fillers", [])), key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for filler in fillers:
            if filler and text.endswith(filler) and len(text) > len(filler):
                text = text[: -len(filler)]
                changed = True
    if any(text.endswith(bare(word)) for word in cfg.get("exclusions", [])):
        return None
    for suffix in sorted(cfg.get("numeric_suffixes", []), key=len, reverse=True):
        if text.endswith(bare(suffix)):
            return suffix
    return None


def r09_qualitative_numeric(project: dict, ctx: Context) -> list[dict]:
    """A 率/数/面积 name or a 数量指标 row answered with prose."""
    cfg = ctx.rule("R09")
    numeric_level2 = set(cfg.get("numeric_level2", ["数量指标"]))
    out = []
    for index, indicator in ctx.substantive(project):
        raw = target_raw(indicator)
        if target_kind(indicator) != "qualitative" or has_digit(raw):
            continue
        if is_cost(indicator) or level2(indicator) == "时效指标":
            continue  # R03 and R07 speak for these rows
        if ctx.zero_target(indicator):
            continue  # 无 on 无出辖区信访案件 means zero events: a valid count target
        suffix = asks_for_number(indicator.get("name"), cfg)
        if suffix:
            why = f"指标名称以“{suffix}”结尾，要求给出数值"
        elif level2(indicator) in numeric_level2:
            why = f"{level2(indicator)}应给出具体数量"
        else:
            continue
        out.append(
            finding(
                "R09",
                cfg.get("severity", "一般"),
                f"指标{_name(indicator)}的指标值是定性表述{quote(raw)}，{why}",
                project=project,
                index=index,
                indicator=indicator,
            )
        )
    return out


def r10_copied(project: dict, ctx: Context) -> list[dict]:
    """The target repeats the name or description instead of stating a value."""
    cfg = ctx.rule("R10")
    min_chars = cfg.get("min_chars", 4)
    contain_chars = cfg.get("containment_min_chars", 8)
    threshold = cfg.get("similarity", 0.85)
    out = []
    for index, indicator in ctx.substantive(project):
        remainder = words_only(target_raw(indicator))
        if len(remainder) < min_chars:
            continue
        if (
            len(remainder) <= cfg.get("label_max_chars", 6)
            and number(target(indicator).get("value")) is not None
            and remainder in words_only(indicator.get("name"))
        ):
            continue  # `≥0.9群众满意`: a number plus the name as its label (R12 speaks)
        for label, field in (("名称", "name"), ("描述", "description")):
            text = words_only(indicator.get(field))
            if not text:
                continue
            ratio = SequenceMatcher(None, remainder, text, autojunk=False).ratio()
            contained = (len(remainder) >= contain_chars and remainder in text) or (
                len(text) >= contain_chars and text in remainder
            )
            if ratio >= threshold or contained:
                how = (
                    "完全相同"
                    if remainder == text
                    else ("包含整段" if contained else f"相似度{ratio:.0%}")
                )
                out.append(
                    finding(
                        "R10",
                        cfg.get("severity", "一般"),
                        f"指标{_name(indicator)}的指标值{quote(target_raw(indicator))}照抄了指标{label}"
                        f"（除数字外与{label}{how}），不是可考核的目标值",
                        project=project,
                        index=index,
                        indicator=indicator,
                    )
                )
                break
    return out


def r11_placeholder(project: dict, ctx: Context) -> list[dict]:
    """无 / 不涉及 / ／ / empty on a row that has a name still counts as an indicator."""
    cfg = ctx.rule("R11")
    out = []
    for index, indicator in enumerate_indicators(project):
        if not (key(indicator.get("name")) or key(indicator.get("description"))):
            continue
        if not ctx.is_placeholder(indicator):
            continue
        raw = target_raw(indicator).strip()
        shown = f"占位内容{quote(raw)}" if raw else "空白"
        label = quote(indicator.get("name") or indicator.get("description"), 30)
        out.append(
            finding(
                "R11",
                cfg.get("severity", "一般"),
                f"指标{label}的指标值为{shown}，该行没有实际目标",
                project=project,
                index=index,
                indicator=indicator,
            )
        )
    return out


def _whole(value: float) -> bool:
    return abs(value - round(value)) < 1e-9


def r12_impossible(project: dict, ctx: Context) -> list[dict]:
    """Rates above 100%, 0.9 written for 90%, and fractional counts of people or items."""
    cfg = ctx.rule("R12")
    severity = cfg.get("severity", "一般")
    over_words = [bare(w) for w in cfg.get("over_100_words", [])]
    count_units = {key(u) for u in cfg.get("count_units", [])}
    count_suffixes = [bare(s) for s in cfg.get("count_name_suffixes", [])]
    percent_words = [bare(w) for w in cfg.get("percent_name_words", ["满意度", "率"])]
    out = []
    for index, indicator in ctx.substantive(project):
        tgt = target(indicator)
        kind = target_kind(indicator)
        name = bare(indicator.get("name"))
        op = tgt.get("op")
        values = [
            v for v in (number(tgt.get("value")), number(tgt.get("value_max"))) if v is not None
        ]
        if not values:
            continue
        raw = quote(target_raw(indicator))

        def add(message: str, variant: str, ind: dict = indicator, i: int = index) -> None:
            out.append(
                finding(
                    "R12",
                    severity,
                    message,
                    project=project,
                    index=i,
                    indicator=ind,
                    variant=variant,
                )
            )

        if kind == "percent" and max(values) > 100 and not any(w in name for w in over_words):
            add(f"指标{_name(indicator)}的指标值{raw}超过100%，该比率不可能超过100%", "over_100")
            continue
        printed = _FIRST_NUMBER.search(target_raw(indicator))
        if (
            kind == "percent"
            and printed
            and 0 < float(printed.group()) <= 1
            and abs(values[0] - float(printed.group()) * 100) < 1e-6
            and "%" not in target_raw(indicator)
        ):
            add(
                f"指标{_name(indicator)}的指标值{raw}把{fmt_number(values[0])}%写成了小数"
                f"{printed.group()}，应写作“{fmt_number(values[0])}%”（记法问题，不影响理解）",
                "fraction",
            )
            continue
        looks_percent = is_satisfaction(indicator) or any(w in name for w in percent_words)
        unitless = not key(tgt.get("unit")) or kind == "percent"
        if (
            cfg.get("fraction_as_percent", True)
            and looks_percent
            and unitless
            and kind in ("number", "percent")
            and op in (">=", ">", "=", None)
            and 0 < values[0] <= 1
            and (kind == "number" or is_satisfaction(indicator))
        ):
            add(
                f"指标{_name(indicator)}的指标值{raw}按百分比理解只有{fmt_number(values[0])}%，"
                f"疑似把{fmt_number(values[0] * 100)}%写成了小数",
                "fraction",
            )
            continue
        counted = key(tgt.get("unit")) in count_units or (
            not key(tgt.get("unit")) and any(name.endswith(s) for s in count_suffixes)
        )
        if kind == "number" and counted and not all(_whole(v) for v in values):
            unit = tgt.get("unit") or "个"
            add(
                f"指标{_name(indicator)}的指标值{raw}不是整数，{unit}数应取整数", "fractional_count"
            )
    return out
