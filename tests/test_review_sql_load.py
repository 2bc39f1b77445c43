"""The loader reviews what it wrote in the warehouse (review_sql.after_load): the review rows
appear without any review in the parse workers, and a failing rule logs one line and keeps
the load."""

from __future__ import annotations

import logging

import duckdb
import pytest

import warehouse.review as review
from tests.support.records import TEST_PARSER_VERSION, json_parse, record, write_record
from warehouse.load import review_sql
from warehouse.load.loader import load_paths
from warehouse.load.storage import VersionConnection, current_file


def _load(folder, db):
    for i, town in enumerate(["甲镇", "乙镇"]):
        write_record(folder / f"{i:03d}_{town}.txt", record(town, code=f"80100{i}"))
    return load_paths([folder], db, progress=False, parse=json_parse, version=TEST_PARSER_VERSION)


def _counts(db) -> tuple[int, int]:
    con = duckdb.connect(str(current_file(db)), read_only=True)
    try:
        projects = con.execute("SELECT count(*) FROM goal_review_project").fetchone()[0]
        findings = con.execute("SELECT count(*) FROM goal_review_finding").fetchone()[0]
        return projects, findings
    finally:
        con.close()


def test_load_reviews_in_the_warehouse(tmp_path):
    summary = _load(tmp_path / "docs", tmp_path / "w.duckdb")
    assert summary.exit_code == 0
    projects, findings = _counts(tmp_path / "w.duckdb")
    assert projects > 0 and findings > 0


def test_failing_rule_keeps_the_load(tmp_path, monkeypatch, caplog):
    monkeypatch.setitem(review.RULES, "R02", lambda config: "SELECT * FROM no_such_table")
    with caplog.at_level(logging.ERROR, logger="warehouse.load.review_sql"):
        summary = _load(tmp_path / "docs", tmp_path / "w.duckdb")
    assert summary.written and summary.totals
    messages = [r.getMessage() for r in caplog.records]
    assert any("绩效目标审核未完成" in m and "R02" in m for m in messages)
    assert _counts(tmp_path / "w.duckdb") == (0, 0)


REVIEW_TABLES = (
    "SELECT * FROM goal_review_project ORDER BY ALL",
    "SELECT * FROM goal_review_finding ORDER BY ALL",
)


def _review_rows(db) -> list[list[tuple]]:
    con = duckdb.connect(str(current_file(db)), read_only=True)
    try:
        return [con.execute(sql).fetchall() for sql in REVIEW_TABLES]
    finally:
        con.close()


def _four_towns(folder):
    for i, town in enumerate(["甲镇", "乙镇", "丙镇", "丁镇"]):
        write_record(folder / f"{i:03d}_{town}.txt", record(town, code=f"80200{i}"))


def test_reopened_connection_writes_the_same_review(tmp_path, monkeypatch):
    """A load of several review batches reopens its connection before, between and after
    them (storage.VersionConnection): the review rows are those of a load that does not."""
    _four_towns(tmp_path / "docs")
    plain = load_paths(
        [tmp_path / "docs"],
        tmp_path / "a.duckdb",
        progress=False,
        parse=json_parse,
        version=TEST_PARSER_VERSION,
    )
    reopened: list[int] = []
    original = VersionConnection.reopen

    def counting(self):
        reopened.append(1)
        original(self)

    monkeypatch.setattr(review, "BATCH_DOCUMENTS", 1)
    monkeypatch.setattr(review_sql, "REOPEN_EVERY", 1)
    monkeypatch.setattr(VersionConnection, "reopen", counting)
    again = load_paths(
        [tmp_path / "docs"],
        tmp_path / "b.duckdb",
        progress=False,
        parse=json_parse,
        version=TEST_PARSER_VERSION,
    )
    assert plain.exit_code == again.exit_code == 0
    assert len(reopened) == 5  # before, between the 4 batches (3), after the cross-unit step
    assert again.check_results and not again.check_failures
    rows = _review_rows(tmp_path / "b.duckdb")
    assert rows == _review_rows(tmp_path / "a.duckdb") and rows[1]


def test_interrupt_while_reopening_publishes_nothing(tmp_path, monkeypatch):
    """Ctrl-C in the middle of a reopen (the old connection closed, the new one not yet
    open): the unfinished version file is removed and the warehouse stays as it was."""
    db = tmp_path / "w.duckdb"
    _load(tmp_path / "first", db)
    before = current_file(db)
    _four_towns(tmp_path / "docs")
    calls: list[int] = []
    original = VersionConnection.reopen

    def interrupted(self):
        calls.append(1)
        if len(calls) == 2:
            self._con.close()
            raise KeyboardInterrupt
        original(self)

    monkeypatch.setattr(review, "BATCH_DOCUMENTS", 1)
    monkeypatch.setattr(review_sql, "REOPEN_EVERY", 1)
    monkeypatch.setattr(VersionConnection, "reopen", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load_paths(
            [tmp_path / "docs"], db, progress=False, parse=json_parse, version=TEST_PARSER_VERSION
        )
    assert current_file(db) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("w.duckdb.v")) == [
        before.name
    ]
