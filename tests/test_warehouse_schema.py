"""Schema, views, keys, data checks and the generated data dictionary."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse.load.checks import load_checks, run_checks
from warehouse.paths import DEFAULT_DB, resolve_db_path
from warehouse.schema import ddl as schema
from warehouse.schema import keys
from warehouse.schema.dictionary import DICTIONARY_MD, render

CONTRACT_COLUMNS = {
    "v_project_budget": [
        "fiscal_year",
        "province",
        "city",
        "county",
        "township",
        "unit_code",
        "unit_name",
        "project_code",
        "project_name",
        "project_category",
        "budget_total_yuan",
        "fiscal_funds_yuan",
        "other_funds_yuan",
        "source_file",
    ],
    "v_indicator_target": [
        "scope",
        "fiscal_year",
        "province",
        "city",
        "county",
        "township",
        "unit_name",
        "project_code",
        "project_name",
        "level1",
        "level2",
        "indicator_name",
        "description",
        "target_raw",
        "target_op",
        "target_value",
        "target_value_max",
        "target_unit",
        "target_value_yuan",
        "target_kind",
        "deadline",
        "basis",
        "weight",
        "direction",
        "source_file",
        "source_line",
    ],
    "v_goal_review": [
        "fiscal_year",
        "township",
        "unit_name",
        "project_code",
        "project_name",
        "grade",
        "rule_id",
        "severity",
        "message",
    ],
    "v_load_warning": [
        "fiscal_year",
        "township",
        "unit_name",
        "source_file",
        "code",
        "message",
        "line",
        "project_name",
    ],
}
# Extra columns other modules (dashboard, review page) code against: keep these names.
PROMISED_EXTRAS = {
    "v_project_budget": [
        "project_key",
        "document_id",
        "purpose",
        "goals",
        "plan_q1_pct",
        "plan_q2_pct",
        "plan_q3_pct",
        "plan_q4_pct",
        "source_line",
        "indicator_count",
    ],
    "v_indicator_target": ["project_key", "project_category", "indicator_family"],
    "v_goal_review": ["hint", "source_file", "source_line", "project_key"],
}


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    schema.create_schema(connection)
    return connection


@pytest.mark.parametrize("view", sorted(CONTRACT_COLUMNS))
def test_views_start_with_contract_columns(con: duckdb.DuckDBPyConnection, view: str) -> None:
    columns = [row[0] for row in con.execute(f"DESCRIBE {view}").fetchall()]
    expected = CONTRACT_COLUMNS[view]
    assert columns[: len(expected)] == expected
    if view == "v_goal_review":
        assert columns == expected + PROMISED_EXTRAS[view]
    else:
        assert set(PROMISED_EXTRAS.get(view, [])) <= set(columns[len(expected) :])


def test_column_types(con: duckdb.DuckDBPyConnection) -> None:
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE table_name = 'v_indicator_target'"
        ).fetchall()
    )
    assert types["deadline"] == "DATE"
    assert types["target_value"] == "DOUBLE" and types["fiscal_year"] == "INTEGER"


def test_every_table_and_column_has_a_comment(con: duckdb.DuckDBPyConnection) -> None:
    missing = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal "
        "AND (comment IS NULL OR comment = '')"
    ).fetchall()
    assert missing == []
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE comment IS NULL "
        "UNION ALL SELECT view_name FROM duckdb_views() "
        "WHERE NOT internal AND comment IS NULL"
    ).fetchall()
    assert tables == []


def test_checks_pass_on_empty_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    results = run_checks(con)
    assert len(results) == len(load_checks()) >= 15
    assert [r.check.name for r in results if not r.ok] == []


def test_checks_catch_violations() -> None:
    con = duckdb.connect()
    schema.create_schema(con)
    con.execute("INSERT INTO dim_unit (unit_key) VALUES (1), (1)")
    con.execute(
        "INSERT INTO fact_project_budget (project_key, unit_key, document_id, "
        "budget_total_yuan, fiscal_funds_yuan, other_funds_yuan, indicator_count) "
        "VALUES (7, 1, 9, 100, 50, 0, 0)"
    )
    failed = {r.check.name for r in run_checks(con) if not r.ok}
    assert {"pk_dim_unit", "orphan_budget", "project_has_indicator", "fund_parts"} <= failed


def test_data_dictionary_is_fresh() -> None:
    assert DICTIONARY_MD.read_text(encoding="utf-8") == render(), (
        "docs/data_dictionary.md is stale: run python -m warehouse dictionary"
    )


def test_keys_are_stable_md5_values() -> None:
    # Pinned values: a change here silently re-keys every warehouse and export.
    assert keys.md5_key("document", "/x") == keys.md5_key("document", "/x")
    assert keys.md5_key("unit", "a") == 1308182319569165968
    # any engine can recompute a key from its natural key: first 64 bits of md5, shifted
    sql = "SELECT (('0x' || substr(md5('unit|a'), 1, 16))::UBIGINT >> 1)::BIGINT"
    assert duckdb.connect().execute(sql).fetchone()[0] == keys.md5_key("unit", "a")
    unit = {
        "code": "801001",
        "name": "某镇",
        "province": "河北省",
        "city": "唐山市",
        "county": "开平区",
    }
    assert keys.unit_key(unit, "f") == keys.unit_key({**unit, "name": "别名"}, "g")
    assert keys.project_natural_key({"code": " P1 ", "name": "x"}) == "code:P1"
    assert keys.project_natural_key({"code": None, "name": "党 组织"}) == "name:党组织"
    assert 0 < keys.md5_key("x") < 2**63


def test_two_townships_of_a_county_with_the_same_code_are_two_units() -> None:
    # A 40,000-document corpus had 36 documents superseded by another township's document
    # of the same year because both printed the short code 386001 in the same county.
    county = {"code": "386001", "province": "四川省", "city": "达州市", "county": "宣汉县"}
    a = keys.unit_key({**county, "name": "茶河镇人民政府", "township": "茶河镇"}, "a")
    b = keys.unit_key({**county, "name": "桃花镇人民政府", "township": "桃花镇"}, "b")
    assert a != b
    same = keys.unit_key({**county, "name": "茶河镇政府办公室", "township": "茶河镇"}, "c")
    assert same == a  # one township's unit keeps one key whatever its name says
    department = {**county, "code": None, "name": "宣汉县农业农村局", "township": None}
    geo = [keys.norm_text(county[k]) for k in ("province", "city", "county")]
    assert keys.unit_key(department, "d") == keys.md5_key("unit", *geo, "name:宣汉县农业农村局")


def test_resolve_db_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("WAREHOUSE_DB", raising=False)
    assert resolve_db_path(None) == DEFAULT_DB
    assert DEFAULT_DB.parts[-2:] == ("var", "warehouse.duckdb")
    monkeypatch.setenv("WAREHOUSE_DB", str(tmp_path / "env.duckdb"))
    assert resolve_db_path(None) == tmp_path / "env.duckdb"
    assert resolve_db_path(str(tmp_path / "cli.duckdb")) == tmp_path / "cli.duckdb"
