"""``python -m etl load --from-parquet DIR``: build the DuckDB warehouse from parsed Parquet.

A cluster parses (etl/spark_parse.py), a laptop serves: the Parquet tables are inserted into
a new warehouse version through the same machinery as a normal load (warehouse/load/storage.py
versioned file + atomic pointer swap, the loader's delete-then-insert per document, its
dimension upserts, then marts, data checks and the load_run row). Documents already in the
warehouse under the same path are replaced; others stay.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import duckdb

from warehouse.dbutil import scalar
from warehouse.export import parquet_layout as layout
from warehouse.load import checks as checks_mod
from warehouse.load import derived, review_sql
from warehouse.load.classify import Classifier, load_classifier
from warehouse.load.loader import (
    LoadSummary,
    Rejected,
    _clean_dimensions,
    _delete_documents,
    _log_run,
    _totals,
)
from warehouse.load.reclassify import apply_rules, categorise_documents
from warehouse.load.storage import KEEP_PREVIOUS, new_version, writer_lock
from warehouse.schema import ddl as schema
from warehouse.schema import marts


class ParquetInputError(ValueError):
    """The folder is not a parse output (one line, shown to the user)."""


def read_run_file(root: Path) -> dict:
    """OUT/_spark_parse.json (a file, or a Spark text folder when written to object storage);
    an empty dict for a plain ``warehouse export`` folder."""
    target = root / layout.RUN_FILE
    if target.is_dir():
        parts = sorted(target.glob("part-*"))
        return json.loads(parts[0].read_text(encoding="utf-8")) if parts else {}
    if target.is_file():
        return json.loads(target.read_text(encoding="utf-8"))
    return {}


def _select(glob: str, table: str, replace: dict[str, str] | None = None) -> str:
    """SELECT of the table's own columns (partition-only columns such as province dropped),
    cast to the DuckDB types; Hive folders give the partition values back."""
    columns = []
    for field in schema.arrow_schema(table):
        expr = (replace or {}).get(field.name, field.name)
        columns.append(f"{expr} AS {field.name}")
    path = glob.replace("'", "''")
    return (
        f"SELECT {', '.join(columns)} FROM read_parquet('{path}', hive_partitioning=true, "
        "union_by_name=true)"
    )


def load_parquet(
    root: Path,
    db_path: Path,
    *,
    keep_versions: int = KEEP_PREVIOUS,
    classifier: Classifier | None = None,
) -> LoadSummary:
    """Insert the Parquet tables under ``root`` into a new version of the warehouse."""
    started = time.perf_counter()
    started_at = dt.datetime.now()
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(str(root))
    globs = {t: layout.table_glob(root, t) for t in layout.PARSE_TABLES}
    if globs["source_document"] is None:
        raise ParquetInputError(
            f"{root} 中没有 source_document 表的 Parquet 文件，不是解析输出文件夹"
        )
    run = read_run_file(root)
    classifier = classifier or load_classifier()
    db_path = Path(db_path).absolute()
    summary = LoadSummary(db_path=str(db_path), written=True)
    summary.duplicates = [tuple(d) for d in run.get("duplicates", [])]
    summary.rejected = [Rejected(p, reason, sha) for p, reason, sha in run.get("rejected", [])]
    with (
        writer_lock(db_path),
        new_version(db_path, keep=keep_versions, lock=False) as (con, target),
    ):
        summary.db_file = str(target)
        schema.ensure_schema(con)
        run_id = scalar(con, "SELECT coalesce(max(run_id), 0) + 1 FROM load_run")
        summary.run_id = run_id
        documents = _insert(con, globs, run_id)
        known = {r.path for r in summary.rejected}
        summary.rejected += [
            Rejected(p, reason, sha)
            for p, reason, sha in _rejects(con, globs["reject"])
            if p not in known
        ]
        summary.files_seen = int(
            run.get("files_seen") or documents + len(summary.rejected) + len(summary.duplicates)
        )
        summary.loaded = documents
        _clean_dimensions(con)
        if schema.get_meta(con, "rules_digest") != classifier.digest or run.get(
            "rules_digest"
        ) not in (None, classifier.digest):
            apply_rules(con, classifier)  # rows were classified by the parse's rule files
        # the warehouse-side steps of a load, over every document (as etl load does for
        # the documents it wrote): categories from purpose/goals, cross-unit review, then the
        # marts, project identities across years and the stored source text
        document_ids = {
            r[0] for r in con.execute("SELECT document_id FROM source_document").fetchall()
        }
        # an export written before the parse classified with the goals (2026-12-01) holds
        # name-and-purpose categories: bring them to what etl load now writes
        categorise_documents(con, classifier, document_ids)
        review_sql.after_load(con, document_ids)
        marts.refresh(con)
        derived.refresh(con, document_ids)
        summary.check_results = checks_mod.run_checks(con)
        summary.totals = _totals(con)
        for table, attr in (
            ("fact_project_budget", "projects"),
            ("fact_indicator_target", "indicators"),
            ("load_warning", "warnings"),
        ):
            setattr(summary, attr, _count(con, globs[table]))
        summary.elapsed_s = time.perf_counter() - started
        version = run.get("parser_version") or "parquet"
        _log_run(con, summary, started_at, version, [str(root)])
    summary.elapsed_s = time.perf_counter() - started
    return summary


def _count(con: duckdb.DuckDBPyConnection, glob: str | None) -> int:
    if glob is None:
        return 0
    path = glob.replace("'", "''")
    return scalar(con, f"SELECT count(*) FROM read_parquet('{path}')")


def _rejects(con: duckdb.DuckDBPyConnection, glob: str | None) -> list[tuple[str, str, str]]:
    if glob is None:
        return []
    path = glob.replace("'", "''")
    return con.execute(f"SELECT path, reason, sha256 FROM read_parquet('{path}')").fetchall()


def _insert(con: duckdb.DuckDBPyConnection, globs: dict[str, str | None], run_id: int) -> int:
    """Delete the documents' previous rows, insert the new ones, upsert the dimensions; one
    transaction. Returns the number of documents."""
    documents = globs["source_document"]
    if documents is None:  # load_parquet checked it; kept for the type
        raise ParquetInputError("没有 source_document 表的 Parquet 文件")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TEMP TABLE _incoming AS SELECT document_id, path FROM ("
            + _select(documents, "source_document")
            + ")"
        )
        ids = [r[0] for r in con.execute("SELECT document_id FROM _incoming").fetchall()]
        _delete_documents(con, ids)
        for table in layout.PARSE_TABLES:
            glob = globs[table]
            if glob is None or table == "reject":
                continue
            replace = {"run_id": str(run_id)} if table == "source_document" else None
            select = _select(glob, table, replace)
            key = layout.SHARED_DIMENSIONS.get(table)
            if table == "dim_unit":  # latest attributes win, as in the loader
                con.execute(
                    f"DELETE FROM dim_unit WHERE unit_key IN (SELECT unit_key FROM ({select}))"
                )
                con.execute(f"INSERT INTO dim_unit BY NAME {select}")
            elif key is not None:
                con.execute(
                    f"INSERT INTO {table} BY NAME SELECT * FROM ({select}) "
                    f"WHERE {key} NOT IN (SELECT {key} FROM {table})"
                )
            else:
                con.execute(f"INSERT INTO {table} BY NAME {select}")
        con.execute("DELETE FROM reject WHERE path IN (SELECT path FROM _incoming)")
        con.execute("DROP TABLE _incoming")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(ids)
