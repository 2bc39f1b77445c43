"""Reader for plain-text exports of Word goal documents.

Export rules (observed in the seeds): a table cell is a line starting with a tab; a blank
line ends a table row; a line without a leading tab that follows a cell in the same row
continues that cell; any other non-tab line is a paragraph.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from etl.blocks import Block, BlockStream, Paragraph, Row
from etl.errors import DocumentError

_ENCODINGS = ("utf-8", "gb18030")


def decode_bytes(data: bytes, path: str | Path) -> str:
    """Decode UTF-8 (with or without BOM) or GB18030/GBK; refuse binary content."""
    if not data.strip():
        raise DocumentError(path, "文件为空 (empty file)")
    if b"\x00" in data[:4096]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError:
                pass
        raise DocumentError(
            path, "不是文本文件，疑似二进制内容 (binary content, not a text export)"
        )
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    for encoding in _ENCODINGS:
        try:
            return body.decode(encoding)
        except UnicodeDecodeError as error:
            if error.start >= len(body) - 4 and error.end >= len(body) - 1:
                # a file cut inside its last character: keep everything before it
                return body[: error.start].decode(encoding)
            continue
    raise DocumentError(
        path, "无法识别文本编码，仅支持 UTF-8 与 GB18030/GBK (unknown text encoding)"
    )


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF or CR without keeping the terminators."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# Padding that editors, copy-paste and some export tools add at line ends. Never the tab:
# a line "\t" is an empty table cell.
PAD_CHARS = " \u3000\u00a0\u2007\u202f\u200b\ufeff\x0b\x0c"


def _common_pad(lines: list[str]) -> str:
    """The padding suffix every line ends with (a file padded line by line), else ""."""
    body = lines[:-1] if lines and lines[-1] == "" else lines
    if not body:
        return ""
    suffix: str | None = None
    for line in body:
        pad = line[len(line.rstrip(PAD_CHARS)) :]
        if suffix is None:
            suffix = pad
        else:
            while suffix and not pad.endswith(suffix):
                suffix = suffix[1:]
        if not suffix:
            return ""
    return suffix or ""


def normalize_line_ends(lines: list[str]) -> list[str]:
    """Lines without line-end padding.

    Trailing spaces, U+3000 and NBSP must never change the record. First a suffix common to
    every line is removed (a file padded line by line gets its exact original lines back,
    including lines that were a single space). Then padding after text is cut. A blank line
    ends a row; in the seeds a line holding only a space continues a cell, so a
    whitespace-only line counts as blank only when the file has no truly empty line inside
    a table (padding then replaced every row end): then such lines become empty."""
    pad = _common_pad(lines)
    if pad:
        lines = [line[: -len(pad)] if line.endswith(pad) else line for line in lines]
    out = [line.rstrip(PAD_CHARS) if line.strip(PAD_CHARS) else line for line in lines]
    empty_ends_row = any(
        line == "" and index and out[index - 1].startswith("\t") for index, line in enumerate(out)
    )
    if empty_ends_row:
        return out
    return [line if line.strip(PAD_CHARS) else "" for line in out]


def blocks_from_lines(lines: list[str]) -> list[Block]:
    """Turn exported lines into paragraphs and table rows (see module docstring)."""
    blocks: list[Block] = []
    cells: list[str] = []
    row_line = 0
    table = 0
    in_table = False

    def end_row() -> None:
        nonlocal cells
        if cells:
            blocks.append(Row(tuple(cells), row_line, table))
            cells = []

    for number, line in enumerate(lines, start=1):
        if line.startswith("\t"):
            if not cells:
                row_line = number
                if not in_table:
                    in_table = True
            cells.append(line[1:])
        elif line == "":
            end_row()
        elif cells:
            # a continuation of the last cell in the current row
            cells[-1] = f"{cells[-1]}\n{line}"
        else:
            if in_table and line.strip():
                table += 1
                in_table = False
            blocks.append(Paragraph(line, number))
    end_row()
    return blocks


def ends_mid_row(lines: list[str]) -> bool:
    """True when the text stops inside a table row (no blank line after the last cell): the
    sign of a file cut off mid-table. The empty string after a final newline is not a blank
    line."""
    if lines and lines[-1] == "":
        lines = lines[:-1]
    for line in reversed(lines):
        if line.startswith("\t"):
            return True
        if line == "":
            return False
    return False


def read_text(path: str | Path, data: bytes | None = None) -> BlockStream:
    """Read a text export into a block stream."""
    raw = Path(path).read_bytes() if data is None else data
    text = decode_bytes(raw, path)
    lines = normalize_line_ends(split_lines(text))
    meta = {"ended_mid_row": "1"} if ends_mid_row(lines) else {}
    return BlockStream(blocks_from_lines(lines), "txt", meta)
