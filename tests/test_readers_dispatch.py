"""read_blocks picks the reader by content, then by suffix, and refuses with one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from etl.errors import DocumentError
from etl.readers import LEGACY_SUFFIXES, SUPPORTED_SUFFIXES, read_blocks
from etl.readers.text import read_text
from tests.fixtures.build_office import block_signature, docx_from_blocks, flat_workbook

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "000_c5dc2f2abd3f2e97.txt"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def refusal(path: Path) -> str:
    with pytest.raises(DocumentError) as caught:
        read_blocks(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message


def test_suffix_sets():
    assert {".txt", ".docx", ".xlsx", ".csv", ".html", ".htm", ".pdf"} == SUPPORTED_SUFFIXES
    assert {".doc", ".xls", ".wps", ".et"} <= LEGACY_SUFFIXES


def test_text_seed_goes_to_the_text_reader():
    stream = read_blocks(SEED)
    assert stream.format == "txt"
    assert stream.blocks == read_text(SEED).blocks


def test_suffix_is_case_insensitive(tmp_path):
    docx = docx_from_blocks(read_text(SEED).blocks, tmp_path / "SEED.DOCX")
    assert read_blocks(docx).format == "docx"
    text = tmp_path / "SEED.TXT"
    text.write_bytes(SEED.read_bytes())
    assert read_blocks(text).format == "txt"


@pytest.mark.parametrize("name", ["misnamed.txt", "misnamed.doc", "no_suffix"])
def test_content_wins_over_the_suffix_for_docx(tmp_path, name):
    built = docx_from_blocks(read_text(SEED).blocks, tmp_path / "real.docx")
    target = tmp_path / name
    target.write_bytes(built.read_bytes())
    assert block_signature(read_blocks(target).blocks) == block_signature(read_blocks(built).blocks)


def test_xlsx_saved_as_xls_is_read(tmp_path):
    built = flat_workbook(tmp_path / "real.xlsx")
    target = tmp_path / "export.xls"
    target.write_bytes(built.read_bytes())
    assert read_blocks(target).format == "xlsx"


def test_tab_separated_text_saved_as_xls_is_read_as_csv(tmp_path):
    target = tmp_path / "export.xls"
    target.write_bytes("一级指标\t三级指标\t指标值\n产出指标\t完成率\t≥95%\n".encode("gb18030"))
    stream = read_blocks(target)
    assert stream.format == "csv"
    assert stream.blocks[1].cells == ("产出指标", "完成率", "≥95%")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "旧文件.doc",
            OLE + b"\x00" * 512 + "WordDocument".encode("utf-16-le"),
            "不支持旧版 .doc 格式，请先转换为 .docx："
            "soffice --headless --convert-to docx 旧文件.doc",
        ),
        (
            "旧表.xls",
            OLE + b"\x00" * 512 + "Workbook".encode("utf-16-le"),
            "不支持旧版 .xls 格式，请先转换为 .xlsx：soffice --headless --convert-to xlsx 旧表.xls",
        ),
        ("文字.wps", OLE + b"\x00" * 512, "不支持 WPS 文字 .wps 格式"),
        ("表格.et", OLE + b"\x00" * 512, "soffice --headless --convert-to xlsx 表格.et"),
        (
            "改了名.docx",
            OLE + b"\x00" * 512 + "WordDocument".encode("utf-16-le"),
            "不支持旧版 .doc 格式",
        ),
        ("my file.doc", OLE + b"\x00" * 512, 'soffice --headless --convert-to docx "my file.doc"'),
        ("加密.docx", OLE + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le"), "文件已加密"),
        ("网页.doc", b"MIME-Version: 1.0\r\nContent-Type: multipart/related", "另存为 .docx"),
        ("富文本.rtf", b"{\\rtf1\\ansi hello}", "不支持 RTF 格式"),
        ("坏.pdf", b"%PDF-1.7\n...", "PDF 文件已损坏或不完整"),
        ("带BOM.txt", b"\xef\xbb\xbf\r\n%PDF-1.7\n...", "PDF 文件已损坏或不完整"),
        ("xml.doc", b'<?xml version="1.0"?><w:wordDocument xmlns:w="x"/>', "Office 2003 XML"),
        ("坏.docx", b"hello", "不是有效的 .docx 文件"),
        ("坏.xlsx", b"hello", "不是有效的 .xlsx 文件"),
        ("空.txt", b"  \n", "文件为空"),
        ("~$锁文件.docx", b"\x05user" + b"\x00" * 100, "临时锁文件"),
        ("二进制.txt", b"\x00\x01\x02\x03" * 100, "二进制"),
    ],
)
def test_refusals_are_one_line_and_say_what_to_do(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    assert expected in refusal(path)


def test_opendocument_and_plain_zip(tmp_path):
    import zipfile

    odt = tmp_path / "文档.odt"
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
    assert "soffice --headless --convert-to docx 文档.odt" in refusal(odt)
    bundle = tmp_path / "材料.docx"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("a.txt", "x")
    assert "zip 压缩包" in refusal(bundle)


def test_missing_file_and_directory(tmp_path):
    assert "文件不存在" in refusal(tmp_path / "nope.docx")
    folder = tmp_path / "folder.docx"
    folder.mkdir()
    assert "文件夹" in refusal(folder)


def test_data_argument_avoids_a_second_read(tmp_path):
    path = tmp_path / "gone.txt"
    stream = read_blocks(path, SEED.read_bytes())
    assert stream.blocks == read_text(SEED).blocks


@pytest.mark.parametrize("kind", ["docx-not-zip", "xlsx-no-goal-sheet", "legacy-doc"])
def test_cli_parse_prints_one_line_without_traceback(tmp_path, kind):
    pytest.importorskip("etl.__main__")
    if kind == "docx-not-zip":
        path = tmp_path / "坏.docx"
        path.write_bytes(b"not a zip")
    elif kind == "xlsx-no-goal-sheet":
        from openpyxl import Workbook

        path = tmp_path / "名单.xlsx"
        workbook = Workbook()
        workbook.active["A1"] = "姓名"
        workbook.save(path)
    else:
        path = tmp_path / "旧.doc"
        path.write_bytes(OLE + b"\x00" * 512)
    result = subprocess.run(
        [sys.executable, "-m", "etl", "parse", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0]
    assert "Traceback" not in result.stderr


def test_cli_parse_accepts_docx_and_xlsx(tmp_path):
    pytest.importorskip("etl.__main__")
    import json

    docx = docx_from_blocks(read_text(SEED).blocks, tmp_path / "seed.docx")
    xlsx = flat_workbook(tmp_path / "flat.xlsx")
    for path, layout in ((docx, "/docx"), (xlsx, "flat/xlsx")):
        result = subprocess.run(
            [sys.executable, "-m", "etl", "parse", str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["source"]["layout"].endswith(layout)
