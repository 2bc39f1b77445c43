"""Run the data checks of checks.sql: each query lists violations and must return no rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.vocabulary import sql_list, target_kinds
from warehouse.dbutil import scalar

CHECKS_SQL = Path(__file__).resolve().parent / "checks.sql"
# Placeholders of checks.sql filled from the one vocabulary (data/vocabulary/*.toml).
_PLACEHOLDERS = {
    "@TARGET_KINDS@": lambda: sql_list(target_kinds().order),
    "@HORIZONS@": lambda: sql_list(target_kinds().horizons),
}
_HEADER = re.compile(r"^--\s*check:\s*(?P<name>[\w.-]+)\s*\|\s*(?P<desc>.+)$")


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    sql: str


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

    def flush() -> None:
        if name:
            sql = "\n".join(body).strip().rstrip(";").strip()
            for token, fill in _PLACEHOLDERS.items():
                sql = sql.replace(token, fill())
            checks.append(Check(name, desc or name, sql))

    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER.match(line.strip())
        if match:
            flush()
            name, desc, body = match["name"], match["desc"].strip(), []
        elif name and not line.strip().startswith("--"):
            body.append(line)
    flush()
    return checks


def run_checks(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """Every check with its violation count and up to five sample rows."""
    results = []
    for check in load_checks():
        rows = con.execute(f"SELECT * FROM ({check.sql}) LIMIT 6").fetchall()
        count = len(rows)
        if count > 5:
            count = scalar(con, f"SELECT count(*) FROM ({check.sql})")
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
