"""Plan a corpus, build and write its documents (in parallel), and record the ground truth.

The plan (which township, year and layout each file gets) is drawn up front from one
generator; every document is then built from generators seeded by the township index and
the sequence number only, so output is byte-identical whatever the number of workers.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from synth import noise
from synth.families import COUNTY_LAYOUTS, FAMILY_LAYOUTS, build_family_document
from synth.lines import Lines
from synth.model import (
    FIRST_YEAR,
    LAST_YEAR,
    LAYOUTS,
    Document,
    Portfolio,
    build_document,
    portfolio,
)
from synth.places import Township, load_townships
from synth.render_families import (
    render_f2_apply,
    render_f3_unit,
    render_f4_places,
    render_f7_halves,
)
from synth.render_forms import render_form, render_text_budget
from synth.render_tables import render_flat, render_goals_only
from synth.targets import KIND_LETTER

LAYOUT_WEIGHTS = (0.45, 0.15, 0.15, 0.25)  # form, text_budget, goals_only, flat_table
SPAN_WEIGHTS = ((1, 1), (2, 1), (3, 2), (4, 2), (5, 2), (6, 1), (7, 1))
RENDER = {
    "form": render_form,
    "text_budget": render_text_budget,
    "goals_only": render_goals_only,
    "flat_table": render_flat,
    "f2_apply": render_f2_apply,
    "f3_unit": render_f3_unit,
    "f4_places": render_f4_places,
    "f7_halves": render_f7_halves,
}
MANIFEST = "manifest.jsonl"
# Share of documents drawn from the newer families (F2/F3/F4/F7) instead of the four older
# layouts; 0 gives exactly the older corpus of a seed.
FAMILY_SHARE = 0.12


@dataclass(frozen=True, slots=True)
class PlanItem:
    seq: int
    tidx: int
    town: Township
    year: int
    layout: str
    first_year: int = FIRST_YEAR  # the corpus's first year (earlier than FIRST_YEAR when huge)


def make_plan(
    n: int,
    seed: int,
    townships: list[Township] | None = None,
    family_share: float = FAMILY_SHARE,
) -> list[PlanItem]:
    """Townships in random order, each for a run of consecutive years, until n documents.

    Layout is a county habit (one system per county), with some townships deviating and
    some moving to the flat 申报表 export from 2023. A ``family_share`` of the documents
    then takes one of the newer families instead, drawn from a generator of its own, so the
    other documents do not depend on the share.

    A township has at most one document a year. A corpus larger than the townships times
    the years FIRST_YEAR..LAST_YEAR reaches back further years (400,000 documents over the
    28,705 townships of the reference table: 2012–2025); up to that size the plan is the
    same as ever."""
    towns = townships if townships is not None else load_townships()
    years = max(LAST_YEAR - FIRST_YEAR + 1, -(-n // max(1, len(towns))))
    first_year = LAST_YEAR - years + 1
    if n > years * len(towns):
        raise ValueError(f"at most {years * len(towns)} documents with {len(towns)} townships")
    used: dict[int, set[int]] = {}  # township -> years already planned
    rng = random.Random(f"{seed}/plan")
    spans, span_w = zip(*SPAN_WEIGHTS, strict=True)
    county_layout: dict[str, str] = {}
    plan: list[PlanItem] = []
    order = list(range(len(towns)))
    rng.shuffle(order)  # independent of n: a smaller corpus is a prefix of a larger one
    cursor = 0
    while len(plan) < n:
        tidx = order[cursor % len(order)]
        cursor += 1
        town = towns[tidx]
        layout = county_layout.setdefault(town.county_code, rng.choices(LAYOUTS, LAYOUT_WEIGHTS)[0])
        if rng.random() < 0.1:
            layout = rng.choices(LAYOUTS, LAYOUT_WEIGHTS)[0]
        switch = rng.random() < 0.15
        span = years if cursor > len(order) else rng.choices(spans, span_w)[0]
        start = rng.randint(first_year, LAST_YEAR - span + 1)
        taken = used.setdefault(tidx, set())
        for year in range(start, start + span):
            if len(plan) == n:
                break
            if year in taken:  # a later pass over the townships fills only the missing years
                continue
            taken.add(year)
            this = "flat_table" if switch and year >= 2023 else layout
            if family_share > 0:
                pick = random.Random(f"{seed}/family/{len(plan)}")
                if pick.random() < family_share:
                    this = pick.choice(FAMILY_LAYOUTS)
            plan.append(PlanItem(len(plan), tidx, town, year, this, first_year))
    return plan


def render(doc: Document) -> Lines:
    w = Lines(doc.rng, spaces=doc.rng.random() < 0.3)
    RENDER[doc.layout](doc, w)
    return w


def file_name(item: PlanItem) -> str:
    return f"{item.seq:06d}_{item.town.name}_{item.year}.txt"


def _number(fen: int | None) -> int | float | None:
    if fen is None:
        return None
    return fen // 100 if fen % 100 == 0 else fen / 100


def truth(
    doc: Document,
    name: str,
    codec: str,
    crlf: bool,
    broken: str | None,
    complete: int | None,
    cut: str | None,
    size: int,
) -> dict:
    """The manifest line: what parsing this file must give back."""
    projects = doc.projects if complete is None else doc.projects[:complete]
    town = doc.township
    county_unit = doc.layout in COUNTY_LAYOUTS
    return {
        "file": name,
        "seq": doc.seq,
        "layout": doc.layout,
        "encoding": codec,
        "newline": "crlf" if crlf else "lf",
        "bytes": size,
        "broken": broken,
        "error": broken in ("empty", "binary", "notable"),
        "cut": cut,
        "unit_code": doc.unit_code,
        "unit_name": doc.unit_name,
        "township": None if county_unit else town.name,
        "unit_kind": doc.unit_kind,
        "county": town.county,
        "city": town.city,
        "province": town.province,
        "year": doc.year,
        "money_unit": "元" if doc.yuan else "万元",
        "n_projects": len(projects),
        "partial_project": complete is not None,
        "n_indicators": sum(len(p.indicators) for p in projects),
        "n_unit_indicators": len(doc.unit_indicators),
        "projects": [
            {
                "seq": p.seq,
                "code": p.code,
                "name": p.name,
                "total_yuan": _number(p.total_fen),
                "fiscal_yuan": _number(p.fiscal_fen),
                "other_yuan": _number(p.other_fen),
                "plan": p.plan,
                "n_indicators": len(p.indicators),
                "kinds": "".join(KIND_LETTER[i.target["kind"]] for i in p.indicators),
                "n_long_term": sum(i.horizon == "long_term" for i in p.indicators),
                "places": list(dict.fromkeys(i.place for i in p.indicators if i.place)),
            }
            for p in projects
        ],
    }


def build(
    seed: int, item: PlanItem, cache: dict[int, Portfolio], force_broken: str | None = None
) -> tuple[Document, bytes, dict]:
    """One document: its decided content, the file bytes and its manifest line.
    ``force_broken`` ("empty", "binary", "notable", "truncated") lets tests break it."""
    pf = cache.get(item.tidx)
    if pf is None:
        cache.clear()  # plan items of a township are contiguous
        pf = cache[item.tidx] = portfolio(seed, item.tidx, item.town, item.first_year)
    if item.layout in FAMILY_LAYOUTS:
        doc = build_family_document(seed, item.seq, item.town, item.year, item.layout, pf)
    else:
        doc = build_document(seed, item.seq, item.tidx, item.town, item.year, item.layout, pf)
    rng = doc.rng
    w = render(doc)
    codec, crlf = noise.pick_encoding(rng)
    broken = noise.pick_broken(rng, len(doc.projects))
    if force_broken:
        broken = force_broken
    complete = cut = None
    if broken in ("empty", "binary"):
        data = noise.garbage(rng, broken)
    elif broken == "notable":
        first_table = next(i for i, line in enumerate(w.out) if line.startswith("\t"))
        data = noise.encode("\n".join(w.out[:first_table]) + "\n", codec, crlf)
    elif broken == "truncated":
        data, complete, cut = noise.truncate(w, rng, codec, crlf)
    else:
        data = noise.encode(w.text(), codec, crlf)
    name = file_name(item)
    return doc, data, truth(doc, name, codec, crlf, broken, complete, cut, len(data))


def iter_documents(
    n: int, seed: int, family_share: float = FAMILY_SHARE
) -> Iterator[tuple[Document, bytes, dict]]:
    """Documents in order without writing them (tests use the rich ``Document``)."""
    cache: dict[int, Portfolio] = {}
    for item in make_plan(n, seed, family_share=family_share):
        yield build(seed, item, cache)


def _write_chunk(seed: int, items: list[PlanItem], out: str) -> list[str]:
    cache: dict[int, Portfolio] = {}
    lines = []
    base = Path(out)
    for item in items:
        _, data, record = build(seed, item, cache)
        (base / record["file"]).write_bytes(data)
        lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    return lines


def write_corpus(
    n: int,
    out: Path,
    seed: int = 0,
    jobs: int | None = None,
    family_share: float = FAMILY_SHARE,
) -> dict:
    """Write n documents and manifest.jsonl into ``out``; returns a small summary."""
    out.mkdir(parents=True, exist_ok=True)
    plan = make_plan(n, seed, family_share=family_share)
    jobs = max(1, jobs or os.cpu_count() or 1)
    size = max(50, min(2000, n // (jobs * 8) + 1))
    chunks = [plan[i : i + size] for i in range(0, len(plan), size)]
    if jobs == 1 or len(chunks) == 1:
        results = [_write_chunk(seed, chunk, str(out)) for chunk in chunks]
    else:
        with ProcessPoolExecutor(jobs) as pool:
            results = list(
                pool.map(_write_chunk, [seed] * len(chunks), chunks, [str(out)] * len(chunks))
            )
    with open(out / MANIFEST, "w", encoding="utf-8", newline="\n") as handle:
        for lines in results:
            for line in lines:
                handle.write(line + "\n")
    return {"documents": n, "seed": seed, "out": str(out)}


def read_manifest(folder: Path) -> list[dict]:
    with open(folder / MANIFEST, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
