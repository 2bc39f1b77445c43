"""The SQL guard and sandbox on the real warehouse built from data/ (issue 5 integration)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.test_sql_guard import REFUSED
from warehouse.serve.query_cli import main as query_main
from warehouse.serve.sandbox import run_guarded
from warehouse.serve.sql_examples import EXAMPLES


def digest(path: Path) -> str:
    return hashlib.sha256(path.resolve().read_bytes()).hexdigest()


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title for e in EXAMPLES])
def test_examples_answer_on_seed_warehouse(example, seed_warehouse: Path) -> None:
    outcome = run_guarded(seed_warehouse, example.sql)
    assert outcome.error is None, outcome.error
    assert len(outcome.frame) > 0


def test_budget_total_through_the_guard(seed_warehouse: Path) -> None:
    outcome = run_guarded(
        seed_warehouse,
        "SELECT count(*) AS n, sum(budget_total_yuan) AS total FROM v_project_budget",
    )
    assert outcome.error is None
    assert outcome.frame.iloc[0].tolist() == [68, 22_335_100]


def test_mysql_dialect_on_seed_warehouse(seed_warehouse: Path) -> None:
    outcome = run_guarded(
        seed_warehouse,
        "SELECT township, IFNULL(SUM(budget_total_yuan), 0) AS t "
        "FROM v_project_budget GROUP BY township ORDER BY t DESC LIMIT 0, 2",
        dialect="mysql",
    )
    assert outcome.error is None and list(outcome.frame["township"]) == ["老庄子镇", "开元镇"]


def test_refused_suite_leaves_seed_warehouse_byte_identical(seed_warehouse: Path, capsys) -> None:
    before = digest(seed_warehouse)
    for case in REFUSED:
        assert run_guarded(seed_warehouse, case.sql).refused, case.sql
        assert query_main([case.sql, "--db", str(seed_warehouse)]) == 2
    capsys.readouterr()
    assert digest(seed_warehouse) == before
