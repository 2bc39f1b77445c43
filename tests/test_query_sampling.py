"""The two-step strip-chart sample (``common.sample_rows``) and the growing township batches
of the text search give the same rows as the single statements they replace, on the real
seed warehouse with a small MAX_POINTS so that sampling and batching really happen."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.data import budgets, common, indicators, projects, targets
from dashboard.data.filter_model import Filters


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.mark.parametrize("points", [3, 40, 100_000])
def test_sample_rows_equals_the_single_statement(seed_runner, monkeypatch, points: int) -> None:
    monkeypatch.setattr(common, "MAX_POINTS", points)
    f = Filters()
    cases = [
        (
            budgets._project_budget_base(f),
            "budget_total_yuan",
            common.box_stats(seed_runner, f, "budget"),
        ),
        (
            indicators._indicators_per_project_base(f),
            "indicator_count",
            common.box_stats(seed_runner, f, "indicator_count"),
        ),
    ]
    families = targets.indicator_families(seed_runner, f)
    family = str(families["family"].iloc[0])
    cases.append(
        (
            targets._family_target_base(f, family, None),
            "target_value",
            common.box_stats(seed_runner, f, "target", family, None),
        )
    )
    for (base, params), value, stats in cases:
        assert stats is not None  # the seed warehouse has the rollups
        old = seed_runner(
            common.sampled(base, value, "_key", "township", stats[0]), params + stats[1]
        )
        new = common.sample_rows(seed_runner, (base, params), value, "_key", "township", stats)
        assert len(new) == len(old)
        pd.testing.assert_frame_equal(_rows(new), _rows(old))
        if points == 3:
            assert len(new) < seed_runner(f"SELECT count(*) AS n FROM ({base})", params)["n"][0]


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
