"""Pick the reader for a file: by content first (magic bytes), then by suffix.

Content wins because files arrive misnamed: a .txt that is really a .docx, a .xls that is
an .xlsx, a .xls that is an HTML page or tab-separated text saved by a budget system.
Every failure is an ``etl.errors.DocumentError`` with a one-line Chinese reason; formats
we do not read get a message that says how to convert them.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from etl.blocks import BlockStream
from etl.errors import DocumentError
from etl.readers import legacy
from etl.readers._bounds import check_file_size, check_package

SUPPORTED_SUFFIXES = {".txt", ".docx", ".xlsx", ".csv", ".html", ".htm", ".pdf"}
LEGACY_SUFFIXES = {".doc", ".xls", ".wps", ".et"}

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEET_SUFFIXES = {".xls", ".et", ".xlsx", ".csv", ".ods"}
_TEXT_LEAD = re.compile(rb"^(?:\xef\xbb\xbf)?\s*")  # a UTF-8 BOM, then whitespace


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def read_blocks(path: str | Path, data: bytes | None = None) -> BlockStream:
    """Read any supported file into a block stream (``data``: the bytes, if already read)."""
    path = Path(path)
    if data is None:
        data = _read(path)
    check_file_size(path, len(data))
    suffix = path.suffix.lower()
    if path.name.startswith("~$") and len(data) <= 4096:
        raise legacy.lock_file_error(path)
    if not data.strip():
        raise DocumentError(path, "文件为空 (empty file)")
    if data.startswith(_ZIP_MAGIC):
        return _read_zip(path, data, suffix)
    if data.startswith(_OLE_MAGIC):
        raise _ole_error(path, data, suffix)
    if suffix == ".pdf" or _TEXT_LEAD.sub(b"", data[:1024]).startswith(b"%PDF-"):
        from etl.readers.pdf import read_pdf

        return read_pdf(path, data)
    from etl.readers.html import looks_like_html, read_html

    if suffix in (".html", ".htm") or looks_like_html(data):
        return read_html(path, data)
    _refuse_foreign_text(path, data, suffix)
    if suffix == ".csv":
        from etl.readers.spreadsheet import read_csv

        return read_csv(path, data)
    if suffix in (".docx", ".xlsx"):
        raise DocumentError(
            path, f"不是有效的 {suffix} 文件（内容不是 zip 压缩包），文件已损坏或扩展名有误"
        )
    if suffix in LEGACY_SUFFIXES | {".rtf", ".odt", ".ods"}:
        if b"\x00" in data[:4096] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            raise legacy.legacy_error(path, suffix)
        if suffix in _SPREADSHEET_SUFFIXES:
            from etl.readers.spreadsheet import read_csv

            return read_csv(path, data)  # tab-separated text saved under a .xls name
    from etl.readers.text import read_text

    return read_text(path, data)


def _read(path: Path) -> bytes:
    try:
        check_file_size(path, path.stat().st_size)  # before reading a byte of it
        return path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(path, "文件不存在") from None
    except IsADirectoryError:
        raise DocumentError(path, "这是文件夹，不是文件") from None
    except PermissionError:
        raise DocumentError(path, "没有读取该文件的权限") from None
    except OSError as error:
        raise DocumentError(path, f"无法读取文件：{error.strerror or error}") from None


def _read_zip(path: Path, data: bytes, suffix: str) -> BlockStream:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_package(path, archive, len(data))
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, ValueError):
        label = suffix if suffix in (".docx", ".xlsx") else "Office"
        raise DocumentError(
            path, f"{label} 文件已损坏（zip 结构不完整），请重新导出或在 Office/WPS 中打开后另存"
        ) from None
    if "EncryptedPackage" in names:
        raise legacy.encrypted_error(path)
    if any(name.startswith("word/") for name in names):
        from etl.readers.docx import read_docx

        return read_docx(path, data)
    if any(name.startswith("xl/") for name in names):
        from etl.readers.spreadsheet import read_xlsx

        return read_xlsx(path, data)
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        raise legacy.legacy_error(path, ".ods")
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise legacy.legacy_error(path, ".odt")
    raise DocumentError(path, "这是一个 zip 压缩包，不是 Word/Excel 文档，请解压后导入其中的文件")


def _ole_error(path: Path, data: bytes, suffix: str) -> DocumentError:
    """Word 97-2003, Excel 97-2003, WPS, or an encrypted .docx/.xlsx (all OLE2 files)."""
    if _utf16("EncryptedPackage") in data:
        return legacy.encrypted_error(path)
    if suffix in LEGACY_SUFFIXES:
        return legacy.legacy_error(path, suffix)
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return legacy.legacy_error(path, ".xls")
    return legacy.legacy_error(path, ".doc")


def _refuse_foreign_text(path: Path, data: bytes, suffix: str) -> None:
    """RTF, saved web archives (MHTML) and Office 2003 XML look like text but are not
    exports. (PDF and HTML pages never get here: read_blocks sends them to their readers.)"""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    target = "xlsx" if suffix in _SPREADSHEET_SUFFIXES else "docx"
    if head.startswith(b"{\\rtf"):
        raise legacy.legacy_error(path, ".rtf")
    if head.startswith(b"mime-version:"):
        raise legacy.html_error(path, target)
    if head.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
            raise legacy.office_xml_error(path, "xlsx")
        if b"<w:worddocument" in head or b"<pkg:package" in head:
            raise legacy.office_xml_error(path, "docx")
