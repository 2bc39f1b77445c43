"""The review as an Excel workbook a reviewer can annotate and return: a summary sheet, then
one sheet per unit with every finding, its source text and fix hint, and two empty columns
for the reviewer (审核意见, 处理结果 with a drop-down). Only file names leave the server,
never paths; no cell is ever written as a formula or a link."""

from __future__ import annotations

import io
import re
from pathlib import PurePath

import pandas as pd

SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
DECISIONS = ["同意", "沟通后修改", "退回修改", "不予通过", "不适用"]
COLUMNS = [
    ("rank", "优先序号", 8),
    ("project_name", "项目名称", 26),
    ("project_code", "项目编码", 14),
    ("grade", "审核等级", 8),
    ("score", "得分", 7),
    ("rule_title", "审核规则", 20),
    ("severity", "严重程度", 8),
    ("message", "问题说明", 50),
    ("source_text", "原文", 40),
    ("hint", "修改建议", 40),
    ("source_line", "行号", 7),
    ("file_name", "来源文件", 22),
]
REVIEWER_COLUMNS = [("审核意见", 30), ("处理结果", 12)]


def sheet_names(units: list[str]) -> dict[str, str]:
    """Unique Excel-safe sheet names (31 characters, no []:*?/\\) for the units."""
    names: dict[str, str] = {}
    used: set[str] = {"汇总"}
    for unit in units:
        base = SHEET_FORBIDDEN.sub("_", unit or "未注明单位").strip("'") or "未注明单位"
        name, n = base[:31], 2
        while name in used:
            suffix = f"({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(name)
        names[unit] = name
    return names


def _file_name(path: object) -> str:
    return PurePath(str(path)).name if isinstance(path, str) and path else ""


def build(projects: pd.DataFrame, findings: pd.DataFrame, title: str = "") -> bytes:
    """``projects`` from review_queries.worklist, ``findings`` from review_queries.findings."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(
        buffer,
        engine="xlsxwriter",
        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}},
    ) as writer:
        book = writer.book
        head = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        note = book.add_format({"text_wrap": True, "valign": "top", "bg_color": "#FFF8E1"})
        _summary(writer, projects, title, head)
        units = list(dict.fromkeys(projects["unit_name"].fillna("未注明单位")))
        names = sheet_names(units)
        merged = _rows(projects, findings)
        for unit in units:
            rows = merged[merged["unit_name"].fillna("未注明单位") == unit]
            _unit_sheet(writer, names[unit], rows, head, wrap, note)
    return buffer.getvalue()


def _rows(projects: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """One row per finding; a project without findings keeps one row saying so."""
    keep = ["project_key", "rank", "unit_name", "project_name", "project_code", "grade", "score"]
    base = projects[keep + ["source_file"]].copy()
    base["file_name"] = [_file_name(p) for p in base["source_file"]]
    cols = ["project_key", "rule_title", "severity", "message", "source_text", "hint"]
    cols.append("source_line")
    detail = findings[cols] if not findings.empty else pd.DataFrame(columns=cols)
    merged = base.merge(detail, on="project_key", how="left")
    merged["message"] = merged["message"].fillna("未发现问题")
    return merged.sort_values(["rank"], kind="stable")


def _summary(writer: pd.ExcelWriter, projects: pd.DataFrame, title: str, head) -> None:
    counts = (
        projects.assign(unit_name=projects["unit_name"].fillna("未注明单位"))
        .pivot_table(index="unit_name", columns="grade", values="project_key", aggfunc="count")
        .reindex(columns=["优", "良", "中", "差"])
        .fillna(0)
        .astype(int)
        .reset_index()
        .rename(columns={"unit_name": "单位"})
    )
    counts["项目数"] = counts[["优", "良", "中", "差"]].sum(axis=1)
    counts.to_excel(writer, sheet_name="汇总", index=False, startrow=2)
    sheet = writer.sheets["汇总"]
    sheet.write(0, 0, f"绩效目标审核工作清单（{title or '全部数据'}）")
    sheet.write(1, 0, "每个单位一张工作表；请在“审核意见”“处理结果”两列填写后返回。")
    for col, name in enumerate(counts.columns):
        sheet.write(2, col, name, head)
    sheet.set_column(0, 0, 30)


def _unit_sheet(writer, name: str, rows: pd.DataFrame, head, wrap, note) -> None:
    out = pd.DataFrame({label: rows[key].tolist() for key, label, _ in COLUMNS})
    for label, _ in REVIEWER_COLUMNS:
        out[label] = ""
    out.to_excel(writer, sheet_name=name, index=False)
    sheet = writer.sheets[name]
    for col, (_, label, width) in enumerate(COLUMNS):
        sheet.write(0, col, label, head)
        sheet.set_column(col, col, width, wrap)
    first_note = len(COLUMNS)
    for offset, (label, width) in enumerate(REVIEWER_COLUMNS):
        sheet.write(0, first_note + offset, label, head)
        sheet.set_column(first_note + offset, first_note + offset, width, note)
    if len(out):
        sheet.data_validation(
            1,
            first_note + 1,
            len(out),
            first_note + 1,
            {"validate": "list", "source": DECISIONS},
        )
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, max(len(out), 1), first_note + len(REVIEWER_COLUMNS) - 1)
