"""The SQL port of the review (warehouse/review, not yet wired into the loader) gives the
same findings, messages, lines and grades as etl.review on the seed documents."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from etl.parser import parse_file
from etl.review import review_record
from warehouse.review.memory import review_record_sql

SEEDS = sorted((Path(__file__).resolve().parents[1] / "data").glob("*.txt"))


def _shape(result: dict) -> tuple:
    projects = [
        (
            p["grade"],
            p["score"],
            Counter(
                (f["rule_id"], f["indicator_index"], f["severity"], f["message"], f["variant"])
                for f in p["findings"]
            ),
        )
        for p in result["projects"]
    ]
    unit = Counter(
        (f["rule_id"], f["indicator_index"], f["message"]) for f in result["unit"]["findings"]
    )
    return projects, unit


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_sql_engine_equals_python_engine_on_seeds(path):
    record = parse_file(path)
    assert _shape(review_record_sql(record)) == _shape(review_record(record))
