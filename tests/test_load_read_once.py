"""Each file is read once by the parse and hashed once per load; nothing changes for it.

The loader hashes a file to decide whether it changed; the worker then reads it once
(``read_and_parse``: the block stream feeds both the parser and the project source text,
the hash is not computed again). This compares that path with the plain
``etl.parser.parse_file`` on the seeds (with their manifest), synthetic documents, a .docx
and an .xlsx built from a seed, and bad files, and the stored source text with the one
read back from the files afterwards (the old way).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.errors import DocumentError
from etl.parser import parse_file
from etl.readers import read_blocks
from synth.corpus import write_corpus
from tests.fixtures.build_office import docx_from_blocks, xlsx_from_blocks
from warehouse.load import source_text
from warehouse.load.loader import load_paths
from warehouse.load.parse_worker import read_and_parse

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("read_once")
    seeds = folder / "seeds"
    seeds.mkdir()
    for seed in sorted(DATA.glob("00*.txt")):
        shutil.copy(seed, seeds / seed.name)
    shutil.copy(DATA / "manifest.toml", seeds / "manifest.toml")
    first = sorted(DATA.glob("00*.txt"))[0]
    blocks = read_blocks(first).blocks
    (folder / "office").mkdir()
    docx_from_blocks(blocks, folder / "office" / "seed0.docx")
    xlsx_from_blocks(blocks, folder / "office" / "seed0.xlsx")
    write_corpus(24, folder / "synth", 11)
    (folder / "synth" / "empty.txt").write_bytes(b"")
    (folder / "synth" / "binary.txt").write_bytes(b"\x00\x01\x02\x03")
    return folder


def _documents(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.suffix in (".txt", ".docx", ".xlsx") and p.is_file()
    )


def _outcome(parse, path: Path) -> object:
    try:
        return parse(path)
    except DocumentError as exc:
        return ("rejected", str(exc))


def test_read_once_gives_the_parse_file_record(corpus: Path) -> None:
    documents = _documents(corpus)
    assert len(documents) >= 30
    rejected = 0
    for path in documents:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        expected = _outcome(parse_file, path)
        got = _outcome(lambda p, sha=sha: read_and_parse(p, sha)[0], path)
        assert got == expected, path.name
        rejected += isinstance(expected, tuple)
    assert rejected >= 2  # the bad files are rejected the same way


def test_stored_source_text_equals_the_files_read_again(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    summary = load_paths([corpus], db, progress=False, review=False, isolate=False)
    assert summary.loaded >= 25
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = con.execute(
            "SELECT document_id, project_key, first_line, last_line, text "
            "FROM project_source_text ORDER BY ALL"
        ).fetchall()
        facts = con.execute(
            "SELECT d.document_id, d.path, f.project_key, f.source_line "
            "FROM source_document d JOIN fact_project_budget f USING (document_id) "
            "WHERE f.source_line IS NOT NULL ORDER BY d.document_id, f.source_line, f.seq"
        ).fetchall()
    finally:
        con.close()
    starts: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for document_id, path, key, line in facts:
        starts.setdefault((document_id, path), []).append((key, line))
    expected = sorted(
        tuple(row.values())
        for (document_id, path), doc_starts in starts.items()
        for row in source_text.text_rows(document_id, doc_starts, source_text.read_lines(path))
    )
    assert stored == expected
    assert len(stored) >= 60
