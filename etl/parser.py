"""From a file to the normalized goal record (CONTRACT section 2).

read_blocks (format) → layout recognizer (sectioned or flat) → record → document checks
(warnings) → geography and manifest. Every layout sees the same block stream whatever the
file format, so adding a format never means a second parser.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from etl.blocks import BlockStream, Row
from etl.checks import document_warnings
from etl.document import detect_fiscal_year, detect_unit_name, document_text, overall_goal
from etl.errors import DocumentError
from etl.layouts.flat import department_total_mismatch, is_flat_header, parse_flat
from etl.layouts.indicators import is_indicator_header
from etl.layouts.sectioned import SectionedParser
from etl.manifest import entry_for, find_manifest, load_manifest

PARSER_VERSION = "1.0.0"


def read_stream(path: Path, data: bytes) -> BlockStream:
    """The block stream of any supported format (text until the readers package says more)."""
    try:
        from etl.readers import read_blocks
    except ImportError:
        read_blocks = None
    if read_blocks is not None:
        return read_blocks(path)
    from etl.readers.text import read_text

    return read_text(path, data)


def parse_file(path: str | Path, *, manifest: list[dict] | None = None) -> dict:
    """Parse one document. Raises DocumentError (one-line reason) when it is not readable as
    a goal document. ``manifest`` entries default to the nearest manifest.toml."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise DocumentError(file, f"无法读取文件：{error.strerror or error}") from None
    sha256 = hashlib.sha256(data).hexdigest()
    stream = read_stream(file, data)
    if manifest is None:
        manifest_path = find_manifest(file)
        manifest = load_manifest(manifest_path) if manifest_path else []
    record = parse_stream(stream, str(path), sha256)
    apply_overrides(record, entry_for(manifest, file, sha256))
    return record


def parse_stream(stream: BlockStream, path: str, sha256: str) -> dict:
    """The record of an already-read block stream (used by every reader)."""
    blocks = stream.blocks
    if not any(
        isinstance(b, Row) and (is_indicator_header(b) or is_flat_header(b)) for b in blocks
    ):
        raise DocumentError(
            path, "未找到绩效目标表（没有“一级指标/三级指标/指标值”表头），不是绩效目标文档"
        )
    fiscal_year, year_certain = detect_fiscal_year(blocks)
    warnings: list[dict] = []
    unit_code: str | None = None
    unit_name: str | None = None
    if any(isinstance(b, Row) and is_flat_header(b) for b in blocks):
        flat = parse_flat(blocks, fiscal_year)
        layout, projects, unit_indicators = "flat", flat.projects, []
        unit_code, unit_name, truncated = flat.unit_code, flat.unit_name, flat.truncated
        warnings.extend(flat.warnings)
        mismatch = department_total_mismatch(flat)
        if mismatch:
            warnings.append(
                {
                    "code": "department_total_mismatch",
                    "line": None,
                    "project": None,
                    "message": f"部门合计行 {mismatch[0]} 元与各项目预算之和 {mismatch[1]} 元不一致",
                }
            )
    else:
        parser = SectionedParser(fiscal_year, ended_mid_row=stream.meta.get("ended_mid_row") == "1")
        parser.feed(blocks)
        result = parser.finish()
        layout, unit_indicators, truncated = result.layout, result.unit_indicators, result.truncated
        warnings.extend(result.warnings)
        projects = [_project_record(draft) for draft in result.projects]
        if result.unit_lines:
            unit_code, unit_name = result.unit_lines[0]
    if unit_name is None:
        unit_name = detect_unit_name(blocks)
    if fiscal_year is not None and not year_certain:
        warnings.append(
            {
                "code": "fiscal_year_inferred",
                "line": None,
                "project": None,
                "message": f"预算年度 {fiscal_year} 仅由正文推断（无年度标题），请核对或在 data/manifest.toml 中指定",
            }
        )
    if truncated:
        warnings.append(
            {
                "code": "document_truncated",
                "line": blocks[-1].line if blocks else None,
                "project": None,
                "message": "文档在表格中间截断，最后一个不完整的项目未读取",
            }
        )
    if not projects and not unit_indicators:
        raise DocumentError(path, "找到了指标表头，但没有读出任何项目或指标")
    record = {
        "source": {
            "path": path,
            "sha256": sha256,
            "layout": f"{layout}/{stream.format}",
            "parser_version": PARSER_VERSION,
        },
        "unit": {"code": unit_code, "name": unit_name, **_geography(unit_name, blocks)},
        "fiscal_year": fiscal_year,
        "overall_goal": overall_goal(blocks),
        "projects": projects,
        "unit_indicators": unit_indicators,
        "warnings": warnings,
    }
    record["warnings"].extend(document_warnings(record))
    return record


def _project_record(draft) -> dict:
    return {
        "seq": draft.seq,
        "code": draft.code,
        "name": draft.name,
        "budget": draft.budget,
        "purpose": draft.purpose,
        "spend_plan_pct": draft.plan,
        "goals": draft.goals,
        "indicators": draft.indicators,
        "source_line": draft.source_line,
    }


def _geography(unit_name: str | None, blocks: list) -> dict:
    """Province to township. A unit name that settles county and township alone spares the
    scan of the whole text (most documents); otherwise the text places the unit."""
    from etl.geography import resolve_unit

    if unit_name:
        found = resolve_unit(unit_name)
        if found["township"] and found["county"]:
            return found
    return resolve_unit(unit_name, document_text(blocks))


def apply_overrides(record: dict, overrides: dict) -> None:
    """Manifest values win over what the document says; the record notes what was set."""
    if not overrides:
        return
    for field in ("code", "name", "province", "city", "county", "township"):
        if field in overrides:
            record["unit"][field] = overrides[field]
    if "fiscal_year" in overrides:
        record["fiscal_year"] = int(overrides["fiscal_year"])
        record["warnings"] = [
            w
            for w in record["warnings"]
            if w["code"] not in ("fiscal_year_unknown", "fiscal_year_inferred")
        ]
    record["source"]["manifest"] = sorted(overrides)
