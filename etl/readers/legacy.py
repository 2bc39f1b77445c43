"""One-line refusals for formats we do not read, each saying how to convert the file.

No well-kept pure-Python library reads Word 97-2003 .doc or WPS files, and LibreOffice
converts all of them faithfully (tables and merges included), so we point users at it
instead of guessing at binary content.
"""

from __future__ import annotations

import re
from pathlib import Path

from etl.errors import DocumentError

# suffix → (what the user sees, target format)
LEGACY_FORMATS = {
    ".doc": ("旧版 .doc", "docx"),
    ".wps": ("WPS 文字 .wps", "docx"),
    ".xls": ("旧版 .xls", "xlsx"),
    ".et": ("WPS 表格 .et", "xlsx"),
    ".rtf": ("RTF", "docx"),
    ".odt": ("OpenDocument .odt", "docx"),
    ".ods": ("OpenDocument .ods", "xlsx"),
}

_NEEDS_QUOTES = re.compile(r"[\s'\"$`\\!&;|<>()*?#~]")


def convert_command(path: str | Path, target: str) -> str:
    """The LibreOffice command that converts ``path`` to ``target`` (docx or xlsx)."""
    name = Path(path).name
    if _NEEDS_QUOTES.search(name):
        name = '"' + name.replace('"', '\\"') + '"'
    return f"soffice --headless --convert-to {target} {name}"


def legacy_error(path: str | Path, suffix: str) -> DocumentError:
    """`不支持旧版 .doc 格式，请先转换为 .docx：soffice --headless --convert-to docx 文件名.doc`"""
    label, target = LEGACY_FORMATS.get(suffix.lower(), (suffix or "此", "docx"))
    if label[:1].isascii():
        label = f" {label}"
    return DocumentError(
        path, f"不支持{label} 格式，请先转换为 .{target}：{convert_command(path, target)}"
    )


def encrypted_error(path: str | Path) -> DocumentError:
    return DocumentError(
        path, "文件已加密（设置了打开密码），请在 Office/WPS 中取消密码后另存再导入"
    )


def html_error(path: str | Path, target: str) -> DocumentError:
    """Budget systems often save an HTML page under a .xls/.doc name."""
    return DocumentError(
        path,
        "文件实际是网页（HTML）格式，不是真正的 Office 文件，"
        f"请用 Excel/WPS 打开后另存为 .{target}：{convert_command(path, target)}",
    )


def office_xml_error(path: str | Path, target: str) -> DocumentError:
    """Word/Excel 2003 XML ("Save as XML") files."""
    return DocumentError(
        path, f"不支持 Office 2003 XML 格式，请先转换为 .{target}：{convert_command(path, target)}"
    )


def lock_file_error(path: str | Path) -> DocumentError:
    return DocumentError(
        path, "这是 Office 打开文档时生成的临时锁文件（~$ 开头），不是文档，可忽略或删除"
    )
