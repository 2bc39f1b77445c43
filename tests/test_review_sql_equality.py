"""The set-based review the loader runs (warehouse.review.review_documents over a whole load)
gives every project of a 200-document synthetic corpus the same grade, score and findings (in
the same order) as the per-document Python review (etl.review, kept as the oracle)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.errors import DocumentError
from etl.parser import parse_file
from etl.review import review_record
from synth.cli import main as synth_main
from warehouse.load.loader import load_paths
from warehouse.load.storage import current_file
from warehouse.review import CROSS_OFFSET

pytestmark = pytest.mark.slow
DOCS = 200


def _finding(f: dict) -> tuple:
    return (
        f["rule_id"],
        f["indicator_index"],
        f["severity"],
        f["message"],
        f["hint"],
        f["source_line"],
        f["indicator_name"],
    )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    corpus = tmp_path_factory.mktemp("rsql_corpus")
    args = ["--docs", str(DOCS), "--out", str(corpus), "--seed", "7", "--jobs", "1"]
    assert synth_main(args) == 0
    db = tmp_path_factory.mktemp("rsql_wh") / "warehouse.duckdb"
    load_paths([corpus], db, progress=False)
    return corpus, db


def _warehouse_review(db: Path) -> dict[tuple[str, int], tuple]:
    con = duckdb.connect(str(current_file(db)), read_only=True)
    try:
        projects = con.execute(
            "SELECT d.path, f.seq, g.grade, g.score, f.project_key "
            "FROM goal_review_project AS g JOIN fact_project_budget AS f USING (project_key) "
            "JOIN source_document AS d ON d.document_id = f.document_id"
        ).fetchall()
        rows = con.execute(
            "SELECT project_key, rule_id, indicator_index, severity, message, hint, "
            "source_line, indicator_name FROM goal_review_finding WHERE ordinal < ? "
            "ORDER BY project_key, ordinal",
            [CROSS_OFFSET],
        ).fetchall()
    finally:
        con.close()
    findings: dict[int, list] = {}
    for pkey, *finding in rows:  # in ordinal order: the order a reviewer reads them
        findings.setdefault(pkey, []).append(tuple(finding))
    return {
        (Path(path).name, seq): (grade, float(score), findings.get(pkey, []))
        for path, seq, grade, score, pkey in projects
    }


def _python_review(corpus: Path) -> dict[tuple[str, int], tuple]:
    out = {}
    for path in sorted(corpus.glob("*.txt")):
        try:
            record = parse_file(path)
        except DocumentError:
            continue  # the corpus has deliberately broken files; the loader rejects them
        for project in review_record(record)["projects"]:
            out[(path.name, project["seq"])] = (
                project["grade"],
                float(project["score"]),
                [_finding(f) for f in project["findings"]],
            )
    return out


def test_sql_review_equals_python_review_on_synthetic_corpus(loaded):
    corpus, db = loaded
    sql, python = _warehouse_review(db), _python_review(corpus)
    assert len(python) > 1000  # the corpus really has projects to compare
    assert sql.keys() == python.keys()
    differing = [k for k in python if sql[k] != python[k]]
    details = [(k, sql[k], python[k]) for k in differing[:3]]
    assert not differing, f"{len(differing)} projects differ, e.g. {details}"
    findings = sum(len(v[2]) for v in python.values())
    assert findings > 1000 and len({v[0] for v in python.values()}) >= 3
