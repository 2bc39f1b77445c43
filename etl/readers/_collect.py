"""Shared block assembly for the binary readers (.docx, .xlsx, .csv).

The layouts were written against the text export, so every reader numbers tables the way
the text reader does: a table ordinal only advances when a non-blank paragraph separates
two runs of rows (the export cannot tell apart tables divided by an empty paragraph), or
when the reader says a new table starts (a new worksheet).
"""

from __future__ import annotations

import re

from etl.blocks import Block, Paragraph, Row

HEADER_WORDS = ("一级指标", "三级指标", "项目名称", "指标值")
_SPACES = re.compile(r"\s+")


def is_goal_header_cell(text: str) -> bool:
    """A short cell that names a goal-table column (`三级\\n指标` and `指标值（%）` count), in
    any wording the reader's vocabulary knows (`绩效指标分类`, `產出指標`, a level-1 name heading
    a transposed table), so a sheet is kept exactly when the general reader could read it."""
    compact = _SPACES.sub("", text)
    if len(compact) > 40:
        return False
    if len(compact) <= 12 and compact.startswith(HEADER_WORDS):
        return True
    from etl.layouts.indicators import INDICATOR_ROLES
    from etl.vocabulary import column_role, level1_of

    return column_role(compact)[0] in INDICATOR_ROLES or level1_of(compact) is not None


def brief_error(error: BaseException) -> str:
    """Exception type and message squeezed onto one short line for a DocumentError."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:100]}" if text else type(error).__name__


class BlockCollector:
    """Appends paragraphs and rows, numbering lines and tables like the text export."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._table = 0
        self._in_table = False

    def paragraph(self, text: str, line: int | None = None) -> None:
        """Add a paragraph; empty text is dropped (the export prints nothing for it)."""
        if text == "":
            return
        if self._in_table and text.strip():
            self._table += 1
            self._in_table = False
        self.blocks.append(Paragraph(text, self._line(line)))

    def row(self, cells: list[str] | tuple[str, ...], line: int | None = None) -> Row:
        """Add a row to the current table and return it (readers note which table it joined)."""
        self._in_table = True
        row = Row(tuple(cells), self._line(line), self._table)
        self.blocks.append(row)
        return row

    def new_table(self) -> None:
        """The next row starts a new table even without a paragraph in between."""
        if self._in_table:
            self._table += 1
            self._in_table = False

    def _line(self, line: int | None) -> int:
        # binary formats have no lines: the 1-based block ordinal stands in for one
        return len(self.blocks) + 1 if line is None else line
