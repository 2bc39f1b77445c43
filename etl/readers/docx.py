"""Reader for Word .docx goal documents (zipfile + lxml over WordprocessingML).

The package is opened directly rather than through ``docx.Document``: python-docx parses
every part (styles, numbering, theme, headers) into its proxy classes first, which cost
more than parsing the whole document from text; we only need the main document part.
python-docx still builds the test fixtures. .docm/.dotx/.dotm main parts are read too.

The output reproduces what the plain-text export of the same document gives, so the
layouts never learn about Word:

- body paragraphs and tables in document order (content controls and customXml wrappers
  are looked through); a paragraph with line breaks becomes one paragraph per line; empty
  paragraphs are dropped, whitespace-only ones kept (the export prints them too);
- one Row per table row with one cell per ``w:tc``: a horizontally merged cell (gridSpan,
  or the legacy hMerge) appears once, a vertically merged continuation cell (``w:vMerge``
  without ``restart``) is "" so the layouts forward-fill it, as in the export;
- cell text is its paragraphs joined by "\\n" (trailing empty paragraphs dropped); the
  cell texts of a nested table are appended to the parent cell, one per line, so the
  parent table keeps its shape; a 1-cell table that only wraps other tables is unwrapped;
- field instructions (``w:instrText`` and anything between fldChar begin and separate) are
  dropped and field results kept, so `{ TC … \\f C \\l 1 }` never reaches the layouts;
  bookmarks, deleted revisions, drawings and text boxes carry no text;
- ``line`` is the 1-based block ordinal (a .docx has no lines).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

from etl.blocks import BlockStream
from etl.errors import DocumentError
from etl.limits import LimitExceeded
from etl.readers._bounds import check_package, read_member
from etl.readers._collect import BlockCollector, brief_error

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

P, TBL, TR, TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
SDT, SDT_CONTENT, CUSTOM_XML = f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"
T, TAB, PTAB, BR, CR = f"{_W}t", f"{_W}tab", f"{_W}ptab", f"{_W}br", f"{_W}cr"
NO_BREAK_HYPHEN, SYM, FLD_CHAR = f"{_W}noBreakHyphen", f"{_W}sym", f"{_W}fldChar"
TC_PR, V_MERGE, H_MERGE = f"{_W}tcPr", f"{_W}vMerge", f"{_W}hMerge"
VAL, TYPE, FLD_CHAR_TYPE = f"{_W}val", f"{_W}type", f"{_W}fldCharType"
CHAR, FONT = f"{_W}char", f"{_W}font"

# elements whose subtree never holds visible body text for our purposes
_NO_TEXT = {
    f"{_W}{name}"
    for name in (
        "pPr",
        "rPr",
        "instrText",
        "delText",
        "del",
        "moveFrom",
        "drawing",
        "pict",
        "object",
        "fldData",
        "footnoteReference",
        "endnoteReference",
        "commentReference",
        "bookmarkStart",
        "bookmarkEnd",
        "proofErr",
        "sectPr",
        "tblPr",
        "trPr",
        "tcPr",
        "tblGrid",
        "softHyphen",
        "annotationRef",
        "separator",
        "continuationSeparator",
    )
} | {f"{_MC}AlternateContent"}

_TEXT_LEAVES = {T, TAB, PTAB, BR, CR, NO_BREAK_HYPHEN, SYM}

# Word writes ≥ ≤ and friends from the Symbol font as w:sym in the private-use area
_SYMBOL_FONT = {
    0xB3: "≥",
    0xA3: "≤",
    0xB9: "≠",
    0xB1: "±",
    0xB4: "×",
    0xB8: "÷",
    0xB0: "°",
    0xAE: "→",
    0xAC: "←",
    0xA5: "∞",
    0xBB: "≈",
    0xD6: "√",
    0xB7: "•",
}


def read_docx(path: str | Path, data: bytes | None = None) -> BlockStream:
    """Read a .docx into blocks; any failure of the package becomes a one-line error."""
    raw = Path(path).read_bytes() if data is None else data
    try:
        body = _document_body(Path(path), raw)
    except LimitExceeded:
        raise
    except Exception as error:  # corrupt packages raise anything from zipfile/lxml
        raise DocumentError(
            path, f"无法打开 .docx 文件，文件已损坏或不是 Word 文档（{brief_error(error)}）"
        ) from None
    if body is None:
        raise DocumentError(path, "无法打开 .docx 文件：找不到正文部分（word/document.xml）")
    walker = _BodyWalker()
    walker.blocks(body)
    return BlockStream(walker.out.blocks, "docx", {"line_kind": "block_ordinal"})


_MAIN_TYPES = (
    "wordprocessingml.document.main+xml",
    "ms-word.document.macroEnabled.main+xml",
    "wordprocessingml.template.main+xml",
    "ms-word.template.macroEnabledTemplate.main+xml",
)
_OFFICE_DOCUMENT = "/officeDocument"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _xml(blob: bytes):
    # no entity expansion, no network, no huge trees: documents come from outside
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True
    )
    return etree.fromstring(blob, parser)


def _document_body(path: Path, raw: bytes):
    """The w:body of the package's main document part (found through _rels/.rels). Parts
    are inflated in capped chunks after the zip directory passed the limits."""
    with zipfile.ZipFile(io.BytesIO(raw)) as package:
        check_package(path, package, len(raw))
        names = set(package.namelist())
        part = "word/document.xml"
        if "_rels/.rels" in names:
            for rel in _xml(read_member(path, package, "_rels/.rels")).iter(_REL):
                if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT):
                    part = (rel.get("Target") or part).lstrip("/")
                    break
        root = _xml(read_member(path, package, part))
    if root.tag != f"{_W}document":
        return None
    return next((child for child in root if child.tag == f"{_W}body"), None)


def _child(element, tag: str):
    """First child with ``tag`` (a plain loop: lxml's find() parses a path every call)."""
    for child in element:
        if child.tag == tag:
            return child
    return None


def _children(element):
    """Child elements, looking through content controls and customXml wrappers."""
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        if child.tag == SDT:
            content = _child(child, SDT_CONTENT)
            if content is not None:
                yield from _children(content)
        elif child.tag == CUSTOM_XML:
            yield from _children(child)
        else:
            yield child


class _BodyWalker:
    def __init__(self) -> None:
        self.out = BlockCollector()

    # -- body ---------------------------------------------------------------
    def blocks(self, container) -> None:
        for child in _children(container):
            if child.tag == P:
                for line in paragraph_text(child).split("\n"):
                    self.out.paragraph(line)
            elif child.tag == TBL:
                self.table(child)

    def table(self, tbl) -> None:
        rows = [tr for tr in _children(tbl) if tr.tag == TR]
        cells = [[tc for tc in _children(tr) if tc.tag == TC] for tr in rows]
        if len(cells) == 1 and len(cells[0]) == 1 and next(cells[0][0].iter(TBL), None) is not None:
            self.blocks(cells[0][0])  # a layout frame around the real tables
            return
        for row in cells:
            self.out.row(row_texts(row))


def row_texts(tcs) -> list[str]:
    """One string per cell as the text export shows it (see the module docstring)."""
    texts: list[str] = []
    for tc in tcs:
        props = _child(tc, TC_PR)
        if props is not None:
            h_merge = _child(props, H_MERGE)
            if h_merge is not None and h_merge.get(VAL) != "restart":
                continue  # legacy horizontal merge: the merged cell is shown once
            v_merge = _child(props, V_MERGE)
            if v_merge is not None and v_merge.get(VAL) != "restart":
                texts.append("")
                continue
        texts.append(cell_text(tc))
    return texts


def cell_text(tc) -> str:
    lines: list[str] = []
    for child in _children(tc):
        if child.tag == P:
            lines.append(paragraph_text(child))
        elif child.tag == TBL:
            for tr in (row for row in _children(child) if row.tag == TR):
                tcs = [cell for cell in _children(tr) if cell.tag == TC]
                lines.extend(text for text in row_texts(tcs) if text)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines)


def paragraph_text(p) -> str:
    """Visible text of one paragraph: runs, hyperlinks, insertions and field results."""
    parts: list[str] = []
    # one flag per open field: True while in its instruction part (begin … separate).
    # Kept per paragraph: instructions never span paragraphs in practice, and a field
    # whose end is missing must not hide the rest of the document.
    fields: list[bool] = []

    def visit(element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _NO_TEXT:
                continue
            if tag == FLD_CHAR:
                _track_field(fields, child.get(FLD_CHAR_TYPE))
            elif tag not in _TEXT_LEAVES:
                visit(child)  # runs, hyperlinks, insertions, smart tags, fldSimple …
            elif True not in fields:  # not the instruction part of a field
                parts.append(_leaf_text(child))

    visit(p)
    return "".join(parts)


def _track_field(fields: list[bool], kind: str | None) -> None:
    """A field character opens a field, moves it to its result part, or closes it."""
    if kind == "begin":
        fields.append(True)
    elif kind == "separate" and fields:
        fields[-1] = False
    elif kind == "end" and fields:
        fields.pop()


def _leaf_text(leaf) -> str:
    """What one text leaf (``w:t``, tab, break, symbol …) shows."""
    tag = leaf.tag
    if tag == T:
        return leaf.text or ""
    if tag in (TAB, PTAB):
        return "\t"
    if tag == BR:
        return "\n" if leaf.get(TYPE) in (None, "textWrapping") else ""
    if tag == CR:
        return "\n"
    if tag == NO_BREAK_HYPHEN:
        return "-"
    if tag == SYM:
        return _symbol(leaf)
    return ""


def _symbol(sym) -> str:
    try:
        code = int(sym.get(CHAR) or "", 16)
    except ValueError:
        return ""
    symbol_font = (sym.get(FONT) or "").lower() == "symbol"
    if code >= 0xF000:
        code -= 0xF000
        if not symbol_font:
            return ""  # Wingdings and friends: pictures, not text
    if symbol_font:
        return _SYMBOL_FONT.get(code, "")
    return chr(code)
