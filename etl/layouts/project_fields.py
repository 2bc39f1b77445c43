"""Project-level cells shared by the sectioned layouts: budgets, spending plan, goals."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from etl.han import HAN
from etl.money import SCALES, parse_amount, to_yuan
from etl.normalize import clean_long, key
from etl.record import Budget, empty_budget

_GOAL_SPLIT = re.compile(
    r"(?:(?<=^)|(?<=[\n。；;！!\s]))(?=(?:目标\s*)?\d{1,2}\s*(?:[.、．:：)）](?!\d)|$))"
)
_GOAL_PREFIX = re.compile(r"^(?:目标\s*)?\d{1,2}\s*[.、．:：)）]\s*")
_SENTENCE_TOTAL = re.compile(
    r"预算(?:数|金额|资金)?(?:为|共计|合计)?\s*[:：]?\s*([\d,]+(?:\.\d+)?)\s*(亿元|万元|万|元)"
)
_SENTENCE_PARTS = re.compile(
    rf"([{HAN}（）()]{{2,12}}?)\s*[:：]?\s*([\d,]+(?:\.\d+)?)\s*(亿元|万元|万|元)"
)
_PERCENT = re.compile(r"^([\d.]+)\s*%?$")
_PLACEHOLDER = "-—–―/\\无"

FISCAL_SOURCE_WORDS = (
    "财政",
    "政府性基金",
    "一般公共预算",
    "公共预算",
    "上级补助",
    "专项",
    "国有资本",
)
OTHER_SOURCE_WORDS = ("其他", "自筹", "单位资金", "事业收入", "经营收入", "社会资金", "银行")


def split_goals(text: str) -> list[str]:
    """One item per numbered goal (`1.…2.…`, `1、`, `目标1：`); unnumbered text is one goal."""
    text = clean_long(text)
    if not text:
        return []
    parts = [part.strip() for part in _GOAL_SPLIT.split(text) if part and part.strip()]
    goals = [_GOAL_PREFIX.sub("", part).strip() for part in parts]
    return [goal.replace("\n", "") for goal in goals if goal]


def parse_plan(cells: list[str]) -> tuple[list[float | None] | None, list[str]]:
    """Cumulative percents at the four checkpoints (None when every cell is empty), and the
    printed cells that could not be read as a percent (kept as None in the plan)."""
    values: list[float | None] = []
    unreadable: list[str] = []
    for cell in cells[:4]:
        text = unicodedata.normalize("NFKC", cell).strip().replace(" ", "")
        if not text:
            values.append(None)
            continue
        match = _PERCENT.match(text)
        if not match:
            values.append(None)
            if text.strip(_PLACEHOLDER):  # a dash or 无 is an empty cell, not a misprint
                unreadable.append(cell.strip())
            continue
        number = float(match.group(1))
        if "%" not in text and 0 < number <= 1:
            number *= 100  # 0.25 written as a ratio
        values.append(round(number, 4))
    while len(values) < 4:
        values.append(None)
    if all(value is None for value in values):
        return None, unreadable
    return values, unreadable


def budget_from_sentence(text: str) -> tuple[Budget, list[str]]:
    """Seed 002 writes the budget in prose: `预算数561.2万元。其中：政府性基金561.2万元。`
    Also returns the source names that are neither fiscal nor other words (counted as other)."""
    notes: list[str] = []
    normalized = unicodedata.normalize("NFKC", text)
    budget = empty_budget()
    total = _SENTENCE_TOTAL.search(normalized)
    if total:
        budget["total_yuan"] = to_yuan(parse_amount(total.group(1)), SCALES[total.group(2)])
    _, _, after = normalized.partition("其中")
    fiscal = Decimal(0)
    other = Decimal(0)
    seen_fiscal = seen_other = False
    for name, amount_text, unit in _SENTENCE_PARTS.findall(after.split("主要用于")[0]):
        amount = parse_amount(amount_text)
        if amount is None:
            continue
        yuan = amount * SCALES[unit]
        if any(word in name for word in OTHER_SOURCE_WORDS):
            other += yuan
            seen_other = True
        elif any(word in name for word in FISCAL_SOURCE_WORDS):
            fiscal += yuan
            seen_fiscal = True
        else:
            notes.append(name)
            other += yuan
            seen_other = True
    if seen_fiscal:
        budget["fiscal_yuan"] = to_yuan(fiscal, Decimal(1))
    if seen_other:
        budget["other_yuan"] = to_yuan(other, Decimal(1))
    return budget, notes


def budget_from_cells(cells: list[str], scale: Decimal) -> Budget:
    """The form row `预算数 | 16.30 | 其中：财政资金 | 16.30 | 其他资金 | 0`."""
    budget = empty_budget()
    for index, cell in enumerate(cells[:-1]):
        label = key(cell)
        # the amount is the next non-empty cell (a spreadsheet merge leaves blanks between)
        value = next((c for c in cells[index + 1 :] if c.strip()), "")
        if parse_amount(value) is None and not label.startswith("其他"):
            value = cells[index + 1]
        if label in ("预算数", "预算金额", "年度预算数", "资金总额", "预算资金"):
            budget["total_yuan"] = to_yuan(parse_amount(value), scale)
        elif "财政" in label and "资金" in label:
            budget["fiscal_yuan"] = to_yuan(parse_amount(value), scale)
        elif label.startswith("其他资金") or label == "其他":
            budget["other_yuan"] = to_yuan(parse_amount(value), scale)
    return budget
