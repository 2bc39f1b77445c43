"""Line-end padding (spaces, U+3000, NBSP) never changes a text export's record (issue 17).

Each seed is written with every line padded and must give its golden record, compared like
tests/test_parser_golden.py but ignoring path and sha256 (the bytes differ)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from etl.parser import parse_file
from etl.readers.text import blocks_from_lines, normalize_line_ends

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
SEEDS = sorted((ROOT / "data").glob("[0-9][0-9][0-9]_*.txt"))
PADS = {"space": " ", "ideographic": "\u3000", "nbsp": "\u00a0", "mixed": " \u3000"}


def _record(path: Path) -> dict:
    record = parse_file(path)
    record["source"] = {k: v for k, v in record["source"].items() if k not in ("path", "sha256")}
    return json.loads(json.dumps(record, ensure_ascii=False))


def _golden(seed: Path) -> dict:
    golden = json.loads((GOLDEN / f"{seed.stem}.json").read_text(encoding="utf-8"))
    golden["source"] = {k: v for k, v in golden["source"].items() if k != "sha256"}
    return golden


def _padded_copy(seed: Path, folder: Path, pad_line) -> Path:
    # the manifest supplies facts some seeds do not print, so it travels with the copy
    shutil.copy(ROOT / "data" / "manifest.toml", folder / "manifest.toml")
    lines = seed.read_text(encoding="utf-8-sig").split("\n")
    target = folder / seed.name
    target.write_text("\n".join(pad_line(line) for line in lines), encoding="utf-8")
    return target


@pytest.mark.parametrize("pad", PADS.values(), ids=PADS.keys())
@pytest.mark.parametrize("seed", SEEDS, ids=[s.name[:3] for s in SEEDS])
def test_every_line_padded_gives_golden_record(seed, pad, tmp_path):
    copy = _padded_copy(seed, tmp_path, lambda line: line + pad)
    record = _record(copy)
    assert record == _golden(seed)
    assert len(record["projects"]) == len(_golden(seed)["projects"])


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name[:3] for s in SEEDS])
def test_only_text_lines_padded_gives_golden_record(seed, tmp_path):
    copy = _padded_copy(seed, tmp_path, lambda line: line + " \u00a0" if line.strip() else line)
    assert _record(copy) == _golden(seed)


def test_padded_blank_lines_still_end_rows():
    lines = ["标题", "\t一级指标", "\t指标值", " ", "\t产出指标", "\t≥10个", "\u3000", "尾注"]
    rows = [b for b in blocks_from_lines(normalize_line_ends(lines)) if hasattr(b, "cells")]
    assert [r.cells for r in rows] == [("一级指标", "指标值"), ("产出指标", "≥10个")]


def test_space_line_inside_a_row_still_continues_the_cell():
    # the seeds have a cell continued by a line holding one space; real empty lines end rows
    lines = ["\t满意度", " ", "\t≥90%", "", "\t产出", "\t10", ""]
    rows = [b for b in blocks_from_lines(normalize_line_ends(lines)) if hasattr(b, "cells")]
    assert [len(r.cells) for r in rows] == [2, 2]
