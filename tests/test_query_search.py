"""The text search's growing township batches (ranges on the sorted township column) give
the same rows as one query over everything, on the real seed warehouse."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.data import projects
from dashboard.data.filter_model import Filters


def test_search_batches_cover_the_townships_in_order() -> None:
    towns = [f"t{i:05d}" for i in range(1000)]
    batches = projects._town_batches(towns)
    assert [len(b) for b in batches] == [1, 4, 16, 64]
    assert sum(batches, []) == towns[:85]
    assert projects._town_batches(towns[:3]) == [towns[:1], towns[1:3]]
    assert projects._town_batches([]) == []


def test_town_condition_is_a_range_with_the_unknown_label_as_null() -> None:
    sql, params = projects._town_condition(["乙镇", "未注明", "甲镇"])
    assert "IN (" not in sql and "p.township IS NULL" in sql
    assert params == [min("乙镇", "甲镇"), max("乙镇", "甲镇"), "未注明"]
    assert projects._town_condition(["未注明"]) == ("AND (p.township IS NULL)", [])


@pytest.mark.parametrize("limit", [1, 7, 30, 500])
def test_batched_search_equals_one_query(seed_runner, limit: int) -> None:
    def one_query(words: list[str]) -> pd.DataFrame:
        where, params = Filters().where(alias="p")
        match = " AND ".join("contains(p.search_text, ?)" for _ in words) or "TRUE"
        return seed_runner(
            f"""SELECT {projects._SEARCH_COLUMNS} FROM mart_project_budget p
                WHERE {where} AND {match} ORDER BY township, source_file, source_line LIMIT ?""",
            params + [w.lower() for w in words] + [limit],
        )

    for text in ("满意度", "项目", ""):
        words = projects.search_words(text)
        batched = projects._search_mart(seed_runner, Filters(), words, limit)
        pd.testing.assert_frame_equal(
            batched.reset_index(drop=True), one_query(words).reset_index(drop=True)
        )
