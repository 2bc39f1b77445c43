"""The sidebar selection as plain data, and the SQL it means for the analyst views.

Kept free of streamlit so that queries and their tests can use it directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from warehouse.schema.marts import UNKNOWN_CATEGORY, UNKNOWN_TOWNSHIP  # stored samples use them

UNKNOWN_YEAR = "未注明"
__all__ = ["UNKNOWN_CATEGORY", "UNKNOWN_TOWNSHIP", "UNKNOWN_YEAR", "Filters"]


def _in_clause(column: str, values: tuple[str, ...], unknown: str, cast=str) -> tuple[str, list]:
    """`column IN (...)`, with the "unknown" label meaning NULL."""
    known = [cast(v) for v in values if v != unknown]
    parts: list[str] = []
    if known:
        parts.append(f"{column} IN ({', '.join('?' for _ in known)})")
    if unknown in values:
        parts.append(f"{column} IS NULL")
    return "(" + " OR ".join(parts) + ")", known


@dataclass(frozen=True)
class Filters:
    """Selected years, townships and categories; an empty tuple means "all"."""

    years: tuple[str, ...] = ()
    townships: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.years or self.townships or self.categories)

    def where(self, *, alias: str = "", category: bool = True) -> tuple[str, list]:
        """A SQL boolean fragment (no WHERE keyword; "TRUE" when nothing is selected) and its
        parameters. ``category=False`` for views without project_category (load warnings)."""
        prefix = f"{alias}." if alias else ""
        clauses: list[str] = []
        params: list = []
        if self.years:
            sql, values = _in_clause(f"{prefix}fiscal_year", self.years, UNKNOWN_YEAR, int)
            clauses.append(sql)
            params += values
        if self.townships:
            sql, values = _in_clause(f"{prefix}township", self.townships, UNKNOWN_TOWNSHIP)
            clauses.append(sql)
            params += values
        if category and self.categories:
            sql, values = _in_clause(f"{prefix}project_category", self.categories, UNKNOWN_CATEGORY)
            clauses.append(sql)
            params += values
        return (" AND ".join(clauses) or "TRUE"), params

    def describe(self) -> str:
        """One Chinese line naming the selection, for captions and export file names."""
        parts = []
        for label, values in (
            ("年度", self.years),
            ("乡镇", self.townships),
            ("类别", self.categories),
        ):
            if values:
                parts.append(f"{label}：{'、'.join(values)}")
        return "；".join(parts) or "全部数据"
