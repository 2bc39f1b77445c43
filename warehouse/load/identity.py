"""Project identity across fiscal years (docs/project_identity.md).

A project's warehouse key includes its fiscal year, so the same project in two budgets has
two keys. Here every project row gets an ``identity_key`` shared by its rows in other
years. Within one unit (a township's government, identified by its geography; without a
township by the unit key) rows are linked, strongest evidence first:

1. the same 项目编码 (codes persist in some systems),
2. the same cleaned name (NFKC, no spaces, numbering, punctuation, "2021年", a trailing
   项目/资金),
3. a fuzzy match of cleaned names (rapidfuzz ratio ≥ ``FUZZY_MIN``) whose numbers agree
   (a 文号 such as 财预【2021】45号 is part of a name, not noise),
4. links an analyst confirmed in ``data/project_links.toml``;

and never two rows of the same year (one identity has at most one row per year), nor the
names an analyst split in that file. Each row keeps how it was linked and a score.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
from rapidfuzz import fuzz

from warehouse.paths import REPO_ROOT
from warehouse.schema.keys import md5_key

LINKS_FILE = REPO_ROOT / "data" / "project_links.toml"
FUZZY_MIN = 0.88  # rapidfuzz ratio / 100 for two cleaned names to count as one project
TABLE = "project_identity"

_YEAR = re.compile(r"(?:19|20)\d{2}\s*(?:年度|年)")
_NUMBERING = re.compile(
    r"^(?:[0-9]+[、.．)）]|[（(][一二三四五六七八九十0-9]+[)）]|[一二三四五六七八九十]+、)"
)
_PUNCT = re.compile(r"[\s（）()【】\[\]《》〈〉“”\"'‘’、，,。.·・\-—_:：;；/／|]+")
_DIGITS = re.compile(r"\d+")
GENERIC_TAILS = ("项目", "资金")


def clean_name(name: object) -> str:
    """The name two years of one project share: NFKC, no numbering, years or punctuation."""
    text = unicodedata.normalize("NFKC", str(name or "")).strip()
    text = "".join(text.split())
    text = _NUMBERING.sub("", text)
    text = _PUNCT.sub("", _YEAR.sub("", text)).lower()
    while text.endswith(GENERIC_TAILS) and len(text) > 4:  # 资金/项目 come and go
        text = text[:-2]
    return text


def name_score(a: str, b: str) -> float:
    """Similarity of two cleaned names in [0, 1]; 0 when their numbers differ."""
    if a == b:
        return 1.0
    if not a or not b or _DIGITS.findall(a) != _DIGITS.findall(b):
        return 0.0
    return fuzz.ratio(a, b) / 100.0


@dataclass
class Links:
    """Analyst decisions from data/project_links.toml, keyed by (unit label, cleaned name)."""

    confirm: list[tuple[str, list[str]]] = field(default_factory=list)
    split: list[tuple[str, list[str]]] = field(default_factory=list)


def read_links(path: Path | None = None) -> Links:
    """``[[confirm]]``/``[[split]]`` tables with ``unit`` (township or unit name) and
    ``names``; a missing file means no decisions. A malformed file raises ValueError with
    one Chinese line naming the file."""
    path = path or LINKS_FILE
    if not path.exists():
        return Links()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path.name}：格式错误（{exc}）") from None
    links = Links()
    for kind in ("confirm", "split"):
        for i, entry in enumerate(data.get(kind, []), start=1):
            unit = entry.get("unit") if isinstance(entry, dict) else None
            names = entry.get("names") if isinstance(entry, dict) else None
            if (
                not isinstance(unit, str)
                or not isinstance(names, list)
                or len(names) < 2
                or not all(isinstance(n, str) for n in names)
            ):
                raise ValueError(
                    f'{path.name}：第 {i} 个 [[{kind}]] 需要 unit = "乡镇或单位名称" '
                    "和至少两个 names"
                )
            getattr(links, kind).append((clean_name(unit), [clean_name(n) for n in names]))
    return links


@dataclass
class _Row:
    project_key: int
    year: int | None
    code: str
    name: str  # cleaned
    labels: frozenset[str]  # cleaned township and unit name, for the analyst's file


class _Clusters:
    """Union-find whose merge refuses two clusters that share a fiscal year or a split."""

    def __init__(self, rows: list[_Row], split: list[set[str]]) -> None:
        self.parent = list(range(len(rows)))
        self.years = [{r.year} if r.year is not None else set() for r in rows]
        self.names = [{r.name} for r in rows]
        self.split = split

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.years[ra] & self.years[rb]:
            return False
        names = self.names[ra] | self.names[rb]
        for s in self.split:  # names an analyst split never end up in one identity
            if (s & self.names[ra]) and (s & self.names[rb]) and len(s & names) >= 2:
                return False
        self.parent[rb] = ra
        self.years[ra] |= self.years[rb]
        self.names[ra] = names
        return True


def _link_group(group: str, rows: list[_Row], links: Links) -> list[tuple]:
    """Identity rows (project_key, identity_key, method, score) for one unit's projects.

    Links are tried strongest first (same code, same name, analyst-confirmed, then fuzzy
    name pairs best first); the first link that joins a project names its method."""
    labels = set().union(*(r.labels for r in rows))
    split = [set(names) for unit, names in links.split if unit in labels]
    clusters = _Clusters(rows, split)
    method = ["single"] * len(rows)
    score = [1.0] * len(rows)

    def attach(i: int, j: int, how: str, s: float) -> None:
        if clusters.union(i, j):
            for k in (i, j):
                if method[k] == "single":
                    method[k], score[k] = how, s

    by_code: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        if row.code:
            by_code.setdefault(row.code, []).append(i)
        by_name.setdefault(row.name, []).append(i)
    confirmed = [
        [by_name[n][0] for n in names if n in by_name]
        for unit, names in links.confirm
        if unit in labels
    ]
    for how, sets in (("code", by_code.values()), ("name", by_name.values())):
        for members in sets:
            for j in members[1:]:
                attach(members[0], j, how, 1.0)
    for present in confirmed:
        for j in present[1:]:
            attach(present[0], j, "confirmed", 1.0)
    for s, a, b in _fuzzy_pairs(sorted(by_name)):
        attach(by_name[a][0], by_name[b][0], "fuzzy", round(s, 4))
    roots: dict[int, list[int]] = {}
    for i in range(len(rows)):
        roots.setdefault(clusters.find(i), []).append(i)
    out: list[tuple] = []
    for members in roots.values():
        first = min(members, key=lambda k: (rows[k].year or 0, rows[k].name, rows[k].project_key))
        identity = md5_key("project_identity", group, rows[first].name, rows[first].code)
        out.extend((rows[k].project_key, identity, method[k], score[k]) for k in members)
    return out


def _fuzzy_pairs(names: list[str]) -> list[tuple[float, str, str]]:
    """Name pairs similar enough to link, best first (ties in name order, so stable)."""
    pairs = []
    for a_i, a in enumerate(names):
        for b in names[a_i + 1 :]:
            s = name_score(a, b)
            if s >= FUZZY_MIN:
                pairs.append((s, a, b))
    return sorted(pairs, key=lambda p: (-p[0], p[1], p[2]))


GROUP_SQL = """CASE WHEN township IS NOT NULL
    THEN concat_ws('|', 'geo', province, city, county, township)
    ELSE 'unit|' || CAST(unit_key AS VARCHAR) END"""


def groups_of(con: duckdb.DuckDBPyConnection, documents: Iterable[int]) -> list[str]:
    """The unit groups (see ``compute``) of the projects in ``documents``."""
    rows = con.execute(
        f"SELECT DISTINCT {GROUP_SQL} FROM mart_project_budget "
        "WHERE document_id IN (SELECT unnest(?::BIGINT[]))",
        [sorted(set(documents))],
    ).fetchall()
    return [r[0] for r in rows]


FETCH_ROWS = 50_000  # projects read into Python at a time (``_linked``)
_IDENTITY_SCHEMA = pa.schema(
    [
        ("project_key", pa.int64()),
        ("identity_key", pa.int64()),
        ("link_method", pa.string()),
        ("link_score", pa.float64()),
    ]
)


def compute(
    con: duckdb.DuckDBPyConnection, links: Links | None = None, groups: list[str] | None = None
) -> pa.Table:
    """Identity rows for every project in the warehouse, or of the unit ``groups`` given
    (reads mart_project_budget; a group is a township's geography, else the unit key)."""
    links = links if links is not None else read_links()
    where, params = ("TRUE", [])
    if groups is not None:
        where, params = f"{GROUP_SQL} IN (SELECT unnest(?::VARCHAR[]))", [groups]
    con.execute(
        f"""
        SELECT project_key, fiscal_year, project_code, project_name, township, unit_name,
               {GROUP_SQL} AS grp
        FROM mart_project_budget WHERE {where} ORDER BY grp, fiscal_year, seq
        """,
        params,
    )
    return pa.concat_tables(list(_linked(con, links)), promote_options="none")


def _linked(con: duckdb.DuckDBPyConnection, links: Links) -> Iterator[pa.Table]:
    """The open result's projects (ordered by group), linked group by group: one batch of
    FETCH_ROWS projects is held as Python objects at a time, and the links as Arrow (all
    2.9M projects of 400,000 documents as Python tuples and rows took gigabytes)."""
    group = ""
    rows: list[_Row] = []
    unit_labels: dict[tuple, frozenset[str]] = {}
    while batch := con.fetchmany(FETCH_ROWS):
        out: list[tuple] = []
        for key, year, code, name, township, unit_name, grp in batch:
            if rows and grp != group:
                out.extend(_link_group(group, rows, links))
                rows = []
            group = grp
            labels = unit_labels.get((township, unit_name))
            if labels is None:  # the same few per group: cleaned once
                labels = frozenset(clean_name(v) for v in (township, unit_name) if v)
                unit_labels[(township, unit_name)] = labels
            code = "".join(unicodedata.normalize("NFKC", code or "").split())
            rows.append(_Row(key, year, code, clean_name(name), labels))
        unit_labels.clear()
        yield _identity_table(out)
    yield _identity_table(_link_group(group, rows, links) if rows else [])


def _identity_table(out: list[tuple]) -> pa.Table:
    columns = list(zip(*out, strict=True)) if out else [(), (), (), ()]
    return pa.Table.from_arrays(
        [pa.array(c, f.type) for c, f in zip(columns, _IDENTITY_SCHEMA, strict=True)],
        schema=_IDENTITY_SCHEMA,
    )


def refresh(
    con: duckdb.DuckDBPyConnection, links: Links | None = None, groups: list[str] | None = None
) -> set[int] | None:
    """Recompute identities (all, or those of ``groups``: a new year can re-link a unit's
    older rows); drops rows of projects that no longer exist. Returns every identity key
    that was removed or written, for the incremental refresh of the cross-year marts
    (None after a full recompute: everything changed)."""
    table = compute(con, links, groups)
    con.register("_identity_batch", table)
    try:
        if groups is None:
            touched = None
            con.execute(f"DELETE FROM {TABLE}")
        else:
            stale = """project_key NOT IN (SELECT project_key FROM mart_project_budget)
                OR project_key IN (SELECT project_key FROM _identity_batch)"""
            touched = {
                r[0]
                for r in con.execute(f"SELECT identity_key FROM {TABLE} WHERE {stale}").fetchall()
            }
            con.execute(f"DELETE FROM {TABLE} WHERE {stale}")
        con.execute(f"INSERT INTO {TABLE} BY NAME SELECT * FROM _identity_batch")
    finally:
        con.unregister("_identity_batch")
    if touched is None:
        return None
    return touched | set(table.column("identity_key").to_pylist())


def iter_pairs(rows: Iterable[tuple[int, int]]) -> set[frozenset[int]]:
    """Same-identity pairs of ``(row id, identity)``: what precision and recall compare."""
    by_identity: dict[int, list[int]] = {}
    for row_id, identity in rows:
        by_identity.setdefault(identity, []).append(row_id)
    pairs: set[frozenset[int]] = set()
    for members in by_identity.values():
        members.sort()
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs.add(frozenset((a, b)))
    return pairs
