"""Read one 指标值 cell into the contract's target object plus what the reading had to drop.

Township documents print targets in every shape people type: ``≥95%``, ``95%（含）以上``,
``不低于85%``, ``90%-95%``, ``<=45万元``, ``±3%以内``, ``全年≥12次``, ``每月至少20次``,
``2021年12月底前``, ``2023.07-2024.01``, ``≥0.9`` glued to a sentence, a unit with no number
(``公里``), or plain words (提高, 是, 不超预算).  The warehouse needs one comparable form:
op + number + unit (+ value in yuan for money, ISO dates for deadlines and periods), or
"qualitative".

Design notes (details in docs/targets.md):
- Anchored regexes compiled once at import from data/vocabulary/targets.toml.
- Only a *leading* sign/number is taken; numbers in the middle of prose are never picked out.
- A number glued to prose is read from the number alone, never from the indicator name, so
  one template cell reads the same on every row (``≥0.9…`` is 90 % everywhere).
- Numbers keep the document's precision (int without a decimal point, float with one);
  money and ratio conversions go through ``Decimal``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from etl.han import HAN
from etl.record import Op, Target, TargetKind
from etl.targets import vocab
from etl.targets.dates import deadline, is_time_name, period

KINDS = ("number", "percent", "money", "deadline", "qualitative", "period", "tolerance")

# Reading outcomes beyond the target itself (warning codes, see docs/targets.md).
UNPARSED = "target_unparsed"
MISSING = "target_missing"


def _alt(words: Iterable[str]) -> str:
    """Regex alternation, longest first so that ``>=`` wins over ``>``."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# At most 30 digits: keeps int()/Decimal() cheap and far from Python's int-string limit.
_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,30})(?:\.[0-9]{1,12})?|\.[0-9]{1,12}"
_CJK = HAN
_LONG_UNITS = tuple(u for u in vocab.KNOWN_UNITS if len(u) > 3)
_UNIT = rf"(?:%|‰|{_alt(_LONG_UNITS)}|[A-Za-z]{{1,4}}[23]?|[{_CJK}]{{1,3}}?)"
_SUFFIX = _alt(vocab.SUFFIX_OPS)
_PUNCT_TAIL = r"[.,;:!?。、)\]」』'\"]*"
_SEPARATOR = r"[.,;:!?。、()\[\]「」『』'\"/]"

_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_HEAD = re.compile(rf"(?P<op>{_alt(vocab.PREFIX_OPS)})?(?P<neg>-)?(?P<num>{_NUM})")
_SIGN_SYMBOLS = "≥≤≧≦⩾⩽<>="
_SIGN_ONLY = re.compile(rf"[{_SIGN_SYMBOLS}]")
_TAIL = re.compile(
    rf"(?:(?P<unit>{_UNIT})(?:/(?P<per>{_UNIT}(?:[*·×]{_UNIT})?))?)??"
    rf"(?P<suf>{_SUFFIX})?{_PUNCT_TAIL}\Z"
)
_PROSE_TAIL = re.compile(
    rf"(?:(?P<pct>%|‰|百分比)(?P<suf1>{_SUFFIX})?"
    rf"|(?P<unit>{_alt(vocab.KNOWN_UNITS)})(?:/(?P<per>{_alt(vocab.KNOWN_UNITS)}))?"
    rf"(?P<suf2>{_SUFFIX})?(?={_SEPARATOR}))"
)
_RANGE = re.compile(rf"(?P<u1>{_UNIT})??(?:-|~|〜|至|到|—|–|―)(?P<neg>-)?(?P<num>{_NUM})")
_INCLUSIVE = re.compile(rf"(?:{_alt(vocab.INCLUSIVE_MARKS)})(?=(?:{_SUFFIX})|{_PUNCT_TAIL}\Z)")
_LEAD_PERIOD = re.compile(
    rf"(?P<w>{_alt([*vocab.PER_WORDS, *vocab.TOTAL_WORDS])})"
    rf"(?=(?:{_alt(vocab.PREFIX_OPS)})?[0-9])"
)
_TOLERANCE = re.compile(_alt(vocab.TOLERANCE_SIGNS))
_TOLERANCE_FIRST = frozenset(w[0] for w in vocab.TOLERANCE_SIGNS)
_LEAD_FIRST = frozenset(w[0] for w in [*vocab.PER_WORDS, *vocab.TOTAL_WORDS])
_MEANINGS = vocab.MEANINGS
_ZERO_VALUES = vocab.ZERO_VALUES
_PER_WORDS = vocab.PER_WORDS
_PREFIX_OPS = vocab.PREFIX_OPS
_SUFFIX_OPS = vocab.SUFFIX_OPS
_MONEY_SCALE = vocab.MONEY_SCALE
_TIME_UNITS = vocab.TIME_UNITS
_IGNORABLE_TAILS = vocab.IGNORABLE_TAILS
_CENT = Decimal("0.01")
_PERIOD_FIRST = frozenset("12自从起")
# Every deadline needs 年, 月, 季 (季度) or a year followed by - . /; every period a separator.
# (A character class: cheaper than the exact condition, and a false hit only costs a try.)
_DATE_HINT = re.compile("[年月季./-]")
_PERIOD_HINT = re.compile("[至到~〜—–―-]")


def year_matters(text: str) -> bool:
    """Whether reading ``text`` (a value cell, or value, sign and unit joined) can depend on
    the fiscal year: only deadlines use it, and every deadline has a date character. Lets a
    cache share ``≥95%`` across years."""
    return _DATE_HINT.search(normalize(text)) is not None


_UNIT_LAST = frozenset(u[-1] for u in vocab.KNOWN_UNITS)
_END_PUNCT = ".,;:!?。、)]」』'\""
_UNIT_ONLY = re.compile(
    rf"(?P<op>{_alt(vocab.PREFIX_OPS)})?"
    rf"(?P<unit>(?:{_alt(vocab.SCALE_PREFIXES)})?(?:{_alt(vocab.KNOWN_UNITS)}))"
    rf"(?P<suf>{_SUFFIX})?{_PUNCT_TAIL}\Z"
)
_RATE_NAME = re.compile(_alt(vocab.RATE_WORDS))
_RATE_EXCLUDE = re.compile(_alt(vocab.RATE_EXCLUDE))
_EVENT_NAME = re.compile(_alt(vocab.EVENT_WORDS))
# A unit at the end of the indicator name: 开展修复工程(个), 成本控制率(%).
_NAME_UNIT = re.compile(rf"\((?P<unit>{_alt(vocab.KNOWN_UNITS)})\)?\Z")
_NAME_SUFFIX_OP = re.compile(rf"(?P<suf>{_SUFFIX})\Z")
# The longest clean tail: a 5-character unit, "/", another, a 3-character suffix operator.
_TAIL_MAX = 2 * max(5, *map(len, vocab.KNOWN_UNITS)) + 1 + max(map(len, vocab.SUFFIX_OPS))
_STRIP_PUNCT = ".,;:!?。、()[]「」『』'\"/"


# A reading: (target, code (unparsed/missing) or None, dropped prose or "", per, meaning).
# A plain tuple: this runs ~10 times per document over tens of thousands of documents.
Reading = tuple[Target, str | None, str, str | None, str | None]
# What an indicator name says about its value (`name_facts`): time_like, rate_like, unit in
# parentheses, suffix operator, counts bad events, normalised name.
Facts = tuple[bool, bool, str | None, Op | None, bool, str]


def reading(
    target: Target,
    code: str | None = None,
    prose: str = "",
    per: str | None = None,
    meaning: str | None = None,
) -> Reading:
    """Build a Reading tuple."""
    return (target, code, prose, per, meaning)


@lru_cache(maxsize=1 << 15)
def normalize(text: str) -> str:
    """NFKC without spaces: the form every pattern matches. Cached: sign and unit columns,
    names and common values repeat on every row."""
    s = "".join(unicodedata.normalize("NFKC", text).split())  # split(): every Unicode space
    # Zero-width characters are no spaces to split() but are not printable either.
    return s if s.isprintable() else _SPACES.sub("", s)


def result(
    raw: str,
    op: Op | None = None,
    value: int | float | str | None = None,
    value_max: int | float | str | None = None,
    unit: str | None = None,
    value_yuan: float | None = None,
    kind: TargetKind = "qualitative",
) -> Target:
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


def _number(dec: Decimal, had_point: bool) -> int | float:
    """int when the printed number had no decimal point, float otherwise."""
    return float(dec) if had_point else int(dec)


def _plain(dec: Decimal) -> int | float:
    """A converted value (ratio × 100): int when integral, else float."""
    return int(dec) if dec == dec.to_integral_value() else float(dec)


def norm_unit(unit: str | None, per: str | None = None) -> str | None:
    """Canonical unit text: 百分比 → %, bare 万 → 万元; keeps per-units (元/人)."""
    if not unit:
        return None
    unit = vocab.UNIT_ALIASES.get(unit, unit)
    return f"{unit}/{per}" if per else unit


def unit_kind(unit: str | None) -> TargetKind:
    """The target kind a unit implies: percent, money or number."""
    if unit == "%":
        return "percent"
    if unit and vocab.MONEY_SCALE.get(unit.split("/", 1)[0]) is not None:
        return "money"
    return "number"


def is_rate_name(name: str) -> bool:
    """The name asks for a rate (满意度, 覆盖率, 参与度), not 频率."""
    return _RATE_NAME.search(_RATE_EXCLUDE.sub("", name)) is not None


def name_unit(name: str) -> str | None:
    """The unit the indicator name ends with in parentheses, if any (开展修复工程(个) → 个)."""
    m = _NAME_UNIT.search(normalize(name)) if name else None
    return norm_unit(m["unit"]) if m else None


def name_suffix_op(name: str) -> Op | None:
    """The operator a name ending in 以上/以下/以内 gives its bare value (更换暖气片10组以上)."""
    m = _NAME_SUFFIX_OP.search(normalize(name)) if name else None
    op = vocab.SUFFIX_OPS.get(m["suf"]) if m else None
    return op if op in (">=", "<=") else None


@lru_cache(maxsize=8192)
def name_facts(name: str) -> Facts:
    """What an indicator name says about its value, cached (a document repeats its names):
    (time_like, rate_like, unit in parentheses, suffix operator, counts bad events,
    normalised name)."""
    return (
        is_time_name(name),
        is_rate_name(name),
        name_unit(name),
        name_suffix_op(name),
        _EVENT_NAME.search(name) is not None,
        normalize(name).rstrip(_END_PUNCT),
    )


def read_cell(
    raw: str,
    name: str = "",
    fiscal_year: int | None = None,
    *,
    yes_no: bool = False,
    guess_unit: bool = True,
) -> Reading:
    """Read one cell (already stripped).  Never raises.

    ``guess_unit=False`` when a unit column will give the unit: a unitless number is then
    not read as a rate from the name (``≤1`` under 差错率 with unit ``%`` is 1 %, not 100 %).
    """
    if not raw:
        return reading(result(raw))
    s = normalize(raw)
    if not s:
        return reading(result(raw))

    facts = name_facts(name)
    per: str | None = None
    if s[0] >= "\u3400":  # starts with a CJK word: meanings, zero words, 每月/全年 leads
        whole = _word_reading(raw, s, facts, yes_no)
        if whole is not None:
            return whole
        if s[0] in _LEAD_FIRST:
            lead = _LEAD_PERIOD.match(s)
            if lead:
                per = _PER_WORDS.get(lead["w"])
                s = s[lead.end() :]
    if "含" in s:
        s = _INCLUSIVE.sub("", s)

    dated = _date_reading(raw, s, facts, fiscal_year)
    if dated is not None:
        return dated

    tolerance = _TOLERANCE.match(s) if s[0] in _TOLERANCE_FIRST else None
    if tolerance:
        s = s[tolerance.end() :]

    head = _HEAD.match(s)
    if head is None:
        return _no_number(raw, s, facts, per, tolerance is not None)
    return _read_number(raw, s, head, facts, per, tolerance is not None, guess_unit)


def _word_reading(raw: str, s: str, facts: Facts, yes_no: bool) -> Reading | None:
    """A cell that is one word: a meaning (是/达标/…), or a zero word under an event name."""
    meaning = _MEANINGS.get(s.rstrip(_END_PUNCT))
    if meaning is not None and (yes_no or meaning not in ("yes", "no")):
        return reading(result(raw), meaning=meaning)
    if facts[4] and s in _ZERO_VALUES:
        return reading(result(raw, "=", 0, kind="number"))
    return None


def _date_reading(raw: str, s: str, facts: Facts, fiscal_year: int | None) -> Reading | None:
    """A period (`2023年1月-12月`) or a deadline (`2023年6月底前`), else None."""
    if s[0] in _PERIOD_FIRST and len(s) >= 9 and _PERIOD_HINT.search(s):
        span = period(s)
        if span is False:
            return reading(result(raw), UNPARSED)
        if span is not None:
            return reading(result(raw, "between", span[0], span[1], kind="period"))
    if _DATE_HINT.search(s):
        due = deadline(s, fiscal_year, facts[0])
        if due == "qualitative":
            return reading(result(raw))
        if due is not False:
            return reading(result(raw, "<=", due, kind="deadline"))
    return None


def _no_number(raw: str, s: str, facts: Facts, per: str | None, tolerance: bool) -> Reading:
    """A cell without a leading number: a unit alone (target missing), a sign alone, or a
    name restated before its value."""
    only = _UNIT_ONLY.match(s) if s.rstrip(_END_PUNCT)[-1:] in _UNIT_LAST else None
    if only and not tolerance:
        unit = norm_unit(only["unit"])
        op = vocab.PREFIX_OPS.get(only["op"] or "") or vocab.SUFFIX_OPS.get(only["suf"] or "")
        op = op if op != "between" else None
        return reading(result(raw, op, None, None, unit, kind=unit_kind(unit)), MISSING)
    if _SIGN_ONLY.match(s) or tolerance:
        return reading(result(raw), UNPARSED)
    return _restated_name(raw, s, facts, per)


def _restated_name(raw: str, s: str, facts: Facts, per: str | None) -> Reading:
    """``资金到位率达100%`` under 资金到位率: the cell restates its name, then a clean value."""
    own = facts[5]
    if len(own) >= 2 and s.startswith(own) and len(s) > len(own):
        rest = s[len(own) :]
        head = _HEAD.match(rest)
        if head is not None:
            read = _read_number(raw, rest, head, facts, per, False)
            if read[1] is None and not read[2]:
                return read
    return reading(result(raw))


def _read_number(
    raw: str,
    s: str,
    head: re.Match,
    facts: Facts,
    per: str | None,
    tolerance: bool,
    guess_unit: bool = True,
) -> Reading:
    """A cell starting with [sign] number: range, unit, suffix operator, prose."""
    head_op = head["op"]
    prefix_op = _PREFIX_OPS.get(head_op) if head_op else None
    num_a = head["num"]
    rest = s[head.end() :]
    num_b: str | None = None
    neg_b = False
    unit_a: str | None = None

    rng = _RANGE.match(rest) if not tolerance else None
    if rng:
        unit_a = norm_unit(rng["u1"])
        num_b = rng["num"]
        neg_b = rng["neg"] is not None
        rest = rest[rng.end() :]

    unit, unit_per, suffix_op, prose = _read_tail(rest)
    glued = bool(prose)  # any text after the value: read from the number alone
    if prose:
        if not (head_op or unit):
            return reading(result(raw), UNPARSED)  # a bare leading number followed by words
        if prose in _IGNORABLE_TAILS:
            prose = ""
    if num_b is not None:
        if unit_a and unit and unit_a != unit:
            return reading(result(raw), UNPARSED)
        unit = unit or unit_a

    decimals = _decimals(num_a, head["neg"] is not None, num_b, neg_b)
    if decimals is None:  # pragma: no cover - the regex only lets digits through
        return reading(result(raw), UNPARSED)
    dec_a, dec_b = decimals

    op: Op
    if tolerance:
        op = "<="
    elif num_b is not None:
        op = "between"
    else:
        op = _single_op(prefix_op, suffix_op, glued, facts)

    if unit_per is not None and unit_per in _TIME_UNITS:
        per = per or unit_per
    elif per and unit and "/" not in unit:
        unit = f"{unit}/{per}"

    point_b = num_b is not None and "." in num_b
    value: int | float = _number(dec_a, "." in num_a)
    value_max = _number(dec_b, point_b) if dec_b is not None else None
    if unit is None and guess_unit:
        unit, value, value_max = _guessed_unit(num_a, dec_a, dec_b, glued, facts, value, value_max)
    kind, yuan = _kind_of(unit, dec_a)
    if tolerance:
        kind = "tolerance"
    return (result(raw, op, value, value_max, unit, yuan, kind), None, prose, per, None)


def _decimals(
    num_a: str, neg_a: bool, num_b: str | None, neg_b: bool
) -> tuple[Decimal, Decimal | None] | None:
    """The printed number (and the range's upper one) with their signs; None if unreadable."""
    try:
        dec_a = Decimal(num_a.replace(",", ""))
        dec_b = Decimal(num_b.replace(",", "")) if num_b is not None else None
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return None
    if neg_a:
        dec_a = -dec_a
    if dec_b is not None and neg_b:
        dec_b = -dec_b
    return dec_a, dec_b


def _single_op(prefix_op: Op | None, suffix_op: Op | None, glued: bool, facts: Facts) -> Op:
    """The operator of one number: printed before or after it, else the name's (not for a
    number glued to prose), else `=`."""
    op = prefix_op or (suffix_op if suffix_op != "between" else None)
    if op is None and not glued:
        op = facts[3]
    return op or "="


def _guessed_unit(
    num_a: str,
    dec_a: Decimal,
    dec_b: Decimal | None,
    glued: bool,
    facts: Facts,
    value: int | float,
    value_max: int | float | None,
) -> tuple[str | None, int | float, int | float | None]:
    """(unit, value, value_max) of a number printed without a unit: the name's unit, or a
    percent (a ratio ≤ 1 scaled to percent) when the name or the number says rate."""
    from_name = None if glued else facts[2]
    if from_name and from_name != "%":
        return from_name, value, value_max
    if (
        # Glued to prose: the number alone decides (a decimal fraction is a ratio), so the
        # same template cell reads the same whatever row it sits on.
        (dec_b is None and num_a.startswith(("0.", ".")) and num_a.strip("0.") != "")
        if glued
        else (from_name == "%" or facts[1])
    ):
        top = dec_a if dec_b is None else max(dec_a, dec_b)
        low = dec_a if dec_b is None else min(dec_a, dec_b)
        if low >= 0 and top <= 1:
            value_max = _plain(dec_b * 100) if dec_b is not None else None
            return "%", _plain(dec_a * 100), value_max
        if low >= 0 and top <= 100:
            return "%", value, value_max
    return None, value, value_max


def _kind_of(unit: str | None, dec_a: Decimal) -> tuple[TargetKind, float | None]:
    """(kind, yuan): percent for `%`, money (with its yuan) for a money unit, else number."""
    if unit is None:
        return "number", None
    if unit == "%":
        return "percent", None
    scale = _MONEY_SCALE.get(unit.split("/", 1)[0])
    if scale is None:
        return "number", None
    return "money", float((dec_a * scale).quantize(_CENT))


def _read_tail(rest: str) -> tuple[str | None, str | None, Op | None, str]:
    """What follows the number: (unit, its time per-unit, suffix operator, dropped prose)."""
    if not rest:
        return None, None, None, ""
    m = (
        _TAIL.match(rest)
        if len(rest) <= _TAIL_MAX or len(rest.rstrip(_STRIP_PUNCT)) <= _TAIL_MAX
        else None
    )
    if m:
        return norm_unit(m["unit"], m["per"]), m["per"], vocab.SUFFIX_OPS.get(m["suf"] or ""), ""
    m = _PROSE_TAIL.match(rest)
    if m:
        prose = rest[m.end() :].strip(_STRIP_PUNCT)
        if m["pct"]:
            return norm_unit(m["pct"]), None, vocab.SUFFIX_OPS.get(m["suf1"] or ""), prose
        unit = norm_unit(m["unit"], m["per"])
        return unit, m["per"], vocab.SUFFIX_OPS.get(m["suf2"] or ""), prose
    return None, None, None, rest.strip(_STRIP_PUNCT) or rest
