"""Printed target values (指标值) and the parse each one must yield.

Every shape the parser issue lists is produced from a small "family" (see vocab.INDICATORS),
so the ground truth is known by construction rather than re-derived from the text.
"""

from __future__ import annotations

import calendar
import random

Target = dict  # {"kind","op","value","value_max","unit","value_yuan","explicit"}
KIND_LETTER = {"percent": "p", "number": "n", "money": "m", "deadline": "d", "qualitative": "q"}

_DEADLINE_MONTHS = (12, 12, 12, 12, 11, 10, 9, 6)


def _num(hundredths: int) -> str:
    """Print a number held in hundredths without trailing zeros (1730 -> 17.3)."""
    whole, frac = divmod(hundredths, 100)
    return str(whole) if frac == 0 else f"{whole}.{frac:02d}".rstrip("0")


def _truth(
    kind: str,
    op: str | None,
    value,
    unit: str | None,
    *,
    explicit: bool = True,
    value_max=None,
    value_yuan=None,
) -> Target:
    return {
        "kind": kind,
        "op": op,
        "value": value,
        "value_max": value_max,
        "unit": unit,
        "value_yuan": value_yuan,
        "explicit": explicit,
    }


def _pct_value(rng: random.Random, lo: int, hi: int) -> float | int:
    value = rng.randint(lo, hi)
    return value + 0.5 if value < hi and rng.random() < 0.08 else value


def _money_cap(rng: random.Random, budget_yuan: int) -> int:
    """A cost cap at or below the budget, in hundredths of 万元 (i.e. units of 100 yuan)."""
    cap = max(1, budget_yuan // 100)
    return cap if rng.random() < 0.6 else max(1, int(cap * rng.uniform(0.3, 1.0)))


def _kind_for_unit(unit: str) -> str:
    if unit == "%":
        return "percent"
    return "money" if unit in ("万元", "元") else "number"


def _yuan_of(value: float | int, unit: str) -> int | float | None:
    if unit == "万元":
        return round(value * 10000, 2)
    return value if unit == "元" else None


def text_target(
    rng: random.Random, family: tuple, year: int, budget_yuan: int, yuan_doc: bool
) -> tuple[str, Target]:
    """A free-text 指标值 cell such as ``≥95%``, ``17　个`` or ``2021年12月底前``."""
    name = family[0]
    r = rng.random()
    if name == "money":
        return _text_money(rng, r, budget_yuan, yuan_doc)
    if name == "deadline":
        month = rng.choice(_DEADLINE_MONTHS)
        day = calendar.monthrange(year, month)[1]
        return f"{year}年{month}月底前", _truth(
            "deadline", "<=", f"{year}-{month:02d}-{day:02d}", None
        )
    shape = _TEXT_SHAPES.get(name)
    if shape is not None:
        return shape(rng, r, family)
    word = rng.choice(family[1])
    raw = word + "　" if rng.random() < 0.05 else word
    return raw, _truth("qualitative", None, word, None, explicit=False)


# (r below, printed form, op): the first row whose bound exceeds r wins.
_PCT_FORMS = (
    (0.30, "≥{s}%", ">="),
    (0.45, "≥{s}百分比", ">="),
    (0.55, "{s}%以上", ">="),
    (0.62, "不低于{s}%", ">="),
    (0.72, "={s}%", "="),
    (0.80, ">={s}％", ">="),
    (0.86, "≥{v:.2f}%", ">="),
)


def _text_pct(rng: random.Random, r: float, family: tuple) -> tuple[str, Target]:
    v = _pct_value(rng, family[1], family[2])
    s = f"{v:g}"
    for bound, form, op in _PCT_FORMS:
        if r < bound:
            return form.format(s=s, v=v), _truth("percent", op, v, "%")
    return f"{s}%", _truth("percent", "=", v, "%", explicit=False)


def _text_pctlow(rng: random.Random, r: float, family: tuple) -> tuple[str, Target]:
    v = rng.randint(family[1], family[2])
    form = "≤{}%" if r < 0.6 else "<={}%" if r < 0.8 else "{}%以下"
    return form.format(v), _truth("percent", "<=", v, "%")


def _text_between(rng: random.Random, r: float, family: tuple) -> tuple[str, Target]:
    lo = rng.randint(family[1], family[2] - 3)
    hi = rng.randint(lo + 1, min(100, lo + 10))
    if r < 0.5:
        return f"{lo}%-{hi}%", _truth("percent", "between", lo, "%", value_max=hi)
    v = _pct_value(rng, family[1], family[2])
    return f"≥{v:g}%", _truth("percent", ">=", v, "%")


def _text_count(rng: random.Random, r: float, family: tuple) -> tuple[str, Target]:
    unit, lo, hi = family[1], family[2], family[3]
    v = rng.randint(lo, hi)
    kind = _kind_for_unit(unit)
    yuan = _yuan_of(v, unit)
    if r < 0.2:
        return f"={v}{unit}", _truth(kind, "=", v, unit, value_yuan=yuan)
    if r < 0.35:
        return f">={v}{unit}", _truth(kind, ">=", v, unit, value_yuan=yuan)
    if r < 0.55:
        return f"≥{v}{unit}", _truth(kind, ">=", v, unit, value_yuan=yuan)
    if r < 0.65 and unit != "万元":
        return f"{v}　{unit}", _truth(kind, "=", v, unit, explicit=False, value_yuan=yuan)
    if r < 0.78:
        return f"{v}{unit}以上", _truth(kind, ">=", v, unit, value_yuan=yuan)
    if r < 0.85:
        return f"不少于{v}{unit}", _truth(kind, ">=", v, unit, value_yuan=yuan)
    return f"{v}{unit}", _truth(kind, "=", v, unit, explicit=False, value_yuan=yuan)


def _text_zero(rng: random.Random, r: float, family: tuple) -> tuple[str, Target]:
    unit = family[1]
    if r < 0.5:
        return f"0{unit}", _truth("number", "=", 0, unit, explicit=False)
    return f"≤0{unit}", _truth("number", "<=", 0, unit)


def _text_money(
    rng: random.Random, r: float, budget_yuan: int, yuan_doc: bool
) -> tuple[str, Target]:
    cap = _money_cap(rng, budget_yuan)
    if yuan_doc and r < 0.5:
        yuan = cap * 100
        return f"≤{yuan}元", _truth("money", "<=", yuan, "元", value_yuan=yuan)
    s = _num(cap)
    value = cap / 100
    if r < 0.4:
        return f"≤{s}万元", _truth("money", "<=", value, "万元", value_yuan=cap * 100)
    if r < 0.7:
        return f"<={s}万元", _truth("money", "<=", value, "万元", value_yuan=cap * 100)
    return f"{s}万元", _truth("money", "=", value, "万元", explicit=False, value_yuan=cap * 100)


_TEXT_SHAPES = {
    "pct": _text_pct,
    "pctlow": _text_pctlow,
    "between": _text_between,
    "count": _text_count,
    "zero": _text_zero,
}


def split_target(
    rng: random.Random, family: tuple, year: int, budget_yuan: int, unit_table: bool
) -> tuple[str, str, str, Target]:
    """Sign / value / unit as separate cells (flat 申报表, or the 符号/值/单位 table when
    ``unit_table``). Qualitative values go in 指标值 (flat) or 单位 after 文字描述 (unit table)."""
    name = family[0]
    fmt = "{:.2f}" if unit_table else "{:g}"
    if name in ("pct", "between"):
        v = _pct_value(rng, family[1], family[2])
        op = "=" if v == 100 and rng.random() < 0.5 else ">="
        return ("=" if op == "=" else "≥"), fmt.format(v), "%", _truth("percent", op, v, "%")
    if name == "pctlow":
        v = rng.randint(family[1], family[2])
        return "≤", fmt.format(v), "%", _truth("percent", "<=", v, "%")
    if name == "count":
        unit, v = family[1], rng.randint(family[2], family[3])
        kind = _kind_for_unit(unit)
        sign, op = ("=", "=") if rng.random() < 0.3 else ("≥", ">=")
        return sign, fmt.format(v), unit, _truth(kind, op, v, unit, value_yuan=_yuan_of(v, unit))
    if name == "zero":
        return "≤", fmt.format(0), family[1], _truth("number", "<=", 0, family[1])
    if name == "money":
        cap = _money_cap(rng, budget_yuan)
        if unit_table or rng.random() < 0.5:
            value = cap / 100
            return (
                "≤",
                f"{value:.2f}" if unit_table else _num(cap),
                "万元",
                _truth("money", "<=", value, "万元", value_yuan=cap * 100),
            )
        return (
            "≤",
            str(cap * 100),
            "元",
            _truth("money", "<=", cap * 100, "元", value_yuan=cap * 100),
        )
    if name == "deadline":
        if unit_table:
            word = "按工作计划及时完成"
            return "文字描述", "", word, _truth("qualitative", None, word, None, explicit=False)
        month = rng.choice(_DEADLINE_MONTHS)  # ≤ 12 月 under 时效: done by the end of December
        day = calendar.monthrange(year, month)[1]
        return (
            "≤",
            str(month),
            "月",
            _truth("deadline", "<=", f"{year}-{month:02d}-{day:02d}", None),
        )
    word = rng.choice(family[1])
    if unit_table:
        return "文字描述", "", word, _truth("qualitative", None, word, None, explicit=False)
    return "定性", word, "", _truth("qualitative", None, word, None, explicit=False)
