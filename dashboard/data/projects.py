"""Queries of the 项目明细 page (search, project card). Conventions: dashboard/data/common.py."""

from __future__ import annotations

import re

import pandas as pd

from dashboard.data.common import (
    Runner,
    has_rollups,
    rollup_where,
)
from dashboard.data.filter_model import UNKNOWN_CATEGORY, UNKNOWN_TOWNSHIP, Filters


def search_words(text: str) -> list[str]:
    """The words of a search (spaces, full-width spaces and commas separate them)."""
    return [w for w in re.split(r"[\s,，、;；]+", (text or "").strip()) if w][:MAX_WORDS]


SEARCH_FIELDS = (
    ("project_name", "项目名称"),
    ("project_code", "项目编码"),
    ("goals", "绩效目标"),
    ("purpose", "资金用途"),
    ("unit_name", "单位名称"),
)


MAX_WORDS = 8


def search_projects(run: Runner, f: Filters, text: str = "", limit: int = 500) -> pd.DataFrame:
    """Projects containing every word of ``text`` (AND) in their name, code, unit, purpose,
    goals or indicators; ``matched_in`` names the fields, ``snippet`` marks the words."""
    words = search_words(text)
    frame = _search_mart(run, f, words, limit)
    matched, snippets = [], []
    for row in frame.itertuples(index=False):
        places, snippet = [], ""
        for column, label in SEARCH_FIELDS:
            value = getattr(row, column)
            if isinstance(value, str) and any(w.lower() in value.lower() for w in words):
                places.append(label)
                if not snippet:
                    snippet = mark_words(value, words)
        if (
            words
            and len(places) < len(SEARCH_FIELDS)
            and not all(
                any(w.lower() in str(getattr(row, c) or "").lower() for c, _ in SEARCH_FIELDS)
                for w in words
            )
        ):
            places.append("绩效指标")
        matched.append("、".join(places) if words else None)
        snippets.append(snippet or None)
    out = frame.drop(columns=["goals", "purpose"])
    out["matched_in"] = matched
    out["snippet"] = snippets
    return out


def mark_words(text: str, words: list[str], width: int = 60) -> str:
    """The part of ``text`` around the first match, each word wrapped in 【】 (plain text:
    tables show it literally, so no markup from the document can take effect)."""
    flat = " ".join(str(text).split())
    lower = flat.lower()
    hits = [lower.find(w.lower()) for w in words if w.lower() in lower]
    start = max(0, min(hits) - width // 3) if hits else 0
    piece = flat[start : start + width]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
    marked = pattern.sub(lambda m: f"【{m.group(0)}】", piece)
    return ("…" if start else "") + marked + ("…" if start + width < len(flat) else "")


_SEARCH_COLUMNS = f"""CAST(p.project_key AS VARCHAR) AS project_key,
    COALESCE(p.township, '{UNKNOWN_TOWNSHIP}') AS township, p.fiscal_year, p.project_name,
    p.project_code, COALESCE(p.project_category, '{UNKNOWN_CATEGORY}') AS category,
    p.budget_total_yuan, p.unit_name, p.source_file, p.source_line, p.goals, p.purpose"""


def _search_mart(run: Runner, f: Filters, words: list[str], limit: int) -> pd.DataFrame:
    """One scan of the precomputed lower-cased search text, one ``contains`` per word.

    Results are ordered by township first, so with the rollups the townships are searched
    in that order (the first one, then 4, 16, … more) until ``limit`` rows are counted, and the
    rows are read from those townships only: a common word is answered from the first
    township's rows (zone maps skip the others), a rare one costs about one more scan.
    Same rows, same order as one query over everything."""
    where, params = f.where(alias="p")
    match = " AND ".join("contains(p.search_text, ?)" for _ in words) or "TRUE"
    sql = f"""SELECT {_SEARCH_COLUMNS} FROM mart_project_budget p
              WHERE {where} AND {match} {{towns}}
              ORDER BY township, source_file, source_line LIMIT ?"""
    word_params = [w.lower() for w in words]
    if not has_rollups(run):
        return run(sql.format(towns=""), params + word_params + [int(limit)])
    town_where, town_params = rollup_where(f, alias="p")
    # Only the names the batches can use are fetched (47,000 townships at 400,000
    # documents: shipping all of them cost more than the first counts).
    names = run(
        f"""SELECT t, count(*) OVER () AS n FROM (
              SELECT DISTINCT COALESCE(p.township, '{UNKNOWN_TOWNSHIP}') AS t
              FROM mart_project_rollup p WHERE {town_where})
            ORDER BY t LIMIT {MAX_BATCHED_TOWNS}""",
        town_params,
    )
    towns = names["t"].tolist()
    total = int(names["n"].iloc[0]) if len(names) else 0
    used: list[str] = []
    found = 0
    for start, size in _batch_slices(total):
        batch = towns[start : start + size]
        used += batch
        cond, town_params_ = _town_condition(batch)
        found += int(
            run(
                f"""SELECT count(*) AS n FROM (SELECT 1 FROM mart_project_budget p
                    WHERE {where} AND {match} {cond} LIMIT ?)""",
                params + word_params + town_params_ + [int(limit) - found],
            )["n"].iloc[0]
        )
        if found >= limit:
            break
    cond, town_params_ = _town_condition(used) if found >= limit else ("", [])
    return run(sql.format(towns=cond), params + word_params + town_params_ + [int(limit)])


MAX_BATCHED_TOWNS = 1 + 4 + 16 + 64 + 256 + 1024 + 4096  # batches end before this many


def _batch_slices(count: int) -> list[tuple[int, int]]:
    """(start, size) of consecutive batches of ``count`` sorted townships, growing ×4 (1, 4,
    16, …) up to a quarter of them: a common word is counted within the first few
    townships even when there are tens of thousands, a rare one stops early and reads
    everything once."""
    slices, start, size = [], 0, 1
    while start < count and start + size <= min(max(5, count // 4), MAX_BATCHED_TOWNS):
        slices.append((start, min(size, count - start)))
        start += size
        size *= 4
    return slices


def _town_batches(towns: list[str]) -> list[list[str]]:
    """``_batch_slices`` applied to a list of townships."""
    return [towns[start : start + size] for start, size in _batch_slices(len(towns))]


def _town_condition(towns: list[str]) -> tuple[str, list]:
    """The rows of these townships, the unknown label meaning NULL. ``towns`` is a run of
    consecutive names of the sorted list of every township in scope, so it is written as a
    range on the raw column (``township IN (…)`` with several values is checked only after
    every column, search text included, was read for every row: 4–5× the cost)."""
    known = [t for t in towns if t != UNKNOWN_TOWNSHIP]
    parts = ["(p.township >= ? AND p.township <= ? AND p.township <> ?)"] if known else []
    params = [min(known), max(known), UNKNOWN_TOWNSHIP] if known else []
    parts += ["p.township IS NULL"] if UNKNOWN_TOWNSHIP in towns else []
    return f"AND ({' OR '.join(parts)})", params


def _key_match(project_key: str) -> tuple[str, list]:
    """``project_key = ?`` as a BIGINT comparison (no cast of millions of keys to text); a key
    that is not a number (a hand-edited URL) matches nothing."""
    try:
        return "project_key = ?", [int(str(project_key))]
    except ValueError:
        return "FALSE", []


def project_card(run: Runner, project_key: str) -> pd.DataFrame:
    """One project's row from v_project_budget (empty when the key is unknown)."""
    match, params = _key_match(project_key)
    return run(f"SELECT * FROM v_project_budget WHERE {match} LIMIT 1", params)


def project_indicators(run: Runner, project_key: str) -> pd.DataFrame:
    """The full indicator table of one project in document order."""
    match, params = _key_match(project_key)
    return run(
        f"""
        SELECT level1, level2, indicator_name, description, target_raw, target_kind,
               target_op, target_value, target_unit, deadline, basis, weight, direction,
               indicator_family, source_line, horizon, place
        FROM v_indicator_target WHERE {match}
        ORDER BY source_line, ordinal
        """,
        params,
    )


def project_review(run: Runner, project_key: str) -> pd.DataFrame:
    """grade, rule_id, severity, message, hint of one project (one row, rule_id NULL, when
    the review found nothing; empty when the project was not reviewed)."""
    match, params = _key_match(project_key)
    return run(
        f"""SELECT grade, rule_id, severity, message, hint, source_line FROM v_goal_review
            WHERE {match} ORDER BY rule_id NULLS FIRST, source_line""",
        params,
    )


def project_source_text(run: Runner, project_key: str) -> pd.DataFrame:
    """first_line, last_line, text stored at load time (empty when none was stored)."""
    match, params = _key_match(project_key)
    return run(
        f"SELECT first_line, last_line, text FROM project_source_text WHERE {match} LIMIT 1",
        params,
    )
