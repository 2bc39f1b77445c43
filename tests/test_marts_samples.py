"""Stored point samples (marts.SAMPLE_TABLES): the dashboard reads them instead of sampling
millions of rows, so they must be exactly what the live query picks, after a full rebuild
and after an incremental load."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard.data import budgets as budgets_queries
from dashboard.data import common as common_queries
from dashboard.data import indicators as indicators_queries
from dashboard.data import targets as targets_queries
from dashboard.data.common import connection_runner, has_rollups
from dashboard.data.filter_model import Filters
from tests.support.records import (
    TEST_PARSER_VERSION,
    indicator,
    json_parse,
    project,
    record,
    write_record,
)
from warehouse.load.loader import load_paths
from warehouse.load.storage import current_file
from warehouse.schema import marts

POINTS = 9
OUTLIER_ROWS = 4


def _same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        left.reset_index(drop=True), right.reset_index(drop=True), check_dtype=False
    )


def _covered_filters(run) -> list[Filters]:
    """Every filter a stored sample answers: none, each year, each category."""
    options = common_queries.filter_options(run)
    return [
        Filters(),
        *(Filters(years=(y,)) for y in options["years"]),
        *(Filters(categories=(c,)) for c in options["categories"]),
    ]


def _points(run, f: Filters, measure: str, family: str | None, unit: str | None):
    if measure == "budget":
        return budgets_queries.project_budgets(run, f)
    if measure == "indicator_count":
        return indicators_queries.indicators_per_project(run, f)
    return targets_queries.family_targets(run, f, family, unit)


def _box(run, f: Filters, measure: str, family: str | None, unit: str | None):
    if measure == "budget":
        return budgets_queries.project_budget_box(run, f)
    if measure == "indicator_count":
        return indicators_queries.indicators_per_project_box(run, f)
    return targets_queries.family_target_box(run, f, family, unit)


def _assert_stored_equal_live(run, monkeypatch: pytest.MonkeyPatch) -> int:
    """Each point query read from the stored samples equals the same query computed live;
    returns how many answers were real samples (more rows than POINTS)."""
    live = {"on": False}
    stored_sample = common_queries._stored_sample

    def switch(*args):
        return None if live["on"] else stored_sample(*args)

    def rollups(run):
        return not live["on"] and has_rollups(run)

    monkeypatch.setattr(common_queries, "_stored_sample", switch)
    monkeypatch.setattr(targets_queries, "has_rollups", rollups)  # outliers: live when off
    families = targets_queries.indicator_families(run, Filters())
    numeric = list(families.loc[families["numeric"] > 0, "family"])[:4]  # the largest ones
    sampled = 0
    for f in _covered_filters(run):
        cases: list[tuple[str, str | None, str | None]] = [
            ("budget", None, None),
            ("indicator_count", None, None),
        ]
        for family in numeric:
            units = targets_queries.family_units(run, f, family)["unit"]
            cases += [("target", family, unit) for unit in units]
        for measure, family, unit in cases:
            live["on"] = False
            got = _points(run, f, measure, family, unit)
            live["on"] = True
            _same(got, _points(run, f, measure, family, unit))
            total = int(_box(run, f, measure, family, unit)["n"].sum())
            assert len(got) == min(total, POINTS)
            sampled += total > POINTS
        for family in numeric:
            live["on"] = False
            got = targets_queries.target_outliers(run, f, family)
            live["on"] = True
            expected = targets_queries.target_outliers(run, f, family)
            _same(got, expected)
            assert got.attrs["total"] == expected.attrs["total"] and len(got) <= OUTLIER_ROWS
            sampled += got.attrs["total"] > OUTLIER_ROWS
    live["on"] = False
    return sampled


def test_stored_samples_equal_the_live_query(
    seed_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(current_file(seed_warehouse), copy)
    monkeypatch.setattr(marts, "SAMPLE_POINTS", POINTS)
    monkeypatch.setattr(marts, "OUTLIER_ROWS", OUTLIER_ROWS)
    con = duckdb.connect(str(copy))
    try:
        marts.refresh_samples(con)
        run = connection_runner(con)
        assert common_queries.has_rollups(run)
        assert _assert_stored_equal_live(run, monkeypatch) > 10
    finally:
        con.close()


def test_only_covered_filters_read_the_stored_samples(seed_warehouse: Path) -> None:
    con = duckdb.connect(str(current_file(seed_warehouse)), read_only=True)
    run = connection_runner(con)
    try:
        options = common_queries.filter_options(run)
        year, town, cat = options["years"][0], options["townships"][0], options["categories"][0]
        read = common_queries._stored_sample
        assert read(run, Filters(years=(year,)), "budget", None, None) is not None
        assert read(run, Filters(categories=(cat,)), "budget", None, None) is not None
        assert read(run, Filters(), "target", "满意度", None) is None  # all units: live
        for f in (
            Filters(townships=(town,)),
            Filters(years=tuple(options["years"][:2])),
            Filters(years=(year,), categories=(cat,)),
        ):
            assert read(run, f, "budget", None, None) is None
    finally:
        con.close()


TOWNS = ["甲镇", "乙镇", "丙乡", "丁镇", "戊镇", "己乡"]


def _write_docs(folder: Path, year: int = 2024) -> None:
    for i, town in enumerate(TOWNS):
        projects = []
        for p in range(1, 4 + i):
            level = 0.95 if (i, p) == (2, 1) else 80 + (p * 7 + i) % 19  # 0.95: flagged
            targets = [
                indicator(
                    "群众满意度",
                    "满意度指标",
                    "服务对象满意度指标",
                    raw=f"≥{level}%",
                    value=level,
                    unit="%",
                    kind="percent",
                    line=p * 10 + 1,
                ),
                indicator("培训人次", raw=f"≥{p * 10 + i}人次", value=p * 10 + i, unit="人次"),
            ]
            projects.append(
                project(p, f"项目{p}", 1000.0 * (p + i), code=f"P{i}{p}", indicators=targets)
            )
        write_record(
            folder / f"{i}.txt", record(town, code=f"80200{i}", year=year, projects=projects)
        )


def _load(folder: Path, db: Path) -> object:
    return load_paths(
        [folder], db, progress=False, parse=json_parse, version=TEST_PARSER_VERSION, review=False
    )


def _stored_in(path: Path) -> dict[str, list]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            for table in (*marts.SAMPLE_TABLES.values(), marts.OUTLIER_TABLE)
        }
    finally:
        con.close()


def _stored(db: Path) -> dict[str, list]:
    return _stored_in(current_file(db))


def test_incremental_load_leaves_the_samples_of_a_full_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(marts, "SAMPLE_POINTS", POINTS)
    monkeypatch.setattr(marts, "OUTLIER_ROWS", OUTLIER_ROWS)
    folder = tmp_path / "docs"
    _write_docs(folder)
    db = tmp_path / "warehouse.duckdb"
    _load(folder, db)
    first = _stored(db)
    assert all(first.values()) and len(first["mart_target_sample"]) > POINTS
    changed = record(
        "乙镇",
        code="802001",
        projects=[
            project(
                1,
                "全新的项目",
                123.0,
                code="P99",
                indicators=[
                    indicator(
                        "群众满意度",
                        "满意度指标",
                        "服务对象满意度指标",
                        raw="≥10%",
                        value=10,
                        unit="%",
                        kind="percent",
                    )
                ],
            )
        ],
    )
    write_record(folder / "1.txt", changed)
    assert _load(folder, db).replaced == 1
    incremental = _stored(db)
    assert incremental != first
    con = duckdb.connect(str(current_file(db)))
    try:
        marts.refresh_samples(con)
        run = connection_runner(con)
        assert _assert_stored_equal_live(run, monkeypatch) > 0
    finally:
        con.close()
    assert _stored(db) == incremental


ROUND_TOWNS = [f"{name}镇" for name in "东南西北中上下前后左右里"]
CATEGORY_NAMES = ["道路硬化工程", "党员教育培训", "农村环境整治", "困难群众救助", "办公经费"]


def _random_doc(rng: random.Random, town: str | None, year: int, seq: int) -> dict:
    """A township document of random size: 0-7 projects of 1-4 numeric targets each."""
    projects = []
    for p in range(1, rng.randint(0, 7) + 1):
        targets = []
        for i in range(rng.randint(1, 4)):
            family = rng.choice(["满意度", "人次", "完成率"])
            value = rng.choice([0.9, 60, 85, 90, 95, 98, 100, 100, 100, 120, 500])
            if family == "满意度":
                targets.append(
                    indicator(
                        "群众满意度",
                        "满意度指标",
                        "服务对象满意度指标",
                        raw=f"≥{value}%",
                        value=value,
                        unit="%",
                        kind="percent",
                        line=p * 10 + i,
                    )
                )
            elif family == "人次":
                count = int(value) + rng.randint(0, 40)
                targets.append(
                    indicator(
                        "培训人次", raw=f"≥{count}人次", value=count, unit="人次", line=p * 10 + i
                    )
                )
            else:
                targets.append(
                    indicator(
                        "项目完成率",
                        "产出指标",
                        "质量指标",
                        raw=f"={value}%",
                        op="=",
                        value=value,
                        unit="%",
                        kind="percent",
                        line=p * 10 + i,
                    )
                )
        name = rng.choice(CATEGORY_NAMES)
        total = float(rng.choice([5000, 20000, 100000, 800000, 3000000]))
        projects.append(project(p, f"{name}{p}", total, code=f"R{seq}-{p}", indicators=targets))
    return record(town, code=f"9{seq:05d}", year=year, projects=projects, unit_indicators=[])  # type: ignore[arg-type]


def test_incremental_rounds_keep_the_samples_of_a_full_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Townships grow, shrink, empty and change in random rounds of small loads: each time
    the stored samples and outliers kept incrementally (quotas move in every township of a
    touched group) equal a full rebuild of the same warehouse."""
    monkeypatch.setattr(marts, "SAMPLE_POINTS", 15)
    monkeypatch.setattr(marts, "OUTLIER_ROWS", 5)
    updates: list[int] = []
    update = marts._update_samples
    monkeypatch.setattr(
        marts, "_update_samples", lambda con, towns: updates.append(1) or update(con, towns)
    )
    rng = random.Random(14)
    folder, db = tmp_path / "docs", tmp_path / "warehouse.duckdb"
    places: list[tuple[str | None, int]] = [(t, y) for t in ROUND_TOWNS for y in (2023, 2024)]
    places.append((None, 2024))  # a document naming no township
    for seq, (town, year) in enumerate(places):
        write_record(folder / f"{seq}.txt", _random_doc(rng, town, year, seq))
    _load(folder, db)
    for round_no in range(8):
        changed = rng.sample(range(len(places)), rng.randint(1, 4))
        if round_no == 3:
            changed = [len(places) - 1]  # the document without a township
        for seq in changed:
            town, year = places[seq]
            write_record(folder / f"{seq}.txt", _random_doc(rng, town, year, seq + 100 * round_no))
        _load(folder, db)
        assert len(updates) == round_no + 1, "the load rebuilt the marts instead"
        kept = _stored(db)
        copy = tmp_path / f"full{round_no}.duckdb"
        shutil.copyfile(current_file(db), copy)
        con = duckdb.connect(str(copy))
        try:
            marts.refresh_samples(con)
        finally:
            con.close()
        assert kept == _stored_in(copy), f"round {round_no}: documents {changed}"
    assert sum(len(rows) for rows in kept.values()) > 100
