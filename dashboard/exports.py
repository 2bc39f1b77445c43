"""Table downloads: every table the dashboard shows can leave as CSV or Excel."""

from __future__ import annotations

import io

import pandas as pd


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with a UTF-8 BOM so that Excel on Windows opens Chinese text correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "数据") -> bytes:
    """An .xlsx workbook with one sheet; timezone-aware datetimes are made naive for Excel."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        out.to_excel(writer, index=False, sheet_name=sheet_name[:31])
    return buffer.getvalue()
