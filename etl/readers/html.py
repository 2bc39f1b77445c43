"""Reader for saved web pages (.html/.htm, and a ".xls" that is really HTML).

Government sites publish goal tables as HTML pages, and Excel's "save as web page" writes
the same kind of file. The reader turns a page into the block stream the text export of
the same document gives (see docs/file_formats.md):

- text is decoded by BOM, then ``<meta charset>``, then detection (UTF-8, GB18030/GBK);
- page chrome is dropped: <script>/<style>/<nav>/<header>/<footer>/<aside>, form
  controls, hidden elements (``display:none``, ``hidden``), ARIA navigation landmarks;
- the 索引号/发布机构/生成日期 metadata table of government pages is dropped;
- a table becomes one Row per <tr>: a cell spanning columns appears once, a cell spanning
  rows gives "" on the rows below (the export's vertical merge), trailing empty cells
  beyond the last column any filled cell reaches (CMS padding) are dropped;
- a table that holds other tables is a layout frame (unless its own cells carry a
  goal-table header): its content is read as body content; a table nested in a goal
  table gives its cell texts to the parent cell, one per line, like the .docx reader;
- text outside tables: one Paragraph per rendered line (<p>, <div>, <br> …), whitespace
  collapsed as a browser does;
- an Excel web-page workbook (a frameset page plus ``name.files/sheet001.htm``) is read
  sheet by sheet, each sheet a new table ordinal.

Spans are stored as intervals, never expanded into a grid, and cells are capped, so a row
padded with hundreds of 1000-column empty cells costs nothing.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from etl.blocks import BlockStream
from etl.errors import DocumentError
from etl.han import HAN
from etl.limits import get_limits
from etl.readers._collect import BlockCollector, brief_error, is_goal_header_cell

# Limits from data/limits.toml (read once per process; module attributes so tests can lower them)
_LIMITS = get_limits()
MAX_HTML_BYTES = _LIMITS.max_file_bytes(".html")  # one saved page
MAX_COLSPAN = 1000  # the HTML standard's own cap
MAX_CELLS = _LIMITS.html_max_cells  # table cells in one document
MAX_SHEETS = _LIMITS.html_max_sheets  # sheets of an Excel web-page workbook

_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_SHEET_SOURCE = re.compile(r"<x:WorksheetSource\s+HRef\s*=\s*[\"']?([^\"'>\s]+)", re.I)
_DIGITS = re.compile(r"\d+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

# elements that never carry document text
_DROP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "nav",
        "header",
        "footer",
        "aside",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "select",
        "option",
        "button",
        "input",
        "textarea",
        "map",
        "area",
        "audio",
        "video",
    ]
)
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar"})
# rendered as their own lines (a line break before and after)
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "section",
        "article",
        "main",
        "center",
        "blockquote",
        "pre",
        "address",
        "form",
        "fieldset",
        "figure",
        "figcaption",
        "caption",
        "hr",
        "tr",
        "body",
        "html",
    ]
)
_METADATA_KEYS = (
    "发布机构",
    "生成日期",
    "成文日期",
    "发布日期",
    "发文机关",
    "主题分类",
    "公开方式",
    "有效性",
)
_METADATA_LINE = re.compile(rf"^\s*[{HAN}]{{2,5}}\s*[:：]")
_METADATA_LINE_KEYS = ("索引号", "文号", "发文字号", *_METADATA_KEYS)
_GB_NAMES = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "gb18030"}


def read_html(path: str | Path, data: bytes | None = None) -> BlockStream:
    """Read a saved web page into blocks (module docstring)."""
    path = Path(path)
    raw = path.read_bytes() if data is None else data
    if len(raw) > MAX_HTML_BYTES:
        raise DocumentError(
            path, f"网页文件过大（超过 {MAX_HTML_BYTES // 2**20} MB），请拆分后导入"
        )
    root = parse_page(path, raw)
    reader = _PageReader(path)
    sheets = _excel_sheets(path, raw, root)
    if sheets:
        for sheet in sheets:
            data = _read_part(path, sheet)
            reader.excel = _is_excel(data)
            reader.out.new_table()
            reader.page(parse_page(sheet, data))
    else:
        reader.excel = _is_excel(raw)
        reader.page(root)
    reader.flush()
    meta = {"line_kind": "block_ordinal"}
    if reader.excel:
        meta = {"line_kind": "excel_row", "source": "excel_web_page"}
    return BlockStream(reader.out.blocks, "html", meta)


def _is_excel(data: bytes) -> bool:
    """Excel's "save as web page" output declares its namespace or ProgId up front."""
    head = data[:8192]
    return b"urn:schemas-microsoft-com:office:excel" in head or b"Excel.Sheet" in head


def looks_like_html(data: bytes) -> bool:
    """Content sniffing for misnamed pages (a ".xls" saved by a budget system)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<head", b"<meta", b"<body")):
        return True
    return head.startswith(b"<?xml") and b"<html" in head


def decode_html(data: bytes, path: str | Path) -> str:
    """BOM, then ``<meta charset>``, then UTF-8, then GB18030 (GBK/GB2312 pages)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    declared = _META_CHARSET.search(data[:4096])
    candidates = ["utf-8", "gb18030"]
    if declared:
        name = declared.group(1).decode("ascii", "replace").strip().lower()
        name = "gb18030" if name in _GB_NAMES else name
        try:
            name = codecs.lookup(name).name
        except LookupError:
            name = ""
        if name in ("utf-8", "gb18030"):
            candidates.remove(name)
            candidates.insert(0, name)
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if b"\x00" in data[:4096]:
        raise DocumentError(path, "不是网页文件，疑似二进制内容")
    # a page with a few broken bytes still reads; the broken characters become U+FFFD
    return data.decode(candidates[0], errors="replace")


def parse_page(path: str | Path, data: bytes):
    """The lxml tree of a page (no network, no entities; comments dropped)."""
    from lxml import etree  # imported here: sniffing every text file must stay cheap

    text = _XML_DECL.sub("", decode_html(data, path), count=1)
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
    )
    try:
        root = etree.fromstring(text.encode("utf-8", errors="replace"), parser)
    except Exception as error:  # lxml raises several types on hopeless input
        raise DocumentError(path, f"无法解析网页内容（{brief_error(error)}）") from None
    if root is None:
        raise DocumentError(path, "网页没有内容")
    return root


# --------------------------------------------------------------------------- Excel pages


def _excel_sheets(path: Path, raw: bytes, root) -> list[Path]:
    """Sheet files of an Excel web-page workbook, in workbook order (none for a plain page)."""
    text = raw[:65536].decode("latin-1")
    targets = _SHEET_SOURCE.findall(text)
    if not targets:
        targets = [
            frame.get("src") or ""
            for frame in root.iter("frame")
            if not (frame.get("src") or "").lower().endswith("tabstrip.htm")
        ]
    targets = [t for t in dict.fromkeys(targets) if t][:MAX_SHEETS]
    return [_part_path(path, target) for target in targets]


def _part_path(path: Path, target: str) -> Path:
    from urllib.parse import unquote

    part = (path.parent / unquote(target.split("#")[0])).resolve()
    if path.parent.resolve() not in part.parents:
        raise DocumentError(path, f"Excel 网页引用了文件夹以外的工作表文件：{target}")
    return part


def _read_part(path: Path, part: Path) -> bytes:
    try:
        data = part.read_bytes()
    except OSError:
        raise DocumentError(
            path,
            f"找不到 Excel 网页的工作表文件 {part.parent.name}/{part.name}"
            "（请连同同名 .files 文件夹一起复制）",
        ) from None
    if len(data) > MAX_HTML_BYTES:
        raise DocumentError(path, f"工作表文件 {part.name} 过大，请拆分后导入")
    return data


# --------------------------------------------------------------------------- walking


def _dropped(element) -> bool:
    tag = element.tag
    if tag in _DROP_TAGS:
        # an article's own <header> carries its title (and often the year and unit)
        return not (tag in ("header", "footer") and _in_article(element))
    if element.get("hidden") is not None:
        return True
    role = element.get("role")
    if role and role.strip().lower() in _CHROME_ROLES:
        return True
    style = element.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _in_article(element) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in ("article", "main"):
            return True
        parent = parent.getparent()
    return False


def _metadata_lines(lines: list[str]) -> set[int]:
    """Indexes of a 索引号/发布机构/生成日期 block written as lines (a <ul> or <div>s)
    instead of a table: a run of `key：value` lines, one of them 索引号, at least two."""
    drop: set[int] = set()
    run: list[int] = []
    for index, line in enumerate([*lines, ""]):
        if _METADATA_LINE.match(line) and any(key in line[:8] for key in _METADATA_LINE_KEYS):
            run.append(index)
            continue
        if len(run) >= 2 and any(lines[i].lstrip().startswith("索引号") for i in run):
            drop.update(run)
        run = []
    return drop


def _int_attribute(element, name: str, default: int) -> int:
    match = _DIGITS.search(element.get(name) or "")
    return int(match.group()) if match else default


class _Lines:
    """Rendered lines of a container: a block boundary ends a non-empty line, <br> ends a
    line even when empty (as a browser shows them)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._parts: list[str] = []

    def text(self, value: str | None) -> None:
        if value:
            self._parts.append(value)

    def soft_break(self) -> None:
        if self._parts:
            line = self._line()
            if line:
                self.lines.append(line)

    def hard_break(self) -> None:
        self.lines.append(self._line())

    def _line(self) -> str:
        text = _WHITESPACE.sub(" ", "".join(self._parts)).replace("\xa0", " ").strip(" ")
        self._parts.clear()
        return text


class _PageReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.out = BlockCollector()
        self.excel = False  # the page is an Excel "save as web page" sheet
        self.table_sheets: dict[int, str] = {}
        self.cells = 0
        self._lines = _Lines()

    def page(self, root) -> None:
        body = next(root.iter("body"), None)
        self.walk(root if body is None else body, self._lines)
        self.flush()

    def flush(self) -> None:
        self._lines.soft_break()
        lines = self._lines.lines
        drop = _metadata_lines(lines)
        for index, line in enumerate(lines):
            if index not in drop:
                self.out.paragraph(line)
        lines.clear()

    # -- generic walk, shared by the body and by cell contents ---------------------------
    def walk(self, element, lines: _Lines, in_cell: bool = False) -> None:
        lines.text(element.text)
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or _dropped(child):
                lines.text(child.tail)
                continue
            if tag == "table":
                if in_cell:
                    lines.soft_break()
                    for text in self.nested_table_texts(child):
                        lines.text(text)
                        lines.soft_break()
                else:
                    self.flush()
                    self.table(child)
            elif tag == "br":
                lines.hard_break()
            elif tag in _BLOCK_TAGS:
                lines.soft_break()
                self.walk(child, lines, in_cell)
                lines.soft_break()
            else:
                self.walk(child, lines, in_cell)
            lines.text(child.tail)

    def cell_text(self, cell) -> str:
        lines = _Lines()
        self.walk(cell, lines, in_cell=True)
        lines.soft_break()
        texts = lines.lines
        while texts and texts[-1] == "":
            texts.pop()
        return "\n".join(texts)

    # -- tables --------------------------------------------------------------------------
    def table(self, table) -> None:
        rows = _table_rows(table)
        if _has_nested_table(rows) and not self._own_header(rows):
            for cells in rows:  # a layout frame: its cells are body content
                for cell in cells:
                    self._lines.soft_break()
                    self.walk(cell, self._lines)
                    self._lines.soft_break()
            self.flush()
            return
        texts = [[self.cell_text(cell) for cell in cells] for cells in rows]
        if _is_metadata_table(texts):
            return
        if self.excel:
            self.excel_sheet(rows, texts)
            return
        for row in _resolve_spans(rows, texts):
            self.cells += len(row)
            if self.cells > MAX_CELLS:
                raise DocumentError(self.path, f"网页中的表格单元格过多（超过 {MAX_CELLS} 个）")
            self.out.row(row)

    def excel_sheet(self, rows, texts) -> None:
        """A worksheet saved as a web page reads like the same sheet in an .xlsx."""
        from etl.readers.spreadsheet import _emit

        grid = _excel_grid(self.path.name, rows, texts)
        if not grid.has_goal_header():
            return  # 填报说明 and other sheets without a goal table, as in .xlsx
        self.cells += sum(len(cells) for _, cells in grid.rows)
        if self.cells > MAX_CELLS:
            raise DocumentError(self.path, f"网页中的表格单元格过多（超过 {MAX_CELLS} 个）")
        self.out.new_table()
        _emit(grid, self.out, self.table_sheets)

    def nested_table_texts(self, table) -> list[str]:
        rows = _table_rows(table)
        texts = [[self.cell_text(cell) for cell in cells] for cells in rows]
        return [text for row in _resolve_spans(rows, texts) for text in row if text]

    def _own_header(self, rows) -> bool:
        """A goal table that happens to hold a nested table is not a layout frame."""
        return any(is_goal_header_cell(_own_text(cell)) for cells in rows for cell in cells)


def _own_text(element) -> str:
    """Text of an element without the text of tables nested in it."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag != "table":
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _table_rows(table) -> list[list]:
    """The table's own rows (thead/tbody/tfoot looked through), each its visible cells."""
    rows = []
    for child in table:
        if not isinstance(child.tag, str) or _dropped(child):
            continue
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(tr for tr in child if tr.tag == "tr" and not _dropped(tr))
    return [[cell for cell in tr if cell.tag in ("td", "th") and not _dropped(cell)] for tr in rows]


def _has_nested_table(rows) -> bool:
    return any(next(cell.iter("table"), None) is not None for cells in rows for cell in cells)


def _is_metadata_table(texts: list[list[str]]) -> bool:
    """The 索引号/发布机构/生成日期 box at the top of a government page."""
    flat = ["".join(text.split()) for row in texts for text in row]
    if not any("索引号" in text for text in flat):
        return False
    if any(is_goal_header_cell(text) for text in flat):
        return False
    return any(key in text for text in flat for key in _METADATA_KEYS)


def _resolve_spans(rows, texts: list[list[str]]) -> list[list[str]]:
    """Rows in the export's convention: a column span once, a row span "" below."""
    placed_rows = _place(rows, texts)
    width = max((end for row in placed_rows for _, end, text, _ in row if text), default=0)
    out = []
    for row in placed_rows:
        cells = [text for start, _, text, _ in row if start < width]
        if cells:
            out.append(cells)
    return out


def _place(rows, texts: list[list[str]]) -> list[list[tuple[int, int, str, bool]]]:
    """Each row's cells as (start column, end column, text, is_origin), continuations of
    cells spanning down from above included (is_origin False, text ""). Spans are
    intervals, never expanded into a grid."""
    placed_rows: list[list[tuple[int, int, str, bool]]] = []
    active: list[list[int]] = []  # [start, end, rows_left] of cells spanning down
    total = len(rows)
    for r, cells in enumerate(rows):
        active.sort()
        placed = [(start, end, "", False) for start, end, _ in active]  # continuations
        spans = [(start, end) for start, end, _ in active]
        new_active: list[list[int]] = []
        column, pointer = 0, 0
        for cell, text in zip(cells, texts[r], strict=True):
            while pointer < len(spans):
                start, end = spans[pointer]
                if end <= column:
                    pointer += 1
                elif start <= column:
                    column = end
                    pointer += 1
                else:
                    break
            width = min(max(_int_attribute(cell, "colspan", 1), 1), MAX_COLSPAN)
            height = _int_attribute(cell, "rowspan", 1)
            height = total - r if height == 0 else min(max(height, 1), total - r)
            placed.append((column, column + width, text, True))
            if height > 1:
                new_active.append([column, column + width, height - 1])
            column += width
        active = [[s, e, n - 1] for s, e, n in active if n > 1] + new_active
        placed.sort(key=lambda item: item[0])
        placed_rows.append(placed)
    return placed_rows


def _excel_grid(name: str, rows, texts: list[list[str]]):
    """An Excel web-page sheet in the .xlsx reader's convention: every cell keeps its grid
    column, a merged range gives its text to the top-left cell only, and a single cell
    spanning the whole used width is a banner (a paragraph)."""
    from etl.readers.spreadsheet import _grid

    placed_rows = _place(rows, texts)
    grid_texts: dict[int, dict[int, str]] = {}
    spans: dict[int, list[tuple[int, int]]] = {}
    for line, row in enumerate(placed_rows, start=1):
        for start, end, text, origin in row:
            if origin and text.strip():
                grid_texts.setdefault(line, {})[start + 1] = text
                spans.setdefault(line, []).append((start + 1, end))
    grid = _grid(name, grid_texts)
    if grid.rows:
        first, last = grid.columns
        grid.banners = {
            line
            for line, cells in spans.items()
            if len(cells) == 1 and cells[0][0] <= first and cells[0][1] >= last > first
        }
    return grid
