"""Resolve a budget unit to province → city (地级) → county (县级) → township (乡级).

Names come from the bundled official table ``data/reference/admin_divisions.csv.gz`` (built by
``scripts/build_admin_divisions.py`` from the 国家统计局 统计用区划代码, GB/T 2260 based), not from
hand-typed lists, so a new township is a table rebuild rather than a code change.

Matching is deliberately conservative: only full names with their suffix count (开平镇, never
bare 开平), and when a name is shared by several divisions that the evidence cannot separate,
the fields that differ are left ``None`` instead of guessed.  It does not give up either:
a township the table lacks (new, renamed, merged) keeps the county/city its unit name
states and takes its own name from the unit name, with a ``township_not_in_reference``
warning; a candidate contradicting a named county or city is discarded; county and city
departments (``unit_kind``) never get a township.  Words live in the [geography] section
of data/vocabulary/targets.toml.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl.han import HAN, is_han

TABLE_PATH = Path(__file__).resolve().parents[1] / "data" / "reference" / "admin_divisions.csv.gz"
VOCAB_PATH = Path(__file__).resolve().parents[1] / "data" / "vocabulary" / "targets.toml"
KINDS = ("township", "street", "development_zone", "county_department", "city_unit", "other")
W_NOT_IN_REFERENCE = "township_not_in_reference"
LEVELS = ("province", "city", "county", "township")
_DEPTH = {level: i for i, level in enumerate(LEVELS)}

# Township names built only from generic words ("经济开发区管理委员会", "县经济开发区", even a
# bare "街道" in the statistical table) can never identify a place, so they are not indexed.
_GENERIC_RE = re.compile(
    r"(?:县|市|区|乡|镇|经济|技术|高新|开发|工业|产业|园区|园|管理委员会|管委会|委员会|直属|直辖"
    r"|村级|区划|街道|中心|孵化|创业|服务|城区|农场|林场|盐场|牛场|苗圃|良种场|示范|城南)+"
)
# Real county names that running prose uses as common nouns ("主城区", "打造新城区").
# Names that are common nouns in prose (小城镇建设, 新区); a unit name still matches them.
_TEXT_GENERIC = frozenset(["城区", "郊区", "矿区", "东区", "西区", "新区", "新城区", "小城镇"])

# A development zone named in the unit itself is the unit's township-level area.
_ZONE_RE = re.compile(
    rf"[{HAN}]{{2,12}}?(?:经济技术开发区|高新技术产业开发区|经济开发区|高新区|开发区"
    r"|工业园区|产业园区|园区|新区)"
)
# A name followed by these characters is part of a common word: 东湖区域, 农贸市场.
_WORD_CONTINUATION = {"区": "域", "市": "场"}
_PROVINCE_SUFFIX_RE = re.compile(r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$")


@dataclass(frozen=True, slots=True)
class Division:
    """One row of the bundled table; ancestor names are denormalised ("" when none)."""

    code: str
    name: str
    level: str
    parent_code: str
    province: str
    city: str
    county: str

    def path(self) -> tuple[str, str, str, str]:
        """(province, city, county, township) with "" for levels below this row."""
        township = self.name if self.level == "township" else ""
        return (self.province, self.city, self.county, township)

    def ancestors(self) -> tuple[str, ...]:
        return tuple(n for n in (self.province, self.city, self.county) if n and n != self.name)

    def as_dict(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class _Index:
    rows: tuple[Division, ...]
    by_name: dict[str, tuple[Division, ...]]
    # Two-char ending -> candidate name lengths (longest first): a cheap pre-filter so the
    # text scan only slices where some name could possibly end.
    lengths_by_ending: dict[str, tuple[int, ...]]
    province_short: dict[str, str]  # 河北 -> 河北省, 内蒙古 -> 内蒙古自治区
    last_char_re: re.Pattern[str]  # any character some name ends with
    # Townships with generic names (中心镇, 城南镇) are not searched for in text, but a unit
    # name that writes them right after their county (华坪县中心镇) still identifies them.
    generic_townships: dict[tuple[str, str], Division]


def _short_province(name: str) -> str:
    return _PROVINCE_SUFFIX_RE.sub("", name)


@cache
def _index(path: Path = TABLE_PATH) -> _Index:
    """Load the table once; every later call only does dict look-ups."""
    with gzip.open(path, "rb") as fh:
        reader = csv.reader(io.TextIOWrapper(fh, encoding="utf-8"))
        next(reader)
        rows = tuple(Division(*r) for r in reader)

    province_short = {_short_province(r.name): r.name for r in rows if r.level == "province"}
    by_name: dict[str, list[Division]] = {}
    generic_townships: dict[tuple[str, str], Division] = {}
    for row in rows:
        if _GENERIC_RE.fullmatch(row.name):
            if row.level == "township" and row.county:
                generic_townships[(row.county, row.name)] = row
            continue
        by_name.setdefault(row.name, []).append(row)
        # "河北永清经济开发区" is also written "永清经济开发区": index the province-less alias.
        if row.level == "township" and len(row.name) >= 7:
            for cut in (2, 3):  # short province names are 2 or 3 characters
                if row.name[:cut] in province_short:
                    by_name.setdefault(row.name[cut:], []).append(row)
                    break

    endings: dict[str, set[int]] = {}
    for name in by_name:
        if len(name) >= 2:
            endings.setdefault(name[-2:], set()).add(len(name))
    return _Index(
        rows=rows,
        by_name={k: tuple(v) for k, v in by_name.items()},
        lengths_by_ending={k: tuple(sorted(v, reverse=True)) for k, v in endings.items()},
        province_short=province_short,
        last_char_re=re.compile("[" + "".join(sorted({re.escape(k[-1]) for k in endings})) + "]"),
        generic_townships=generic_townships,
    )


def _allowed_in_text(name: str, rows: tuple[Division, ...]) -> bool:
    """Prose is noisy: keep 3+ char names, and 2-char ones only for counties (唐县, 雄县)."""
    if name in _TEXT_GENERIC:
        return False
    return len(name) >= 3 or any(r.level == "county" for r in rows)


def _cjk_before(text: str, start: int) -> bool:
    return start > 0 and is_han(text[start - 1])


def _scan(text: str, idx: _Index, *, prose: bool) -> Counter[str]:
    """Count full admin names in ``text``: longest name ending at each position, and names
    lying inside a longer match (永清 in 河北永清经济开发区) are dropped."""
    spans: list[tuple[int, int, str]] = []
    by_name, lengths = idx.by_name, idx.lengths_by_ending
    for m in idx.last_char_re.finditer(text, 1):
        i = m.start()
        cands = lengths.get(text[i - 1 : i + 1])
        if cands is None:
            continue
        end = i + 1
        for n in cands:
            start = end - n
            if start < 0:
                continue
            name = text[start:end]
            rows = by_name.get(name)
            if rows is None or (prose and not _allowed_in_text(name, rows)):
                continue
            if end < len(text) and _WORD_CONTINUATION.get(name[-1]) == text[end]:
                break
            if prose and n == 2 and text[end : end + 1] == "级" and _cjk_before(text, start):
                break  # 经费县级: the tail of a word, then 县级 (county-level), not 费县
            spans.append((start, end, name))
            break
    found: Counter[str] = Counter()
    reach = -1
    for _start, end, name in sorted(spans, key=lambda s: (s[0], -s[1])):
        if end <= reach:
            continue  # contained in an earlier, longer match
        found[name] += 1
        reach = max(reach, end)
    return found


def _province_hints(text: str, idx: _Index, found: Counter[str]) -> list[str]:
    """Provinces named in full or short form (河北), most mentioned first."""
    counts: Counter[str] = Counter()
    for short, full in idx.province_short.items():
        n = text.count(short)
        if n:
            counts[full] += n
    for name in found:
        for row in idx.by_name.get(name, ()):
            if row.level == "province":
                counts[row.name] += found[name]
    return [p for p, _ in counts.most_common()]


def _pick(
    candidates: list[Division],
    unit_hits: Counter[str],
    text_hits: Counter[str],
    hints: list[str],
) -> tuple[str, str, str, str]:
    """Best-supported candidates, then the path fields they all agree on.

    Support: first how many of its ancestors the unit name names, then how often the text
    mentions its ancestors and the name itself (so 老庄子镇 ×4 beats a stray 明村镇 in 文明村镇).
    Remaining ties are narrowed by province hints, in order.
    """

    def support(d: Division) -> tuple[int, int]:
        anc = d.ancestors()
        return (
            sum(a in unit_hits for a in anc),
            sum(text_hits[a] for a in anc) + unit_hits[d.name] + text_hits[d.name],
        )

    best = max(support(d) for d in candidates)
    tied = [d for d in candidates if support(d) == best]
    for province in hints:
        if len({d.path() for d in tied}) == 1:
            break
        inside = [d for d in tied if d.province == province]
        if inside:
            tied = inside
    paths = {d.path() for d in tied}
    common = []
    for level_values in zip(*paths, strict=True):
        if len(set(level_values)) != 1:
            break
        common.append(level_values[0])
    common += [""] * (4 - len(common))
    return (common[0], common[1], common[2], common[3])


def _deepest(hits: Counter[str], idx: _Index, max_level: str = "township") -> list[Division]:
    """All table rows for the mentioned names at the most specific level mentioned."""
    limit = _DEPTH[max_level]
    rows = [r for name in hits for r in idx.by_name.get(name, ()) if _DEPTH[r.level] <= limit]
    if not rows:
        return []
    depth = max(_DEPTH[r.level] for r in rows)
    return [r for r in rows if _DEPTH[r.level] == depth]


def _zone_name(unit_name: str, idx: _Index, unit_hits: Counter[str]) -> str | None:
    """Development zone named in the unit, without leading admin names
    (河北永清经济开发区 → 永清经济开发区), unless only a generic word would remain."""
    m = _ZONE_RE.search(unit_name)
    if not m:
        return None
    zone = m.group(0)
    prefixes = sorted(
        {*idx.province_short, *idx.province_short.values(), *unit_hits}, key=len, reverse=True
    )
    stripped = True
    while stripped:
        stripped = False
        for prefix in prefixes:
            rest = zone[len(prefix) :]
            if zone.startswith(prefix) and len(rest) >= 4 and not _GENERIC_RE.fullmatch(rest):
                zone, stripped = rest, True
                break
    return zone


def _as_result(path: tuple[str, str, str, str]) -> dict[str, str | None]:
    return {level: (value or None) for level, value in zip(LEVELS, path, strict=True)}


def resolve_unit(
    unit_name: str | None,
    text: str = "",
    *,
    default_province: str | None = None,
    warnings: list[tuple[str, str]] | None = None,
) -> dict[str, str | None]:
    """{"province","city","county","township"}; None where it cannot be told.

    Admin names in ``unit_name`` decide the level and the division; ``text`` (the document's
    paragraphs) only helps to choose among same-named divisions, unless the unit name names
    no division at all, in which case the most specific, consistently named division in the
    text is used. ``default_province`` (e.g. "河北省" for a Hebei-only corpus) is the last
    tie-breaker, applied only when nothing in the document separates the candidates.
    ``warnings``, when given, receives ``(code, Chinese message)`` pairs, e.g.
    ``township_not_in_reference`` for a township the table lacks (so the caller can add it).
    """
    idx = _index()
    unit = _clean_name(unit_name) if unit_name else ""
    unit_hits = _unit_hits(unit, idx)
    kind = _kind_of(unit, unit_hits, idx) if unit else "other"
    # County and city departments sit above any township: never give them one.
    top = "county" if kind in ("county_department", "city_unit") else "township"
    text_hits = _scan(text, idx, prose=True) if text else Counter()
    unit_provinces = _province_hints(unit, idx, unit_hits)
    hints = unit_provinces + _province_hints(text, idx, text_hits)
    if default_province:
        hints.append(idx.province_short.get(default_province, default_province))

    candidates = _consistent_with_unit(
        _deepest(unit_hits, idx, max_level=top), unit_hits, unit_provinces, idx
    )
    zone = None
    if not any(c.level == "township" for c in candidates):
        zone = _zone_name(unit, idx, unit_hits)
    if not candidates:
        # The zone itself is the township, so the text may only place its county or above.
        text_top = "county" if zone else top
        if text_top == "township" and not _text_names_one_township(text_hits, idx):
            text_top = "county"
        candidates = _deepest(text_hits, idx, max_level=text_top)
    path = _pick(candidates, unit_hits, text_hits, hints) if candidates else ("", "", "", "")
    if not path[3] and path[2] and not zone:
        path = _generic_township_after_county(unit, path, idx)
    if zone:
        if not path[0] and len(unit_provinces) == 1:
            path = (unit_provinces[0], "", "", "")  # 河北XX开发区 with a silent text
        path = (path[0], path[1], path[2], zone)
    elif not path[3] and top == "township" and (path[1] or path[2]):
        township = _township_from_name(unit, unit_hits, idx)
        if township:
            path = (path[0], path[1], path[2], township)
            if warnings is not None:
                where = "".join(p for p in path[:3] if p)
                warnings.append(
                    (
                        W_NOT_IN_REFERENCE,
                        f"单位“{unit}”中的乡镇“{township}”不在行政区划参考表中（{where}），"
                        "按单位名称记录",
                    )
                )
    return _as_result(path)


def _consistent_with_unit(
    candidates: list[Division], unit_hits: Counter[str], provinces: list[str], idx: _Index
) -> list[Division]:
    """Drop township candidates that contradict a province, city or county the unit name
    states (大城县后奕镇 is not the 后奕镇 of 永清县); a named county/city then stands alone."""
    if not any(c.level == "township" for c in candidates):
        return candidates
    named = [r for n in unit_hits for r in idx.by_name.get(n, ()) if r.level in ("city", "county")]
    counties = {r.name for r in named if r.level == "county"}
    cities = {r.name for r in named if r.level == "city"}
    if not counties and not cities and not provinces:
        return candidates
    kept = [
        c
        for c in candidates
        if c.level != "township"
        or (
            (not counties or c.county in counties)
            and (not cities or c.city in cities)
            and (not provinces or c.province in provinces)
        )
    ]
    if kept or not named:
        return kept
    deepest = max(_DEPTH[r.level] for r in named)
    return [r for r in named if _DEPTH[r.level] == deepest]


def _text_names_one_township(text_hits: Counter[str], idx: _Index) -> bool:
    """The text names a township consistently: one township better supported than any
    other, and by at least two mentions unless it is the only one. Support counts the
    township's own mentions and those of its county, city and province in the text, so
    `黄峤镇 … 平川区` is not tied by a stray 小城镇 or a name inside a project title."""
    counts = sorted(
        (
            max(
                n + sum(text_hits[a] for a in row.ancestors())
                for row in idx.by_name.get(name, ())
                if row.level == "township"
            )
            for name, n in text_hits.items()
            if any(r.level == "township" for r in idx.by_name.get(name, ()))
        ),
        reverse=True,
    )
    if not counts:
        return True  # no township at all: nothing to be inconsistent about
    if len(counts) == 1:
        return True
    return counts[0] > counts[1] and counts[0] >= 2


def _generic_township_after_county(
    unit: str, path: tuple[str, str, str, str], idx: _Index
) -> tuple[str, str, str, str]:
    """`华坪县中心镇人民政府`: a generic township name written right after its county."""
    county = path[2]
    at = unit.find(county)
    if at < 0:
        return path
    match = re.match(rf"[{HAN}]{{1,8}}?(?:镇|乡|街道)", unit[at + len(county) :])
    row = idx.generic_townships.get((county, match.group(0))) if match else None
    return row.path() if row is not None else path


def lookup_township(
    name: str, province: str | None = None, county: str | None = None
) -> list[dict[str, str]]:
    """Table rows for a township name (full name, e.g. 开元镇), optionally narrowed by
    province (河北省 or 河北) and county; useful to see why a name is ambiguous."""
    idx = _index()
    prov = idx.province_short.get(province, province) if province else None
    return [
        r.as_dict()
        for r in idx.by_name.get(name, ())
        if r.level == "township"
        and (prov is None or r.province == prov)
        and (county is None or r.county == county)
    ]


# --------------------------------------------------------------------------- unit kinds


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class _Words:
    agency_re: re.Pattern[str]  # a reference township that is really an agency (…林业局)
    department_re: re.Pattern[str]  # a unit name ending in a department word
    township_re: re.Pattern[str]  # XX镇 / XX乡 followed by a township body or the end
    street_re: re.Pattern[str]
    zone_re: re.Pattern[str]


@cache
def _words(path: Path = VOCAB_PATH) -> _Words:
    """The [geography] vocabulary, compiled once."""
    with path.open("rb") as handle:
        geo = tomllib.load(handle)["geography"]
    bodies = _alt(geo["township_bodies"])
    return _Words(
        agency_re=re.compile(rf"(?:{_alt(geo['agency_endings'])})$"),
        department_re=re.compile(rf"(?:{_alt(geo['department_suffixes'])})$"),
        township_re=re.compile(rf"(?P<t>[{HAN}]{{1,8}}?(?:镇|乡))(?=(?:{bodies})|$)"),
        street_re=re.compile(_alt(geo["street_words"])),
        zone_re=re.compile(_alt(geo["zone_words"])),
    )


# A unit code fused in front of the name starts with a digit: [015001], 820001-, 692001.
_CODE_PREFIX = re.compile(r"^(?:[\[\(【]?[0-9][0-9A-Za-z]{1,11}[\]\)】]?[-_、.]?)+")


def _clean_name(name: str) -> str:
    """NFKC, no spaces, no leading unit code (``[015001]``, ``820001-``, ``692001``)."""
    s = "".join(unicodedata.normalize("NFKC", name).split())
    return _CODE_PREFIX.sub("", s)


def _unit_hits(unit: str, idx: _Index) -> Counter[str]:
    """Admin names in a unit name, without reference 'townships' that are agencies (林业局)."""
    hits = _scan(unit, idx, prose=False)
    agency = _words().agency_re
    for name in list(hits):
        rows = idx.by_name.get(name, ())
        found = agency.search(name) if rows and all(r.level == "township" for r in rows) else None
        if found:
            del hits[name]
            # 延吉市林业局 is one reference row; the 延吉市 inside it still counts.
            hits.update(_scan(name[: found.start()], idx, prose=False))
    return hits


def _levels(hits: Counter[str], idx: _Index) -> set[str]:
    return {r.level for name in hits for r in idx.by_name.get(name, ())}


def unit_kind(name: str | None) -> str:
    """township | street | development_zone | county_department | city_unit | other.

    From the admin level the unit name names (checked against the reference table, so 县级市
    and 地级市 are told apart) and its suffix: 镇/乡 + 人民政府/财政所… → township, 街道办事处 →
    street, 开发区/园区 + 管委会 → development_zone, a county-level name + 局/委/办/中心… →
    county_department, a prefecture-level city + anything → city_unit.
    """
    if not name:
        return "other"
    unit = _clean_name(name)
    if not unit:
        return "other"
    idx = _index()
    return _kind_of(unit, _unit_hits(unit, idx), idx)


def _kind_of(unit: str, hits: Counter[str], idx: _Index) -> str:
    """unit_kind for a cleaned unit name whose admin names are already found."""
    words = _words()
    levels = _levels(hits, idx)
    township_rows = [r for n in hits for r in idx.by_name.get(n, ()) if r.level == "township"]
    if words.street_re.search(unit):
        return "street"
    zone = _ZONE_RE.search(unit)
    if zone and words.township_re.match(unit[zone.end() :]):
        return "township"  # 冀南新区花官营乡人民政府: a township the new district administers
    if zone or (words.zone_re.search(unit) and not township_rows):
        return "development_zone"
    if township_rows or words.township_re.search(_after_last_admin(unit, hits, idx)):
        return "township"
    if "county" in levels:
        return "county_department"
    if "city" in levels or "province" in levels:
        return "city_unit"
    if re.search(r"(?:县|旗|区)(?:人民政府|政府)?.{0,12}$", unit) and words.department_re.search(
        unit
    ):
        return "county_department"
    return "other"


def _after_last_admin(unit: str, hits: Counter[str], idx: _Index) -> str:
    """The part of the unit name after its last county/city/province name."""
    end = 0
    for name in hits:
        if any(r.level != "township" for r in idx.by_name.get(name, ())):
            at = unit.rfind(name)
            if at >= 0:
                end = max(end, at + len(name))
    return unit[end:]


def _township_from_name(unit: str, hits: Counter[str], idx: _Index) -> str | None:
    """A township named in the unit name right after its county/city (or first), whether or
    not the table knows it: 永清县新设镇人民政府 → 新设镇."""
    m = _words().township_re.match(_after_last_admin(unit, hits, idx))
    if not m:
        return None
    name = m["t"]
    return None if name in _NOT_A_TOWNSHIP else name


_NOT_A_TOWNSHIP = frozenset(
    {"乡镇", "各乡镇", "全镇", "本镇", "各镇", "各乡", "全乡", "本乡", "城乡"}
)
