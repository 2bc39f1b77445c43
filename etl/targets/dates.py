"""Deadlines (2021年12月底前 → 2021-12-31) and periods (2017年1月至2017年12月 → two dates).

Why separate: dates are tried before numbers, because ``2023.07-2024.01`` or ``202001-202012``
would otherwise read as a numeric range; keeping the date grammar in one module keeps the
number grammar in parse.py free of year special cases.
"""

from __future__ import annotations

import re
from typing import Literal

from etl.targets.vocab import TIME_WORDS

_TIME_NAME = re.compile("|".join(re.escape(w) for w in TIME_WORDS))
_SEP = r"(?:至|到|-|~|〜|—|–|―)"
_SEPARATOR = r"[.,;:!?。、()\[\]「」『』'\"/]"
_PUNCT_TAIL = r"[.,;:!?。、)\]」』'\"]*"

# Deadlines.  An optional lead-in (≤, 于, 截至…) and an optional closing word (前, 完成…).
_DL_LEAD = r"(?:<=|≤|=|于|在|截至到?|截止到?|不晚于|不迟于)?"
_DL_REL = r"(?P<rel>次年|下年|明年|当年|本年|今年)?"
_DL_DATE = re.compile(
    rf"{_DL_LEAD}(?P<y>(?:19|20)[0-9]{{2}})(?:年(?P<m1>[0-9]{{1,2}})月"
    rf"(?:(?P<d1>[0-9]{{1,2}})[日号])?(?P<part1>底|末|份|上旬|中旬|下旬)?"
    rf"|[-./](?P<m2>[0-9]{{1,2}})[-./](?P<d2>[0-9]{{1,2}})(?![0-9])"
    rf"|(?P<sep3>[-/.])(?P<m3>[0-9]{{1,2}})(?![0-9.])(?P<part3>月?(?:底|末|份)?))"
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
_DL_DATE_BAD_TAIL = re.compile(rf"{_SEP}[0-9]")
_PUNCT_ONLY = re.compile(rf"{_PUNCT_TAIL}\Z")
_MONTH_CLOSERS = frozenset({"底", "末", "上旬", "中旬", "下旬"})

# Periods: two year-months (or dates), written with 年/月, dots, dashes or compact digits.
_YM = (
    r"(?P<y{n}>(?:19|20)[0-9]{{2}})(?:年(?P<m{n}>[0-9]{{1,2}})月(?:份|初|底|末)?"
    r"(?:(?P<d{n}>[0-9]{{1,2}})[日号])?"
    r"|[./](?P<n{n}>[0-9]{{1,2}})(?:[./](?P<e{n}>[0-9]{{1,2}}))?(?![0-9])"
    r"|(?P<c{n}>0[1-9]|1[0-2])(?P<f{n}>[0-3][0-9])?(?![0-9]))"
)
_PERIOD = re.compile(
    "(?:起止时间|起止|自|从)?:?"
    + _YM.format(n=1)
    + rf"(?:起)?{_SEP}"
    + rf"(?:{_YM.format(n=2)}|(?P<m3>[0-9]{{1,2}})月(?:份|底|末)?)"
    + rf"(?:止|结束)?{_PUNCT_TAIL}\Z"
)

_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_REL_YEAR = {"次年": 1, "下年": 1, "明年": 1, "当年": 0, "本年": 0, "今年": 0}
_PART_DAY = {"上旬": 10, "中旬": 20}


def is_time_name(name: str) -> bool:
    """The indicator names a due date (完成时限, 及时性): 12月 is then a deadline."""
    return _TIME_NAME.search(name) is not None


def month_end(year: int, month: int) -> int:
    """Last day of a month without calendar/datetime (they reject years outside 1..9999)."""
    if month == 2:
        return 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28
    return 30 if month in (4, 6, 9, 11) else 31


def iso(
    year: int | None, month: int, day: int | None, *, first: bool = False
) -> str | None | Literal[False]:
    """ISO date (day None = month end, or month start with ``first``); None without a year;
    False when impossible."""
    if not 1 <= month <= 12:
        return False
    if year is None:
        return None
    last = month_end(year, month)
    if day is None:
        day = 1 if first else last
    if not 1 <= day <= last:
        return False
    return f"{year:04d}-{month:02d}-{day:02d}"


def period(s: str) -> tuple[str, str] | Literal[False] | None:
    """(start ISO, end ISO) for a period cell; False for an impossible or reversed one; None
    when ``s`` is no period."""
    m = _PERIOD.match(s)
    if m is None:
        return None
    y1 = int(m["y1"])
    month1 = m["m1"] or m["n1"] or m["c1"]
    day1 = m["d1"] or m["e1"] or m["f1"]
    if month1 is None:
        return None
    if m["y2"]:
        y2 = int(m["y2"])
        month2 = m["m2"] or m["n2"] or m["c2"]
        day2 = m["d2"] or m["e2"] or m["f2"]
        if month2 is None:
            return None
    else:
        y2, month2, day2 = y1, m["m3"], None
    start = iso(y1, int(month1), int(day1) if day1 else None, first=True)
    end = iso(y2, int(month2), int(day2) if day2 else None)
    if not start or not end or end < start:
        return False
    return start, end


def deadline(s: str, fiscal_year: int | None, time_like: bool) -> str | None | Literal[False]:
    """Return an ISO date (None without a fiscal year) when ``s`` is a deadline, else False.

    Returns the string "qualitative" for a bare year (``2021年度``) on a non-time indicator:
    it names the budget year, not a due date, and is no number either.
    """
    m = _DL_DATE.match(s)
    if m:
        year = int(m["y"])
        if m["m3"] is not None:
            # 2021-12 / 2021/12 (a month deadline); 2021.12 only under a time name, else a number.
            end = m.end()
            if (m["sep3"] == "." and not (time_like or m["part3"])) or not _DL_WORD_TAIL.match(
                s, end
            ):
                return False
            return iso(year, int(m["m3"]), None)
        if _DL_DATE_BAD_TAIL.match(s, m.end()):
            return False
        if m["m2"] is not None:
            return iso(year, int(m["m2"]), int(m["d2"]))
        day = int(m["d1"]) if m["d1"] else _PART_DAY.get(m["part1"] or "")
        return iso(year, int(m["m1"]), day)

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
            due = None if fiscal_year is None else fiscal_year + _REL_YEAR.get(m["rel"] or "", 0)
            day = int(m["d"]) if m["d"] else _PART_DAY.get(m["part"] or "")
            return iso(due, int(m["m"]), day)
        return False

    m = _DL_YEAR.match(s)
    if m and _DL_WORD_TAIL.match(s, m.end()):
        if m["part"] or time_like or _DL_VERB.match(s, m.end()):
            return iso(int(m["y"]), 12, 31)
        if _PUNCT_ONLY.match(s, m.end()):
            return "qualitative"
        return False

    m = _DL_WORD.match(s)
    if m and _DL_WORD_TAIL.match(s, m.end()):
        due = None if fiscal_year is None else fiscal_year + _REL_YEAR.get(m["rel"] or "", 0)
        if m["ye"]:
            month = 12
        elif m["half"]:
            month = 6 if m["half"] in ("上半年", "年中") else 12
        else:
            month = 3 * _CN_DIGIT[m["qn"] or m["q"]]
        return iso(due, month, None)
    return False
