"""Parse 指标值 (target value) cells into the contract's ``INDICATOR.target`` object.

Public API (see docs/targets.md):
- ``parse_target_cells(value, sign=, unit=, indicator_name=, fiscal_year=)`` → (target,
  [(warning_code, Chinese message)]): the general reader's entry point.
- ``parse_target(raw, indicator_name=, fiscal_year=)`` → (target, message|None): one cell.
- ``parse_sign_value_unit(sign, value, unit, …)`` → (target, message|None): the 一体化
  system's three columns joined as printed.

The modules: ``vocab`` (data/vocabulary/targets.toml), ``dates`` (deadlines, periods),
``parse`` (one cell), ``cells`` (value + sign + unit + name).
"""

from __future__ import annotations

import unicodedata

from etl.record import Target
from etl.targets.cells import WARNING_CODES, message, parse_target_cells
from etl.targets.parse import KINDS, normalize, read_cell, result
from etl.targets.vocab import TEXT_SIGNS

__all__ = [
    "KINDS",
    "WARNING_CODES",
    "parse_sign_value_unit",
    "parse_target",
    "parse_target_cells",
]


def _text(raw: object) -> str:
    if raw is None:
        return ""
    return (raw if isinstance(raw, str) else str(raw)).strip()


def parse_target(
    raw: str, *, indicator_name: str = "", fiscal_year: int | None = None
) -> tuple[Target, str | None]:
    """Parse one 指标值 cell.

    Returns ``(target, warning)``: ``target`` has exactly the keys of the contract's
    ``INDICATOR.target``; ``warning`` is a Chinese message when the cell looked numeric but
    could not be read (or held a unit without a number), else None.  Never raises.
    """
    text = _text(raw)
    if fiscal_year is not None and not (isinstance(fiscal_year, int) and 1 <= fiscal_year <= 9998):
        fiscal_year = None
    name = indicator_name or ""
    target, code = read_cell(text, name, fiscal_year)[:2]
    return target, (message(code, text, name) if code else None)


def parse_sign_value_unit(
    sign: str, value: str, unit: str, *, indicator_name: str = "", fiscal_year: int | None = None
) -> tuple[Target, str | None]:
    """Parse a 指标值 split over 符号 / 值 / 单位 columns (the 一体化 system's three fields).

    ``文字描述`` means the value is text (found in the value or unit column); otherwise the
    three parts are joined (``≥40.00件``) and parsed like a single cell, so that ``raw``
    shows what the document printed.
    """
    sign_s, value_s, unit_s = _text(sign), _text(value), _text(unit)
    if normalize(unicodedata.normalize("NFKC", sign_s)) in TEXT_SIGNS:
        text = "".join(part for part in (value_s, unit_s) if part)
        return parse_target(text, indicator_name=indicator_name, fiscal_year=fiscal_year)
    joined = sign_s + value_s + unit_s
    target, warning = parse_target(joined, indicator_name=indicator_name, fiscal_year=fiscal_year)
    if target["kind"] == "qualitative" and warning is None and value_s:
        warning = message("target_unparsed", target["raw"], indicator_name)
    return target, warning


# Kept importable for callers of the old module layout.
_result = result
