"""Bounds for untrusted packages and grids, checked before anything big is allocated.

- a .docx/.xlsx zip directory is checked first (members, sizes, compression ratio);
  ``zipfile`` never inflates more than a member's declared size (it stops there and fails
  the CRC), so a lying directory cannot inflate past what was checked; members we read
  ourselves are read in capped chunks all the same;
- worksheets are scanned as a stream of the cells that exist (lxml iterparse over the
  zip member) before openpyxl loads them: the used range, not the declared dimension,
  decides rows x columns, so one cell at XFD1 never allocates an empty grid.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from etl.limits import MB, LimitExceeded, fmt_mb, get_limits

_RATIO_FLOOR = 1 * MB  # tiny members compress extremely well and are harmless
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_NOT_SHEETS = {"xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml"}
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def check_file_size(path: Path, size: int) -> None:
    """Refuse a file over the per-format size limit."""
    limit = get_limits().max_file_bytes(path.suffix or "default")
    if size > limit:
        raise LimitExceeded(path, f"文件过大（{fmt_mb(size)}，上限 {fmt_mb(limit)}）")


def check_package(path: Path, archive: zipfile.ZipFile, packed_bytes: int) -> None:
    """Refuse a zip package whose directory promises too much (a zip bomb)."""
    limits = get_limits()
    infos = archive.infolist()
    if len(infos) > limits.zip_max_members:
        raise LimitExceeded(
            path, f"压缩包成员过多（{len(infos)} 个，上限 {limits.zip_max_members}），疑似压缩炸弹"
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.zip_max_member_mb * MB:
            raise LimitExceeded(
                path,
                f"压缩包成员 {info.filename} 解压后过大（{fmt_mb(info.file_size)}，"
                f"上限 {fmt_mb(limits.zip_max_member_mb * MB)}），疑似压缩炸弹",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > limits.zip_max_ratio:
            raise LimitExceeded(
                path,
                f"压缩包成员 {info.filename} 压缩比异常（{ratio:.0f} 倍，上限 "
                f"{limits.zip_max_ratio:.0f} 倍），疑似压缩炸弹",
            )
    if total > limits.zip_max_uncompressed_mb * MB:
        raise LimitExceeded(
            path,
            f"解压后总大小过大（{fmt_mb(total)}，上限 "
            f"{fmt_mb(limits.zip_max_uncompressed_mb * MB)}），疑似压缩炸弹",
        )
    if total > _RATIO_FLOOR and total / max(packed_bytes, 1) > limits.zip_max_ratio:
        raise LimitExceeded(
            path,
            f"整体压缩比异常（{total / max(packed_bytes, 1):.0f} 倍，上限 "
            f"{limits.zip_max_ratio:.0f} 倍），疑似压缩炸弹",
        )


def read_member(path: Path, archive: zipfile.ZipFile, name: str) -> bytes:
    """A member's bytes, inflated in chunks and cut off at the member limit."""
    cap = int(get_limits().zip_max_member_mb * MB)
    chunks: list[bytes] = []
    size = 0
    with archive.open(name) as handle:
        while chunk := handle.read(1 << 20):
            size += len(chunk)
            if size > cap:
                raise LimitExceeded(
                    path, f"压缩包成员 {name} 解压后超过上限 {fmt_mb(cap)}，疑似压缩炸弹"
                )
            chunks.append(chunk)
    return b"".join(chunks)


def column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


class GridBounds:
    """Counts the cells that exist and refuses a grid over the sheet limits as it grows."""

    def __init__(self, path: Path, where: str) -> None:
        limits = get_limits()
        self.path, self.where = path, where
        self.max_rows, self.max_columns = limits.sheet_max_rows, limits.sheet_max_columns
        self.max_cells = limits.sheet_max_cells
        self.rows: set[int] = set()
        self.first = self.last = 0

    def add(self, row: int, column: int) -> None:
        if row not in self.rows:
            self.rows.add(row)
            if len(self.rows) > self.max_rows:
                raise LimitExceeded(
                    self.path, f"{self.where}有内容的行数超过上限 {self.max_rows} 行"
                )
        if not self.first or column < self.first:
            self.first = column
        self.last = max(self.last, column)
        width = self.last - self.first + 1
        if width > self.max_columns:
            raise LimitExceeded(
                self.path,
                f"{self.where}使用范围过宽（第 {self.first} 列到第 {self.last} 列，共 {width} 列，"
                f"上限 {self.max_columns} 列）",
            )
        if len(self.rows) * width > self.max_cells:
            raise LimitExceeded(
                self.path,
                f"{self.where}使用范围过大（{len(self.rows)} 行 × {width} 列，"
                f"上限 {self.max_cells} 个单元格）",
            )


def scan_worksheets(path: Path, archive: zipfile.ZipFile) -> None:
    """Stream every worksheet's cells (those with a value) through GridBounds; finished rows
    are freed as the parse goes, so memory stays flat whatever the sheet holds. Cells and
    rows without an ``r`` reference follow the previous one, as in Excel."""
    from lxml import etree

    # every xl/ part that could be a worksheet (a crafted package may name it anything)
    sheets = sorted(
        name
        for name in archive.namelist()
        if name.startswith("xl/") and name.endswith(".xml") and name not in _NOT_SHEETS
    )
    cell_tag, row_tag = f"{_SHEET_NS}c", f"{_SHEET_NS}row"
    for name in sheets:
        bounds = GridBounds(path, f"工作表 {Path(name).stem} ")
        row_number, column = 0, 0
        with archive.open(name) as handle:
            events = etree.iterparse(
                handle,
                events=("start", "end"),
                tag=(cell_tag, row_tag),
                resolve_entities=False,
                no_network=True,
            )
            for event, element in events:
                if element.tag == row_tag:
                    if event == "start":
                        ref = element.get("r")
                        row_number = int(ref) if ref and ref.isdigit() else row_number + 1
                        column = 0
                    else:
                        element.clear(keep_tail=False)
                        parent = element.getparent()
                        while parent is not None and element.getprevious() is not None:
                            del parent[0]
                    continue
                if event == "start":
                    continue
                match = _CELL_REF.fullmatch(element.get("r") or "")
                if match:
                    column = column_number(match.group(1))
                    row_number = int(match.group(2))
                else:
                    column += 1
                if len(element) > 0:  # <v> or <is>: a cell with a value
                    bounds.add(row_number, column)
