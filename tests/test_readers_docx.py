"""The .docx reader gives the same blocks, and the parser the same record, as the text
export of the same document. Fixtures are built here from the seeds (no binaries in git)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.blocks import Paragraph, Row
from etl.errors import DocumentError
from etl.readers import read_blocks
from etl.readers.text import read_text
from tests.fixtures.build_office import (
    block_signature,
    docx_from_blocks,
    docx_from_body_xml,
    export_artefacts_removed,
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data").glob("0*.txt"))


# Tests on the five seeds written as .docx are slow (whole documents); the Word features
# below use small bodies and stay in the fast profile.
seed_based = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("docx")
    return {
        seed.name: docx_from_blocks(read_text(seed).blocks, folder / f"{seed.stem}.docx")
        for seed in SEEDS
    }


def expected_from_text(seed: Path) -> list[tuple]:
    """The text export's blocks as a .docx must give them: bookmark markers and field
    instructions are export artefacts, gone in Word; a paragraph left empty by that is
    dropped. Everything else — whitespace-only paragraphs, cell texts, table ordinals —
    must match exactly; only line numbers differ (block ordinals for .docx)."""
    blocks = []
    for block in read_text(seed).blocks:
        if isinstance(block, Paragraph):
            text = export_artefacts_removed(block.text)
            if text:
                blocks.append(Paragraph(text, block.line))
        else:
            blocks.append(block)
    return block_signature(blocks)


def test_seeds_were_found():
    assert len(SEEDS) == 5


@seed_based
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_docx_blocks_match_the_text_export(seed, seed_docx):
    stream = read_blocks(seed_docx[seed.name])
    assert stream.format == "docx"
    assert block_signature(stream.blocks) == expected_from_text(seed)


@seed_based
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_docx_lines_are_block_ordinals(seed, seed_docx):
    stream = read_blocks(seed_docx[seed.name])
    assert [block.line for block in stream.blocks] == list(range(1, len(stream.blocks) + 1))
    assert stream.meta["line_kind"] == "block_ordinal"


@seed_based
def test_seed_fixtures_really_use_merges_and_fields(seed_docx):
    """Guard the fixture builder: the equality above must exercise vMerge, gridSpan,
    bookmarks and TC fields, not plain cells."""
    import zipfile

    xml = zipfile.ZipFile(seed_docx[SEEDS[3].name]).read("word/document.xml").decode()
    assert "<w:vMerge/>" in xml or '<w:vMerge w:val="continue"/>' in xml
    assert "w:gridSpan" in xml
    assert "w:bookmarkStart" in xml
    assert "TC 2、办公自动化" in xml and "w:instrText" in xml


def _without_lines(value):
    """Records compare without ``source`` and line numbers (block ordinals in .docx)."""
    if isinstance(value, dict):
        return {
            k: _without_lines(v)
            for k, v in value.items()
            if k not in ("source", "source_line", "line")
        }
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


@seed_based
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_docx_gives_the_same_record_as_the_text_seed(seed, seed_docx):
    parser = pytest.importorskip("etl.parser")
    from_text = parser.parse_file(seed, manifest=[])
    from_docx = parser.parse_file(seed_docx[seed.name], manifest=[])
    assert from_docx["source"]["layout"].endswith("/docx")
    assert (
        from_docx["source"]["layout"].split("/")[0] == from_text["source"]["layout"].split("/")[0]
    )
    assert _without_lines(from_docx) == _without_lines(from_text)


# --------------------------------------------------------------------------- Word features


def tc(text: str = "", props: str = "") -> str:
    runs = (
        "".join(
            f'<w:p><w:r><w:t xml:space="preserve">{line}</w:t></w:r></w:p>'
            for line in text.split("\n")
        )
        if text
        else "<w:p/>"
    )
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{runs}</w:tc>"


def tbl(*rows: str) -> str:
    return (
        "<w:tbl><w:tblPr/><w:tblGrid/>"
        + "".join(f"<w:tr>{row}</w:tr>" for row in rows)
        + "</w:tbl>"
    )


def para(inner: str) -> str:
    return f"<w:p>{inner}</w:p>"


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def blocks_of(tmp_path: Path, xml: str) -> list[tuple]:
    return block_signature(read_blocks(docx_from_body_xml(xml, tmp_path / "f.docx")).blocks)


def test_vertical_merge_in_any_column_reads_as_empty(tmp_path):
    xml = tbl(
        tc("产出指标", '<w:vMerge w:val="restart"/>')
        + tc("数量指标", '<w:vMerge w:val="restart"/>')
        + tc("a"),
        tc("", "<w:vMerge/>") + tc("ignored", '<w:vMerge w:val="continue"/>') + tc("b"),
    )
    assert blocks_of(tmp_path, xml) == [
        ("row", ("产出指标", "数量指标", "a"), 0),
        ("row", ("", "", "b"), 0),
    ]


def test_horizontal_merges_give_one_cell(tmp_path):
    xml = tbl(
        tc("项目编码") + tc("X1", '<w:gridSpan w:val="2"/>') + tc("项目名称"),
        tc("旧式合并", '<w:hMerge w:val="restart"/>') + tc("", "<w:hMerge/>") + tc("c") + tc("d"),
    )
    assert blocks_of(tmp_path, xml) == [
        ("row", ("项目编码", "X1", "项目名称"), 0),
        ("row", ("旧式合并", "c", "d"), 0),
    ]


def test_nested_table_text_is_appended_to_its_cell(tmp_path):
    nested = tbl(tc("3月底") + tc("6月底"), tc("25%") + tc("", "<w:vMerge/>"))
    outer = tbl(
        tc("资金支出计划") + f"<w:tc><w:tcPr/><w:p>{run('累计')}</w:p>{nested}<w:p/></w:tc>",
        tc("下一行") + tc("x"),
    )
    assert blocks_of(tmp_path, outer) == [
        ("row", ("资金支出计划", "累计\n3月底\n6月底\n25%"), 0),
        ("row", ("下一行", "x"), 0),
    ]


def test_one_cell_frame_around_tables_is_unwrapped(tmp_path):
    inner = tbl(tc("一级指标") + tc("指标值"), tc("产出指标") + tc("≥95%"))
    frame = (
        "<w:tbl><w:tblPr/><w:tblGrid/><w:tr><w:tc><w:tcPr/>"
        f"{para(run('标题'))}{inner}<w:p/></w:tc></w:tr></w:tbl>"
    )
    assert blocks_of(tmp_path, frame) == [
        ("p", "标题"),
        ("row", ("一级指标", "指标值"), 0),
        ("row", ("产出指标", "≥95%"), 0),
    ]


def test_field_instructions_and_bookmarks_are_dropped_results_kept(tmp_path):
    begin = '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    separate = '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    instr = '<w:r><w:instrText xml:space="preserve"> {} </w:instrText></w:r>'
    xml = (
        para(
            '<w:bookmarkStart w:id="1" w:name="_Toc1"/>'
            + run("总体绩效目标")
            + begin
            + instr.format("TC 总体绩效目标 \\f A \\l 1")
            + end
            + '<w:bookmarkEnd w:id="1"/>'
        )
        + para(
            run("见第")
            + begin
            + instr.format("PAGEREF _Toc1 \\h")
            + separate
            + run("3")
            + end
            + run("页")
        )
        # a nested field inside an instruction: nothing of it shows
        + para(
            begin
            + instr.format("IF")
            + begin
            + instr.format("MERGEFIELD a")
            + separate
            + run("x")
            + end
            + instr.format('= 1 "y"')
            + separate
            + run("结果")
            + end
        )
        + para('<w:fldSimple w:instr=" DATE "><w:r><w:t>2023年1月1日</w:t></w:r></w:fldSimple>')
    )
    assert blocks_of(tmp_path, xml) == [
        ("p", "总体绩效目标"),
        ("p", "见第3页"),
        ("p", "结果"),
        ("p", "2023年1月1日"),
    ]


def test_unterminated_field_does_not_hide_later_paragraphs(tmp_path):
    xml = para(run("a") + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + run("hidden")) + para(
        run("b")
    )
    assert blocks_of(tmp_path, xml) == [("p", "a"), ("p", "b")]


def test_runs_hyperlinks_revisions_symbols_and_breaks(tmp_path):
    xml = (
        para(
            '<w:hyperlink w:anchor="x">'
            + run("链接")
            + "</w:hyperlink>"
            + "<w:ins>"
            + run("新增")
            + "</w:ins>"
            + "<w:del><w:r><w:delText>删除</w:delText></w:r></w:del>"
            + '<w:r><w:sym w:font="Symbol" w:char="F0B3"/><w:t>95%</w:t></w:r>'
            + "<w:r><w:tab/><w:t>a</w:t><w:noBreakHyphen/><w:t>b</w:t></w:r>"
        )
        + para(
            run("第一行")
            + "<w:r><w:br/></w:r>"
            + run("第二行")
            + '<w:r><w:br w:type="page"/></w:r>'
        )
        + para("")
        + para(run("  "))
        + "<w:sdt><w:sdtPr/><w:sdtContent>"
        + para(run("内容控件"))
        + "</w:sdtContent></w:sdt>"
        + para(
            run("图") + "<w:r><w:drawing><w:inline><w:t>文本框</w:t></w:inline></w:drawing></w:r>"
        )
    )
    assert blocks_of(tmp_path, xml) == [
        ("p", "链接新增≥95%\ta-b"),
        ("p", "第一行"),
        ("p", "第二行"),
        ("p", "  "),
        ("p", "内容控件"),
        ("p", "图"),
    ]


def test_table_ordinals_follow_the_text_export(tmp_path):
    """Tables divided only by an empty or blank paragraph share an ordinal (the export
    cannot tell them apart); a paragraph with text starts a new one."""
    xml = (
        tbl(tc("a") + tc("b"))
        + para("")
        + tbl(tc("c") + tc("d"))
        + para(run(" "))
        + tbl(tc("e"))
        + para(run("标题"))
        + tbl(tc("f"))
    )
    assert blocks_of(tmp_path, xml) == [
        ("row", ("a", "b"), 0),
        ("row", ("c", "d"), 0),
        ("p", " "),
        ("row", ("e",), 0),
        ("p", "标题"),
        ("row", ("f",), 1),
    ]


def test_cell_paragraphs_join_with_newlines_trailing_empty_dropped(tmp_path):
    cell = f"<w:tc><w:tcPr/><w:p/>{para(run('目标1'))}{para(run('目标2'))}<w:p/><w:p/></w:tc>"
    assert blocks_of(tmp_path, tbl(tc("绩效目标") + cell)) == [
        ("row", ("绩效目标", "\n目标1\n目标2"), 0)
    ]


def test_rows_are_rows_and_empty_cells_stay(tmp_path):
    stream = read_blocks(docx_from_body_xml(tbl(tc("") + tc("")), tmp_path / "e.docx"))
    assert stream.blocks == [Row(("", ""), 1, 0)]


# --------------------------------------------------------------------------- broken files


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"this is plain text, not a zip", "不是有效的 .docx 文件"),
        (b"PK\x03\x04" + b"\x00" * 64, "文件已损坏"),
        (b"", "文件为空"),
    ],
    ids=["not-a-zip", "truncated-zip", "empty"],
)
def test_corrupt_docx_is_one_line_error(tmp_path, content, reason):
    path = tmp_path / "坏文件.docx"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as caught:
        read_blocks(path)
    message = str(caught.value)
    assert reason in message and "\n" not in message and message.startswith(str(path))


@seed_based
def test_zip_with_broken_document_xml_is_one_line_error(tmp_path, seed_docx):
    import zipfile

    source = zipfile.ZipFile(seed_docx[SEEDS[0].name])
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(
                item, data[: len(data) // 2] if item.filename == "word/document.xml" else data
            )
    with pytest.raises(DocumentError) as caught:
        read_blocks(broken)
    assert "\n" not in str(caught.value) and ".docx" in str(caught.value)
