"""The loader reviews what it wrote in the warehouse (review_sql.after_load): the review rows
appear without any review in the parse workers, and a failing rule logs one line and keeps
the load."""

from __future__ import annotations

import logging

import duckdb

import warehouse.review as review
from tests.support.records import TEST_PARSER_VERSION, json_parse, record, write_record
from warehouse.load.loader import load_paths
from warehouse.load.storage import current_file


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
