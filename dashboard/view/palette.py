"""Township colours: the same township keeps the same colour on every chart and page.

The mapping is computed from the full, sorted township list of the warehouse (not from the
filtered rows), so narrowing the filter never recolours anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import altair as alt

from dashboard.data.filter_model import UNKNOWN_TOWNSHIP

# Tableau 10 without its grey, then darker/lighter companions; grey is kept for "未注明".
TOWNSHIP_COLOURS = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#59a14f",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#9c755f",
    "#ff9da7",
    "#1f5f8b",
    "#a0cbe8",
    "#ffbe7d",
    "#8cd17d",
    "#d4a6c8",
    "#86bcb6",
    "#b6992d",
    "#d37295",
    "#499894",
    "#e49444",
    "#79706e",
)
UNKNOWN_COLOUR = "#9e9e9e"


@dataclass(frozen=True)
class TownshipPalette:
    """Parallel domain/range tuples for an Altair colour scale."""

    domain: tuple[str, ...]
    range: tuple[str, ...]

    @cached_property
    def _colours(self) -> dict[str, str]:
        return dict(zip(self.domain, self.range, strict=True))

    def scale(self, present: Iterable[str | None] | None = None) -> alt.Scale:
        """The colour scale; with ``present``, only those names (each keeps its colour, a
        name outside the palette such as the 其他 row gets the grey): a spec then carries
        the townships it draws, not every township of the warehouse."""
        names = (
            list(self.domain)
            if present is None
            else list(dict.fromkeys(t for t in present if isinstance(t, str)))
        )
        return alt.Scale(domain=names, range=[self.colour(t) for t in names])

    def colour(self, township: str) -> str:
        return self._colours.get(township, UNKNOWN_COLOUR)


def township_palette(townships: Iterable[str | None]) -> TownshipPalette:
    """Deterministic colours: sorted names take the palette in order (cycling past 20)."""
    names = sorted({t for t in townships if t and t != UNKNOWN_TOWNSHIP})
    colours = [TOWNSHIP_COLOURS[i % len(TOWNSHIP_COLOURS)] for i in range(len(names))]
    names.append(UNKNOWN_TOWNSHIP)
    colours.append(UNKNOWN_COLOUR)
    return TownshipPalette(tuple(names), tuple(colours))
