"""The document lines each project came from, stored at load time for the card's "查看原文".

The dashboard must never open server paths, so the loader keeps, per project, the lines
from the project's first line up to the next project's (at most ``MAX_LINES``), read with
the same reader the parser used (table rows are joined with tabs, as in a text export).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the parse workers import this module for text_rows only (no DuckDB)
    import duckdb

    from etl.blocks import BlockStream

TABLE = "project_source_text"
MAX_LINES = 200
MAX_CHARS = 40_000


def lines_of(stream: BlockStream) -> dict[int, str]:
    """line number → text of a block stream (table rows joined with tabs)."""
    from etl.blocks import Paragraph

    lines: dict[int, str] = {}
    for block in stream.blocks:
        text = block.text if isinstance(block, Paragraph) else "\t".join(block.cells)
        lines[block.line] = f"{lines[block.line]}\t{text}" if block.line in lines else text
    return lines


def read_lines(path: str) -> dict[int, str]:
    """line number → text of one document (empty when it cannot be read any more)."""
    from etl.errors import DocumentError
    from etl.readers import read_blocks

    try:
        stream = read_blocks(Path(path))
    except (DocumentError, OSError, ValueError):
        return {}
    return lines_of(stream)


def text_rows(
    document_id: int, starts: list[tuple[int, int]], lines: dict[int, str]
) -> list[dict[str, object]]:
    """Rows of the table for one document: ``starts`` are (project_key, first line) in
    (first line, seq) order, ``lines`` the document's lines. Runs in the parse workers, from
    the block stream the parser already read (the file is not read again)."""
    if not lines or not starts:
        return []
    rows: list[dict[str, object]] = []
    last_line = max(lines)
    # line number -> text as a list ("" for a line without a block): a project's text is
    # then one slice and one join, not a lookup per line
    by_number = [""] * (last_line + 1)
    for number, line in lines.items():
        if number >= 0:
            by_number[number] = line
    for key, first, last in _spans(starts, last_line):
        if first >= 0:  # past the last line: "" lines, which rstrip removes anyway
            text = "\n".join(by_number[first : last + 1]).rstrip()
        else:  # never from a reader (lines count from 0 or 1); kept exact all the same
            text = "\n".join(lines.get(n, "") for n in range(first, last + 1)).rstrip()
        rows.append(
            {
                "document_id": document_id,
                "project_key": key,
                "first_line": first,
                "last_line": last,
                "text": text[:MAX_CHARS],
            }
        )
    return rows


def prune(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the lines of documents no longer in the warehouse (the loader writes the lines
    of the documents it loads together with their rows)."""
    con.execute(
        f"DELETE FROM {TABLE} WHERE document_id NOT IN (SELECT document_id FROM source_document)"
    )


def _spans(starts: list[tuple[int, int]], last_line: int) -> list[tuple[int, int, int]]:
    """(project_key, first, last) for projects sorted by their first line."""
    out = []
    for i, (key, first) in enumerate(starts):
        end = starts[i + 1][1] - 1 if i + 1 < len(starts) else last_line
        end = max(first, min(end, first + MAX_LINES - 1))
        out.append((key, first, end))
    return out


def store(con: duckdb.DuckDBPyConnection, documents: Iterable[int]) -> int:
    """Replace the stored lines of ``documents`` (and drop those of removed documents) by
    reading the files again: the Parquet load path, which has no block streams."""
    documents = sorted(set(documents))
    con.execute(
        f"DELETE FROM {TABLE} WHERE document_id IN (SELECT unnest(?::BIGINT[])) "
        "OR document_id NOT IN (SELECT document_id FROM source_document)",
        [documents],
    )
    if not documents:
        return 0
    rows = con.execute(
        """
        SELECT d.document_id, d.path, f.project_key, f.source_line
        FROM source_document d JOIN fact_project_budget f USING (document_id)
        WHERE d.document_id IN (SELECT unnest(?::BIGINT[])) AND f.source_line IS NOT NULL
        ORDER BY d.document_id, f.source_line, f.seq
        """,
        [documents],
    ).fetchall()
    by_doc: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for document_id, path, key, line in rows:
        by_doc.setdefault((document_id, path), []).append((key, line))
    out: dict[str, list] = {
        k: [] for k in ("document_id", "project_key", "first_line", "last_line", "text")
    }
    for (document_id, path), starts in by_doc.items():
        for row in text_rows(document_id, starts, read_lines(path)):
            for name, value in row.items():
                out[name].append(value)
    if not out["text"]:
        return 0
    import pyarrow as pa

    table = pa.table(
        {
            "document_id": pa.array(out["document_id"], pa.int64()),
            "project_key": pa.array(out["project_key"], pa.int64()),
            "first_line": pa.array(out["first_line"], pa.int32()),
            "last_line": pa.array(out["last_line"], pa.int32()),
            "text": pa.array(out["text"], pa.string()),
        }
    )
    con.register("_source_text_batch", table)
    try:
        con.execute(f"INSERT INTO {TABLE} BY NAME SELECT * FROM _source_text_batch")
    finally:
        con.unregister("_source_text_batch")
    return table.num_rows
