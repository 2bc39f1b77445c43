"""parse_target_cells: one target from a value cell, a sign column, a unit column and the name.

Why a separate step: the general reader finds sign, value and unit in different places
(符号/指标方向 columns, 计量单位 columns, ``(个)`` in the name); combining them — and saying
with a warning code when they disagree or something was dropped — is the same work for
every layout, so it lives here once.
"""

from __future__ import annotations

import re
from decimal import Decimal

from etl.han import HAN
from etl.record import Op, Target
from etl.targets import vocab
from etl.targets.parse import (
    MISSING,
    UNPARSED,
    Reading,
    name_facts,
    norm_unit,
    normalize,
    read_cell,
    result,
    unit_kind,
)

# Warning codes (documented in docs/targets.md).
W_UNPARSED = UNPARSED
W_MISSING = MISSING
W_UNIT_CONFLICT = "target_unit_conflict"
W_PROSE_DROPPED = "target_prose_dropped"
W_SIGN_CONFLICT = "target_sign_conflict"
WARNING_CODES = (W_UNPARSED, W_MISSING, W_UNIT_CONFLICT, W_PROSE_DROPPED, W_SIGN_CONFLICT)

_YES_NO_NAME = ("是否", "能否", "有无", "是不是")


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def _where(name: str) -> str:
    return f"指标“{_shown(name)}”的" if name else ""


def message(code: str, raw: str, name: str, extra: str = "") -> str:
    """The Chinese message for a warning code."""
    where = _where(name)
    if code == W_UNPARSED:
        return f"{where}指标值“{_shown(raw)}”无法解析为数值，按定性处理"
    if code == W_MISSING:
        return f"{where}指标值“{_shown(raw)}”只有单位或符号，未填写数值，按缺失处理"
    if code == W_UNIT_CONFLICT:
        return f"{where}指标值“{_shown(raw)}”与单位列“{extra}”不一致，按指标值中的单位处理"
    if code == W_SIGN_CONFLICT:
        return f"{where}指标值“{_shown(raw)}”与符号列“{extra}”不一致，按指标值中的符号处理"
    return f"{where}指标值“{_shown(raw)}”后的文字“{_shown(extra)}”未计入目标值"


def _clean(text: object) -> str:
    if text is None:
        return ""
    return (text if isinstance(text, str) else str(text)).strip()


def _finish(read: Reading, warnings: list[tuple[str, str]], name: str) -> Target:
    """Attach warnings for the reading's own code and prose; add optional keys."""
    target, code, prose, per, meaning = read
    if code:
        warnings.insert(0, (code, message(code, target["raw"], name)))
    if prose:
        warnings.append((W_PROSE_DROPPED, message(W_PROSE_DROPPED, target["raw"], name, prose)))
    if per:
        target["per"] = per
    if meaning:
        target["meaning"] = meaning
    return target


def parse_target_cells(
    value: str,
    *,
    sign: str | None = None,
    unit: str | None = None,
    indicator_name: str = "",
    fiscal_year: int | None = None,
) -> tuple[Target, list[tuple[str, str]]]:
    """Parse a target spread over a value cell, an optional sign column, an optional unit
    column and the indicator name.

    Returns ``(target, warnings)``: ``target`` has the contract's keys, plus ``per`` (the
    counting period of ``每月至少20次``) and ``meaning`` (``within_budget``, ``yes``, ``no``)
    when they apply; ``warnings`` is a list of ``(code, Chinese message)``.  Never raises.
    """
    name = _clean(indicator_name)
    if fiscal_year is not None and not (isinstance(fiscal_year, int) and 1 <= fiscal_year <= 9998):
        fiscal_year = None
    value_s = _clean(value)
    sign_raw, unit_raw = _clean(sign), _clean(unit)
    warnings: list[tuple[str, str]] = []
    if not sign_raw and not unit_raw:  # most cells: no sign or unit column to combine
        if not value_s:
            return result(""), warnings
        yes_no = name_facts(name)[5].startswith(_YES_NO_NAME)
        return _finish(
            read_cell(value_s, name, fiscal_year, yes_no=yes_no), warnings, name
        ), warnings
    sign_k, unit_k = normalize(sign_raw), normalize(unit_raw)

    yes_no = sign_k in vocab.YES_NO_SIGNS or name_facts(name)[5].startswith(_YES_NO_NAME)
    text_sign = sign_k in vocab.TEXT_SIGNS
    if text_sign or sign_k in vocab.YES_NO_SIGNS:
        sign_raw = sign_k = ""
    sign_op = vocab.SIGN_COLUMN_OPS.get(sign_k) if sign_k else None
    if unit_k in vocab.TEXT_SIGNS or unit_k in vocab.NOT_UNITS:
        unit_raw = unit_k = ""
    if not value_s and unit_k and (text_sign or not _UNIT_WORD.fullmatch(unit_k)):
        # 文字描述 | (empty) | 按工作计划及时完成: the text sits in the unit column.
        value_s, unit_raw, unit_k = unit_raw, "", ""

    if not value_s:
        if sign_op or unit_k:
            u = norm_unit(unit_k) if unit_k else None
            raw = sign_raw + unit_raw
            missing = result(raw, sign_op, None, None, u, kind=unit_kind(u))
            return _finish((missing, W_MISSING, "", None, None), warnings, name), warnings
        return result(""), warnings

    # A unit column gives the unit: the name must not guess one first (≤1 under 差错率 + %).
    unit_given = bool(unit_k) and _UNIT_WORD.fullmatch(unit_k) is not None
    read: Reading | None = None
    if unit_given and value_s[-1:].isdigit():
        # 95 | % : read as printed together; the name must not guess a rate first.
        joined = read_cell(value_s + unit_raw, name, fiscal_year, yes_no=yes_no, guess_unit=False)
        if joined[0]["kind"] != "qualitative" and joined[1] is None and not joined[2]:
            joined[0]["raw"] = value_s
            read = joined
    if read is None:
        read = read_cell(value_s, name, fiscal_year, yes_no=yes_no, guess_unit=not unit_given)
    target = read[0]
    if target["value"] is not None and target["kind"] in _NUMERIC:
        if unit_given:
            _unit_column(target, warnings, value_s, name, unit_raw, unit_k)
        if sign_op:
            _sign_column(target, warnings, value_s, name, sign_raw, sign_op)
    return _finish(read, warnings, name), warnings


_NUMERIC = ("number", "percent", "money", "tolerance")


def _unit_column(
    target: Target,
    warnings: list[tuple[str, str]],
    value_s: str,
    name: str,
    unit_raw: str,
    unit_k: str,
) -> None:
    """The unit column of a numeric target: fills a missing unit; repeating it is fine;
    contradicting it warns."""
    unit_n = norm_unit(unit_k)
    assert unit_n is not None  # unit_k is a non-empty unit word
    if target["unit"] is None:
        _set_unit(target, unit_n)  # a unit the grammar does not know: 万千瓦时
    elif unit_n != target["unit"] and unit_n != target["unit"].split("/", 1)[0]:
        warnings.append((W_UNIT_CONFLICT, message(W_UNIT_CONFLICT, value_s, name, unit_raw)))


def _sign_column(
    target: Target,
    warnings: list[tuple[str, str]],
    value_s: str,
    name: str,
    sign_raw: str,
    sign_op: Op,
) -> None:
    """The sign column of a numeric target: gives the operator of a bare value; a
    contradicting sign warns."""
    printed_op = _printed_op(value_s)
    if printed_op is None:
        target["op"] = sign_op
    elif printed_op != sign_op:
        warnings.append((W_SIGN_CONFLICT, message(W_SIGN_CONFLICT, value_s, name, sign_raw)))


# What a unit column may hold when the number grammar does not know it (万千瓦时, 标准亩).
_UNIT_WORD = re.compile(f"[{HAN}A-Za-z%‰/·]{{1,8}}")


def _set_unit(target: Target, unit: str) -> None:
    """Give a unitless numeric target the unit column's unit (and yuan for money)."""
    target["unit"] = unit
    if target["kind"] == "tolerance":
        return
    target["kind"] = unit_kind(unit)
    if target["kind"] == "money" and isinstance(target["value"], (int, float)):
        scale = vocab.MONEY_SCALE[unit.split("/", 1)[0]]
        target["value_yuan"] = float((Decimal(str(target["value"])) * scale).quantize(_CENT))


_CENT = Decimal("0.01")


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_PRINTED_PREFIX = re.compile(_alt(vocab.PREFIX_OPS))
_PRINTED_SUFFIX = re.compile(
    rf"({_alt(w for w, op in vocab.SUFFIX_OPS.items() if op in ('>=', '<='))})[.,;:!?。、)]*\Z"
)


def _printed_op(value: str) -> str | None:
    """The operator written in the value cell itself (≥95, 95%以上), if any."""
    s = normalize(value)
    m = _PRINTED_PREFIX.match(s)
    if m:
        return vocab.PREFIX_OPS[m.group(0)]
    m = _PRINTED_SUFFIX.search(s)
    return vocab.SUFFIX_OPS[m.group(1)] if m else None
