"""Every layout family of the shared catalogue LAYOUTS.md (F1–F12 and the adjacent 自评表) parses to
its hand-checked record, in every format.

Each folder under tests/fixtures/families/ holds one invented document (`doc.txt`, a text
export) and `expected.json`, the facts a user relies on, checked by hand against the text.
The .docx (and, for table-shaped families, .xlsx) versions are generated from the text's
block stream at test time. A record is compared only on the keys present in expected.json;
indicator lists are compared in document order after a stable sort by (horizon, place), so a
reader may emit per-place or side-by-side targets row by row or column by column.
See docs/fixtures.md.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from etl.readers.text import read_text
from tests.fixtures.build_office import docx_from_blocks, xlsx_from_blocks

FAMILIES_DIR = Path(__file__).parent / "fixtures" / "families"
FAMILIES = sorted(p.name for p in FAMILIES_DIR.iterdir() if (p / "expected.json").is_file())

# extra formats per family (the .txt is always tested); .xlsx for table-shaped families
XLSX = {"f04_per_place", "f05_transposed", "f07_side_by_side", "f09_graded", "f12_prior_year"}
HORIZON_ORDER = {"long_term": 0, "annual": 1}


def formats(family: str) -> list[str]:
    return ["txt", "docx", "xlsx"] if family in XLSX else ["txt", "docx"]


CASES = [(family, fmt) for family in FAMILIES for fmt in formats(family)]


def expected_record(family: str) -> dict:
    return json.loads((FAMILIES_DIR / family / "expected.json").read_text(encoding="utf-8"))


def materialise(family: str, fmt: str, folder: Path) -> Path:
    """The family's document in ``fmt`` inside ``folder`` (no manifest.toml above it)."""
    source = FAMILIES_DIR / family / "doc.txt"
    target = folder / f"{family}.{fmt}"
    if fmt == "txt":
        shutil.copyfile(source, target)
    elif fmt == "docx":
        docx_from_blocks(read_text(source).blocks, target)
    elif fmt == "xlsx":
        xlsx_from_blocks(read_text(source).blocks, target)
    else:  # pragma: no cover - a typo in XLSX/formats
        raise AssertionError(fmt)
    return target


def parsed(family: str, fmt: str, folder: Path) -> dict:
    from etl.parser import parse_file  # here: the helper tests run even while it is rebuilt

    return parse_file(materialise(family, fmt, folder), manifest=[])


def refusal(family: str, fmt: str, folder: Path) -> str | None:
    """The one-line reason when a self-evaluation fixture (`_self_evaluation`) is refused as
    no goal document; None when it is read (then it must match like any other family). Only
    the adjacent family may be refused: for every other family a refusal is a failure."""
    if not expected_record(family).get("_self_evaluation"):
        return None
    from etl.errors import DocumentError

    try:
        parsed(family, fmt, folder)
    except DocumentError as error:
        return str(error)
    return None


# --------------------------------------------------------------------------- comparison


def _indicator_key(item: object) -> tuple[int, str]:
    if not isinstance(item, dict):
        return (1, "")
    return (HORIZON_ORDER.get(item.get("horizon") or "annual", 1), item.get("place") or "")


def _canonical(path: str, items: list) -> list:
    if path.endswith("indicators"):
        return sorted(items, key=_indicator_key)  # stable: document order within a group
    return items


def _same_scalar(want: object, got: object) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return want is got
    if isinstance(want, int | float) and isinstance(got, int | float):
        return math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-6)
    return want == got


def differences(want: object, got: object, path: str = "") -> list[str]:
    """Every path where ``got`` differs from ``want``, looking only at keys ``want`` has."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{path or '.'}: expected an object, got {got!r}"]
        out: list[str] = []
        for key, value in want.items():
            if key.startswith("_"):
                continue  # notes for the reader of expected.json
            if key not in got:
                out.append(f"{path}.{key}: missing (expected {value!r})")
            else:
                out.extend(differences(value, got[key], f"{path}.{key}"))
        return out
    if isinstance(want, list):
        if not isinstance(got, list):
            return [f"{path}: expected a list, got {got!r}"]
        want_items, got_items = _canonical(path, want), _canonical(path, got)
        out = []
        if len(want_items) != len(got_items):
            out.append(f"{path}: expected {len(want_items)} items, got {len(got_items)}")
        for index, (w, g) in enumerate(zip(want_items, got_items, strict=False)):
            out.extend(differences(w, g, f"{path}[{index}]"))
        return out
    if not _same_scalar(want, got):
        return [f"{path}: expected {want!r}, got {got!r}"]
    return []


def projection(want: object, got: object) -> object:
    """``got`` reduced to the keys ``want`` has (for comparing two parsed records)."""
    if isinstance(want, dict) and isinstance(got, dict):
        return {k: projection(v, got.get(k)) for k, v in want.items() if not k.startswith("_")}
    if isinstance(want, list) and isinstance(got, list):
        template = _union(want)
        if template is None:  # expected empty: compare the count only
            return [None] * len(got)
        return [projection(template, g) for g in got]
    return got


def _union(items: list) -> object:
    """One template with every key any item of ``items`` has (nested objects merged)."""
    if not items or not all(isinstance(item, dict) for item in items):
        return items[0] if items else None
    merged: dict = {}
    for item in items:
        for key, value in item.items():
            previous = merged.get(key)
            if isinstance(previous, dict) and isinstance(value, dict):
                merged[key] = _union([previous, value])
            elif key not in merged or previous is None:
                merged[key] = value
    return merged


# --------------------------------------------------------------------------- tests


def test_every_family_has_a_fixture() -> None:
    prefixes = {name.split("_")[0] for name in FAMILIES}
    wanted = {f"f{n:02d}" for n in range(1, 13)} | {"adj"}
    assert wanted <= prefixes, f"missing families: {sorted(wanted - prefixes)}"


def test_expected_records_are_well_formed() -> None:
    """The hand-written records use the contract's vocabulary (a typo here would make a
    family test fail for the wrong reason)."""
    level1 = {"产出指标", "效益指标", "满意度指标", "成本指标"}
    level2 = {
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "可持续影响指标",
        "服务对象满意度指标",
    }
    kinds = {"number", "percent", "money", "deadline", "qualitative", "period", "tolerance"}
    ops = {">=", "<=", "=", ">", "<", "between", None}
    problems = []
    for family in FAMILIES:
        record = expected_record(family)
        rows = list(record.get("unit_indicators", []))
        for project in record.get("projects", []):
            rows.extend(project.get("indicators", []))
        assert rows or family.startswith("adj"), f"{family}: no indicators"
        for row in rows:
            where = f"{family}: {row.get('name')}"
            if "level1" in row and row["level1"] not in level1 | {""}:
                problems.append(f"{where}: level1 {row['level1']}")
            if "level2" in row and row["level2"] not in level2 | {""}:
                problems.append(f"{where}: level2 {row['level2']}")
            if row.get("horizon") not in (None, "annual", "long_term"):
                problems.append(f"{where}: horizon {row['horizon']}")
            target = row.get("target", {})
            if "kind" in target and target["kind"] not in kinds:
                problems.append(f"{where}: kind {target['kind']}")
            if "op" in target and target["op"] not in ops:
                problems.append(f"{where}: op {target['op']}")
            if target.get("kind") == "money" and "value_yuan" not in target:
                problems.append(f"{where}: money target without value_yuan")
            graded = row.get("graded")
            if graded is not None and set(graded) != {"优", "良", "中", "差"}:
                problems.append(f"{where}: graded {graded}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("family", "fmt"), CASES)
def test_family_record(family: str, fmt: str, tmp_path: Path) -> None:
    refused = refusal(family, fmt, tmp_path)
    if refused is not None:
        assert "自评" in refused, f"{family} ({fmt}) refused without naming 自评表: {refused}"
        return
    record = parsed(family, fmt, tmp_path)
    problems = differences(expected_record(family), record)
    assert not problems, f"{family} ({fmt}): {len(problems)} differences\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("family", "fmt"), [(family, fmt) for family, fmt in CASES if fmt != "txt"]
)
def test_office_format_gives_the_text_record(family: str, fmt: str, tmp_path: Path) -> None:
    """The .docx/.xlsx gives the same projected record as the .txt (source lines aside)."""
    want = expected_record(family)
    if refusal(family, "txt", tmp_path) is not None:
        assert refusal(family, fmt, tmp_path) is not None, f"{family}: txt refused, {fmt} not"
        return
    text = projection(want, parsed(family, "txt", tmp_path))
    office = projection(want, parsed(family, fmt, tmp_path))
    problems = differences(text, office)
    assert not problems, f"{family}: {fmt} differs from txt\n" + "\n".join(problems)


@pytest.mark.parametrize("family", FAMILIES)
def test_generated_docx_has_the_text_blocks(family: str, tmp_path: Path) -> None:
    """The .docx built for a family reads back as the text export's paragraphs and rows, so
    a docx/txt difference in a family test is the parser's, not the fixture builder's."""
    from etl.readers.docx import read_docx
    from tests.fixtures.build_office import block_signature

    def signature(blocks) -> list:
        return [b for b in block_signature(blocks) if not (b[0] == "p" and not b[1].strip())]

    text = read_text(FAMILIES_DIR / family / "doc.txt").blocks
    docx = read_docx(materialise(family, "docx", tmp_path)).blocks
    assert signature(docx) == signature(text)


@pytest.mark.parametrize("family", sorted(XLSX))
def test_generated_xlsx_has_the_text_cells(family: str, tmp_path: Path) -> None:
    """The .xlsx built for a table-shaped family holds the text export's cells row by row
    (a sheet row is as wide as the sheet; a one-cell row may read as a banner paragraph)."""
    from etl.blocks import Paragraph, Row
    from etl.readers.spreadsheet import read_xlsx

    def texts(blocks) -> list[tuple[str, ...]]:
        out = []
        for block in blocks:
            if isinstance(block, Row):
                cells = list(block.cells)
                while cells and cells[-1] == "":
                    cells.pop()
                out.append(tuple(cells))
            elif isinstance(block, Paragraph) and block.text.strip():
                out.append((block.text,))
        return out

    text = texts(read_text(FAMILIES_DIR / family / "doc.txt").blocks)
    sheet = texts(read_xlsx(materialise(family, "xlsx", tmp_path)).blocks)
    assert sheet == [cells for cells in text if any(cells)]


def test_differences_reports_every_path() -> None:
    """The comparison helper itself: projected keys only, numbers by value, every path."""
    want = {"a": 1, "b": {"c": "x"}, "projects": [{"indicators": [{"name": "n", "v": 95}]}]}
    got = {
        "a": 1.0,
        "b": {"c": "y", "extra": 1},
        "projects": [{"indicators": [{"name": "n", "v": 90}, {"name": "m"}]}],
        "more": 2,
    }
    assert differences(want, got) == [
        ".b.c: expected 'x', got 'y'",
        ".projects[0].indicators: expected 1 items, got 2",
        ".projects[0].indicators[0].v: expected 95, got 90",
    ]
    assert differences(want, want) == []
    # per-place/horizon targets compare independently of row- or column-major order
    a = [{"place": "甲", "v": 1}, {"place": "乙", "v": 2}, {"place": "甲", "v": 3}]
    b = [{"place": "甲", "v": 1}, {"place": "甲", "v": 3}, {"place": "乙", "v": 2}]
    assert differences({"indicators": a}, {"indicators": b}) == []
