"""How numbers, years and labels read to a Chinese finance user (money in 万元)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import PurePath

import pandas as pd

from dashboard.data.filter_model import UNKNOWN_YEAR
from etl.vocabulary import level1_names, level2_names, money_scales, target_kinds

DASH = "—"
YUAN_PER_WAN = int(money_scales()["万元"])  # one vocabulary: data/vocabulary/markers.toml

# Kinds, levels and their order: one vocabulary (data/vocabulary/*.toml, etl/vocabulary.py).
KIND_LABELS: dict[str, str] = dict(target_kinds().labels)
KIND_ORDER = list(KIND_LABELS.values())
QUANTITATIVE_KINDS = tuple(k for k in target_kinds().order if k in target_kinds().quantitative)
HORIZON_LABELS: dict[str, str] = dict(target_kinds().horizons)

LEVEL1_ORDER = list(level1_names())
LEVEL2_ORDER = list(level2_names())
CHECKPOINT_MONTHS = (3, 6, 10, 12)  # spending plans: plan_q1 … plan_q4 are cumulative
CHECKPOINTS = [f"{month}月" for month in CHECKPOINT_MONTHS]
OP_SYMBOLS = {">=": "≥", "<=": "≤", "=": "", ">": ">", "<": "<"}


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def fmt_wan(yuan: float | None, *, unit: bool = True) -> str:
    """163000 → "16.30 万元"; missing → "—"."""
    if yuan is None or _missing(yuan):
        return DASH
    text = f"{float(yuan) / YUAN_PER_WAN:,.2f}"
    return f"{text} 万元" if unit else text


def fmt_int(value: float | None) -> str:
    """1234 → "1,234"; missing → "—"."""
    return DASH if value is None or _missing(value) else f"{int(value):,}"


WAN = 10_000
YI = 100_000_000


def fmt_count_short(value: float | None) -> str:
    """For narrow tiles: 9,999 → "9,999"; 134,567 → "13.5 万"; 2.3e8 → "2.30 亿"."""
    if value is None or _missing(value):
        return DASH
    number = int(value)
    if abs(number) >= YI:
        return f"{number / YI:,.2f} 亿"
    if abs(number) >= WAN:
        return f"{number / WAN:,.1f} 万"
    return f"{number:,}"


def fmt_money_short(yuan: float | None) -> str:
    """For tiles: below 1 亿元 as ``fmt_wan`` ("16.30 万元"), above it "849.54 亿元"."""
    if yuan is None or _missing(yuan):
        return DASH
    if abs(float(yuan)) >= YI:
        return f"{float(yuan) / YI:,.2f} 亿元"
    return fmt_wan(yuan)


def fmt_pct(value: float | None, digits: int = 1) -> str:
    """Percent points → "95.0%"; missing → "—"."""
    return DASH if value is None or _missing(value) else f"{float(value):.{digits}f}%"


def fmt_year(value: float | str | None) -> str:
    """2021 → "2021"; NULL → "未注明"."""
    return UNKNOWN_YEAR if value is None or _missing(value) else str(int(float(value)))


def fmt_text(value: object) -> str:
    """Missing text → "—"."""
    return DASH if _missing(value) or value == "" else str(value)


def fmt_target(op: str | None, value: float | None, unit: str | None) -> str:
    """A normalized target for display: (">=", 95, "%") → "≥95%"."""
    if value is None or _missing(value):
        return DASH
    number = f"{float(value):g}"
    return f"{OP_SYMBOLS.get(op or '', op or '')}{number}{'' if _missing(unit) else unit}"


def for_display(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    money: tuple[str, ...] = (),
    years: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The frame a user sees and downloads: chosen columns, Chinese headers, money in 万元
    (rounded numbers, so Excel can still add them up), missing years as "未注明", missing
    text as "—"."""
    out = frame.loc[:, [c for c in columns if c in frame.columns]].copy()
    for column in money:
        if column in out.columns:
            out[column] = (pd.to_numeric(out[column], errors="coerce") / YUAN_PER_WAN).round(2)
    if "source_file" in out.columns:  # file names only, never server paths
        out["source_file"] = [
            v if _missing(v) else PurePath(str(v).replace("\\", "/")).name
            for v in out["source_file"]
        ]
    for column in years:
        if column in out.columns:
            out[column] = [fmt_year(v) for v in out[column]]
    for column in out.columns:
        if column not in money and (
            pd.api.types.is_string_dtype(out[column]) or out[column].dtype == object
        ):
            out[column] = [DASH if _missing(v) else v for v in out[column]]
    return out.rename(columns=dict(columns))
