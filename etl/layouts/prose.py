"""Goal prose (F10): documents that write their goals as numbered paragraphs instead of a
table — `1、“水源地保护”项目`, then `(6)年度预算安排:500万元。`, and indicators under
`一、产出指标` / `(一)数量指标` headings as `name:value` lines. What can be read is kept,
with a `goal_prose` warning; a document with neither a table nor such prose is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.blocks import Block, Paragraph
from etl.layouts.indicators import read_target
from etl.layouts.project_fields import split_goals
from etl.money import parse_amount, to_yuan
from etl.normalize import clean_cell, key, label_key
from etl.record import Project, Warning, empty_budget, indicator, warning
from etl.taxonomy import resolve_levels
from etl.vocabulary import label_role, level1_of, level2_of, vocabulary

_PROJECT = re.compile(
    r"^\s*\d{1,2}\s*[、.．]\s*[“\"「]?(?P<name>[^”\"」:：]{2,40})[”\"」]?\s*(?:项目)?\s*$"
)
_NUMBERED = re.compile(
    r"^\s*[(（]\s*\d{1,2}\s*[)）]\s*(?P<label>[^:：]{2,20})[:：]\s*(?P<value>.*)$"
)
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十]+[)）])\s*(?P<word>\S{2,20})\s*$"
)
_LINE = re.compile(
    r"^\s*(?:\d{1,2}\s*[、.．]\s*)?(?P<name>[^:：]{2,40})[:：]\s*(?P<value>\S.{0,60})$"
)
_VALUE_START = re.compile(r"(?:[≥≤><=≧≦±]|不低于|不少于|不超过|不高于|大于|小于|达到|\d)")
_MONEY = re.compile(r"([\d,]+(?:\.\d+)?)\s*(亿元|万元|千元|元|万)")


@dataclass(slots=True)
class ProseResult:
    projects: list[Project] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)


def read_prose(blocks: list[Block], fiscal_year: int | None) -> ProseResult | None:
    """Projects and indicators written as prose, or None when the text has none."""
    result = ProseResult()
    project: Project | None = None
    level1 = level2 = ""
    indicators = 0
    for block in blocks:
        if not isinstance(block, Paragraph):
            continue
        text = clean_cell(block.text)
        if not text:
            continue
        match = _PROJECT.match(text)
        if match and len(text) <= 48 and not match.group("name").endswith("表"):
            project = _project(
                len(result.projects) + 1, clean_cell(match.group("name")), block.line
            )
            result.projects.append(project)
            level1 = level2 = ""
            continue
        heading = _HEADING.match(text)
        if heading:
            word = heading.group("word")
            if level1_of(word) and not level2_of(word):
                level1, level2 = word, ""
                continue
            if level2_of(word):
                level2 = word
                continue
        numbered = _NUMBERED.match(text)
        if numbered and project is not None:
            _field(project, numbered.group("label"), numbered.group("value"))
            continue
        line = _LINE.match(text)
        if line and project is not None and (level1 or level2):
            name = clean_cell(line.group("name"))
            raw = line.group("value").strip().rstrip("。；;，,")
            if level2_of(name):  # `数量指标:新建管网2.4公里` — the level, then name + value
                level2 = name
                name, raw = _split_name_value(raw)
            target, warnings = read_target(raw, "", "", name, fiscal_year)
            l1, l2 = resolve_levels(level1, level2)
            project["indicators"].append(
                indicator(
                    level1=l1,
                    level2=l2,
                    level1_raw=level1,
                    level2_raw=level2,
                    name=name,
                    target=target,
                    source_line=block.line,
                )
            )
            indicators += 1
            for code, message in warnings:
                result.warnings.append(
                    {
                        "code": code,
                        "message": message,
                        "line": block.line,
                        "project": project["name"],
                    }
                )
    result.projects = [p for p in result.projects if _has_goal_content(p)]
    for seq, project in enumerate(result.projects, start=1):
        project["seq"] = seq
    if not result.projects:
        return None
    message = (
        "文档以正文形式给出绩效目标（无指标表），"
        f"读出 {len(result.projects)} 个项目、{indicators} 条指标，请核对"
    )
    result.warnings.insert(0, warning("goal_prose", message))
    return result


def _has_goal_content(project: Project) -> bool:
    """Goal prose names indicators, or at least a budget or goals under a numbered label; a
    numbered line alone (a table of contents) is not a goal document."""
    return bool(
        project["indicators"] or project["goals"] or project["budget"]["total_yuan"] is not None
    )


def _split_name_value(text: str) -> tuple[str, str]:
    """`新建雨污分流管网2.4公里` → (`新建雨污分流管网`, `2.4公里`): the name ends where the
    first sign or digit starts; a line with neither is its own name and value."""
    match = _VALUE_START.search(text)
    if not match or match.start() == 0:
        return text, text
    return text[: match.start()].strip(), text[match.start() :].strip()


def _project(seq: int, name: str, line: int) -> Project:
    return {
        "seq": seq,
        "code": None,
        "name": name,
        "budget": empty_budget(),
        "purpose": None,
        "spend_plan_pct": None,
        "goals": [],
        "long_term_goal": None,
        "period": None,
        "indicators": [],
        "source_line": line,
    }


def _field(project: Project, label: str, value: str) -> None:
    folded = label_key(label)
    role, _ = label_role(label)
    if role == "period" or "起止时间" in folded:
        project["period"] = clean_cell(value) or None
    elif role in ("budget_total",) or "预算" in folded:
        money = _MONEY.search(key(value))
        if money:
            amount = parse_amount(money.group(1))
            project["budget"]["total_yuan"] = to_yuan(amount, vocabulary().scales[money.group(2)])
    elif role in ("annual_goal", "goal") or "绩效目标" in folded:
        goals = split_goals(value)
        if goals:
            project["goals"] = goals
    elif "项目内容" in folded or "概述" in folded:
        project["purpose"] = project["purpose"] or (clean_cell(value) or None)
