"""The loaded rows stay identical while the load pipeline is optimised.

A varied corpus of hand-built records (warehouse/load only, independent of the parser: the
JSON stand-in parser of tests/support/records.py) is loaded twice through the real loader
and worker processes (a first load, then a reload with a changed, a new and a superseding
file). Every loader-written table is compared, ORDER BY all columns, with digests computed
by the row-dict loader before the columnar rewrite. Run ids and timestamps are left out;
the column lists are frozen, so a column added later does not change a digest.

If a digest changes on purpose (a documented fix of a wrong value), print the new ones
with ``python -m tests.test_load_equality``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import duckdb

from tests.support.records import indicator, json_parse, project, record, write_record
from warehouse.load.loader import load_paths

# a fixed folder: document keys are md5 of the absolute path, so the digest needs the same paths
CORPUS = Path("/tmp/warehouse-load-equality")
VERSION = "equality-1"

COLUMNS: dict[str, list[str]] = {
    "source_document": [
        "document_id", "path", "file_name", "sha256", "size_bytes", "layout", "parser_version",
        "unit_key", "fiscal_year", "overall_goal", "project_count", "indicator_count",
        "warning_count",
    ],
    "dim_unit": [
        "unit_key", "unit_code", "unit_name", "province", "city", "county", "township",
        "unit_kind",
    ],
    "dim_fiscal_year": ["fiscal_year", "label", "start_date", "end_date"],
    "dim_indicator": [
        "indicator_key", "level1", "level2", "indicator_name", "target_kind", "target_unit",
        "indicator_family",
    ],
    "dim_project": [
        "project_key", "unit_key", "fiscal_year", "document_id", "project_code", "project_name",
        "project_category",
    ],
    "fact_project_budget": [
        "project_key", "fiscal_year", "unit_key", "document_id", "seq", "budget_total_yuan",
        "fiscal_funds_yuan", "other_funds_yuan", "plan_q1_pct", "plan_q2_pct", "plan_q3_pct",
        "plan_q4_pct", "purpose", "goals", "indicator_count", "source_line",
    ],
    "fact_indicator_target": [
        "target_key", "document_id", "scope", "project_key", "unit_key", "fiscal_year",
        "indicator_key", "ordinal", "level1_raw", "level2_raw", "description", "target_raw",
        "target_op", "target_value", "target_value_max", "target_unit", "target_value_yuan",
        "target_kind", "deadline", "basis", "weight", "direction", "source_line", "horizon",
        "place", "graded", "target_per", "target_meaning", "direction_source", "period_start",
        "period_end",
    ],
    "load_warning": [
        "warning_key", "document_id", "ordinal", "origin", "code", "message", "line",
        "project_name", "project_key",
    ],
    "reject": ["path", "sha256", "reason"],
    "document_version": [
        "identity_key", "document_id", "path", "sha256", "unit_key", "fiscal_year", "kind",
        "content_digest", "project_count", "budget_total_yuan", "status", "replaced_by_path",
    ],
    "project_source_text": ["document_id", "project_key", "first_line", "last_line", "text"],
}  # fmt: skip

# Re-pinned once on purpose: township units' keys include the township (keys.unit_key;
# the same row counts, only the key values changed).
EXPECTED: dict[str, str] = {
    "source_document": "27:7b48c736533cb28b",
    "dim_unit": "11:403f83fc40e7fc41",
    "dim_fiscal_year": "3:d9ae974ef8508bb9",
    "dim_indicator": "6:6143bc6970dfb592",
    "dim_project": "93:c871126a1a7f5722",
    "fact_project_budget": "93:06f857496b7722bc",
    "fact_indicator_target": "358:18e15594536371fd",
    "load_warning": "62:7af853cf1f980da4",
    "reject": "4:9035b7327a89a897",
    "document_version": "29:334aca5571bce11d",
    "project_source_text": "93:9b63741cae909103",
}


def _records() -> dict[str, dict]:
    """File name -> record: townships, years, unit-only documents, odd values."""
    out: dict[str, dict] = {}
    towns = ["甲镇", "乙镇", "丙乡", "丁镇", "戊乡", "己镇", "庚镇", "辛乡"]
    for t, town in enumerate(towns):
        for year in (2021, 2022, 2023):
            projects = [
                project(1, f"{town}党组织活动经费", 163000.0 + t, code=f"P{t}1"),
                project(2, "征地拆迁补偿款", 1_000_000.0 * (t + 1), code=None),
                project(
                    3,
                    "环境整治费",
                    50000.0,
                    fiscal=30000.0,
                    other=10000.0,  # fund parts do not add up: a warehouse warning
                    purpose="改善人居环境，开展垃圾清运",
                ),
            ]
            if t % 3 == 0:
                projects.append(project(4, "空指标项目", 1200.0, indicators=[]))
            if t % 4 == 1:  # the same name twice in one document: keys qualified by seq
                projects.append(project(5, "征地拆迁补偿款", 2500.0))
            rec = record(town, year, projects, code=None if t == 5 else f"80{t:04d}")
            if year == 2022:
                rec["unit_indicators"] = []
            if t == 2:
                rec["projects"][0]["indicators"].append(
                    indicator(
                        "补助金额",
                        raw="500万元",
                        value=500,
                        unit="万元",
                        value_yuan=5_000_000,
                        kind="amount",
                        line=150,
                    )
                )
            out[f"{t:02d}_{town}_{year}.txt"] = rec
    unit_only = record("壬镇", 2022, [], code="809999")
    out["20_壬镇_单位.txt"] = unit_only
    no_year = record("癸乡", 2022, code="808888")
    no_year["fiscal_year"] = None
    out["21_癸乡_无年度.txt"] = no_year
    return out


def _write_corpus(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i, (name, rec) in enumerate(_records().items()):
        path = write_record(folder / name, rec)
        os.utime(path, ns=(1_700_000_000_000_000_000 + i, 1_700_000_000_000_000_000 + i))
    (folder / "30_空文件.txt").write_bytes(b"")
    (folder / "31_二进制.txt").write_bytes(b"\x00\x01\x02binary")
    (folder / "32_空文件副本.txt").write_bytes(b"")
    (folder / "33_不是记录.txt").write_text("这不是绩效目标表", encoding="utf-8")
    shutil.copy(folder / "01_乙镇_2021.txt", folder / "34_乙镇_2021_副本.txt")


def _second_round(folder: Path) -> None:
    """A changed file, a new file, and a newer version of one document under another name."""
    changed = _records()["02_丙乡_2022.txt"]
    changed["projects"][0]["budget"]["total_yuan"] = 170000.0
    write_record(folder / "02_丙乡_2022.txt", changed)
    write_record(folder / "40_子镇_2023.txt", record("子镇", 2023, code="807777"))
    newer = _records()["03_丁镇_2023.txt"]
    newer["overall_goal"] = "修订后的总体目标"
    path = write_record(folder / "41_丁镇_2023_修订.txt", newer)
    os.utime(path, ns=(1_800_000_000_000_000_000, 1_800_000_000_000_000_000))


def table_digests(db: Path) -> dict[str, str]:
    """sha256 per table over its frozen columns, rows in ORDER BY ALL order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table, columns in COLUMNS.items():
            rows = con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL").fetchall()
            digest = hashlib.sha256()
            for row in rows:
                digest.update(repr(row).encode("utf-8"))
                digest.update(b"\n")
            out[table] = f"{len(rows)}:{digest.hexdigest()[:16]}"
        return out
    finally:
        con.close()


def build(db: Path, *, isolate: bool = True) -> tuple[object, object]:
    """Both rounds; returns the two load summaries."""
    _write_corpus(CORPUS)
    common = dict(progress=False, parse=json_parse, version=VERSION, review=False, isolate=isolate)
    first = load_paths([CORPUS], db, **common)  # type: ignore[arg-type]
    _second_round(CORPUS)
    second = load_paths([CORPUS], db, **common)  # type: ignore[arg-type]
    return first, second


def test_loaded_rows_identical_to_row_dict_loader(tmp_path: Path) -> None:
    # one test (not a shared fixture): the fixed corpus folder must not be built by two
    # xdist workers at once
    db = tmp_path / "warehouse.duckdb"
    first, second = build(db)
    got = table_digests(db)
    differing = {t: got[t] for t in COLUMNS if got[t] != EXPECTED.get(t)}
    assert not differing, f"tables differ from the pinned load: {differing}"
    assert (first.loaded, len(first.rejected), len(first.duplicates)) == (26, 4, 1)
    assert first.exit_code == 1
    assert (second.loaded, second.replaced) == (2, 1)
    assert [os.path.basename(old) for old, _ in second.superseded] == ["03_丁镇_2023.txt"]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp) / "warehouse.duckdb", isolate="--in-process" not in sys.argv)
        for table, value in table_digests(Path(tmp) / "warehouse.duckdb").items():
            print(f'    "{table}": "{value}",')
