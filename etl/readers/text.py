"""Reader for plain-text exports of Word goal documents.

Export rules (observed in the seeds): a table cell is a line starting with a tab; a blank
line ends a table row; a line without a leading tab that follows a cell in the same row
continues that cell; any other non-tab line is a paragraph.
"""

from __future__ import annotations

import codecs
import re
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
    return blocks_from_text("\n".join(lines))


def blocks_from_text(text: str) -> list[Block]:
    """`blocks_from_lines` of ``text.split("\n")``, a blank-line run at a time.

    Blank lines only ever end a row, so the text falls into runs of non-blank lines. A run
    is paragraphs up to its first cell line, then one row. The two common runs (all cells,
    all paragraphs) are split with string methods instead of a Python step per line."""
    blocks: list[Block] = []
    append = blocks.append
    table = 0
    in_table = False
    number = 1  # line number of the run's first line
    for run in text.split("\n\n"):
        start = number
        number += run.count("\n") + 2  # the run's lines and the blank line after it
        if not run:
            continue
        if run[0] == "\n":  # a second blank line before the run
            run = run[1:]
            start += 1
            if not run:
                continue
        if run[-1] == "\n":  # the text ends with a line break
            run = run[:-1]
            if not run:
                continue
        if run[0] == "\t":
            if run.count("\n") == run.count("\n\t"):  # every line a cell
                append(Row(tuple(run[1:].split("\n\t")), start, table))
                in_table = True
                continue
        elif "\n\t" not in run:  # every line a paragraph
            for offset, line in enumerate(run.split("\n")):
                if in_table and line.strip():
                    table += 1
                    in_table = False
                append(Paragraph(line, start + offset))
            continue
        table, in_table = _mixed_run(run, start, table, in_table, append)
    return blocks


def _mixed_run(run: str, start: int, table: int, in_table: bool, append) -> tuple[int, bool]:
    """Paragraphs, then one row whose cells may continue on lines without a tab."""
    cells: list[str] = []
    row_line = start
    for offset, line in enumerate(run.split("\n")):
        if line.startswith("\t"):
            if not cells:
                row_line = start + offset
                in_table = True
            cells.append(line[1:])
        elif cells:
            cells[-1] = f"{cells[-1]}\n{line}"
        else:
            if in_table and line.strip():
                table += 1
                in_table = False
            append(Paragraph(line, start + offset))
    if cells:
        append(Row(tuple(cells), row_line, table))
    return table, in_table


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
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = normalize_text_ends(text)
    meta = {"ended_mid_row": "1"} if _ends_mid_row_text(text) else {}
    return BlockStream(blocks_from_text(text), "txt", meta)


_PAD_AT_END = re.compile(f"[{PAD_CHARS}](?:\n|$)")
_UNPADDED_END = re.compile(f"(?<![{PAD_CHARS}])\n")  # a line that is empty or ends in text
# padding after text up to the line end (the pad class first: a lookbehind at every
# position of the text would cost more than the rest of the reading)
_PAD_AFTER_TEXT = re.compile(
    f"[{PAD_CHARS}](?<=[^{PAD_CHARS}\n][{PAD_CHARS}])[{PAD_CHARS}]*$", re.MULTILINE
)
_EMPTY_AFTER_CELL = re.compile("\n\t[^\n]*\n(?=\n|\\Z)")
_PAD_ONLY = re.compile(f"\n[{PAD_CHARS}]+(?=\n|\\Z)")


def normalize_text_ends(text: str) -> str:
    """`normalize_line_ends` of ``text.split("\n")``, joined again, with whole-text regular
    expressions instead of a Python step per line."""
    if not _PAD_AT_END.search(text):
        return text  # no line ends with padding: nothing to remove
    if not _UNPADDED_END.search(text) and (text.endswith("\n") or text[-1] in PAD_CHARS):
        # every line may end with the same padding (a file padded line by line)
        return "\n".join(normalize_line_ends(text.split("\n")))
    text = "\n" + _PAD_AFTER_TEXT.sub("", text)  # "\n": the first line is a line like the others
    if _EMPTY_AFTER_CELL.search(text):
        return text[1:]
    return _PAD_ONLY.sub("\n", text)[1:]


def _ends_mid_row_text(text: str) -> bool:
    """`ends_mid_row` of ``text.split("\n")``, read backwards without splitting the text."""
    body = text[:-1] if text.endswith("\n") else text
    end = len(body)
    while True:
        start = body.rfind("\n", 0, end) + 1
        line = body[start:end]
        if line.startswith("\t"):
            return True
        if not line or start == 0:
            return False
        end = start - 1
