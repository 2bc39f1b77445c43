"""The cross-year marts rebuilt in batches of identities equal the views over every identity.

A full rebuild (warehouse/load/derived.py ``rebuild_all``) inserts a bounded number of
identities per statement through the table macros instead of one statement over the *_live
views; tiny batches here make every identity cross a batch boundary somewhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from synth.corpus import write_corpus
from warehouse.load import derived
from warehouse.load.loader import load_paths
from warehouse.load.storage import current_file


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 40-document synthetic corpus over several years, loaded by the real loader."""
    root = tmp_path_factory.mktemp("derived_batches")
    write_corpus(40, root / "corpus", seed=7, jobs=1)
    db = root / "w.duckdb"
    load_paths([root / "corpus"], db, progress=False, workers=1)
    return db


@pytest.fixture
def con(loaded_db: Path, tmp_path: Path):
    """A read-write copy of the loaded version (the published file is never written)."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(current_file(loaded_db), copy)
    connection = duckdb.connect(str(copy))
    yield connection
    connection.close()


# target_change_rows as it was before its rewrite (one normalisation of the indicator name,
# a FULL JOIN of the two years instead of a UNION of names and two LEFT JOINs): the
# reference the rewritten macro must still equal row for row.
REFERENCE = r"""
CREATE OR REPLACE TEMP MACRO target_change_reference(keys) AS TABLE
WITH ind AS (
    SELECT coalesce(pi.identity_key, t.project_key) AS identity_key, t.fiscal_year,
           t.indicator_name, t.level1, t.level2, t.target_raw, t.target_kind, t.target_unit,
           t.place,
           -- one comparable row per indicator AND place: a per-place target is compared with
           -- the same place's target of the previous year, never with another place's
           lower(regexp_replace(t.indicator_name, '\s+', '', 'g'))
               || coalesce(chr(31) || t.place, '') AS indicator_norm,
           CASE WHEN t.target_kind = 'money' THEN t.target_value_yuan
                WHEN t.target_op = 'between' THEN (t.target_value + t.target_value_max) / 2
                ELSE t.target_value END AS value_cmp,
           CASE WHEN t.target_kind = 'deadline'  -- month and day within the fiscal year
                THEN (year(t.deadline) - t.fiscal_year) * 10000 + month(t.deadline) * 100
                     + day(t.deadline) END AS deadline_day,
           coalesce(t.direction = 'negative', t.target_op IN ('<=', '<'), false) AS lower_is_better,
           row_number() OVER (
               PARTITION BY coalesce(pi.identity_key, t.project_key), t.fiscal_year,
                            lower(regexp_replace(t.indicator_name, '\s+', '', 'g')), t.place
               ORDER BY t.source_line, t.ordinal) AS dup
    FROM mart_indicator_target AS t
    LEFT JOIN project_identity AS pi ON pi.project_key = t.project_key
    WHERE t.scope = 'project' AND t.fiscal_year IS NOT NULL AND t.indicator_name IS NOT NULL
      AND t.horizon = 'annual'  -- comparisons use annual targets (docs/classification.md)
      AND (keys IS NULL OR coalesce(pi.identity_key, t.project_key) IN (SELECT unnest(keys)))
), cur AS (SELECT * EXCLUDE (dup) FROM ind WHERE dup = 1),
pairs AS (  -- project years that have an earlier year on record
    SELECT identity_key, fiscal_year, prev_fiscal_year, township, unit_name, project_name,
           project_category, budget_total_yuan, prev_budget_yuan, project_key
    FROM project_history_rows(keys) WHERE prev_fiscal_year IS NOT NULL
), names AS (
    SELECT p.identity_key, p.fiscal_year, c.indicator_norm
    FROM pairs AS p JOIN cur AS c USING (identity_key, fiscal_year)
    UNION
    SELECT p.identity_key, p.fiscal_year, o.indicator_norm
    FROM pairs AS p JOIN cur AS o
      ON o.identity_key = p.identity_key AND o.fiscal_year = p.prev_fiscal_year
)
SELECT
    p.identity_key, p.fiscal_year, p.prev_fiscal_year, p.township, p.unit_name, p.project_name,
    coalesce(c.indicator_name, o.indicator_name) AS indicator_name,
    coalesce(c.level1, o.level1) AS level1, coalesce(c.level2, o.level2) AS level2,
    o.target_raw AS prev_target_raw, c.target_raw AS target_raw,
    o.value_cmp AS prev_value, c.value_cmp AS value,
    coalesce(c.target_unit, o.target_unit) AS target_unit,
    CASE
        WHEN o.indicator_norm IS NULL THEN 'new'
        WHEN c.indicator_norm IS NULL THEN 'dropped'
        WHEN c.deadline_day IS NOT NULL AND o.deadline_day IS NOT NULL THEN
            CASE WHEN c.deadline_day < o.deadline_day THEN 'raised'
                 WHEN c.deadline_day > o.deadline_day THEN 'lowered' ELSE 'unchanged' END
        WHEN c.value_cmp IS NOT NULL AND o.value_cmp IS NOT NULL
             AND c.target_kind IS NOT DISTINCT FROM o.target_kind
             AND (c.target_kind = 'money' OR c.target_unit IS NOT DISTINCT FROM o.target_unit)
             AND c.lower_is_better = o.lower_is_better THEN
            CASE WHEN c.value_cmp = o.value_cmp THEN 'unchanged'
                 WHEN (c.value_cmp > o.value_cmp) <> c.lower_is_better THEN 'raised'
                 ELSE 'lowered' END
        WHEN regexp_replace(c.target_raw, '\s+', '', 'g')
             = regexp_replace(o.target_raw, '\s+', '', 'g') THEN 'unchanged'
        ELSE 'changed'
    END AS change,
    p.prev_budget_yuan, p.budget_total_yuan,
    p.budget_total_yuan - p.prev_budget_yuan AS budget_change_yuan,
    p.project_key, p.project_category,
    coalesce(c.place, o.place) AS place
FROM names AS n
JOIN pairs AS p USING (identity_key, fiscal_year)
LEFT JOIN cur AS c
  ON c.identity_key = n.identity_key AND c.fiscal_year = n.fiscal_year
 AND c.indicator_norm = n.indicator_norm
LEFT JOIN cur AS o
  ON o.identity_key = n.identity_key AND o.fiscal_year = p.prev_fiscal_year
 AND o.indicator_norm = n.indicator_norm
"""


def _differences(con: duckdb.DuckDBPyConnection, table: str, view: str) -> tuple[int, int]:
    """Rows of the table missing from the view and the other way round (with duplicates)."""
    extra = con.execute(f"SELECT count(*) FROM (FROM {table} EXCEPT ALL FROM {view})").fetchone()[0]
    missing = con.execute(f"SELECT count(*) FROM (FROM {view} EXCEPT ALL FROM {table})").fetchone()[
        0
    ]
    return extra, missing


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in derived.MATERIALIZED
    }


def test_corpus_has_cross_year_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Guard: the comparison below means something only with identities over several years
    and several kinds of target change."""
    linked = con.execute(
        "SELECT count(*) FROM mart_project_history WHERE prev_fiscal_year IS NOT NULL"
    ).fetchone()[0]
    kinds = {r[0] for r in con.execute("SELECT DISTINCT change FROM mart_target_change").fetchall()}
    assert linked > 10
    assert len(kinds) >= 3 and "unchanged" in kinds, kinds


def test_loaded_marts_equal_the_views(con: duckdb.DuckDBPyConnection) -> None:
    for table, (view, _macro) in derived.MATERIALIZED.items():
        assert _differences(con, table, view) == (0, 0), table


@pytest.mark.parametrize("batch", [1, 7])
def test_batched_rebuild_equals_the_views(con: duckdb.DuckDBPyConnection, batch: int) -> None:
    before = _counts(con)
    keys = derived.identity_keys(con)
    assert len(keys) > 3 * batch  # several batches, the last one partial
    derived.rebuild_all(con, batch=batch)
    assert _counts(con) == before
    for table, (view, _macro) in derived.MATERIALIZED.items():
        assert _differences(con, table, view) == (0, 0), (table, batch)


def test_rebuild_replaces_stale_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Rows left from before (a wrong value, a vanished identity) do not survive a rebuild."""
    before = _counts(con)
    con.execute("UPDATE mart_target_change SET change = 'stale' WHERE rowid % 3 = 0")
    con.execute(
        "INSERT INTO mart_project_history BY NAME "
        "SELECT * REPLACE (-1 AS identity_key) FROM mart_project_history LIMIT 5"
    )
    derived.rebuild_all(con, batch=5)
    assert _counts(con) == before
    for table, (view, _macro) in derived.MATERIALIZED.items():
        assert _differences(con, table, view) == (0, 0), table


def test_incremental_refresh_of_some_identities_equals_the_views(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """The small-load path (delete the touched identities, insert them in batches)."""
    keys = derived.identity_keys(con)[::3]
    for table in derived.MATERIALIZED:
        con.execute(
            f"DELETE FROM {table} WHERE identity_key IN (SELECT unnest(?::BIGINT[]))", [keys]
        )
    derived._insert(con, keys, batch=4)
    for table, (view, _macro) in derived.MATERIALIZED.items():
        assert _differences(con, table, view) == (0, 0), table


def test_target_change_macro_equals_its_former_formulation(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute(REFERENCE)
    assert _differences(con, "target_change_rows(NULL)", "target_change_reference(NULL)") == (0, 0)
    keys = derived.identity_keys(con)[1::4]
    con.execute("CREATE TEMP TABLE some_keys AS SELECT ?::BIGINT[] AS keys", [keys])
    subset = con.execute(
        "SELECT count(*) FROM target_change_rows((SELECT keys FROM some_keys))"
    ).fetchone()[0]
    assert subset > 0
    assert _differences(
        con,
        "target_change_rows((SELECT keys FROM some_keys))",
        "target_change_reference((SELECT keys FROM some_keys))",
    ) == (0, 0)
