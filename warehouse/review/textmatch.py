"""Word-list matching of the review, once per DISTINCT text, joined back by the rules.

Matching a text against the long configured word lists (synonym concepts, vague terms,
generic words) as per-row SQL lambdas grew super-linearly with the load (R19 and R08 were
~80 % of the SQL review). Names, goals and targets repeat thousands of times per load, so
the distinct texts are fetched once, matched in Python with the very helpers of
etl.review (bare, bigrams, Vocabulary), and returned as Arrow tables that R08, R19 and R27
join on the text. The results are therefore identical to the per-document review.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

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
_LIST = pa.list_(pa.string())


def _distinct(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [t for (t,) in con.execute(sql).fetchall() if t is not None]


def _register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register(f"{name}_arrow", table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    finally:
        con.unregister(f"{name}_arrow")


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
    table = pa.table(
        {
            "raw": pa.array([r[0] for r in rows], pa.string()),
            "found": pa.array([r[1] for r in rows], _LIST),
        }
    )
    _register(con, "rv_tx_vague", table)


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
    _register(
        con,
        "rv_tx_ind",
        pa.table(
            {
                "text": pa.array(texts, pa.string()),
                "grams": pa.array(grams, _LIST),
                "concepts": pa.array(concepts, _LIST),
            }
        ),
    )
    goals = _distinct(con, "SELECT DISTINCT unnest(goals) FROM rv_p WHERE scope = 'project'")
    stripped = [strip_goal_numbering(g) for g in goals]
    _register(
        con,
        "rv_tx_goal",
        pa.table(
            {
                "goal": pa.array(goals, pa.string()),
                "stripped": pa.array(stripped, pa.string()),
                "grams": pa.array([sorted(bigrams(s, stop)) for s in stripped], _LIST),
                "concepts": pa.array([sorted(vocab.concepts_in(g)) for g in goals], _LIST),
            }
        ),
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
        pa.table(
            {
                "text": pa.array(texts, pa.string()),
                "concepts": pa.array([sorted(c) for c, _ in found], _LIST),
                "grams": pa.array([sorted(g) for _, g in found], _LIST),
            }
        ),
    )


def text_features(con: duckdb.DuckDBPyConnection, config: dict) -> None:
    """Build the rv_tx_* tables for the rows in rv_row / rv_p (after prepare_sql)."""
    _vague(con, config)
    _goal_words(con, config)
    _content(con, config)
