"""Word-list matching of the review, once per DISTINCT text, joined back by the rules.

Matching a text against the long configured word lists (synonym concepts, vague terms,
generic words) as per-row SQL lambdas grew super-linearly with the load (R19 and R08 were
~80 % of the SQL review). Names, goals and targets repeat thousands of times per load, so
the distinct texts are fetched once, matched in Python with the very helpers of
etl.review (bare, bigrams, Vocabulary), and returned as Arrow tables that R08, R19 and R27
join on the text. The results are therefore identical to the per-document review.
The lists go to DuckDB as bound parameters (unnest), not Arrow tables: building a pyarrow
table imports pandas, ~0.4 CPU-s that a one-document reload would pay for nothing.
"""

from __future__ import annotations

import duckdb

from etl.review.rules_targets import vague_terms_in
from etl.review.text import bigrams, stop_bigrams, strip_goal_numbering
from etl.review.vocabulary import vocabulary
from warehouse.review.sqltext import rule_cfg

# The text of an indicator for R19: name and description (etl.review.rules_logic).
INDICATOR_TEXT = "coalesce(name, '') || '，' || coalesce(description, '')"
# The context of a project for R27: name, purpose and goals (rules_substance.project_context).
PROJECT_TEXT = (
    "concat_ws('，', coalesce(name, ''), coalesce(purpose, ''), array_to_string(goals, '，'))"
)


def _distinct(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [t for (t,) in con.execute(sql).fetchall() if t is not None]


def _register(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, list]) -> None:
    """TEMP TABLE ``name`` from equally long Python lists: VARCHAR for lists of strings,
    VARCHAR[] for lists of string lists (the column name says which: see _TYPES)."""
    select = ", ".join(f"unnest(?::{_TYPES[c]}) AS {c}" for c in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {select}", list(columns.values()))


_TYPES = {
    "raw": "VARCHAR[]",
    "text": "VARCHAR[]",
    "goal": "VARCHAR[]",
    "stripped": "VARCHAR[]",
    "found": "VARCHAR[][]",
    "grams": "VARCHAR[][]",
    "concepts": "VARCHAR[][]",
}


def _vague(con: duckdb.DuckDBPyConnection, config: dict) -> None:
    """rv_tx_vague(raw, found): qualitative targets that are (nearly) only vague words."""
    cfg = dict(rule_cfg(config, "R08"))
    cfg["vague_terms"] = list(cfg.get("vague_terms", [])) + list(
        config.get("vocabulary", {}).get("vague_terms", [])
    )
    texts = _distinct(
        con, "SELECT DISTINCT raw FROM rv_row WHERE sub AND kind = 'qualitative' AND rb <> ''"
    )
    rows = [(t, found) for t in texts if (found := vague_terms_in(t, cfg))]
    _register(con, "rv_tx_vague", {"raw": [r[0] for r in rows], "found": [r[1] for r in rows]})


def _goal_words(con: duckdb.DuckDBPyConnection, config: dict) -> None:
    """rv_tx_ind(text, grams, concepts) for indicator texts and rv_tx_goal(goal, stripped,
    grams, concepts) for goals: R19's bigrams (minus stop bigrams) and synonym concepts."""
    cfg = rule_cfg(config, "R19")
    stop = stop_bigrams(cfg.get("stop_bigrams", []))
    vocab = vocabulary(config)
    texts = _distinct(
        con, f"SELECT DISTINCT {INDICATOR_TEXT} FROM rv_row WHERE sub AND scope = 'project'"
    )
    grams = [sorted(bigrams(t, stop)) for t in texts]
    concepts = [sorted(vocab.concepts_in(t)) for t in texts]
    _register(con, "rv_tx_ind", {"text": texts, "grams": grams, "concepts": concepts})
    goals = _distinct(con, "SELECT DISTINCT unnest(goals) FROM rv_p WHERE scope = 'project'")
    stripped = [strip_goal_numbering(g) for g in goals]
    _register(
        con,
        "rv_tx_goal",
        {
            "goal": goals,
            "stripped": stripped,
            "grams": [sorted(bigrams(s, stop)) for s in stripped],
            "concepts": [sorted(vocab.concepts_in(g)) for g in goals],
        },
    )


def _content(con: duckdb.DuckDBPyConnection, config: dict) -> None:
    """rv_tx_content(text, concepts, grams): what a name or a project context is about once
    concept words and generic words are cut out (Vocabulary.content), for R27."""
    vocab = vocabulary(config)
    texts = _distinct(
        con,
        f"SELECT DISTINCT {PROJECT_TEXT} FROM rv_p WHERE scope = 'project' "
        "UNION SELECT DISTINCT name FROM rv_row WHERE sub AND scope = 'project'",
    )
    found = [vocab.content(t) for t in texts]
    _register(
        con,
        "rv_tx_content",
        {
            "text": texts,
            "concepts": [sorted(c) for c, _ in found],
            "grams": [sorted(g) for _, g in found],
        },
    )


def text_features(con: duckdb.DuckDBPyConnection, config: dict) -> None:
    """Build the rv_tx_* tables for the rows in rv_row / rv_p (after prepare_sql)."""
    _vague(con, config)
    _goal_words(con, config)
    _content(con, config)
