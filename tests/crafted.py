"""Hostile files for the load-hardening tests, generated small (over the test limits)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]


def sparse_csv(path: Path, column: int = 200_001) -> Path:
    """A CSV with a goal header and one cell far to the right (the empty grid is huge)."""
    far = "," * (column - 1) + "x"
    path.write_text(",".join(HEADER) + "\n" + far + "\n", encoding="utf-8")
    return path


def sparse_xlsx(path: Path, cell: str = "XFD1") -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for column, text in enumerate(HEADER, start=1):
        sheet.cell(row=2, column=column, value=text)
    sheet[cell] = "x"
    workbook.save(path)
    return path


def many_rows_xlsx(path: Path, rows: int) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("目标")
    sheet.append(HEADER)
    for index in range(rows):
        sheet.append(["产出指标", "数量指标", f"指标{index}", "≥1个"])
    workbook.save(path)
    return path


def docx_bomb(path: Path, inflated_mb: int) -> Path:
    """A .docx whose main part inflates to ``inflated_mb`` MB of whitespace."""
    body = (
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
    )
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(body)
            block = b" " * (1 << 20)
            for _ in range(inflated_mb):
                member.write(block)
            member.write(tail)
    path.write_bytes(buffer.getvalue())
    return path
