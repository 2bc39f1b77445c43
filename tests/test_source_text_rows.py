"""text_rows slices a list of lines; the text must be what a lookup per line number gave."""

from __future__ import annotations

import pytest

from warehouse.load import source_text


def _per_line(starts: list[tuple[int, int]], lines: dict[int, str]) -> list[str]:
    """The former way: one lookup per line number, "" for a line without text."""
    spans = source_text._spans(starts, max(lines))
    return [
        "\n".join(lines.get(n, "") for n in range(first, last + 1)).rstrip()[
            : source_text.MAX_CHARS
        ]
        for _, first, last in spans
    ]


LINES = {1: "标题", 3: "\t项目名称\t示例", 4: "\t预算 ", 7: "说明  ", 9: "结尾"}


@pytest.mark.parametrize(
    "starts",
    [
        [(11, 1)],
        [(11, 3), (12, 7)],
        [(11, 2), (12, 2), (13, 9)],
        [(11, 9), (12, 12)],  # a start past the last line
        [(11, 0), (12, 4)],
        [(11, -2), (12, 3)],  # never from a reader, still exact
    ],
)
def test_text_rows_equal_a_lookup_per_line(starts: list[tuple[int, int]]) -> None:
    rows = source_text.text_rows(5, starts, LINES)
    assert [row["text"] for row in rows] == _per_line(starts, LINES)
    assert [row["project_key"] for row in rows] == [key for key, _ in starts]
    assert all(row["document_id"] == 5 for row in rows)


def test_text_rows_respect_the_line_limit() -> None:
    lines = {n: f"第{n}行" for n in range(1, source_text.MAX_LINES + 50)}
    (row,) = source_text.text_rows(1, [(7, 1)], lines)
    assert row["last_line"] == source_text.MAX_LINES
    assert row["text"].splitlines()[-1] == f"第{source_text.MAX_LINES}行"
    assert row["text"] == _per_line([(7, 1)], lines)[0]
