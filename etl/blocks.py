"""The format-independent stream every reader produces and every layout consumes.

A reader (plain-text export, .docx, .xlsx, .csv) turns a file into an ordered list of
blocks: free paragraphs and table rows. Layout recognizers only ever see blocks, so a new
file format means a new reader, never a second parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A line of running text outside any table (titles, headings, prose)."""

    text: str
    line: int  # 1-based source line (or paragraph/row ordinal for binary formats)


@dataclass(frozen=True, slots=True)
class Row:
    """One table row. Cells are raw strings; merged cells are already resolved by the reader
    (a vertically merged cell repeats as an empty string, exactly like the text export)."""

    cells: tuple[str, ...]
    line: int  # 1-based source line of the row's first cell
    table: int = 0  # ordinal of the table the row belongs to, from 0

    def cell(self, index: int) -> str:
        """The cell at ``index`` or "" when the row is shorter (ragged tables are common)."""
        return self.cells[index] if 0 <= index < len(self.cells) else ""


Block = Paragraph | Row


@dataclass(slots=True)
class BlockStream:
    """A document as blocks plus what the reader learned about the container format."""

    blocks: list[Block]
    format: str  # "txt", "docx", "xlsx", "csv"
    meta: dict[str, str] = field(default_factory=dict)
