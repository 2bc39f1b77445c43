"""The HTML reader: the seeds saved as web pages give their golden records; page chrome,
the 索引号 metadata table and CMS padding are ignored; spans follow the block convention.
Fixtures are written here from the seeds' blocks (tests/fixtures/build_web.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.blocks import Paragraph, Row
from etl.errors import DocumentError
from etl.readers import html as html_reader
from etl.readers import read_blocks
from etl.readers.text import read_text
from tests.fixtures.build_office import export_artefacts_removed, flat_workbook
from tests.fixtures.build_web import excel_web_page, html_from_blocks

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data").glob("[0-9][0-9][0-9]_*.txt"))
GOLDEN = ROOT / "tests" / "golden"


def comparable(record: dict) -> dict:
    """A record without what legitimately differs between formats: source (path, sha256,
    the layout's format suffix) and line numbers (block ordinals outside .txt)."""

    def strip(value):
        if isinstance(value, dict):
            return {
                k: strip(v) for k, v in value.items() if k not in ("source", "source_line", "line")
            }
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(json.loads(json.dumps(record, ensure_ascii=False)))


def seed_manifest(suffix: str) -> list[dict]:
    """data/manifest.toml with each seed's entry matching the seed rebuilt as ``suffix``
    (the golden records include the manifest's overrides, e.g. seed 002's unit name)."""
    from etl.manifest import load_manifest

    return [
        {**entry, "match": Path(entry["match"]).stem + suffix}
        for entry in load_manifest(ROOT / "data" / "manifest.toml")
    ]


def assert_golden(seed: Path, record: dict, fmt: str) -> None:
    golden = json.loads((GOLDEN / f"{seed.stem}.json").read_text(encoding="utf-8"))
    layout, suffix = record["source"]["layout"].split("/")
    assert suffix == fmt
    assert layout == golden["source"]["layout"].split("/")[0]
    assert comparable(record) == comparable(golden)


def text_signature(blocks) -> list[tuple]:
    """Blocks as a browser shows them: whitespace runs collapsed, empty paragraphs gone."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            text = " ".join(export_artefacts_removed(block.text).replace("\xa0", " ").split(" "))
            text = " ".join(text.split())
            if text:
                out.append(("p", text))
        else:
            cells = tuple(
                "\n".join(" ".join(line.split()) for line in cell.split("\n")).strip("\n")
                for cell in block.cells
            )
            out.append(("row", cells, block.table))
    return out


@pytest.fixture(scope="module")
def seed_pages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("html")
    return {
        seed.name: html_from_blocks(read_text(seed).blocks, folder / f"{seed.stem}.html")
        for seed in SEEDS
    }


def test_seeds_were_found():
    assert len(SEEDS) == 5


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_page_gives_the_golden_record(seed, seed_pages):
    parser = pytest.importorskip("etl.parser")
    record = parser.parse_file(seed_pages[seed.name], manifest=seed_manifest(".html"))
    assert_golden(seed, record, "html")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_page_blocks_match_the_text_export(seed, seed_pages):
    stream = read_blocks(seed_pages[seed.name])
    assert stream.format == "html"
    assert stream.meta["line_kind"] == "block_ordinal"
    assert text_signature(stream.blocks) == text_signature(read_text(seed).blocks)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_gbk_page_with_chrome_and_padding_gives_the_golden_record(seed, tmp_path):
    """A government page: GB2312 declared, header/nav/script/footer, the 索引号 table,
    hidden text, and every table row padded with empty 50-column cells."""
    parser = pytest.importorskip("etl.parser")
    page = html_from_blocks(
        read_text(seed).blocks,
        tmp_path / f"{seed.stem}.htm",
        encoding="gb18030",
        chrome=True,
        padding=40,
    )
    raw = page.read_bytes()
    assert b"charset=gb2312" in raw and "索引号".encode("gb18030") in raw
    assert_golden(seed, parser.parse_file(page, manifest=seed_manifest(".htm")), "html")
    blocks = read_blocks(page).blocks
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert not any(
        "索引号" in t or "首页" in t or "网站标识码" in t or "tracker" in t for t in texts
    )
    assert not any("隐藏的" in t for t in texts)
    assert all(not any("索引号" in c for c in b.cells) for b in blocks if isinstance(b, Row))


def test_seed_fixture_really_uses_spans(seed_pages):
    raw = seed_pages[SEEDS[3].name].read_text(encoding="utf-8")
    assert "rowspan=" in raw and "colspan=" in raw and "<br>" in raw


# --------------------------------------------------------------------------- structure


def page(tmp_path: Path, body: str, name: str = "p.html", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(f"<html><body>{body}</body></html>".encode(encoding))
    return path


def blocks_of(path: Path) -> list[tuple]:
    return [
        ("p", b.text) if isinstance(b, Paragraph) else ("row", b.cells, b.table)
        for b in read_blocks(path).blocks
    ]


def test_spans_follow_the_text_export_convention(tmp_path):
    body = """<p>表一</p><table>
      <tr><td rowspan="3">产出指标</td><td colspan="2">数量指标</td><td>10</td></tr>
      <tr><td>质量</td><td rowspan="2" colspan="2">合格率<br>≥95%</td></tr>
      <tr><td>时效</td></tr>
      <tr><td>效益指标</td><td>社会</td><td>群众</td><td>改善</td></tr>
    </table>"""
    assert blocks_of(page(tmp_path, body)) == [
        ("p", "表一"),
        ("row", ("产出指标", "数量指标", "10"), 0),
        ("row", ("", "质量", "合格率\n≥95%"), 0),
        ("row", ("", "时效", ""), 0),
        ("row", ("效益指标", "社会", "群众", "改善"), 0),
    ]


def test_paragraphs_lines_and_whitespace(tmp_path):
    body = """  <h1>某某镇 2023年
        部门预算</h1><div>第一行<br>第二行<br><br></div><p>&nbsp;&nbsp;缩进　全角</p>
      <p></p>文字<span>相连</span><p>表格之后</p>"""
    assert blocks_of(page(tmp_path, body)) == [
        ("p", "某某镇 2023年 部门预算"),
        ("p", "第一行"),
        ("p", "第二行"),
        ("p", "缩进　全角"),
        ("p", "文字相连"),
        ("p", "表格之后"),
    ]


def test_tables_separated_by_text_get_new_ordinals(tmp_path):
    body = (
        "<table><tr><td>a</td><td>b</td></tr></table><table><tr><td>c</td></tr></table>"
        "<p>项目二</p><table><tr><td>d</td></tr></table>"
    )
    assert blocks_of(page(tmp_path, body)) == [
        ("row", ("a", "b"), 0),
        ("row", ("c",), 0),  # no text in between: the export cannot tell them apart either
        ("p", "项目二"),
        ("row", ("d",), 1),
    ]


def test_layout_table_is_unwrapped_and_nested_goal_table_kept(tmp_path):
    body = """<table class="frame"><tr><td class="left"><a>首页</a></td><td>
        <p>项目支出绩效目标表</p>
        <table><tr><td>一级指标</td><td>二级指标</td></tr><tr><td>产出指标</td><td>数量指标</td></tr></table>
      </td></tr></table>"""
    assert blocks_of(page(tmp_path, body)) == [
        ("p", "首页"),
        ("p", "项目支出绩效目标表"),
        ("row", ("一级指标", "二级指标"), 0),
        ("row", ("产出指标", "数量指标"), 0),
    ]


def test_table_nested_in_a_goal_table_cell_joins_the_cell(tmp_path):
    body = """<table><tr><td>一级指标</td><td>指标值</td></tr>
      <tr><td>产出指标</td><td><table><tr><td>≥95%</td><td></td></tr><tr><td>按期完成</td></tr></table></td></tr>
    </table>"""
    assert blocks_of(page(tmp_path, body)) == [
        ("row", ("一级指标", "指标值"), 0),
        ("row", ("产出指标", "≥95%\n按期完成"), 0),
    ]


def test_metadata_table_is_dropped_but_a_goal_table_mentioning_it_is_not(tmp_path):
    body = """<table><tr><td>索引号：</td><td>11130000/2023-01</td></tr>
      <tr><td>发布机构：</td><td>某某镇</td><td>生成日期：</td><td>2023-03-01</td></tr></table>
      <table><tr><td>项目名称</td><td>索引号整理</td></tr><tr><td>发布机构</td><td>x</td></tr></table>"""
    assert blocks_of(page(tmp_path, body)) == [
        ("row", ("项目名称", "索引号整理"), 0),
        ("row", ("发布机构", "x"), 0),
    ]


def test_metadata_written_as_lines_is_dropped(tmp_path):
    body = """<ul class="xxgk"><li>索引号：11130000/2023-01</li><li>发布机构：某某镇人民政府</li>
      <li>生成日期：2023-03-01</li></ul><h1>标题</h1><p>发布机构：本文不是元数据</p>"""
    assert blocks_of(page(tmp_path, body)) == [("p", "标题"), ("p", "发布机构：本文不是元数据")]


def test_an_articles_own_header_is_content(tmp_path):
    body = """<header><nav>首页</nav><p>网站名称</p></header>
      <article><header><h1>某某镇2023年部门预算公开</h1></header><p>正文</p>
      <footer>来源：某某镇</footer></article><footer>版权所有</footer>"""
    assert blocks_of(page(tmp_path, body)) == [
        ("p", "某某镇2023年部门预算公开"),
        ("p", "正文"),
        ("p", "来源：某某镇"),
    ]


def test_padding_cells_cost_nothing(tmp_path):
    """500 empty cells of 1000 columns per row: dropped without building a grid."""
    padding = '<td colspan="1000" rowspan="3"></td>' * 500
    rows = "".join(f"<tr><td>名称{i}</td><td>{i}</td>{padding}</tr>" for i in range(20))
    blocks = blocks_of(page(tmp_path, f"<table>{rows}</table>"))
    assert blocks == [("row", (f"名称{i}", str(i)), 0) for i in range(20)]


def test_empty_cells_inside_the_table_width_are_kept(tmp_path):
    body = (
        "<table><tr><td>a</td><td></td><td>c</td><td></td></tr>"
        "<tr><td></td><td></td><td></td></tr></table>"
    )
    assert blocks_of(page(tmp_path, body)) == [("row", ("a", "", "c"), 0), ("row", ("", "", ""), 0)]


def test_too_many_cells_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(html_reader, "MAX_CELLS", 50)
    rows = "".join(f"<tr><td>{i}</td><td>x</td></tr>" for i in range(40))
    path = page(tmp_path, f"<table>{rows}</table>")
    with pytest.raises(DocumentError) as error:
        read_blocks(path)
    assert str(error.value) == f"{path}: 网页中的表格单元格过多（超过 50 个）"


def test_oversized_page_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(html_reader, "MAX_HTML_BYTES", 100)
    path = page(tmp_path, "<p>" + "字" * 200 + "</p>")
    with pytest.raises(DocumentError, match="网页文件过大"):
        read_blocks(path)


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        ('<meta charset="gbk">', "gb18030"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=GB2312">', "gb18030"),
        ("", "gb18030"),  # no declaration: detected
        ('<meta charset="utf-8">', "utf-8"),
        ("", "utf-8-sig"),  # BOM
        ('<meta charset="gb2312">', "utf-8"),  # a wrong declaration loses to valid UTF-8
    ],
)
def test_encodings(tmp_path, head, encoding):
    text = f"<html><head>{head}</head><body><p>绩效目标：群众满意度≥95%</p></body></html>"
    path = tmp_path / "enc.html"
    path.write_bytes(text.encode(encoding))
    assert blocks_of(path) == [("p", "绩效目标：群众满意度≥95%")]


def test_xml_declared_xhtml(tmp_path):
    path = tmp_path / "x.xhtml.htm"
    path.write_bytes(
        '<?xml version="1.0" encoding="gb2312"?><html xmlns="http://www.w3.org/1999/xhtml">'
        "<body><p>项目名称</p></body></html>".encode("gb18030")
    )
    assert blocks_of(path) == [("p", "项目名称")]


def test_xls_that_is_a_web_page_is_read_as_html(tmp_path):
    path = tmp_path / "申报表.xls"
    path.write_bytes(
        "<html><body><table><tr><td>一级指标</td><td>指标值</td></tr></table>".encode()
    )
    stream = read_blocks(path)
    assert stream.format == "html"
    assert [b.cells for b in stream.blocks] == [("一级指标", "指标值")]


def test_mht_under_a_doc_name_is_still_refused(tmp_path):
    path = tmp_path / "网页.doc"
    path.write_bytes(b"MIME-Version: 1.0\r\nContent-Type: multipart/related")
    with pytest.raises(DocumentError, match="另存为 .docx"):
        read_blocks(path)


# --------------------------------------------------------------------------- Excel web page


def test_excel_web_page_reads_like_the_workbook(tmp_path):
    parser = pytest.importorskip("etl.parser")
    page_path = excel_web_page(tmp_path / "web")
    workbook = flat_workbook(tmp_path / "flat.xlsx")
    from_html, from_xlsx = read_blocks(page_path), read_blocks(workbook)
    assert from_html.meta["source"] == "excel_web_page"
    assert text_signature(from_html.blocks) == text_signature(from_xlsx.blocks)
    html_record = parser.parse_file(page_path, manifest=[])
    xlsx_record = parser.parse_file(workbook, manifest=[])
    assert html_record["source"]["layout"] == "flat/html"
    assert comparable(html_record) == comparable(xlsx_record)


def test_excel_web_page_with_a_missing_sheet_folder(tmp_path):
    page_path = excel_web_page(tmp_path / "web")
    for part in sorted((tmp_path / "web" / "book.files").iterdir()):
        part.unlink()
    with pytest.raises(DocumentError) as error:
        read_blocks(page_path)
    assert "找不到 Excel 网页的工作表文件 book.files/sheet001.htm" in str(error.value)
    assert "\n" not in str(error.value)


def test_excel_sheet_reference_outside_the_folder_is_refused(tmp_path):
    path = tmp_path / "evil.htm"
    path.write_bytes(
        b'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>'
        b'<!--[if gte mso 9]><xml><x:WorksheetSource HRef="../../etc/passwd"/></xml><![endif]-->'
        b"</head></html>"
    )
    with pytest.raises(DocumentError, match="文件夹以外"):
        read_blocks(path)
