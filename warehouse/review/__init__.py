"""Goal review (绩效目标审核) in the warehouse, set-based.

``review_documents`` runs every rule of data/review_rules.toml as SQL over the facts of the
given documents (warehouse/review/rules.py), keeps one target finding per row, grades each
project per dimension (完整性, 相关性, 适当性, 可行性) and writes goal_review_project /
goal_review_finding. The loader calls ``after_load`` for the documents it wrote; the CLI
(`python -m etl review FILE`) loads the file into an in-memory warehouse and calls
``collect``. docs/goal_review.md explains the rules and the grading.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from etl.review.catalog import RULES as CATALOG
from etl.review.config import default_config
from etl.vocabulary import grades
from warehouse.dbutil import scalar
from warehouse.laps import Laps
from warehouse.review.prepare import prepare_sql
from warehouse.review.rules import INDICATOR_RULES, RULES
from warehouse.review.sqltext import lit, lst, num, rule_cfg
from warehouse.review.textmatch import text_features

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
MACROS_SQL = HERE / "macros.sql"
CROSS_UNIT_SQL = HERE / "cross_unit.sql"
CROSS_OFFSET = 10000  # ordinals of cross-unit findings start here
BATCH_DOCUMENTS = 2500  # documents reviewed together: ~760 MB peak at 10,000 documents
GRADES = grades()  # one vocabulary (data/vocabulary/roles.toml [graded])
# One row gets at most one of these target-wording findings: the most specific one wins.
TARGET_FAMILY = ("R11", "R10", "R07", "R03", "R25", "R23", "R09", "R08")
_R06_ORDER = ("range", "not_cumulative", "decreasing", "not_100", "missing")


@contextmanager
def single_thread(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB on one thread for the review, the previous setting restored afterwards.
    The review is ~100 statements over per-batch tables of ~10^5 rows: a second thread
    mostly adds scheduling and merge work (measured: 31 -> 24 CPU-s at 10,000 documents,
    the same wall time on 2 cores), and the loader's own steps keep their threads."""
    threads = scalar(con, "SELECT current_setting('threads')")
    con.execute("SET threads = 1")
    try:
        yield
    finally:
        con.execute(f"SET threads = {int(threads)}")


SMALL_REVIEW = 50  # documents up to which the review skips DuckDB's common-subexpression pass
# A one-document review is ~40 statements whose rows take < 1 ms; most of their time is
# binding the text macros and DuckDB's common-subexpression optimizer over the expanded
# expressions (R05: 20 ms binding, 17 ms that optimizer, 0.2 ms running). Skipping that pass
# cut a one-document review by ~20 % CPU; results are the same (an optimizer never changes
# them). Large batches keep it: there it saves recomputing macros per row.
SMALL_REVIEW_DISABLED_OPTIMIZERS = ("common_subexpressions",)


@contextmanager
def small_batch_planning(con: duckdb.DuckDBPyConnection, documents: int) -> Iterator[None]:
    """For a review of at most SMALL_REVIEW documents, DuckDB's optimizers in
    SMALL_REVIEW_DISABLED_OPTIMIZERS are off; the previous setting is restored afterwards."""
    if documents > SMALL_REVIEW:
        yield
        return
    previous = scalar(con, "SELECT current_setting('disabled_optimizers')") or ""
    extra = [o for o in SMALL_REVIEW_DISABLED_OPTIMIZERS if o not in previous.split(",")]
    value = ",".join([p for p in previous.split(",") if p] + extra)
    con.execute(f"SET disabled_optimizers = '{value}'")
    try:
        yield
    finally:
        con.execute(f"SET disabled_optimizers = '{previous}'")


class ReviewError(RuntimeError):
    """A rule's SQL failed; the message names the rule."""


def _enabled(config: dict, rule_id: str) -> bool:
    return rule_cfg(config, rule_id).get("enabled", True)


def _macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(MACROS_SQL.read_text(encoding="utf-8"))


def _rule_table(con: duckdb.DuckDBPyConnection, config: dict) -> None:
    dims = config.get("grading", {}).get("rule_dimensions", {})
    rows = [
        (r.rule_id, dims.get(r.rule_id) or r.dimension, r.hint, r.title) for r in CATALOG.values()
    ]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rv_rule (rule_id VARCHAR, dimension VARCHAR, "
        "hint VARCHAR, title VARCHAR)"
    )
    con.executemany("INSERT INTO rv_rule VALUES (?, ?, ?, ?)", rows)


def run_rules(
    con: duckdb.DuckDBPyConnection,
    documents: list[int],
    config: dict,
    timings: dict[str, float] | None = None,
) -> None:
    """Fill rv_find (and the rv_* working tables) for ``documents``. ``timings`` (when
    given) receives the seconds of each step: prepare, textmatch, each rule, dedupe."""
    clock = Laps(timings)
    _macros(con)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rv_doc AS SELECT document_id, fiscal_year "
        "FROM source_document WHERE document_id IN (SELECT unnest(?::BIGINT[]))",
        [documents],
    )
    con.execute(prepare_sql(config))
    clock.lap("prepare")
    text_features(con, config)
    clock.lap("textmatch")
    _rule_table(con, config)
    for rule_id, build in RULES.items():
        if not _enabled(config, rule_id):
            continue
        sql = build(config)
        if not sql:
            continue
        try:
            con.execute(sql)
        except duckdb.Error as exc:
            raise ReviewError(f"审核规则 {rule_id} 执行失败：{exc}") from exc
        clock.lap(rule_id)
    if INDICATOR_RULES:  # rules that do not judge the 部门整体 table leave it alone
        con.execute(
            f"DELETE FROM rv_find WHERE holder < 0 AND rule_id NOT IN {tuple(INDICATOR_RULES)}"
        )
    _dedupe_and_order(con, config)
    clock.lap("dedupe")


def _dedupe_and_order(con: duckdb.DuckDBPyConnection, config: dict) -> None:
    family = "CASE rule_id " + " ".join(f"WHEN '{r}' THEN {i}" for i, r in enumerate(TARGET_FAMILY))
    family += " END"
    required = rule_cfg(config, "R01").get("required", ["产出指标", "效益指标", "满意度指标"])
    short = {"产出指标": "产出", "效益指标": "效益", "满意度指标": "满意度"}
    r01 = " ".join(f"WHEN 'missing_{short.get(r, r)}' THEN {i + 1}" for i, r in enumerate(required))
    r06 = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(_R06_ORDER))
    con.execute(
        f"""
        DELETE FROM rv_find AS f
        USING (SELECT holder, idx, min({family}) AS best FROM rv_find
               WHERE idx IS NOT NULL AND ({family}) IS NOT NULL GROUP BY holder, idx) AS m
        WHERE m.holder = f.holder AND m.idx = f.idx
          AND ({family.replace("rule_id", "f.rule_id")}) > m.best;
        CREATE OR REPLACE TEMP TABLE rv_out AS  -- tie-breaks and default hints in one pass
        SELECT *, row_number() OVER (PARTITION BY holder
                                     ORDER BY coalesce(line, 0), rule_id, coalesce(idx, -1),
                                              k, message) AS ordinal
        FROM (
            SELECT f.* REPLACE (
                       CASE f.rule_id
                           WHEN 'R01' THEN CASE f.variant {r01 or "WHEN '' THEN 0"} ELSE 0 END
                           WHEN 'R06' THEN CASE f.variant {r06} ELSE 0 END ELSE f.k END AS k,
                       coalesce(f.hint, r.hint) AS hint),
                   r.title, r.dimension
            FROM rv_find AS f JOIN rv_rule AS r USING (rule_id));
        """
    )


def grade(con: duckdb.DuckDBPyConnection, config: dict) -> None:
    """rv_grade(holder, score, grade, dims): dimension scores, their weighted mean, bands,
    then the caps of [grading] (dimension floors, severities, rules and rule variants)."""
    g = config.get("grading", {})
    penalty = g.get("penalty", {})
    pen = "CASE f.severity " + " ".join(f"WHEN {lit(s)} THEN {num(v)}" for s, v in penalty.items())
    pen += " ELSE 0 END" if penalty else "0"
    if not penalty:
        pen = "0"
    cap = g.get("max_penalty_per_rule")
    lost = f"least(sum({pen}), {num(cap)})" if cap else f"sum({pen})"
    weights = g.get("dimension_weights", {d: 1 for d in ("完整性", "相关性", "适当性", "可行性")})
    dims = " UNION ALL ".join(
        f"SELECT {lit(d)} AS dimension, {num(w)} AS weight" for d, w in weights.items()
    )
    bands = g.get("bands", {"优": 90, "良": 75, "中": 60})
    band = "CASE " + " ".join(
        f"WHEN d.score >= {num(bands[x])} THEN {GRADES.index(x)}" for x in GRADES[:-1] if x in bands
    )
    band += " ELSE 3 END"
    caps = []
    for cap_grade, floor in g.get("dimension_caps", {}).items():
        caps.append(f"CASE WHEN d.min_dim < {num(floor)} THEN {GRADES.index(cap_grade)} ELSE 0 END")
    severity_caps = g.get("severity_caps", {})
    rule_caps = g.get("rule_caps", {})
    cap_rows = [(f"s:{s}", GRADES.index(c)) for s, c in severity_caps.items()]
    cap_rows += [(f"r:{r}", GRADES.index(c)) for r, c in rule_caps.items()]
    finding_caps = (
        "SELECT holder, max(c.rank) AS rank FROM rv_find AS f JOIN rv_caps AS c "
        "ON c.k IN ('s:' || f.severity, 'r:' || f.rule_id, "
        "'r:' || f.rule_id || '.' || coalesce(f.variant, '')) "
        "WHERE f.holder > 0 GROUP BY holder"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE rv_caps (k VARCHAR, rank INTEGER)")
    if cap_rows:
        con.executemany("INSERT INTO rv_caps VALUES (?, ?)", cap_rows)
    start = num(g.get("start_score", 100))
    greatest_caps = ", ".join([band, *caps, "coalesce(fc.rank, 0)"])
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rv_dim AS
        WITH lost AS (
            SELECT f.holder, r.dimension, f.rule_id, {lost} AS lost
            FROM rv_find AS f JOIN rv_rule AS r USING (rule_id)
            WHERE f.holder > 0 GROUP BY ALL
        ), dims AS ({dims})
        SELECT p.holder, d.dimension, d.weight,
               greatest(0, {start} - coalesce(sum(l.lost), 0)) AS score
        FROM rv_p AS p CROSS JOIN dims AS d
        LEFT JOIN lost AS l ON l.holder = p.holder AND l.dimension = d.dimension
        WHERE p.scope = 'project'
        GROUP BY ALL;
        CREATE OR REPLACE TEMP TABLE rv_grade AS
        WITH d AS (
            SELECT holder, round_even(sum(score * weight) / nullif(sum(weight), 0), 1) AS score,
                   min(score) AS min_dim,
                   map_from_entries(list((dimension, score))) AS dims
            FROM rv_dim GROUP BY holder
        ), fc AS ({finding_caps})
        SELECT d.holder, d.score, d.dims,
               ({lst(GRADES)})[greatest({greatest_caps}) + 1] AS grade
        FROM d LEFT JOIN fc USING (holder);
        """
    )


def review_documents(
    con: duckdb.DuckDBPyConnection,
    documents: Iterable[int],
    config: dict | None = None,
    timings: dict[str, float] | None = None,
    *,
    between_batches: Callable[[], None] | None = None,
    every: int = 1,
) -> int:
    """Review ``documents`` and replace their rows in goal_review_project /
    goal_review_finding (the per-document part; cross-unit findings are ``cross_unit``'s).
    Returns the number of findings written.

    ``between_batches`` is called after every ``every`` batches (not after the last), with
    the working tables dropped and the connection's settings restored: the loader reopens
    its connection there, which gives back the native memory DuckDB keeps per batch
    (warehouse/load/storage.py, VersionConnection)."""
    config = config or default_config()
    ids = sorted({int(d) for d in documents})
    written = 0
    starts = range(0, len(ids), BATCH_DOCUMENTS)
    # Every rule looks within one document, so batches bound the working tables' memory.
    for number, start in enumerate(starts):
        if between_batches is not None and number and number % max(1, every) == 0:
            drop_working_tables(con)
            between_batches()
        with single_thread(con), small_batch_planning(con, len(ids)):
            began = time.perf_counter()
            steps: dict[str, float] = {}
            written += _review_batch(con, ids[start : start + BATCH_DOCUMENTS], config, steps)
            for name, seconds in steps.items():
                if timings is not None:
                    timings[name] = timings.get(name, 0.0) + seconds
            if log.isEnabledFor(logging.INFO):  # a long load's trace (etl load --timings)
                _log_batch(con, start, len(ids), time.perf_counter() - began, steps)
    drop_working_tables(con)  # the loader's marts refresh comes next: give the memory back
    return written


def _log_batch(
    con: duckdb.DuckDBPyConnection, start: int, total: int, seconds: float, steps: dict
) -> None:
    """One line per review batch: its time, its three slowest steps and DuckDB's memory, so
    a batch that slows down as the warehouse grows shows where and with how much memory."""
    slowest = sorted(steps.items(), key=lambda kv: -kv[1])[:3]
    memory, spilled = con.execute(
        "SELECT sum(memory_usage_bytes), sum(temporary_storage_bytes) FROM duckdb_memory()"
    ).fetchone() or (0, 0)
    log.info(
        "审核 %d–%d / %d：%.1f 秒（%s），DuckDB 内存 %d MB，溢出 %d MB",
        start + 1,
        min(start + BATCH_DOCUMENTS, total),
        total,
        seconds,
        "，".join(f"{name} {value:.1f}" for name, value in slowest),
        (memory or 0) // 2**20,
        (spilled or 0) // 2**20,
    )


def drop_working_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the review's temporary rv_* tables."""
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, 'rv_')"
    ).fetchall()
    for (name,) in names:
        con.execute(f'DROP TABLE IF EXISTS temp."{name}"')


def _review_batch(
    con: duckdb.DuckDBPyConnection, ids: list[int], config: dict, timings: dict | None
) -> int:
    run_rules(con, ids, config, timings)
    clock = Laps(timings)
    grade(con, config)
    clock.lap("grade")
    con.execute(
        f"""
        DELETE FROM goal_review_finding
        WHERE document_id IN (SELECT document_id FROM rv_doc) AND ordinal < {CROSS_OFFSET};
        DELETE FROM goal_review_project WHERE document_id IN (SELECT document_id FROM rv_doc);
        INSERT INTO goal_review_project BY NAME
        SELECT p.project_key, p.document_id, g.grade, g.score
        FROM rv_p AS p JOIN rv_grade AS g USING (holder) WHERE p.scope = 'project';
        INSERT INTO goal_review_finding BY NAME
        SELECT (('0x' || left(md5(concat_ws('|', 'finding', o.document_id, p.seq, o.ordinal)), 16))
                    ::UBIGINT >> 1)::BIGINT AS finding_key,
               p.project_key, o.document_id, o.ordinal::INTEGER AS ordinal, o.rule_id,
               o.severity, o.message, o.hint, o.idx AS indicator_index, o.indicator_name,
               o.line AS source_line
        FROM rv_out AS o JOIN rv_p AS p USING (holder) WHERE p.scope = 'project';
        """
    )
    clock.lap("write")
    return int(scalar(con, "SELECT count(*) FROM rv_out WHERE holder > 0"))


def collect(con: duckdb.DuckDBPyConnection, document_id: int, config: dict) -> dict:
    """The review of one document as etl.review.review_record returns it (after
    ``run_rules`` and ``grade``)."""
    from etl.review.grading import roll_up

    projects = con.execute(
        "SELECT p.holder, p.seq, p.code, p.name, p.line, g.grade, g.score "
        "FROM rv_p AS p JOIN rv_grade AS g USING (holder) "
        "WHERE p.scope = 'project' AND p.document_id = ? ORDER BY p.seq",
        [document_id],
    ).fetchall()
    rows = con.execute(
        "SELECT holder, rule_id, severity, message, hint, idx, indicator_name, line, title, "
        "variant FROM rv_out WHERE document_id = ? ORDER BY holder, ordinal",
        [document_id],
    ).fetchall()
    by_holder: dict[int, list[dict]] = {}
    for holder, rule_id, sev, message, hint, idx, name, line, title, variant in rows:
        by_holder.setdefault(holder, []).append(
            {
                "rule_id": rule_id,
                "severity": sev,
                "message": message,
                "hint": hint,
                "indicator_index": idx,
                "indicator_name": name,
                "source_line": line,
                "title": title,
                "slug": CATALOG[rule_id].slug if rule_id in CATALOG else None,
                "variant": variant,
            }
        )
    results = [
        {
            "seq": seq,
            "code": code,
            "name": name or "",
            "source_line": line,
            "grade": grade_,
            "score": float(score),
            "findings": by_holder.get(holder, []),
        }
        for holder, seq, code, name, line, grade_, score in projects
    ]
    grading = config.get("grading", {})
    unit = roll_up([p["grade"] for p in results], [p["score"] for p in results], grading)
    counts: dict[str, int] = {}
    for p in results:
        for f in p["findings"]:
            counts[f["rule_id"]] = counts.get(f["rule_id"], 0) + 1
    unit["findings_by_rule"] = dict(sorted(counts.items()))
    unit["findings"] = by_holder.get(-document_id, [])
    return {"projects": results, "unit": unit, "errors": []}


CROSS_INCREMENTAL_MAX = 200  # touched documents up to which only affected projects redo R21
GONE_TABLE = "cu_gone"  # project rows of documents a load deleted (note_deleted)
_ALL_PROJECTS = """CREATE OR REPLACE TEMP TABLE cu_projects AS
SELECT DISTINCT project_key FROM fact_project_budget WHERE fiscal_year IN ({years});"""
# the groups a touched document's rows are in now (cu_rows) or were in before (cu_gone), and
# every project with a row in one of them
_AFFECTED_PROJECTS = """CREATE OR REPLACE TEMP TABLE cu_projects AS
WITH groups AS (
    SELECT fiscal_year, name_key, target_key FROM cu_rows
    WHERE document_id IN (SELECT unnest(?::BIGINT[]))
    UNION
    SELECT g.fiscal_year, cu_name_key(i.indicator_name), cu_target_key(g.target_raw)
    FROM cu_gone AS g JOIN dim_indicator AS i USING (indicator_key)
    WHERE g.fiscal_year IN ({years})
      AND coalesce(i.level1, '') <> '满意度指标'
      AND length(coalesce(i.indicator_name, '')) >= 2
      AND coalesce(g.target_kind, '') <> 'deadline'
      AND coalesce(trim(g.target_raw), '') <> ''
)
SELECT DISTINCT project_key FROM cu_rows JOIN groups USING (fiscal_year, name_key, target_key);"""


def note_deleted(con: duckdb.DuckDBPyConnection, document_ids: list[int]) -> None:
    """Before a load deletes these documents' rows: keep what ``cross_unit`` needs to find
    the groups they leave (their project indicator rows' year, indicator and target)."""
    con.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {GONE_TABLE} (fiscal_year INTEGER, "
        "indicator_key BIGINT, target_raw VARCHAR, target_kind VARCHAR)"
    )
    if document_ids:
        con.execute(
            f"INSERT INTO {GONE_TABLE} SELECT fiscal_year, indicator_key, target_raw, "
            "target_kind FROM fact_indicator_target WHERE scope = 'project' "
            "AND document_id IN (SELECT unnest(?::BIGINT[]))",
            [document_ids],
        )


def cross_unit(
    con: duckdb.DuckDBPyConnection,
    documents: Iterable[int] | None,
    config: dict | None = None,
    *,
    incremental: bool = False,
) -> int:
    """Recompute the cross-unit copies (cross_unit.sql) of the touched fiscal years.

    ``incremental`` (the loader, which called ``note_deleted`` for every document it
    deleted): at most CROSS_INCREMENTAL_MAX documents recompute only the projects sharing a
    group with their rows, now or before; the rest of the year cannot change. Otherwise
    every project of the touched years is recomputed."""
    config = config or default_config()
    rule = rule_cfg(config, "R21")
    ids: list[int] = []
    if documents is None:
        years = con.execute("SELECT DISTINCT fiscal_year FROM fact_project_budget").fetchall()
    else:
        ids = sorted({int(d) for d in documents})
        if not ids:
            _drop_gone(con)
            return 0
        years = con.execute(
            "SELECT DISTINCT fiscal_year FROM source_document "
            "WHERE document_id IN (SELECT unnest(?::BIGINT[]))",
            [ids],
        ).fetchall()
    incremental = (
        incremental
        and documents is not None
        and len(ids) <= CROSS_INCREMENTAL_MAX
        and rule.get("enabled", True)
        and int(rule.get("across_units_min", 3)) > 0
    )
    if _gone_exists(con):  # the years of deleted documents too
        years += con.execute(f"SELECT DISTINCT fiscal_year FROM {GONE_TABLE}").fetchall()
    elif incremental:
        note_deleted(con, [])  # nothing was deleted: an empty table for the query
    years_list = sorted({int(y) for (y,) in years if y is not None})
    if not years_list:
        _drop_gone(con)
        return 0
    year_sql = ", ".join(str(y) for y in years_list)
    projects = (_AFFECTED_PROJECTS if incremental else _ALL_PROJECTS).format(years=year_sql)
    enabled = rule.get("enabled", True) and int(rule.get("across_units_min", 3)) > 0
    sql = CROSS_UNIT_SQL.read_text(encoding="utf-8").format(
        years=year_sql,
        projects=projects.replace("?::BIGINT[]", _id_list(ids)),
        min_units=int(rule.get("across_units_min", 3)),
        severity=str(rule.get("across_units_severity", "提示")).replace("'", "''"),
        hint=CATALOG["R21"].hint.replace("'", "''"),
        offset=CROSS_OFFSET,
        enabled="true" if enabled else "false",  # off: only remove what an earlier run added
        same_row=_same_row(con),
    )
    try:
        con.execute(sql)
    finally:
        _drop_gone(con)  # cu_rewritten stays: rewritten_documents reads it
        con.execute("DROP TABLE IF EXISTS temp.cu_rows; DROP TABLE IF EXISTS temp.cu_projects")
    return int(
        scalar(con, "SELECT count(*) FROM goal_review_finding WHERE ordinal >= ?", [CROSS_OFFSET])
    )


def rewritten_documents(con: duckdb.DuckDBPyConnection) -> set[int]:
    """The documents whose cross-unit copies the last ``cross_unit`` call on this connection
    deleted or wrote (the loader's scoped data checks must look at them)."""
    exists = scalar(
        con,
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = 'cu_rewritten'",
    )
    if not exists:
        return set()
    rows = con.execute("SELECT document_id FROM cu_rewritten").fetchall()
    return {int(d) for (d,) in rows if d is not None}


def _same_row(con: duckdb.DuckDBPyConnection) -> str:
    """SQL: rows ``o`` and ``n`` of goal_review_finding equal in every column (a hash join on
    the key; read from the catalogue, so a column added later is compared too)."""
    columns = [
        c
        for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'goal_review_finding' "
            "AND NOT internal ORDER BY column_index"
        ).fetchall()
    ]
    rest = [f'n."{c}" IS NOT DISTINCT FROM o."{c}"' for c in columns if c != "finding_key"]
    return " AND ".join(["n.finding_key = o.finding_key", *rest])


def _id_list(ids: list[int]) -> str:
    """A BIGINT list literal (document ids are integers: nothing to escape)."""
    return "[" + ", ".join(str(int(i)) for i in ids) + "]::BIGINT[]"


def _gone_exists(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        scalar(
            con,
            "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
            [GONE_TABLE],
        )
    )


def _drop_gone(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS temp.{GONE_TABLE}")
