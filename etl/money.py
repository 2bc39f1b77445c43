"""Money amounts: documents print 万元 or 元, with or without thousands separators; the
warehouse stores yuan. Decimal arithmetic so that 16.30 万元 is exactly 163000 yuan."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from etl.vocabulary import money_scales

# Unit → yuan, from the one vocabulary (data/vocabulary/markers.toml [money.scales]).
SCALES: dict[str, Decimal] = money_scales()

_AMOUNT = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_SCALE_LINE = re.compile(r"(?:金额)?单位\s*[:：]\s*(亿元|百万元|万元|千元|元)")


def parse_amount(text: str | None) -> Decimal | None:
    """The number printed in a money cell (`1,234.50`, `16.30`, ` 0 `), or None when the cell
    is empty or not a plain number."""
    if text is None:
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    for suffix in ("万元", "元"):
        if cleaned.endswith(suffix):
            cleaned = cleaned[: -len(suffix)]
    if not cleaned or not _AMOUNT.match(cleaned):
        return None
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        return None


def to_yuan(amount: Decimal | None, scale: Decimal) -> int | float | None:
    """Amount × scale, rounded to fen; an int when whole so JSON shows 163000, not 163000.0."""
    if amount is None:
        return None
    yuan = (amount * scale).quantize(Decimal("0.01"))
    return int(yuan) if yuan == yuan.to_integral_value() else float(yuan)


def scale_from_line(text: str) -> Decimal | None:
    """The scale announced by a `单位：万元` / `金额单位:元` line, if the text is one."""
    match = _SCALE_LINE.search(unicodedata.normalize("NFKC", text))
    return SCALES[match.group(1)] if match else None
