"""Reader for text PDFs (budget-disclosure attachments) with pdfplumber.

Plain text extraction runs adjacent cells together (`数量指标88100`), so tables come from
the page's ruling lines (pdfplumber's "lines" strategy) and every character is put into
the cell whose box holds it. The output follows the block convention of the other
readers (docs/file_formats.md):

- per page, tables and the text lines outside them in reading order (top to bottom);
- one Row per table row; a cell spanning columns appears once, a cell spanning rows gives
  "" on the rows below (the text export's vertical merge); a table that continues on the
  next page simply continues (a page break is no paragraph, so the table ordinal stays),
  and a header row the PDF repeats at the top of the continuation is dropped;
- lines a renderer wrapped are joined again: a line is a soft wrap when the next line's
  first unbreakable unit (a CJK character with its closing punctuation, or a Latin word)
  would not have fitted in the space left before the cell's (or the text column's) right
  edge; any other line end is a real line break;
- page furniture is dropped: page numbers (`— 1 —`, `第 1 页`, `1/5`) in the top or bottom
  band of the page, and header/footer lines repeated in those bands on several pages;
- characters PDF fonts map to Kangxi radicals or compatibility ideographs (`⽬` for 目)
  are mapped back to the unified ideographs.

Refused: a scanned PDF (no text layer) with exactly `扫描件，需要先做文字识别（OCR）`, a PDF
with an open password, a damaged one, and one beyond the size/page limits below.
"""

from __future__ import annotations

import io
import logging
import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path

from etl.blocks import BlockStream, Row
from etl.errors import DocumentError
from etl.limits import get_limits
from etl.readers._collect import BlockCollector, brief_error

# Limits from data/limits.toml (read once per process; module attributes so tests can lower them)
_LIMITS = get_limits()
MAX_PDF_BYTES = _LIMITS.max_file_bytes(".pdf")
MAX_PDF_PAGES = _LIMITS.pdf_max_pages
MAX_PAGE_CHARS = _LIMITS.pdf_max_page_chars  # characters on one page
MIN_TEXT_CHARS = 20  # a page with fewer characters has no usable text layer

OCR_MESSAGE = "扫描件，需要先做文字识别（OCR）"
ENCRYPTED_MESSAGE = "PDF 文件已加密（设置了打开密码），请取消密码后另存再导入"
CORRUPT_MESSAGE = "PDF 文件已损坏或不完整，无法读取"

_TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 1,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
_FURNITURE_BAND = 0.08  # top and bottom share of the page height where headers live
_FURNITURE_SHARE = 0.6  # a header/footer line repeats on at least this share of pages
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－·•]*(第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+|[ivxlcdm]+)"
    r"[\s\-—–－·•]*$",
    re.I,
)
_DIGITS = re.compile(r"\d+")
_NO_LINE_START = set("，。、；：？！）》」』”’%．,.;:?!)]}》〉】〕…—·")
_SENTENCE_END = ("。", "！", "？", "；", "：", ".", "!", "?")
_QUOTES = set("“”‘’\"'")
_NO_LINE_END = set("“‘（《「『【〔〈([{")
_SPACE_TOLERANCE = 0.25  # gap (in font sizes) between two Latin glyphs that is a space
_WIDE_GAP = 0.8  # gap between any two glyphs that is a space (an undrawn 全角空格)
# Radicals → the unified ideograph drawn by the same glyph (from the cmap of Noto Sans CJK
# SC). PDF fonts often map a shared glyph back to the radical (`⺠` for 民, `⼾` for 户).
# Other Kangxi radicals (U+2F00…) and compatibility ideographs are handled by NFKC. ―
# (U+2015, the GBK/cp936 dash) is the — of Chinese text.
_RADICALS = str.maketrans(
    dict(
        zip(
            "⺂⺃⺅⺉⺋⺏⺐⺒⺓⺔⺕⺖⺘⺙⺛⺞⺟⺠⺡⺣⺤⺦⺨⺭⺯⺰⺱⺳⺹⺺⺾⻂⻅⻆⻈⻉⻋⻌⻐⻑⻒⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻮⻯⻰⻱⻲⻳⼾―",
            "乛乚亻刂㔾尣尢巳幺彑彐忄扌攵旡歺母民氵灬爫丬犭礻糹纟罓㓁耂肀艹衤见角讠贝车辶钅長镸长门阝青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐齿竜龙龜亀龟户—",
            strict=True,
        )
    )
    | {"⸺": "——", "⸻": "———"}  # two- and three-em dashes: a renderer's ligature of ——
)


def read_pdf(path: str | Path, data: bytes | None = None) -> BlockStream:
    """Read a text PDF into blocks (module docstring)."""
    path = Path(path)
    raw = path.read_bytes() if data is None else data
    if len(raw) > MAX_PDF_BYTES:
        raise DocumentError(path, f"PDF 文件过大（超过 {MAX_PDF_BYTES // 2**20} MB），请拆分后导入")
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings are not ours
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            count = len(pdf.pages)
            if count > MAX_PDF_PAGES:
                raise DocumentError(path, f"PDF 页数过多（{count} 页，上限 {MAX_PDF_PAGES} 页）")
            pages = []
            for page in pdf.pages:
                pages.append(_read_page(path, page))
                page.close()  # drop pdfplumber's per-page caches: memory stays bounded
    except DocumentError:
        raise
    except PDFPasswordIncorrect:
        raise DocumentError(path, ENCRYPTED_MESSAGE) from None
    except Exception as error:  # pdfminer raises anything on damaged files
        if _is_password_error(error):
            raise DocumentError(path, ENCRYPTED_MESSAGE) from None
        raise DocumentError(path, f"{CORRUPT_MESSAGE}（{brief_error(error)}）") from None
    if not pages or all(page.chars < MIN_TEXT_CHARS for page in pages):
        raise DocumentError(path, OCR_MESSAGE)
    return BlockStream(_assemble(pages), "pdf", {"line_kind": "block_ordinal", "pages": str(count)})


def _is_password_error(error: BaseException) -> bool:
    current: BaseException | None = error
    while current is not None:
        if "Password" in type(current).__name__ or "password" in str(current).lower():
            return True
        current = current.__cause__ or current.__context__
    return False


# --------------------------------------------------------------------------- page model


@dataclass(slots=True)
class _Line:
    text: str
    top: float
    x0: float
    x1: float
    bottom: float = 0.0
    ends: tuple[float, ...] = ()  # right edge of each character of ``text``
    left: float = 0.0  # the text column's edges (body lines), for joining across pages
    right: float = 0.0


@dataclass(slots=True)
class _Table:
    top: float
    columns: tuple[float, ...]  # x positions of the column boundaries
    rows: list[list[str]]
    # per cell of the first and the last row: (its visual lines, right limit), to tell a
    # row the page break split in two from a new row
    first: list[tuple[list[_Line], float]] = field(default_factory=list)
    last: list[tuple[list[_Line], float]] = field(default_factory=list)


@dataclass(slots=True)
class _Page:
    height: float
    chars: int
    items: list[tuple[float, _Line | _Table]] = field(default_factory=list)


def _read_page(path: Path, page) -> _Page:
    if len(page.chars) > MAX_PAGE_CHARS:
        raise DocumentError(
            path,
            f"第 {page.page_number} 页文字过多（超过 {MAX_PAGE_CHARS} 个字符），不像绩效目标文件",
        )
    if _has_doubled_glyphs(page.chars):
        page = page.dedupe_chars(tolerance=1)
    chars = [char for char in page.chars if char.get("text")]
    result = _Page(float(page.height), sum(1 for c in chars if c["text"].strip()))
    if not result.chars:
        return result
    edges = page.edges
    settings = dict(_TABLE_SETTINGS)
    closing = _open_ends(edges)
    if closing:
        settings["explicit_horizontal_lines"] = closing
    tables = [table for table in page.find_tables(settings) if table.cells]
    # the ruling lines as drawn: table finding snaps nearby lines together page-wide,
    # which can move a cell edge by a point or two; wrapping needs the real inner edges
    verticals = (
        sorted(
            (float(edge["x0"]), float(edge["top"]), float(edge["bottom"]))
            for edge in edges
            if edge.get("orientation") == "v"
        )
        if tables
        else []
    )
    boxes = [table.bbox for table in tables]
    outside: list[dict] = []
    inside: list[list[dict]] = [[] for _ in tables]
    for char in chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        for index, (x0, top, x1, bottom) in enumerate(boxes):
            if x0 <= cx <= x1 and top <= cy <= bottom:
                inside[index].append(char)
                break
        else:
            outside.append(char)
    for table, table_chars in zip(tables, inside, strict=True):
        parsed = _table(table, table_chars, verticals)
        if parsed.rows:
            result.items.append((parsed.top, parsed))
    lines = _lines(outside)
    if lines:
        # the text column's right edge: the longest line, or the left margin mirrored
        height = float(page.height)
        band = height * _FURNITURE_BAND
        body = [line for line in lines if band < line.top < height - band] or lines
        left = min(line.x0 for line in body)  # page headers/footers may sit wider
        right = _right_edge(body, left, float(page.width))
        for line in _join_wrapped(lines, right, left):
            line.left, line.right = left, right
            result.items.append((line.top, line))
    result.items.sort(key=lambda item: item[0])
    return result


def _open_ends(edges: list[dict]) -> list[dict]:
    """Horizontal rules a table fragment lacks: a row cut by a page break is often drawn
    with its side rules only. Where two or more vertical rules start at a height and none
    ends there (or the other way round), and no horizontal rule covers their span, a
    rule between the outermost ones is added. Rules are often drawn cell by cell, so a
    vertical rule continuing through a merged cell is two segments meeting at the row
    line: that is not an open end."""
    starts: dict[int, list[float]] = {}
    stops: dict[int, list[float]] = {}
    for edge in edges:
        if edge.get("orientation") == "v":
            starts.setdefault(round(float(edge["top"])), []).append(float(edge["x0"]))
            stops.setdefault(round(float(edge["bottom"])), []).append(float(edge["x0"]))
    horizontals = [
        (float(e["top"]), float(e["x0"]), float(e["x1"]))
        for e in edges
        if e.get("orientation") == "h"
    ]

    def near(table: dict[int, list[float]], y: int) -> list[float]:
        return [x for dy in (-1, 0, 1) for x in table.get(y + dy, [])]

    added = []
    for y in sorted(set(starts) | set(stops)):
        for mine, other in ((near(starts, y), near(stops, y)), (near(stops, y), near(starts, y))):
            if len(mine) < 2 or other:
                continue
            x0, x1 = min(mine), max(mine)
            if x1 - x0 <= 5 or _covered(horizontals, y, x0, x1):
                continue
            added.append(
                {
                    "x0": x0,
                    "x1": x1,
                    "top": float(y),
                    "bottom": float(y),
                    "width": x1 - x0,
                    "height": 0.0,
                    "object_type": "line",
                }
            )
    return added


def _covered(horizontals: list[tuple[float, float, float]], y: float, x0: float, x1: float) -> bool:
    """Horizontal segments within 2 pt of ``y`` cover x0…x1 (gaps under 2 pt ignored)."""
    reach = x0 + 2
    for _, start, end in sorted((h for h in horizontals if abs(h[0] - y) <= 2), key=lambda h: h[1]):
        if start > reach:
            return False
        reach = max(reach, end + 2)
    return reach >= x1 - 2


def _has_doubled_glyphs(chars: list[dict]) -> bool:
    """A glyph printed twice a hair apart is "fake bold" (WPS, some PDF printers). One
    pass over a 1-pt grid finds it, so the costly deduplication runs only when needed."""
    seen: set[tuple[str, int, int]] = set()
    for char in chars:
        text = char["text"]
        if not text.strip():
            continue
        x, y = round(char["x0"]), round(char["top"])
        if any((text, x + dx, y + dy) in seen for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
            return True
        seen.add((text, x, y))
    return False


def _right_edge(lines: list[_Line], left: float, width: float) -> float:
    """The text column's right edge: the left margin mirrored, unless most long lines run
    further (a narrower right margin). One overflowing line does not move it."""
    mirror = width - left
    long = sorted(line.x1 for line in lines if line.x1 > (left + mirror) / 2)
    if len(long) < 3:
        return mirror
    return max(mirror, long[int(len(long) * 0.8) - 1])


# --------------------------------------------------------------------------- tables


def _table(table, chars: list[dict], verticals: list[tuple[float, float, float]]) -> _Table:
    """Rows of one ruled table in the block convention (module docstring)."""
    cells = sorted({tuple(round(v, 1) for v in cell) for cell in table.cells})
    columns = sorted({x0 for x0, _, _, _ in cells} | {max(x1 for _, _, x1, _ in cells)})
    tops = sorted({top for _, top, _, _ in cells})
    by_cell: dict[tuple, list[dict]] = {cell: [] for cell in cells}
    for char in chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        for cell in cells:
            x0, top, x1, bottom = cell
            if x0 <= cx <= x1 and top <= cy <= bottom:
                by_cell[cell].append(char)
                break
    lines = {cell: _lines(found) for cell, found in by_cell.items() if found}
    inner = {cell: _inner_edges(cell, verticals) for cell in lines}
    padding = _cell_padding(lines, inner)
    starts = {(cell[1], cell[0]): cell for cell in cells}
    rows: list[list[str]] = []
    shapes: list[list[tuple[list[_Line], float]]] = []
    for row_top in tops:
        row: list[str] = []
        shape: list[tuple[list[_Line], float]] = []
        for column in columns[:-1]:
            start = starts.get((row_top, column))
            if start is not None:
                found = lines.get(start)
                if not found:
                    row.append("")
                    shape.append(([], start[2]))
                else:
                    right = inner[start][1] - padding
                    row.append("\n".join(line.text for line in _join_wrapped(found, right)))
                    shape.append((found, right))
                continue
            cover = _covering(cells, column, row_top)
            if cover is not None and cover[1] < row_top and cover[0] == column:
                row.append("")  # a cell merged from the row above
                shape.append(([], cover[2]))
        if row:
            rows.append(row)
            shapes.append(shape)
    top = tops[0] if tops else 0.0
    if not rows:
        return _Table(top, tuple(columns), rows)
    return _Table(top, tuple(columns), rows, shapes[0], shapes[-1])


def _covering(cells, x: float, y: float):
    for cell in cells:
        x0, top, x1, bottom = cell
        if x0 <= x < x1 and top <= y < bottom:
            return cell
    return None


def _inner_edges(cell, verticals: list[tuple[float, float, float]]) -> tuple[float, float]:
    """The inner sides of the ruling lines drawn at the cell's left and right edges (the
    cell's own edges when nothing is drawn within 3 pt). ``verticals`` is sorted by x."""
    x0, top, x1, bottom = cell
    middle = (top + bottom) / 2

    def near(x: float) -> list[float]:
        start = bisect_left(verticals, (x - 3,))
        end = bisect_right(verticals, (x + 3, float("inf")))
        return [v for v, t, b in verticals[start:end] if t <= middle <= b]

    left, right = near(x0), near(x1)
    return (max(left) if left else x0, min(right) if right else x1)


def _cell_padding(lines: dict[tuple, list[_Line]], inner: dict[tuple, tuple]) -> float:
    """The table's cell padding: the lower quartile of the gaps between a cell's left
    rule and its text. Cells whose text wraps fill their width, so their gap is the real
    padding; centred or right-aligned cells do not move it."""
    gaps = sorted(
        max(0.0, min(line.x0 for line in found) - inner[cell][0]) for cell, found in lines.items()
    )
    return gaps[len(gaps) // 4] if gaps else 0.0


# --------------------------------------------------------------------------- lines


def _lines(chars: list[dict]) -> list[_Line]:
    """Characters grouped into visual lines, top to bottom, each left to right."""
    ordered = sorted(chars, key=lambda c: (round(c["top"], 0), c["x0"]))
    groups: list[list[dict]] = []
    for char in ordered:
        size = char["bottom"] - char["top"] or 1.0
        if groups:
            last = groups[-1]
            if abs(char["top"] - last[0]["top"]) <= size * 0.5:
                last.append(char)
                continue
        groups.append([char])
    lines = []
    for group in groups:
        group.sort(key=lambda c: c["x0"])
        glyphs = _glyphs(group)
        if glyphs:
            text = "".join(ch for ch, _, _ in glyphs)
            ends = tuple(x1 for _, _, x1 in glyphs)
            top = min(c["top"] for c in group)
            bottom = max(c["bottom"] for c in group)
            lines.append(_Line(text, top, glyphs[0][1], glyphs[-1][2], bottom, ends))
    return lines


def _glyphs(chars: list[dict]) -> list[tuple[str, float, float]]:
    """(character, x0, x1) left to right; a wide gap between Latin glyphs is a space."""
    out: list[tuple[str, float, float]] = []
    for char in chars:
        text = _unify(char["text"])
        x0, x1 = float(char["x0"]), float(char["x1"])
        if text in ("\u2003", "\u3000"):
            text = "\u3000"  # the 1-em space glyph: 全角空格 in Chinese text
        elif text.isspace() or not text:
            if out and out[-1][0] != " ":
                out.append((" ", x0, x1))
            continue
        if out and out[-1][0] != " ":
            size = char["bottom"] - char["top"] or 1.0
            gap = x0 - out[-1][2]
            wide = _wide(out[-1][0]) or _wide(text[0])
            if wide and gap > size * _WIDE_GAP:  # undrawn 全角空格 between CJK text
                end = out[-1][2]
                out.extend(("\u3000", end, x0) for _ in range(max(1, round(gap / size))))
            elif not wide and gap > size * _SPACE_TOLERANCE:
                out.append((" ", out[-1][2], x0))
        out.extend((ch, x0, x1) for ch in text)
    while out and out[-1][0].isspace():
        out.pop()
    while out and out[0][0].isspace():
        out.pop(0)
    return out


def _unify(text: str) -> str:
    """Kangxi radicals / CJK radicals / compatibility ideographs → unified ideographs."""
    if all(ord(ch) < 0x2015 or 0x2015 < ord(ch) < 0x2E3A for ch in text):
        return text
    return "".join(
        unicodedata.normalize("NFKC", ch)
        if 0x2F00 <= ord(ch) <= 0x2FDF or 0xF900 <= ord(ch) <= 0xFAFF
        else ch
        for ch in text.translate(_RADICALS)
    )


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _join_wrapped(lines: list[_Line], right: float, left: float | None = None) -> list[_Line]:
    """Join lines a renderer wrapped (see the module docstring). ``left``: the text
    column's left edge, for body text, where an indented line starts a paragraph."""
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False) if b.top > a.top]
    # line pitch inside a paragraph: the smallest one at least a line high, so a stray
    # pair of lines closer together (a superscript, a smaller font) does not set it
    heights = sorted(line.bottom - line.top for line in lines)
    floor = 0.9 * heights[len(heights) // 2] if heights else 0.0
    pitch = min((p for p in pitches if p >= floor), default=0.0)
    out: list[_Line] = []
    previous: _Line | None = None  # the last visual line
    for line in lines:
        size = max(line.bottom - line.top, 1.0)
        if (
            out
            and previous is not None
            and _soft_wrap(previous, line, right)
            and line.top - previous.top <= pitch + 0.12 * size
            and (left is None or line.x0 <= left + 0.8 * size)
        ):
            last = out[-1]
            # a line without spaces that fills its width is one long token broken anywhere
            forced = " " not in previous.text
            glue = "" if forced or _no_space_join(last.text, line.text) else " "
            out[-1] = _Line(
                last.text + glue + line.text, last.top, last.x0, line.x1, line.bottom, line.ends
            )
        else:
            out.append(line)
        previous = line
    return out


def _soft_wrap(previous: _Line, line: _Line, right: float) -> bool:
    """True when the next line's first unit would not have fitted after ``previous``."""
    unit = len(_first_unit(line.text))
    needed = line.ends[unit - 1] - line.x0 if 0 < unit <= len(line.ends) else 0.0
    return right - previous.x1 < needed + 1.0


def _first_unit(text: str) -> str:
    """The part of a line that could not have been split from its first character: a CJK
    character with the closing punctuation after it, an opening bracket with what follows
    it, and through quotation marks (Unicode line breaking never breaks next to “ ” ‘ ’);
    or a Latin word."""
    if not text:
        return ""
    if not (_wide(text[0]) or text[0] in _NO_LINE_START or text[0] in _NO_LINE_END):
        match = re.match(r"[^\s\u2E80-\uFFFF]+", text)
        return match.group() if match else text[0]
    end = 1
    while end < len(text):
        previous, char = text[end - 1], text[end]
        if (
            char in _NO_LINE_START
            or char in _QUOTES
            or previous in _NO_LINE_END
            or previous in _QUOTES
        ):
            end += 1
        else:
            break
    return text[:end]


def _no_space_join(left: str, right: str) -> bool:
    if not left or not right:
        return True
    a, b = left[-1], right[0]
    return bool(_wide(a) or _wide(b) or a in "-/" or not (a.isascii() and b.isascii()))


# --------------------------------------------------------------------------- assembly


def _furniture(pages: list[_Page]) -> set[tuple[int, int]]:
    """(page, item) positions of page numbers and header/footer lines. A header or footer
    sits in the top or bottom band at the same height, with the same text (page numbers
    aside), on most pages: a heading that merely starts two pages is not one."""
    drop: set[tuple[int, int]] = set()
    seen: dict[tuple[str, int], set[int]] = {}
    banded: list[tuple[int, int, tuple[str, int]]] = []
    for p, page in enumerate(pages):
        band = page.height * _FURNITURE_BAND
        for i, (top, item) in enumerate(page.items):
            if not isinstance(item, _Line):
                continue
            if band < top < page.height - band:
                continue
            if _PAGE_NUMBER.match(item.text):
                drop.add((p, i))
                continue
            key = (_DIGITS.sub("#", item.text), round(top / 3))
            seen.setdefault(key, set()).add(p)
            banded.append((p, i, key))
    needed = max(2, math.ceil(len(pages) * _FURNITURE_SHARE))
    drop.update((p, i) for p, i, key in banded if len(seen[key]) >= needed)
    return drop


def _assemble(pages: list[_Page]) -> list:
    drop = _furniture(pages)
    out = BlockCollector()
    header: list[str] | None = None  # first row of the table the last page ended with
    previous: _Table | None = None
    pending: _Line | None = None  # the last text line, held back: it may go on overleaf
    for p, page in enumerate(pages):
        kept = [item for i, (_, item) in enumerate(page.items) if (p, i) not in drop]
        for position, item in enumerate(kept):
            if isinstance(item, _Line):
                if position == 0 and pending is not None and _goes_on(pending, item):
                    glue = "" if _no_space_join(pending.text, item.text) else " "
                    pending = _Line(
                        pending.text + glue + item.text,
                        pending.top,
                        pending.x0,
                        item.x1,
                        item.bottom,
                        item.ends,
                        item.left,
                        item.right,
                    )
                else:
                    if pending is not None:
                        out.paragraph(pending.text)
                    pending = item
                previous = header = None
                continue
            if pending is not None:
                out.paragraph(pending.text)
                pending = None
            rows = item.rows
            if position == 0 and previous is not None and _continues(previous, item):
                if header is not None and rows[0] == header and len(rows) > 1:
                    rows = rows[1:]  # the header row the PDF repeats on the new page
                elif isinstance(out.blocks[-1], Row):
                    merged = _split_row(out.blocks[-1].cells, previous.last, item)
                    if merged is not None:  # a row the page break cut in two
                        out.blocks[-1] = replace(out.blocks[-1], cells=merged)
                        rows = rows[1:]
            else:
                header = rows[0]
            for row in rows:
                out.row(row)
            previous = item
        if kept and not isinstance(kept[-1], _Table):
            previous = None
    if pending is not None:
        out.paragraph(pending.text)
    return out.blocks


def _goes_on(last: _Line, first: _Line) -> bool:
    """The last line of a page wraps onto the first line of the next one: it filled its
    column and the next line starts at the left margin (not indented)."""
    size = max(first.bottom - first.top, 1.0)
    if last.text.endswith(_SENTENCE_END):
        return False  # no line pitch to compare across pages: a full stop ends it
    return _soft_wrap(last, first, last.right) and first.x0 <= first.left + 0.8 * size


def _split_row(cells, last, table: _Table) -> tuple[str, ...] | None:
    """The row ending a page and the row starting the next one, as one row, when they are
    one row cut by the page break: every cell that goes on overleaf visibly wraps there
    (its last line on the first page filled the cell), and some cell with text on the
    first page has nothing overleaf. A header row followed by a data row, or a row that
    merely starts a page, fails one of the two."""
    first_row, first = table.rows[0], table.first
    if not (len(cells) == len(last) == len(first_row) == len(first)):
        return None
    merged, ended = [], False
    for text, (lines_a, right), more, (lines_b, _) in zip(
        cells, last, first_row, first, strict=True
    ):
        if not more:
            ended = ended or bool(text)
            merged.append(text)
            continue
        if not lines_a or not lines_b or not _soft_wrap(lines_a[-1], lines_b[0], right):
            return None
        glue = "" if _no_space_join(lines_a[-1].text, more) else " "
        merged.append(text + glue + more)
    return tuple(merged) if ended and merged != list(cells) else None


def _continues(previous: _Table, table: _Table) -> bool:
    """Same column boundaries (within a point or two): the same table over a page break."""
    if len(previous.columns) != len(table.columns):
        return False
    return all(abs(a - b) <= 2 for a, b in zip(previous.columns, table.columns, strict=True))
