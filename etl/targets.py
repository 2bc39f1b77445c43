"""Parse 指标值 (target value) cells into the contract's ``INDICATOR.target`` object.

Township documents print targets in every shape people type: ``≥95%``, ``95%以上``,
``不低于85%``, ``90%-95%``, ``<=45万元``, ``17　个``, ``2021年12月底前``, ``≥0.9`` glued to a
sentence, or plain words (提高, 是, 按计划完成).  The warehouse needs one comparable form:
op + number + unit (+ value in yuan for money, an ISO date for deadlines), or "qualitative".

Design notes:
- Everything is decided by a handful of anchored regexes compiled at import time; the
  parser runs ~10 × per document over tens of thousands of documents.
- Only a *leading* sign/number is taken.  Numbers in the middle of prose
  (``大力宣传…每月至少20次``) are never picked out: that is a qualitative value, and guessing
  would put wrong numbers into the warehouse.
- Numbers keep the document's precision: ``int`` when the text had no decimal point,
  ``float`` otherwise.  Money and ratio conversions go through ``Decimal`` so that
  ``17.3万元`` gives 173000, not 172999.99999.
- The warning (Chinese, for the document's warning list) is returned only when a cell
  *looks* numeric (starts with a comparison sign or a digit) but could not be read, so the
  review can point at it.  Plain words are qualitative without a warning.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

__all__ = ["KINDS", "parse_sign_value_unit", "parse_target"]

KINDS = ("number", "percent", "money", "deadline", "qualitative")

# --------------------------------------------------------------------------- vocabulary

# Prefix comparison operators (symbols after NFKC, and words).  Longest first in the regex.
_PREFIX_OPS: dict[str, str] = {
    ">=": ">=",
    "=>": ">=",
    "≥": ">=",
    "≧": ">=",
    "⩾": ">=",
    "<=": "<=",
    "=<": "<=",
    "≤": "<=",
    "≦": "<=",
    "⩽": "<=",
    ">": ">",
    "<": "<",
    "==": "=",
    "=": "=",
    "大于等于": ">=",
    "大于或等于": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "不小于": ">=",
    "至少": ">=",
    "达到": ">=",
    "小于等于": "<=",
    "小于或等于": "<=",
    "不高于": "<=",
    "不超过": "<=",
    "不多于": "<=",
    "不大于": "<=",
    "控制在": "<=",
    "大于": ">",
    "超过": ">",
    "高于": ">",
    "多于": ">",
    "小于": "<",
    "低于": "<",
    "少于": "<",
    "约": "=",
    "约为": "=",
}
# Operators written after the number/unit (``95%以上``).
_SUFFIX_OPS: dict[str, str] = {
    "及以上": ">=",
    "或以上": ">=",
    "以上": ">=",
    "之上": ">=",
    "及以下": "<=",
    "或以下": "<=",
    "以下": "<=",
    "以内": "<=",
    "之内": "<=",
    "内": "<=",
    "之间": "between",
    "左右": "=",
}
# Symbols that promise a number: a cell starting with one and not parsing gets a warning.
_SIGN_SYMBOLS = "≥≤≧≦⩾⩽<>="

# Money units and their scale to yuan.  A bare 万/亿 after a number means 万元/亿元.
_MONEY_SCALE: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "百万元": Decimal(1000000),
    "亿元": Decimal(100000000),
}
_UNIT_ALIASES: dict[str, str] = {"百分比": "%", "万": "万元", "亿": "亿元"}

# Units recognised even when prose follows them (``≥20次，每月…``) and longer than the
# 1–3 character generic unit.  Anything else after a number must be a short CJK word.
_KNOWN_UNITS = (
    "平方公里",
    "平方千米",
    "个百分点",
    "个工作日",
    "工作日",
    "百分点",
    "平方米",
    "立方米",
    "百万元",
    "万人次",
    "人次",
    "户次",
    "车次",
    "班次",
    "个月",
    "小时",
    "分钟",
    "公里",
    "公顷",
    "千米",
    "公斤",
    "千克",
    "平米",
    "延米",
    "课时",
    "学时",
    "万元",
    "亿元",
    "千元",
    "百分比",
    "元",
    "万",
    "亿",
    "人",
    "个",
    "次",
    "亩",
    "米",
    "份",
    "天",
    "日",
    "件",
    "户",
    "村",
    "座",
    "组",
    "台",
    "场",
    "所",
    "期",
    "项",
    "名",
    "家",
    "条",
    "处",
    "批",
    "辆",
    "套",
    "篇",
    "月",
    "年",
    "周",
    "吨",
    "株",
    "棵",
    "本",
    "册",
    "间",
    "栋",
    "分",
    "张",
    "部",
    "起",
    "单",
    "页",
    "块",
    "根",
    "盏",
    "只",
    "头",
    "门",
    "节",
    "届",
    "例",
    "宗",
    "卷",
    "幅",
    "箱",
    "袋",
    "斤",
)

_RATE_NAME = re.compile(r"率|满意|比例|比率|覆盖|占比")
_TIME_NAME = re.compile(r"时限|时间|期限|时效|及时|进度|截止|截至|完成时")

# --------------------------------------------------------------------------- regexes


def _alt(words: Iterable[str]) -> str:
    """Regex alternation, longest first so that ``>=`` wins over ``>``."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# At most 30 digits: keeps int()/Decimal() cheap and far from Python's int-string limit.
_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,30})(?:\.[0-9]{1,12})?|\.[0-9]{1,12}"
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Units longer than the generic 1–3 CJK characters must be listed; shorter ones need not.
_LONG_UNITS = tuple(u for u in _KNOWN_UNITS if len(u) > 3)
_UNIT = rf"(?:%|‰|{_alt(_LONG_UNITS)}|[A-Za-z]{{1,4}}[23]?|[{_CJK}]{{1,3}}?)"
_SUFFIX = _alt(_SUFFIX_OPS)
_PUNCT_TAIL = r"[.,;:!?。、)\]」』'\"]*"
_SEPARATOR = r"[.,;:!?。、()\[\]「」『』'\"/]"

_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_HEAD = re.compile(rf"(?P<op>{_alt(_PREFIX_OPS)})?(?P<neg>-)?(?P<num>{_NUM})")
_SIGN_ONLY = re.compile(rf"[{_SIGN_SYMBOLS}]")
# The whole remainder is unit (+ per-unit) + suffix operator + closing punctuation.
_TAIL = re.compile(
    rf"(?:(?P<unit>{_UNIT})(?:/(?P<per>{_UNIT}))?)??(?P<suf>{_SUFFIX})?{_PUNCT_TAIL}\Z"
)
# Prose follows: only a percent sign, or a known unit closed by punctuation, is kept.
_PROSE_TAIL = re.compile(
    rf"(?:(?P<pct>%|‰|百分比)(?P<suf1>{_SUFFIX})?"
    rf"|(?P<unit>{_alt(_KNOWN_UNITS)})(?:/(?P<per>{_alt(_KNOWN_UNITS)}))?"
    rf"(?P<suf2>{_SUFFIX})?(?={_SEPARATOR}))"
)
_RANGE = re.compile(rf"(?P<u1>{_UNIT})??(?:-|~|〜|至|到|—|–|―)(?P<neg>-)?(?P<num>{_NUM})")

# Deadlines.  An optional lead-in (≤, 于, 截至…) and an optional closing word (前, 完成…).
_DL_LEAD = r"(?:<=|≤|=|于|在|截至到?|截止到?|不晚于|不迟于)?"
_DL_REL = r"(?P<rel>次年|下年|明年|当年|本年|今年)?"
_DL_DATE = re.compile(
    rf"{_DL_LEAD}(?P<y>(?:19|20)[0-9]{{2}})(?:年(?P<m1>[0-9]{{1,2}})月"
    rf"(?:(?P<d1>[0-9]{{1,2}})[日号])?(?P<part1>底|末|份|上旬|中旬|下旬)?"
    rf"|[-./](?P<m2>[0-9]{{1,2}})[-./](?P<d2>[0-9]{{1,2}})(?![0-9]))"
)
_DL_MONTH = re.compile(
    rf"{_DL_LEAD}{_DL_REL}(?P<m>[0-9]{{1,2}})月"
    rf"(?:(?P<d>[0-9]{{1,2}})[日号])?(?P<part>底|末|份|上旬|中旬|下旬)?"
)
_DL_YEAR = re.compile(rf"{_DL_LEAD}(?P<y>(?:19|20)[0-9]{{2}})年(?P<du>度)?(?P<part>年底|底|末|内)?")
_DL_WORD = re.compile(
    rf"{_DL_LEAD}{_DL_REL}(?:"
    r"(?P<ye>(?:本|当|今)?年(?:度)?(?:底|末|内))"
    r"|(?P<half>上半年|下半年|年中)"
    r"|前(?P<qn>[一二三1-3])(?:个)?季度"
    r"|第?(?P<q>[一二三四1-4])季度(?:末|底|内|结束)?"
    r")"
)
_DL_CLOSE = r"(?:前|之前|以前|内|止|为止)?"
_DL_VERB = re.compile(
    rf"{_DL_CLOSE}(?:全部|全面)?(?:完成|完工|结束|办结|完毕|到位|实施|拨付|发放|支付|兑付)"
)
# After a word deadline (年底, 第一季度) only a closing verb or punctuation may follow.
_DL_WORD_TAIL = re.compile(rf"{_DL_CLOSE}(?:{_DL_VERB.pattern}|{_SEPARATOR}|\Z)")
_DL_BEFORE = re.compile(r"前|之前|以前")
# After an explicit date anything may follow, except a range to a later date.
_DL_DATE_BAD_TAIL = re.compile(r"(?:至|到|-|~|〜|—|–)[0-9]")
_DL_MONTH_SPAN = re.compile(r"(?:至|到|-|~|〜|—|–)(?P<m>[0-9]{1,2})月(?:底|末|份)?")
_PUNCT_ONLY = re.compile(rf"{_PUNCT_TAIL}\Z")
_MONTH_CLOSERS = frozenset({"底", "末", "上旬", "中旬", "下旬"})

_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_REL_YEAR = {"次年": 1, "下年": 1, "明年": 1, "当年": 0, "本年": 0, "今年": 0}
_PART_DAY = {"上旬": 10, "中旬": 20}

# --------------------------------------------------------------------------- helpers


def _result(
    raw: str,
    op: str | None = None,
    value: object = None,
    value_max: object = None,
    unit: str | None = None,
    value_yuan: float | None = None,
    kind: str = "qualitative",
) -> dict:
    """Build the target dict with the contract's keys in the contract's order."""
    return {
        "raw": raw,
        "op": op,
        "value": value,
        "value_max": value_max,
        "unit": unit,
        "value_yuan": value_yuan,
        "kind": kind,
    }


def _warning(raw: str, indicator_name: str) -> str:
    """The Chinese message for a cell that looks numeric but could not be read."""
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    where = f"指标“{indicator_name}”的" if indicator_name else ""
    return f"{where}指标值“{shown}”无法解析为数值，按定性处理"


def _number(dec: Decimal, had_point: bool) -> int | float:
    """int when the printed number had no decimal point, float otherwise."""
    return float(dec) if had_point else int(dec)


def _plain(dec: Decimal) -> int | float:
    """A converted value (ratio × 100): int when integral, else float."""
    return int(dec) if dec == dec.to_integral_value() else float(dec)


def _month_end(year: int, month: int) -> int:
    """Last day of a month without calendar/datetime (they reject years outside 1..9999)."""
    if month == 2:
        return 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _iso(year: int | None, month: int, day: int | None) -> str | None | bool:
    """ISO date (day None = month end); None without a year; False when impossible."""
    if not 1 <= month <= 12:
        return False
    if year is None:
        return None
    last = _month_end(year, month)
    if day is None:
        day = last
    if not 1 <= day <= last:
        return False
    return f"{year:04d}-{month:02d}-{day:02d}"


def _norm_unit(unit: str | None, per: str | None) -> str | None:
    """Canonical unit text: 百分比 → %, bare 万 → 万元; keeps per-units (元/人)."""
    if not unit:
        return None
    unit = _UNIT_ALIASES.get(unit, unit)
    return f"{unit}/{per}" if per else unit


# --------------------------------------------------------------------------- deadlines


def _deadline(s: str, fiscal_year: int | None, time_like: bool) -> str | None | bool:
    """Return an ISO date (None without a fiscal year) when ``s`` is a deadline, else False.

    Returns the string "qualitative" for a bare year (``2021年度``) on a non-time indicator:
    it names the budget year, not a due date, and is no number either.
    """
    m = _DL_DATE.match(s)
    if m:
        year = int(m["y"])
        if _DL_DATE_BAD_TAIL.match(s, m.end()):
            # 2021年1月至12月: a period within the year is due at its end.
            span = _DL_MONTH_SPAN.match(s, m.end())
            if (
                m["m1"] is not None
                and span
                and int(span["m"]) >= int(m["m1"])
                and _DL_WORD_TAIL.match(s, span.end())
            ):
                return _iso(year, int(span["m"]), None)
            return False
        if m["m2"] is not None:
            return _iso(year, int(m["m2"]), int(m["d2"]))
        day = int(m["d1"]) if m["d1"] else _PART_DAY.get(m["part1"] or "")
        return _iso(year, int(m["m1"]), day)

    m = _DL_MONTH.match(s)
    if m:
        end = m.end()
        closing = (
            m["d"]
            or m["part"] in _MONTH_CLOSERS
            or _DL_BEFORE.match(s, end)
            or _DL_VERB.match(s, end)
        )
        if (closing and not _DL_DATE_BAD_TAIL.match(s, end)) or (
            time_like and _DL_WORD_TAIL.match(s, end)
        ):
            year = None if fiscal_year is None else fiscal_year + _REL_YEAR.get(m["rel"] or "", 0)
            day = int(m["d"]) if m["d"] else _PART_DAY.get(m["part"] or "")
            return _iso(year, int(m["m"]), day)
        return False

    m = _DL_YEAR.match(s)
    if m and _DL_WORD_TAIL.match(s, m.end()):
        if m["part"] or time_like or _DL_VERB.match(s, m.end()):
            return _iso(int(m["y"]), 12, 31)
        if _PUNCT_ONLY.match(s, m.end()):
            return "qualitative"
        return False

    m = _DL_WORD.match(s)
    if m and _DL_WORD_TAIL.match(s, m.end()):
        year = None if fiscal_year is None else fiscal_year + _REL_YEAR.get(m["rel"] or "", 0)
        if m["ye"]:
            month = 12
        elif m["half"]:
            month = 6 if m["half"] in ("上半年", "年中") else 12
        else:
            month = 3 * _CN_DIGIT[m["qn"] or m["q"]]
        return _iso(year, month, None)
    return False


# --------------------------------------------------------------------------- main API


def parse_target(
    raw: str, *, indicator_name: str = "", fiscal_year: int | None = None
) -> tuple[dict, str | None]:
    """Parse one 指标值 cell.

    Returns ``(target, warning)``: ``target`` has exactly the keys of the contract's
    ``INDICATOR.target``; ``warning`` is a Chinese message when the cell looked numeric but
    fell back to qualitative, else None.  Never raises.
    """
    raw = (raw or "").strip() if isinstance(raw, str) else ("" if raw is None else str(raw).strip())
    if not raw:
        return _result(raw), None
    name = indicator_name or ""
    if fiscal_year is not None and not (isinstance(fiscal_year, int) and 1 <= fiscal_year <= 9998):
        fiscal_year = None
    s = _SPACES.sub("", unicodedata.normalize("NFKC", raw))
    if not s:
        return _result(raw), None

    time_like = _TIME_NAME.search(name) is not None
    deadline = _deadline(s, fiscal_year, time_like)
    if deadline == "qualitative":
        return _result(raw), None
    if deadline is not False:
        return _result(raw, "<=", deadline, kind="deadline"), None

    head = _HEAD.match(s)
    if head is None:
        if _SIGN_ONLY.match(s):
            return _result(raw), _warning(raw, name)
        return _result(raw), None

    prefix_op = _PREFIX_OPS.get(head["op"]) if head["op"] else None
    num_a = head["num"]
    rest = s[head.end() :]
    num_b: str | None = None
    neg_b = False
    unit_a: str | None = None

    rng = _RANGE.match(rest)
    if rng:
        unit_a = _norm_unit(rng["u1"], None)
        num_b = rng["num"]
        neg_b = rng["neg"] is not None
        rest = rest[rng.end() :]

    unit, suffix_op, prose = _read_tail(rest)
    if prose and not (head["op"] or unit):
        # A bare leading number followed by words: do not guess.
        return _result(raw), _warning(raw, name)
    if num_b is not None:
        if unit_a and unit and unit_a != unit:
            return _result(raw), _warning(raw, name)
        unit = unit or unit_a

    try:
        dec_a = Decimal(num_a.replace(",", ""))
        dec_b = Decimal(num_b.replace(",", "")) if num_b is not None else None
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return _result(raw), _warning(raw, name)
    if head["neg"]:
        dec_a = -dec_a
    if dec_b is not None and neg_b:
        dec_b = -dec_b

    if num_b is not None:
        op = "between"
    else:
        op = prefix_op or (suffix_op if suffix_op != "between" else None) or "="

    point_a = "." in num_a
    point_b = num_b is not None and "." in num_b
    value: int | float = _number(dec_a, point_a)
    value_max = _number(dec_b, point_b) if dec_b is not None else None

    if unit is None:
        rate_like = _RATE_NAME.search(name.replace("频率", "")) is not None
        if rate_like:
            top = dec_a if dec_b is None else max(dec_a, dec_b)
            low = dec_a if dec_b is None else min(dec_a, dec_b)
            if low >= 0 and top <= 1:
                value = _plain(dec_a * 100)
                value_max = _plain(dec_b * 100) if dec_b is not None else None
                return _result(raw, op, value, value_max, "%", kind="percent"), None
            if low >= 0 and top <= 100:
                return _result(raw, op, value, value_max, "%", kind="percent"), None
        return _result(raw, op, value, value_max, None, kind="number"), None

    if unit == "%":
        return _result(raw, op, value, value_max, "%", kind="percent"), None
    scale = _MONEY_SCALE.get(unit.split("/", 1)[0])
    if scale is not None:
        yuan = float((dec_a * scale).quantize(Decimal("0.01")))
        return _result(raw, op, value, value_max, unit, yuan, "money"), None
    return _result(raw, op, value, value_max, unit, kind="number"), None


def _read_tail(rest: str) -> tuple[str | None, str | None, bool]:
    """Read what follows the number: (unit, suffix operator, prose follows)."""
    if not rest:
        return None, None, False
    m = _TAIL.match(rest)
    if m:
        return _norm_unit(m["unit"], m["per"]), _SUFFIX_OPS.get(m["suf"] or ""), False
    m = _PROSE_TAIL.match(rest)
    if m:
        if m["pct"]:
            return _norm_unit(m["pct"], None), _SUFFIX_OPS.get(m["suf1"] or ""), True
        return _norm_unit(m["unit"], m["per"]), _SUFFIX_OPS.get(m["suf2"] or ""), True
    return None, None, True


_TEXT_SIGNS = frozenset({"文字描述", "文字", "描述", "定性", "定性描述", "文本", "文字说明"})


def parse_sign_value_unit(
    sign: str, value: str, unit: str, *, indicator_name: str = "", fiscal_year: int | None = None
) -> tuple[dict, str | None]:
    """Parse a 指标值 split over 符号 / 值 / 单位 columns (the 一体化 system's three fields).

    ``文字描述`` means the value is text (found in the value or unit column); otherwise the
    three parts are joined (``≥40.00件``) and parsed like a single cell, so that ``raw``
    shows what the document printed.
    """
    sign_s = (sign or "").strip()
    value_s = (value or "").strip()
    unit_s = (unit or "").strip()
    if _SPACES.sub("", unicodedata.normalize("NFKC", sign_s)) in _TEXT_SIGNS:
        text = "".join(part for part in (value_s, unit_s) if part)
        return parse_target(text, indicator_name=indicator_name, fiscal_year=fiscal_year)
    raw = sign_s + value_s + unit_s
    target, warning = parse_target(raw, indicator_name=indicator_name, fiscal_year=fiscal_year)
    if target["kind"] == "qualitative" and warning is None and value_s:
        warning = _warning(target["raw"], indicator_name)
    return target, warning


# --------------------------------------------------------------------------- cells API

# Warning codes returned by parse_target_cells (documented in docs/targets.md).
W_UNPARSED = "target_unparsed"
W_MISSING = "target_missing"
W_UNIT_CONFLICT = "target_unit_conflict"
W_PROSE_DROPPED = "target_prose_dropped"

_NAME_UNIT = re.compile(
    r"[(（]\s*(?P<unit>%|‰|[A-Za-z]{1,4}[23]?|[\u4e00-\u9fff/]{1,6})\s*[)）]\s*$"
)
_YES_NO = frozenset({"是/否", "是否", "是或否", "是/否/无"})


def _clean(text: str | None) -> str:
    """NFKC without spaces: how a sign or unit column is compared."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def parse_target_cells(
    value: str,
    *,
    sign: str | None = None,
    unit: str | None = None,
    indicator_name: str = "",
    fiscal_year: int | None = None,
) -> tuple[dict, list[tuple[str, str]]]:
    """Parse a target spread over a value cell, an optional sign and unit column and the name.

    Returns ``(target, warnings)``; warnings are ``(code, Chinese message)`` pairs.
    """
    name = indicator_name or ""
    value_s = (
        (value or "").strip() if isinstance(value, str) else ("" if value is None else str(value))
    )
    sign_s = _clean(sign)
    unit_s = _clean(unit)
    warnings: list[tuple[str, str]] = []
    if sign_s in _TEXT_SIGNS or sign_s in _YES_NO:
        sign_s = ""
    target, warning = parse_target(
        sign_s + value_s if sign_s else value_s, indicator_name=name, fiscal_year=fiscal_year
    )
    if warning:
        warnings.append((W_UNPARSED, warning))
    if unit_s and target["kind"] in ("number", "percent", "money"):
        unit_n = _norm_unit(unit_s, None)
        if target["unit"] is None:
            target, _ = parse_target(
                (sign_s + value_s if sign_s else value_s) + unit_s,
                indicator_name=name,
                fiscal_year=fiscal_year,
            )
        elif unit_n != target["unit"]:
            warnings.append(
                (
                    W_UNIT_CONFLICT,
                    f"指标“{name}”的指标值“{value_s}”与单位列“{unit_s}”不一致，按指标值的单位处理",
                )
            )
    return target, warnings
