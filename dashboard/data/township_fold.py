"""At most ``MAX_TOWNSHIPS`` townships per chart: the rest fold into one 其他 row.

A county has a few dozen townships; a city or national warehouse has thousands (43,880 in
the ×10 benchmark copy). A chart with one bar per township is then unreadable, and fetching
hundreds of thousands of township × category rows was the slowest thing the dashboard did.
The per-township queries therefore keep the townships with the largest measure and sum the
others into one row labelled ``其他 N 个乡镇``; the full table stays one download away
(``limit=None``). Design note: docs/township_fold.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

MAX_TOWNSHIPS = 25
"""Townships a per-township chart shows by name, largest first (declared once)."""

OTHER_TOWNSHIPS = "其他 {:,} 个乡镇"
"""Label of the folded row (DuckDB ``format`` template; the count of folded townships)."""

RANK = "township_rank"
"""Column: the township's rank by the chart's measure (the folded row ranks last)."""

FOLDED = "folded_townships"
"""Column: how many townships the row stands for (1, or the count folded into 其他)."""


def fold_townships(
    rows_sql: str,
    *,
    keys: Sequence[str] = (),
    counts: Sequence[str] = (),
    amounts: Sequence[str] = (),
    rank_by: str,
    limit: int | None = MAX_TOWNSHIPS,
) -> str:
    """SQL over ``rows_sql`` (one row per township × ``keys``, additive ``counts`` and
    ``amounts``): townships ranked by ``rank_by`` (an aggregate over one township's rows,
    largest first, ties by name); the first ``limit`` keep their name and every other one is
    summed into the 其他 row. Folding a single township would hide its name for nothing, so
    ``limit + 1`` townships are all shown. ``limit=None`` ranks without folding (downloads).

    Output: township, keys, counts (BIGINT), amounts, ``RANK``, ``FOLDED``; unordered."""
    bound = "NULL" if limit is None else str(int(limit))
    key_list = "".join(f", r.{k}" for k in keys)
    sums = [f"CAST(sum(r.{c}) AS BIGINT) AS {c}" for c in counts]
    sums += [f"sum(r.{a}) AS {a}" for a in amounts]
    return f"""
        WITH fold_rows AS MATERIALIZED ({rows_sql}),
        fold_rank AS (
          SELECT township, count(*) OVER () AS fold_n,
                 row_number() OVER (ORDER BY {rank_by} DESC NULLS LAST, township) AS fold_r
          FROM fold_rows GROUP BY township
        ), fold_map AS (
          SELECT township, ({bound} IS NOT NULL AND fold_n > {bound} + 1 AND fold_r > {bound})
                 AS folded, fold_n, fold_r
          FROM fold_rank
        )
        SELECT CASE WHEN m.folded THEN format('{OTHER_TOWNSHIPS}', m.fold_n - {bound})
                    ELSE r.township END AS township{key_list},
               {", ".join(sums)},
               CAST(min(CASE WHEN m.folded THEN {bound} + 1 ELSE m.fold_r END) AS BIGINT)
                 AS {RANK},
               CAST(max(CASE WHEN m.folded THEN m.fold_n - {bound} ELSE 1 END) AS BIGINT)
                 AS {FOLDED}
        FROM fold_rows r JOIN fold_map m ON m.township IS NOT DISTINCT FROM r.township
        GROUP BY ALL
    """


def folded_count(frame: pd.DataFrame) -> int:
    """How many townships the frame's 其他 row stands for (0 when nothing was folded)."""
    if frame.empty or FOLDED not in frame.columns:
        return 0
    folded = frame.loc[frame[FOLDED] > 1, FOLDED]
    return int(folded.max()) if not folded.empty else 0


def township_order(frame: pd.DataFrame) -> list[str]:
    """Townships in rank order (the 其他 row last): the order charts draw them in."""
    if RANK not in frame.columns:
        return list(dict.fromkeys(frame["township"]))
    ranked = frame.sort_values([RANK, "township"], kind="stable")
    return list(dict.fromkeys(ranked["township"]))
