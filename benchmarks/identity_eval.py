"""Linking precision and recall against a synthetic corpus's ground truth.

``python -m benchmarks.identity_eval DB CORPUS_DIR`` (after ``python -m etl synth … --out
CORPUS_DIR`` and ``python -m etl load CORPUS_DIR --db DB``). The generator gives a township a
stable portfolio, so a project recurs under the same name in the same township; the truth
identity of a row is (province, city, county, township, name) from manifest.jsonl. Rows are
matched to the warehouse by file name and project order. Pairs of rows that share an
identity are compared: precision = shared pairs / linked pairs, recall = shared / true.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath

import duckdb

from synth.corpus import MANIFEST, read_manifest
from warehouse.load.identity import iter_pairs


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


def _variant(rng: random.Random, name: str, year: int) -> str:
    """How a recurring project's name drifts between budgets in real documents."""
    choice = rng.randrange(6)
    if choice == 0:
        return f"{year}年{name}"
    if choice == 1:
        return name + "资金" if not name.endswith("资金") else name[:-2]
    if choice == 2 and len(name) > 4:
        return name[:2] + "　" + name[2:]  # a full-width space inside the name
    if choice == 3:
        return f"{year}年度{name}项目"
    return name


def perturb_corpus(src: Path, dst: Path, seed: int = 7, share: float = 0.5) -> int:
    """Copy a synthetic corpus, renaming ``share`` of its project occurrences the way names
    drift from year to year (a year prefix, 资金/项目 added or dropped, a stray space); the
    manifest (the truth) keeps the template names. Returns how many names were changed."""
    rng = random.Random(seed)
    dst.mkdir(parents=True, exist_ok=True)
    changed = 0
    for doc in read_manifest(src):
        data = (src / doc["file"]).read_bytes()
        if doc.get("error") or doc.get("broken"):
            (dst / doc["file"]).write_bytes(data)
            continue
        text = data.decode(doc["encoding"])
        for project in doc["projects"]:
            if rng.random() < share:
                new = _variant(rng, project["name"], doc["year"])
                if new != project["name"] and project["name"] in text:
                    text = text.replace(project["name"], new)
                    changed += 1
        (dst / doc["file"]).write_bytes(text.encode(doc["encoding"]))
    (dst / MANIFEST).write_bytes((src / MANIFEST).read_bytes())
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.identity_eval")
    parser.add_argument("db", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument(
        "--perturb",
        type=Path,
        metavar="OUT",
        help="copy the corpus to OUT with drifting project names, load it into DB, evaluate",
    )
    args = parser.parse_args(argv)
    if args.perturb:
        from warehouse.load.loader import load_paths

        changed = perturb_corpus(args.corpus, args.perturb)
        print(f"renamed {changed} project occurrences in {args.perturb}")
        load_paths([args.perturb], args.db, progress=False)
        args.corpus = args.perturb
    q = evaluate(args.db, args.corpus)
    print(
        f"rows {q.rows}, true pairs {q.true_pairs}, linked pairs {q.linked_pairs}, "
        f"correct {q.correct_pairs}: precision {q.precision:.4f}, recall {q.recall:.4f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
