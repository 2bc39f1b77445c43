"""Chinese column headers of the dashboard, looked up in the field registry
(data/fields.toml via warehouse/schema/fields.py): a header is written once, next to the
column's meaning, never as a hand-made column-to-Chinese dict in a page
(tests/test_field_registry.py scans dashboard/ for those)."""

from __future__ import annotations

from warehouse.schema import fields

MONEY_UNIT = "万元"  # money columns arrive in yuan and are shown in 万元 (formatting.for_display)


def label(column: str, obj: str | None = None) -> str:
    """The header of ``column`` (of ``obj`` where its meaning differs there), money in 万元."""
    return fields.label(column, obj, money_unit=MONEY_UNIT)


def labels(*columns: str, obj: str | None = None) -> dict[str, str]:
    """``{column: header}`` in the given order, for ``formatting.for_display``."""
    return {column: label(column, obj) for column in columns}
