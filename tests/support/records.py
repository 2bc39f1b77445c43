"""Hand-built goal records and a JSON "parser" for tests that must not depend on etl.parser.

Also handy for dashboard tests: ``build_sample_warehouse(db)`` makes a small warehouse.
"""

from __future__ import annotations

import json
from pathlib import Path

from etl.errors import DocumentError

TEST_PARSER_VERSION = "test-1"


def indicator(
    name: str,
    level1: str = "产出指标",
    level2: str = "数量指标",
    *,
    raw: str = "≥10个",
    op: str | None = ">=",
    value: float | str | None = 10,
    unit: str | None = "个",
    kind: str = "number",
    line: int = 1,
    **extra: object,
) -> dict:
    """One INDICATOR (CONTRACT section 2)."""
    return {
        "level1": level1,
        "level2": level2,
        "level1_raw": level1,
        "level2_raw": level2,
        "name": name,
        "description": extra.get("description"),
        "target": {
            "raw": raw,
            "op": op,
            "value": value,
            "value_max": extra.get("value_max"),
            "unit": unit,
            "value_yuan": extra.get("value_yuan"),
            "kind": kind,
        },
        "basis": extra.get("basis", "计划标准"),
        "weight": extra.get("weight"),
        "direction": extra.get("direction", "positive"),
        "source_line": line,
    }


def project(
    seq: int,
    name: str,
    total: float,
    *,
    code: str | None = None,
    fiscal: float | None = None,
    other: float | None = 0.0,
    indicators: list[dict] | None = None,
    purpose: str | None = None,
) -> dict:
    """One project with a default three-indicator table."""
    inds = (
        indicators
        if indicators is not None
        else [
            indicator("完成村街数", line=seq * 100 + 1),
            indicator(
                "工作完成率",
                level2="质量指标",
                raw="100%",
                value=100,
                unit="%",
                kind="percent",
                line=seq * 100 + 2,
            ),
            indicator(
                "完成时间",
                level2="时效指标",
                raw="2021年12月底前",
                op="<=",
                value="2021-12-31",
                unit=None,
                kind="deadline",
                line=seq * 100 + 3,
            ),
            indicator(
                "群众满意度",
                "满意度指标",
                "服务对象满意度指标",
                raw="≥90%",
                value=90,
                unit="%",
                kind="percent",
                line=seq * 100 + 4,
            ),
        ]
    )
    return {
        "seq": seq,
        "code": code,
        "name": name,
        "budget": {
            "total_yuan": total,
            "fiscal_yuan": total if fiscal is None else fiscal,
            "other_yuan": other,
        },
        "purpose": purpose,
        "spend_plan_pct": [25, 50, 75, 100],
        "goals": [f"{name}目标一", f"{name}目标二"],
        "indicators": inds,
        "source_line": seq * 100,
    }


def record(
    township: str = "甲镇",
    year: int = 2021,
    projects: list[dict] | None = None,
    *,
    code: str | None = "801001",
    unit_indicators: list[dict] | None = None,
) -> dict:
    """A normalized goal record for one township document."""
    return {
        "source": {"path": "", "sha256": "", "layout": "test"},
        "unit": {
            "code": code,
            "name": f"{township}人民政府",
            "province": "河北省",
            "city": "唐山市",
            "county": "开平区",
            "township": township,
        },
        "fiscal_year": year,
        "overall_goal": f"{township}{year}年总体目标",
        "projects": projects
        if projects is not None
        else [
            project(1, "党组织活动经费", 163000.0, code="P1"),
            project(2, "征地拆迁补偿款", 1000000.0, code="P2"),
            project(3, "环境整治费", 50000.0, code="P3"),
        ],
        "unit_indicators": unit_indicators
        if unit_indicators is not None
        else [
            indicator(
                "预算执行率",
                "产出指标",
                "质量指标",
                raw="≥90%",
                value=90,
                unit="%",
                kind="percent",
                line=900,
            ),
        ],
        "warnings": [{"code": "test_warning", "message": "测试警告", "line": 3, "project": None}],
    }


def write_record(path: Path, rec: dict) -> Path:
    """Store a record as the JSON "document" that ``json_parse`` reads back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    return path


def json_parse(path: Path) -> dict:
    """A stand-in for etl.parser.parse_file: JSON records, with the parser's rejections."""
    data = Path(path).read_bytes()
    if not data.strip():
        raise DocumentError(path, "文件为空 (empty file)")
    if b"\x00" in data[:4096]:
        raise DocumentError(path, "不是文本文件，疑似二进制内容 (binary content)")
    try:
        rec = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(path, "未找到绩效目标表 (no goal tables)") from exc
    rec["source"] = {**rec.get("source", {}), "path": str(path)}
    return rec


def build_sample_warehouse(db_path: Path, folder: Path) -> object:
    """Write three township documents into ``folder`` and load them into ``db_path``."""
    from warehouse.load.loader import load_paths

    for i, town in enumerate(["甲镇", "乙镇", "丙乡"]):
        write_record(folder / f"{i:03d}_{town}.txt", record(town, code=f"80100{i}"))
    return load_paths(
        [folder],
        db_path,
        progress=False,
        parse=json_parse,
        version=TEST_PARSER_VERSION,
        review=False,
    )
