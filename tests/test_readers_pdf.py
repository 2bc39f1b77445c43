"""The PDF reader: the seeds printed to PDF by headless Chromium give their golden records;
merged cells, tables over page breaks and page furniture follow the block convention;
scanned, encrypted and damaged PDFs are refused with one line. A folder mixing every
supported format loads in one `python -m etl load`. Fixtures are built in tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl.blocks import Paragraph, Row
from etl.errors import DocumentError
from etl.readers import pdf as pdf_reader
from etl.readers import read_blocks
from etl.readers.text import read_text
from tests.fixtures.build_office import docx_from_blocks, flat_csv, flat_workbook
from tests.fixtures.build_web import (
    chromium,
    drawn_pdf,
    encrypted_pdf,
    html_from_blocks,
    image_only_pdf,
    pdf_from_html,
)
from tests.test_readers_html import SEEDS, assert_golden, seed_manifest

ROOT = Path(__file__).resolve().parents[1]

_chromium_missing = pytest.mark.skipif(
    chromium() is None,
    reason="chromium is not installed (scripts/install_browser.sh); it prints the PDF fixtures",
)


def needs_chromium(test):
    """Chromium prints the PDF fixture: a browser process per test, so the test is slow (the
    fast profile reads the drawn PDFs below)."""
    return pytest.mark.slow(_chromium_missing(test))


def print_pdf(blocks, folder: Path, stem: str, **options) -> Path:
    page = html_from_blocks(blocks, folder / f"{stem}.html")
    return pdf_from_html(page, folder / f"{stem}.pdf", **options)


def print_body(folder: Path, body: str, stem: str = "page") -> Path:
    page = folder / f"{stem}.html"
    page.write_text(
        '<html lang="zh-CN"><head><meta charset="utf-8"><style>'
        "body{font-family:'Noto Sans CJK SC',sans-serif;font-size:10pt}"
        "table{border-collapse:collapse} td,th{border:0.8pt solid #000;padding:2pt 3pt}"
        f"tr{{break-inside:avoid}}</style></head><body>{body}</body></html>",
        encoding="utf-8",
    )
    return pdf_from_html(page, folder / f"{stem}.pdf")


@pytest.fixture(scope="module")
def seed_pdfs(tmp_path_factory) -> dict[str, Path]:
    if chromium() is None:
        pytest.skip("chromium is not installed (scripts/install_browser.sh)")
    folder = tmp_path_factory.mktemp("pdf")
    return {seed.name: print_pdf(read_text(seed).blocks, folder, seed.stem) for seed in SEEDS}


@needs_chromium
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_pdf_gives_the_golden_record(seed, seed_pdfs):
    parser = pytest.importorskip("etl.parser")
    record = parser.parse_file(seed_pdfs[seed.name], manifest=seed_manifest(".pdf"))
    assert_golden(seed, record, "pdf")


@needs_chromium
def test_seed_pdfs_really_span_pages_and_merge_cells(seed_pdfs):
    """Guard the fixtures: the equality above must exercise page breaks inside tables,
    wrapped cell text and vertically merged cells."""
    import pdfplumber

    with pdfplumber.open(seed_pdfs[SEEDS[3].name]) as pdf:
        assert len(pdf.pages) > 10
        first = pdf.pages[1].find_tables(pdf_reader._TABLE_SETTINGS)[0]
        assert None in first.rows[1].cells or any(None in row.cells for row in first.rows)
    stream = read_blocks(seed_pdfs[SEEDS[3].name])
    assert stream.format == "pdf" and int(stream.meta["pages"]) > 10
    assert any(r.cells[0] == "" for r in stream.blocks if isinstance(r, Row))


@needs_chromium
@pytest.mark.parametrize("seed", [SEEDS[1], SEEDS[2]], ids=lambda p: p.name[:3])
def test_browser_header_footer_and_page_numbers_are_dropped(seed, tmp_path):
    """Chromium's own header (date, title) and footer (address, `2/9`) on every page."""
    parser = pytest.importorskip("etl.parser")
    pdf = print_pdf(read_text(seed).blocks, tmp_path, seed.stem, header_footer=True)
    texts = [b.text for b in read_blocks(pdf).blocks if isinstance(b, Paragraph)]
    assert not any("file://" in t or t.split()[-1] == "预算公开" for t in texts)
    assert_golden(seed, parser.parse_file(pdf, manifest=seed_manifest(".pdf")), "pdf")


@needs_chromium
def test_merged_cells_follow_the_block_convention(tmp_path):
    body = """<p>项目支出绩效目标表</p><table>
      <tr><td rowspan="3">产出指标</td><td colspan="2">数量指标</td><td>10个</td></tr>
      <tr><td>质量</td>
        <td rowspan="2" colspan="2">验收合格率达到百分之九十五以上的项目数量</td></tr>
      <tr><td>时效</td></tr>
      <tr><td>效益指标</td><td>社会</td><td>群众</td><td>改善</td></tr>
    </table><p>填表人：某某</p>"""
    pdf = print_body(tmp_path, body)
    html = tmp_path / "page.html"
    expected = [
        ("p", "项目支出绩效目标表"),
        ("row", ("产出指标", "数量指标", "10个")),
        ("row", ("", "质量", "验收合格率达到百分之九十五以上的项目数量")),
        ("row", ("", "时效", "")),
        ("row", ("效益指标", "社会", "群众", "改善")),
        ("p", "填表人：某某"),
    ]

    def shape(path):
        return [
            ("p", b.text) if isinstance(b, Paragraph) else ("row", b.cells)
            for b in read_blocks(path).blocks
        ]

    assert shape(html) == expected
    assert shape(pdf) == expected


@needs_chromium
def test_table_over_page_breaks_is_one_table_and_the_repeated_header_goes(tmp_path):
    rows = "".join(f"<tr><td>项目{i}</td><td>{i}</td><td>说明{i}</td></tr>" for i in range(120))
    body = (
        "<p>标题</p><table><thead><tr><th>一级指标</th><th>指标值</th><th>说明</th></tr></thead>"
        f"<tbody>{rows}</tbody></table><p>结尾</p>"
    )
    pdf = print_body(tmp_path, body)
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        assert len(document.pages) >= 3  # Chromium repeats <thead> on every page
        assert "级指标" in document.pages[1].extract_text()  # raw text: ⼀ for 一
    blocks = read_blocks(pdf).blocks
    rows_out = [b for b in blocks if isinstance(b, Row)]
    assert rows_out[0].cells == ("一级指标", "指标值", "说明")
    assert [r.cells for r in rows_out[1:]] == [(f"项目{i}", str(i), f"说明{i}") for i in range(120)]
    assert {r.table for r in rows_out} == {0}
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["标题", "结尾"]


@needs_chromium
def test_wrapped_text_is_joined_and_real_breaks_kept(tmp_path):
    long = "加强基层组织建设夯实执政之基" * 12
    body = (
        f"<p>{long}</p><p>短句一。</p><p>短句二。</p>"
        f'<table><tr><td style="width:60pt">服务对象满意度指标</td>'
        f"<td>第一行<br>第二行（含括号）<br>{long}</td></tr></table>"
    )
    blocks = read_blocks(print_body(tmp_path, body)).blocks
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == [long, "短句一。", "短句二。"]
    assert [b.cells for b in blocks if isinstance(b, Row)] == [
        ("服务对象满意度指标", f"第一行\n第二行（含括号）\n{long}")
    ]


# --------------------------------------------------------------------------- refusals


def test_scanned_pdf_asks_for_ocr(tmp_path):
    path = image_only_pdf(tmp_path / "扫描件.pdf")
    with pytest.raises(DocumentError) as error:
        read_blocks(path)
    assert str(error.value) == f"{path}: 扫描件，需要先做文字识别（OCR）"


@needs_chromium
def test_encrypted_pdf_is_refused(tmp_path):
    source = print_body(tmp_path, "<p>绩效目标</p>" * 20)
    path = encrypted_pdf(source, tmp_path / "加密.pdf")
    with pytest.raises(DocumentError) as error:
        read_blocks(path)
    assert str(error.value) == f"{path}: {pdf_reader.ENCRYPTED_MESSAGE}"


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", b"%PDF-1.4\n" + b"\x00\xff" * 300],
)
def test_damaged_pdf_is_one_line(tmp_path, content):
    path = tmp_path / "坏.pdf"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as error:
        read_blocks(path)
    message = str(error.value)
    assert message.startswith(f"{path}: {pdf_reader.CORRUPT_MESSAGE}")
    assert "\n" not in message


def test_pdf_named_otherwise_is_sniffed(tmp_path):
    scan = image_only_pdf(tmp_path / "x.pdf")
    path = tmp_path / "附件.txt"
    path.write_bytes(scan.read_bytes())
    with pytest.raises(DocumentError, match="扫描件"):
        read_blocks(path)


@needs_chromium
def test_page_and_size_limits(tmp_path, monkeypatch):
    pdf = print_body(tmp_path, "<p>第一页</p><p style='break-before:page'>第二页</p>")
    monkeypatch.setattr(pdf_reader, "MAX_PDF_PAGES", 1)
    with pytest.raises(DocumentError, match="PDF 页数过多（2 页，上限 1 页）"):
        read_blocks(pdf)
    monkeypatch.setattr(pdf_reader, "MAX_PDF_BYTES", 100)
    with pytest.raises(DocumentError, match="PDF 文件过大"):
        read_blocks(pdf)


def test_fake_bold_and_page_furniture_in_a_drawn_pdf(tmp_path):
    """Each body line drawn twice 0.4 pt apart (fake bold); a running header and `- n -`
    footers on every page; a heading that starts two of five pages stays."""
    pages = []
    for n in range(1, 6):
        items = [(60, 30, "Budget disclosure 2023"), (280, 810, f"- {n} -")]
        if n in (2, 4):
            items.append((60, 45, "Project goals"))
        items += [(60, 100, f"Section {n} total 100"), (60.4, 100, f"Section {n} total 100")]
        pages.append(items)
    path = drawn_pdf(tmp_path / "drawn.pdf", pages)
    texts = [b.text for b in read_blocks(path).blocks]
    assert texts == [
        "Section 1 total 100",
        "Project goals",
        "Section 2 total 100",
        "Section 3 total 100",
        "Project goals",
        "Section 4 total 100",
        "Section 5 total 100",
    ]


def test_text_in_the_header_band_of_a_two_page_pdf_is_kept_unless_on_both(tmp_path):
    pages = [
        [(60, 30, "Header"), (60, 40, "Only here"), (60, 100, "Body one")],
        [(60, 30, "Header"), (60, 100, "Body two")],
    ]
    texts = [b.text for b in read_blocks(drawn_pdf(tmp_path / "two.pdf", pages)).blocks]
    assert texts == ["Only here", "Body one", "Body two"]


@pytest.mark.parametrize(
    ("text", "is_number"),
    [
        ("— 1 —", True),
        ("- 12 -", True),
        ("第 3 页", True),
        ("第3页 共12页", True),
        ("3/12", True),
        ("7", True),
        ("2021年部门预算", False),
        ("一、总体绩效目标", False),
    ],
)
def test_page_number_pattern(text, is_number):
    assert bool(pdf_reader._PAGE_NUMBER.match(text)) is is_number


def test_radicals_from_pdf_fonts_become_ideographs():
    assert pdf_reader._unify("⺠⽬⼾⻓") == "民目户长"
    assert pdf_reader._unify("⸺") == "——"
    assert pdf_reader._unify("（％）") == "（％）"  # full-width forms are text, not artefacts


# --------------------------------------------------------------------------- one load


@needs_chromium
def test_folder_with_every_format_loads_in_one_run(tmp_path, seed_pdfs):
    folder = tmp_path / "docs"
    folder.mkdir()
    blocks = {seed.name: read_text(seed).blocks for seed in SEEDS}
    (folder / SEEDS[0].name).write_bytes(SEEDS[0].read_bytes())  # .txt
    (folder / f"{SEEDS[1].stem}.pdf").write_bytes(seed_pdfs[SEEDS[1].name].read_bytes())
    html_from_blocks(blocks[SEEDS[2].name], folder / f"{SEEDS[2].stem}.html", encoding="gb18030")
    docx_from_blocks(blocks[SEEDS[4].name], folder / f"{SEEDS[4].stem}.docx")
    flat_workbook(folder / "flat.xlsx")
    sub = folder / "csv"
    sub.mkdir()
    flat_csv(sub / "flat_other_town.csv")
    db = tmp_path / "wh" / "warehouse.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "etl", "load", str(folder), "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr
    from warehouse.serve.connect import open_readonly

    con = open_readonly(db)
    try:
        rows = con.execute("SELECT file_name, layout FROM source_document ORDER BY 1").fetchall()
        rejects = con.execute("SELECT path, reason FROM reject").fetchall()
    finally:
        con.close()
    assert rejects == []
    layouts = {name: layout.split("/")[1] for name, layout in rows}
    # flat.xlsx and the .csv hold the same document: it loads once (document versions)
    assert sorted(layouts.values()) in (
        ["csv", "docx", "html", "pdf", "txt"],
        ["docx", "html", "pdf", "txt", "xlsx"],
    ), rows
    assert "内容重复跳过 1" in result.stdout, result.stdout


def test_cli_prints_one_line_for_a_scanned_pdf(tmp_path):
    path = image_only_pdf(tmp_path / "扫描 件.pdf")
    result = subprocess.run(
        [sys.executable, "-m", "etl", "parse", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"错误 {path}: 扫描件，需要先做文字识别（OCR）"]


@needs_chromium
def test_row_and_paragraph_cut_by_page_breaks_are_joined(tmp_path):
    """A cell taller than a page and a paragraph longer than a page: Chromium cuts both
    (rows may break, as Word allows by default); the reader gives them back whole."""
    text = "".join(f"第{i}项工作按期完成并通过验收，" for i in range(260))
    prose = "".join(f"第{i}条措施落实到位，" for i in range(400)) + "完。"
    page = tmp_path / "cut.html"
    page.write_text(
        '<html lang="zh-CN"><head><meta charset="utf-8"><style>'
        "body{font-family:'Noto Sans CJK SC',sans-serif;font-size:10pt}"
        "table{border-collapse:collapse;width:100%} td{border:0.8pt solid #000;padding:2pt}"
        f"</style></head><body><p>{prose}</p><table><tr><td>一级指标</td><td>指标值</td></tr>"
        f"<tr><td>产出指标</td><td>{text}</td></tr><tr><td>效益指标</td><td>改善</td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    pdf = pdf_from_html(page, tmp_path / "cut.pdf")
    stream = read_blocks(pdf)
    assert int(stream.meta["pages"]) >= 3
    assert [b.text for b in stream.blocks if isinstance(b, Paragraph)] == [prose]
    assert [b.cells for b in stream.blocks if isinstance(b, Row)] == [
        ("一级指标", "指标值"),
        ("产出指标", text),
        ("效益指标", "改善"),
    ]
