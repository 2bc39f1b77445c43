"""The text reader's whole-text fast paths give exactly what the line-by-line rules give.

`blocks_from_text` splits blank-line runs with string methods and `normalize_text_ends`
uses whole-text regular expressions (docs/parser.md, Speed); both are checked against the
plain rules of the module docstring on crafted edge cases and on seeded random texts."""

from __future__ import annotations

import random

import pytest

from etl.blocks import Paragraph, Row
from etl.readers.text import (
    blocks_from_lines,
    blocks_from_text,
    ends_mid_row,
    normalize_line_ends,
    normalize_text_ends,
    read_text,
)


def reference_blocks(lines: list[str]) -> list:
    """The export rules one line at a time (the reader's original loop)."""
    blocks: list = []
    cells: list[str] = []
    row_line = table = 0
    in_table = False
    for number, line in enumerate(lines, start=1):
        if line.startswith("\t"):
            if not cells:
                row_line = number
                in_table = True
            cells.append(line[1:])
        elif line == "":
            if cells:
                blocks.append(Row(tuple(cells), row_line, table))
                cells = []
        elif cells:
            cells[-1] = f"{cells[-1]}\n{line}"
        else:
            if in_table and line.strip():
                table += 1
                in_table = False
            blocks.append(Paragraph(line, number))
    if cells:
        blocks.append(Row(tuple(cells), row_line, table))
    return blocks


EDGE_CASES = [
    "",
    "\n",
    "\n\n\n",
    "title",
    "\ta\n\tb",
    "\ta\n\tb\n",
    "\ta\ncontinued\n\tb\n\nafter\n\n\tc",
    "p1\np2\n\ta\n\tb\n\n\n\n\tc\n\n",
    "\t\tdouble tab\n\t\n\t\n\nnext",
    "\ta\n\n \n\tb\n\n",
    "intro\n\n\n\n\n\ttable\nmore\n\tcell\n",
]

PIECES = ["\t", "\ta", "\t\tb", "", "", "x", " ", "\u3000", "p q ", "\tc ", "d\u3000", "\t "]
ENDS = ["\n", "\n", "", " \n", "\u3000\n", "\u00a0\n"]


def _random_texts(count: int) -> list[str]:
    rnd = random.Random(14)
    return [
        "".join(rnd.choice(PIECES) + rnd.choice(ENDS) for _ in range(rnd.randint(0, 12)))
        for _ in range(count)
    ]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_blocks_from_text_follows_the_line_rules(text: str) -> None:
    assert blocks_from_text(text) == reference_blocks(text.split("\n"))
    assert blocks_from_lines(text.split("\n")) == reference_blocks(text.split("\n"))


def test_random_texts_give_the_same_blocks_and_padding() -> None:
    for text in _random_texts(3000):
        lines = text.split("\n")
        assert blocks_from_text(text) == reference_blocks(lines), text
        assert normalize_text_ends(text) == "\n".join(normalize_line_ends(lines)), text
        padded = "\n".join(line + "  " for line in lines)  # a file padded line by line
        assert normalize_text_ends(padded) == "\n".join(normalize_line_ends(padded.split("\n")))


def test_read_text_marks_a_row_cut_at_the_end() -> None:
    for text in _random_texts(1000):
        if not text.strip():
            continue
        stream = read_text("x.txt", text.encode("utf-8"))
        lines = normalize_line_ends(text.split("\n"))
        assert (stream.meta.get("ended_mid_row") == "1") == ends_mid_row(lines), text
        assert stream.blocks == reference_blocks(lines), text


def test_padding_after_text_is_cut_but_a_space_line_in_a_cell_stays() -> None:
    # a truly empty line ends the row, so the space-only line continues the cell
    assert normalize_text_ends("\ta  \n \n\tb\u3000\n\nend ") == "\ta\n \n\tb\n\nend"
    # no empty line after a cell: whitespace-only lines are row ends
    assert normalize_text_ends("\ta \n \n\tb") == "\ta\n\n\tb"
