"""From a file to the normalized goal record (CONTRACT section 2).

read_blocks (format) → the general reader (etl.layouts.reader; prose as a fallback) →
record → document checks (warnings) → geography and manifest. The reader sees the same
block stream whatever the file format, so adding a format never means a second parser.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from etl.blocks import BlockStream, Paragraph, Row
from etl.checks import document_warnings
from etl.document import detect_fiscal_year, detect_unit_name, document_text, overall_goal
from etl.errors import DocumentError
from etl.layouts.prose import read_prose
from etl.layouts.reader import ProjectDraft, Reader
from etl.manifest import entry_for, find_manifest, load_manifest
from etl.normalize import to_simplified
from etl.readers import read_blocks
from etl.readers._bounds import check_file_size
from etl.record import Project, Warning

PARSER_VERSION = "1.0.0"


def read_stream(path: Path, data: bytes) -> BlockStream:
    """The block stream of any supported format, from the bytes already read (no second
    stat and read)."""
    return read_blocks(path, data)


def parse_file(path: str | Path, *, manifest: list[dict] | None = None) -> dict:
    """Parse one document. Raises DocumentError (one-line reason) when it is not readable as
    a goal document. ``manifest`` entries default to the nearest manifest.toml."""
    file = Path(path)
    try:
        # The size from the directory entry first: a huge file is refused in one line
        # before a byte of it is read (the readers check it again on their own paths).
        check_file_size(file, file.stat().st_size)
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
    fiscal_year, year_certain = detect_fiscal_year(blocks)
    reader = Reader(fiscal_year, ended_mid_row=stream.meta.get("ended_mid_row") == "1")
    reader.feed(blocks)
    result = reader.finish()
    warnings: list[Warning] = list(result.warnings)
    projects = [_project_record(draft) for draft in result.projects]
    unit_indicators = result.unit_indicators
    layout = result.layout
    if result.tables == 0:
        prose = read_prose(blocks, fiscal_year)
        if prose is None:
            raise DocumentError(
                path, "未找到绩效目标表（没有“一级指标/三级指标/指标值”表头），也没有绩效目标正文"
            )
        projects, layout = prose.projects, "prose"
        warnings.extend(prose.warnings)
    unit_code, unit_name = result.unit_code, result.unit_name
    if result.department_total_yuan is not None:
        summed = sum((Decimal(str(p["budget"]["total_yuan"] or 0)) for p in projects), Decimal(0))
        printed = Decimal(str(result.department_total_yuan))
        if printed != summed:
            warnings.append(
                {
                    "code": "department_total_mismatch",
                    "line": None,
                    "project": None,
                    "message": f"部门合计行 {printed} 元与各项目预算之和 {summed} 元不一致",
                }
            )
    if unit_name is None:
        unit_name = detect_unit_name(blocks)
    if fiscal_year is not None and not year_certain:
        warnings.append(
            {
                "code": "fiscal_year_inferred",
                "line": None,
                "project": None,
                "message": f"预算年度 {fiscal_year} 仅由正文推断（无年度标题），"
                "请核对或在 data/manifest.toml 中指定",
            }
        )
    if result.truncated:
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
    geography = _geography(unit_name, blocks)
    # a `Record` in shape; `dict` at the boundary because warehouse/load takes `dict`
    record: dict[str, Any] = {
        "source": {
            "path": path,
            "sha256": sha256,
            "layout": f"{layout}/{stream.format}",
            "parser_version": PARSER_VERSION,
        },
        "unit": {
            "code": unit_code,
            "name": unit_name,
            **geography,
            "kind": _unit_kind(to_simplified(unit_name) if unit_name else None),
        },
        "fiscal_year": fiscal_year,
        "overall_goal": overall_goal(blocks) or result.overall_goal,
        "projects": projects,
        "unit_indicators": unit_indicators,
        "warnings": warnings,
    }
    warnings.extend(document_warnings(record))  # record["warnings"] is `warnings`
    return record


@lru_cache(maxsize=4096)
def _unit_kind(name: str | None) -> str:
    """Memoised: a unit files many documents (one per year, one per revision)."""
    from etl.geography import unit_kind  # imported on first use, like resolve_unit below

    return unit_kind(name)


@lru_cache(maxsize=4096)
def _place_of_name(unit_name: str) -> tuple[tuple[str, str | None], ...] | None:
    """The place the unit name alone settles down to county and township, else None.
    Memoised per name: the text of the document is not needed for these."""
    from etl.geography import resolve_unit

    found = resolve_unit(unit_name)
    return tuple(found.items()) if found["township"] and found["county"] else None


def _project_record(draft: ProjectDraft) -> Project:
    return {
        "seq": draft.seq,
        "code": draft.code,
        "name": draft.name,
        "budget": draft.budget,
        "purpose": draft.purpose,
        "spend_plan_pct": draft.plan,
        "goals": draft.goals,
        "long_term_goal": draft.long_term_goal,
        "period": draft.period,
        "indicators": draft.indicators,
        "source_line": draft.source_line,
    }


def _geography(unit_name: str | None, blocks: list) -> dict:
    """Province to township. A unit name that settles county and township alone spares the
    scan of the whole text (most documents); otherwise the text places the unit."""
    from etl.geography import resolve_unit

    if unit_name:  # as printed first: 於潜镇 is a name, not the Traditional form of 于潜镇
        settled = _place_of_name(unit_name)
        if settled is not None:
            return dict(settled)
    if unit_name and to_simplified(unit_name) != unit_name:  # a Traditional-character mirror
        unit_name = to_simplified(unit_name)
        blocks = [
            Paragraph(to_simplified(b.text), b.line)
            if isinstance(b, Paragraph)
            else Row(tuple(map(to_simplified, b.cells)), b.line, b.table)
            for b in blocks
        ]
    if unit_name:
        settled = _place_of_name(unit_name)
        if settled is not None:
            return dict(settled)
    return resolve_unit(unit_name, document_text(blocks))


def apply_overrides(record: dict, overrides: dict) -> None:
    """Manifest values win over what the document says; the record notes what was set."""
    if not overrides:
        return
    for field in ("code", "name", "province", "city", "county", "township"):
        if field in overrides:
            record["unit"][field] = overrides[field]
    if "name" in overrides:  # the kind follows the unit name the manifest gives
        record["unit"]["kind"] = _unit_kind(to_simplified(overrides["name"]))
    if "fiscal_year" in overrides:
        record["fiscal_year"] = int(overrides["fiscal_year"])
        record["warnings"] = [
            w
            for w in record["warnings"]
            if w["code"] not in ("fiscal_year_unknown", "fiscal_year_inferred")
        ]
    record["source"]["manifest"] = sorted(overrides)
