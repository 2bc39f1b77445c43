"""Linking precision and recall against a synthetic corpus's ground truth.

``python -m warehouse.identity_eval DB CORPUS_DIR`` (after ``python -m etl synth … --out
CORPUS_DIR`` and ``python -m etl load CORPUS_DIR --db DB``). The generator gives a township a
stable portfolio, so a project recurs under the same name in the same township; the truth
identity of a row is (province, city, county, township, name) from manifest.jsonl. Rows are
matched to the warehouse by file name and project order. Pairs of rows that share an
identity are compared: precision = shared pairs / linked pairs, recall = shared / true.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath

import duckdb

from etl.synth.corpus import read_manifest
from warehouse.identity import iter_pairs


@dataclass(frozen=True)
class LinkQuality:
    rows: int
    true_pairs: int
    linked_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.linked_pairs if self.linked_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def evaluate(db: Path, corpus: Path) -> LinkQuality:
    """Compare project_identity in ``db`` with the manifest of ``corpus``."""
    truth: dict[tuple[str, int], tuple] = {}
    for doc in read_manifest(corpus):
        if doc.get("error"):
            continue
        place = (doc["province"], doc["city"], doc["county"], doc["township"])
        for project in doc["projects"]:
            truth[(doc["file"], project["seq"])] = (*place, project["name"])
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """
            SELECT p.source_file, p.seq, i.identity_key
            FROM mart_project_budget p JOIN project_identity i USING (project_key)
            """
        ).fetchall()
    finally:
        con.close()
    predicted, actual = [], []
    ids: dict[tuple, int] = {}
    for n, (path, seq, identity) in enumerate(rows):
        key = (PurePath(path).name, int(seq))
        if key not in truth:
            continue
        predicted.append((n, identity))
        actual.append((n, ids.setdefault(truth[key], len(ids))))
    pred, true = iter_pairs(predicted), iter_pairs(actual)
    return LinkQuality(len(predicted), len(true), len(pred), len(pred & true))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse.identity_eval")
    parser.add_argument("db", type=Path)
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args(argv)
    q = evaluate(args.db, args.corpus)
    print(
        f"rows {q.rows}, true pairs {q.true_pairs}, linked pairs {q.linked_pairs}, "
        f"correct {q.correct_pairs}: precision {q.precision:.4f}, recall {q.recall:.4f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
