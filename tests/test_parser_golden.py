"""Whole-record snapshots of the seeds. The facts in test_parser_seeds.py were checked by
hand against the text; these snapshots catch any other change. After an intended change,
regenerate with `GOLDEN_UPDATE=1 pytest tests/test_parser_golden.py` and review the diff."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from etl.parser import parse_file

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
SEEDS = sorted((ROOT / "data").glob("[0-9][0-9][0-9]_*.txt"))


def snapshot(path: Path) -> dict:
    record = parse_file(path)
    record["source"] = {k: v for k, v in record["source"].items() if k != "path"}
    return json.loads(json.dumps(record, ensure_ascii=False))


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name[:3] for s in SEEDS])
def test_seed_matches_golden_record(seed):
    golden = GOLDEN / f"{seed.stem}.json"
    record = snapshot(seed)
    if os.environ.get("GOLDEN_UPDATE"):
        golden.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert record == json.loads(golden.read_text(encoding="utf-8"))
