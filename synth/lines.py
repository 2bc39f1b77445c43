"""Write blocks the way the Word text export does (see etl/readers/text.py).

A cell is a line starting with a tab; its further lines follow without a tab; a blank line
ends the row. Building a list of lines and joining once keeps generation cheap.
"""

from __future__ import annotations

import random


class Lines:
    """An export under construction, plus the line spans of each project's indicator rows
    (used to cut a document off mid-table)."""

    __slots__ = ("out", "spans", "rng", "spaces")

    def __init__(self, rng: random.Random, spaces: bool) -> None:
        self.out: list[str] = []
        self.spans: list[tuple[int, int]] = []  # [start, end) line indexes per project
        self.rng = rng
        self.spaces = spaces  # this document carries stray spaces in some cells

    def para(self, *texts: str) -> None:
        self.out.extend(texts)

    def blank(self, count: int = 1) -> None:
        self.out.extend([""] * count)

    def row(self, cells: list[str] | tuple[str, ...]) -> None:
        out = self.out
        for cell in cells:
            if "\n" in cell:
                first, *rest = cell.split("\n")
                out.append("\t" + first)
                out.extend(line for line in rest if line)
            else:
                out.append("\t" + cell)
        out.append("")

    def noisy(self, text: str) -> str:
        """Maybe add the stray spaces real exports carry (trailing blanks, a leading 　)."""
        if not self.spaces or not text:
            return text
        r = self.rng.random()
        if r < 0.06:
            return text + "  "
        if r < 0.10:
            return "　" + text
        if r < 0.12:
            return " " + text + " "
        return text

    def text(self) -> str:
        return "\n".join(self.out) + "\n"


def wan2(fen: int) -> str:
    """万元 with two decimals (16.30)."""
    hundredths = fen // 10_000
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def wan_short(fen: int) -> str:
    """万元 without trailing zeros (561.2, 100)."""
    hundredths = fen // 10_000
    whole, frac = divmod(hundredths, 100)
    return str(whole) if frac == 0 else f"{whole}.{frac:02d}".rstrip("0")


def yuan2(fen: int, thousands: bool = False) -> str:
    """元 with two decimals, optionally with thousands separators (1,234,500.00)."""
    whole, frac = divmod(fen, 100)
    return f"{whole:,}.{frac:02d}" if thousands else f"{whole}.{frac:02d}"
