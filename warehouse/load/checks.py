"""Run the data checks of checks.sql: each query lists violations and must return no rows.

A small load that starts from a version which passed every check runs the scoped form of the
checks that have one (checks.sql, "-- scoped:"): the rows it wrote, deleted or refreshed,
and the rows whose parents it deleted. The loader fills the scope tables while it works
(``begin_scope``, ``note_deleted``, ``note_gone``); docs/reload_path.md explains why the
scoped form finds the same violations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.vocabulary import sql_list, target_kinds
from warehouse.dbutil import scalar
from warehouse.load.transform import PROJECT_KEYED_TABLES

CHECKS_SQL = Path(__file__).resolve().parent / "checks.sql"
# Placeholders of checks.sql filled from the one vocabulary (data/vocabulary/*.toml).
_PLACEHOLDERS = {
    "@TARGET_KINDS@": lambda: sql_list(target_kinds().order),
    "@HORIZONS@": lambda: sql_list(target_kinds().horizons),
}
_HEADER = re.compile(r"^--\s*check:\s*(?P<name>[\w.-]+)\s*\|\s*(?P<desc>.+)$")


SCOPED_MAX_DOCUMENTS = 500  # touched documents up to which the scoped checks run
# scope tables of the scoped checks (temporary, per connection)
_SCOPE_DDL = """
CREATE TEMP TABLE IF NOT EXISTS chk_doc (document_id BIGINT);
CREATE TEMP TABLE IF NOT EXISTS chk_gone_project (project_key BIGINT);
CREATE TEMP TABLE IF NOT EXISTS chk_gone_unit (unit_key BIGINT);
CREATE TEMP TABLE IF NOT EXISTS chk_gone_year (fiscal_year INTEGER);
"""


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    sql: str
    scoped: str | None = None  # the same check over what a small load touched


@dataclass(frozen=True)
class CheckResult:
    check: Check
    violations: int
    sample: list[tuple]

    @property
    def ok(self) -> bool:
        return self.violations == 0


def load_checks(path: Path = CHECKS_SQL) -> list[Check]:
    """Split checks.sql on its ``-- check:`` headers."""
    checks: list[Check] = []
    name = desc = None
    body: list[str] = []
    scoped: list[str] | None = None

    def clean(lines: list[str]) -> str:
        sql = "\n".join(lines).strip().rstrip(";").strip()
        for token, fill in _PLACEHOLDERS.items():
            sql = sql.replace(token, fill())
        return sql

    def flush() -> None:
        if name:
            scoped_sql = clean(scoped) if scoped else None
            checks.append(Check(name, desc or name, clean(body), scoped_sql))

    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER.match(line.strip())
        if match:
            flush()
            name, desc, body, scoped = match["name"], match["desc"].strip(), [], None
        elif name and line.strip() == "-- scoped:":
            scoped = []
        elif name and not line.strip().startswith("--"):
            (body if scoped is None else scoped).append(line)
    flush()
    return checks


def begin_scope(con: duckdb.DuckDBPyConnection) -> None:
    """Empty scope tables for a load on this connection."""
    con.execute(_SCOPE_DDL)
    for table in ("chk_doc", "chk_gone_project", "chk_gone_unit", "chk_gone_year"):
        con.execute(f"DELETE FROM {table}")


def note_deleted(con: duckdb.DuckDBPyConnection, document_ids: list[int]) -> None:
    """Before documents' rows are deleted: every project key they use (a row elsewhere that
    names one of them may be an orphan afterwards)."""
    if not document_ids:
        return
    con.execute(_SCOPE_DDL)
    union = " UNION ".join(
        f"SELECT project_key FROM {t} WHERE document_id IN (SELECT unnest($ids))"
        for t in PROJECT_KEYED_TABLES  # a deleted document's keys may be parents
    )
    con.execute(
        f"INSERT INTO chk_gone_project SELECT project_key FROM ({union}) "
        "WHERE project_key IS NOT NULL",
        {"ids": [int(d) for d in document_ids]},
    )


def note_gone(con: duckdb.DuckDBPyConnection, column: str, keys: list[int]) -> None:
    """Dimension keys the load deleted (``unit_key`` or ``fiscal_year``)."""
    table = {"unit_key": "chk_gone_unit", "fiscal_year": "chk_gone_year"}[column]
    if keys:
        con.execute(_SCOPE_DDL)
        con.execute(f"INSERT INTO {table} SELECT unnest(?)", [keys])


def passed_before(con: duckdb.DuckDBPyConnection, version_name: str | None) -> bool:
    """Whether the version a load copied (``version_name``) is the one the last logged load
    wrote, with every check passed: only then can the scoped checks stand for the full
    ones (a version written by another tool has no such row)."""
    if not version_name:
        return False
    row = con.execute(
        "SELECT db_file, checks_failed FROM load_run ORDER BY run_id DESC LIMIT 1"
    ).fetchone()
    return row is not None and row[0] == version_name and row[1] == 0


def run_checks(
    con: duckdb.DuckDBPyConnection, documents: Iterable[int] | None = None
) -> list[CheckResult]:
    """Every check with its violation count and up to five sample rows.

    ``documents``: the scope of a small load (chk_doc; the gone tables as ``note_deleted``
    and ``note_gone`` filled them): checks with a scoped form run it. Only valid when the
    version the load started from passed every check (``passed_before``)."""
    if documents is not None:
        con.execute(_SCOPE_DDL)
        con.execute("DELETE FROM chk_doc")
        ids = sorted({int(d) for d in documents})
        if ids:
            con.execute("INSERT INTO chk_doc SELECT unnest(?::BIGINT[])", [ids])
    results = []
    for check in load_checks():
        sql = check.scoped if documents is not None and check.scoped else check.sql
        rows = con.execute(f"SELECT * FROM ({sql}) LIMIT 6").fetchall()
        count = len(rows)
        if count > 5:
            count = scalar(con, f"SELECT count(*) FROM ({sql})")
        results.append(CheckResult(check, count, rows[:5]))
    return results


def report(results: list[CheckResult]) -> str:
    """One line per failed check, or a single "all passed" line."""
    failed = [r for r in results if not r.ok]
    if not failed:
        return f"数据检查全部通过（{len(results)} 项）"
    return "\n".join(
        f"数据检查未通过：{r.check.name}（{r.check.description}）"
        f"违规 {r.violations} 行，例：{r.sample[:3]}"
        for r in failed
    )
