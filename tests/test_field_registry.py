"""The field registry (data/fields.toml): every column of every table, mart and view is
described once; comments, the data dictionary and the dashboard's headers come from it."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from warehouse.paths import REPO_ROOT
from warehouse.schema import ddl, fields, rule_catalog
from warehouse.schema.fields import RegistryError, _parse

# `"column": "中文"` (a hand-written Chinese label dict entry) or `x["column"] = "中文"`.
_LABEL_ENTRY = re.compile(r'"([a-z][a-z_0-9]*)"\s*(?::|\]\s*=)\s*"[^"\n]*[\u4e00-\u9fff][^"\n]*"')
# Value-label dicts (not column headers) and files of dashboard/data/ that another area owns
# and still has to move to the registry (see docs/field_registry.md, "Still to move").
_ALLOWED = {
    ("dashboard/data/history.py", "raised"),  # change values → words, not headers
    ("dashboard/data/history.py", "lowered"),
    ("dashboard/data/history.py", "unchanged"),
    ("dashboard/data/history.py", "new"),
    ("dashboard/data/history.py", "dropped"),
    ("dashboard/data/history.py", "changed"),
    ("dashboard/data/sql_query.py", "time"),  # query-log headers of the SQL page
    ("dashboard/data/sql_query.py", "dialect"),
    ("dashboard/data/sql_query.py", "status"),
    ("dashboard/data/sql_query.py", "rows"),
    ("dashboard/data/sql_query.py", "elapsed_ms"),
    ("dashboard/data/review_workbook.py", "unit_name"),
    ("dashboard/view/charts.py", "label"),  # a legend value (序时进度), not a header
}


@pytest.fixture(scope="module")
def warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ddl.create_schema(con)
    return con


def _columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str | None]]:
    return con.execute(
        "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
        "WHERE NOT internal ORDER BY table_name, column_index"
    ).fetchall()


def test_every_column_is_registered_and_commented(warehouse) -> None:
    rows = _columns(warehouse)
    objects = {t for t, *_ in rows}
    # tables, marts, views and the rule catalogue are all there
    assert {*ddl.TABLES, *ddl.MART_TABLES, *ddl.VIEWS, *ddl.REFERENCE_TABLES} <= objects
    assert fields.unregistered(warehouse) == []
    uncommented = [f"{t}.{c}" for t, c, _, comment in rows if not (comment or "").strip()]
    assert uncommented == []
    for table, column, _, comment in rows:
        assert comment == fields.field(column, table).comment(), f"{table}.{column}"


def test_registry_types_match_the_warehouse(warehouse) -> None:
    """One type per column name (a differing type must be a declared variant): catches a
    view or test warehouse declaring ``project_key`` as VARCHAR instead of BIGINT."""
    wrong = [
        f"{t}.{c}: {dtype} != {fields.field(c, t).type}"
        for t, c, dtype, _ in _columns(warehouse)
        if fields.field(c, t).type != dtype
    ]
    assert wrong == []


def test_registry_has_no_dead_entries(warehouse) -> None:
    reg = fields.registry()
    used = {(t, c) for t, c, *_ in _columns(warehouse)}
    names = {c for _, c in used}
    assert sorted(set(reg.columns) - names) == []
    stale = sorted(f"{o}.{c}" for o, c in reg.variants if (o, c) not in used)
    assert stale == []


def test_one_description_per_column_unless_declared(warehouse) -> None:
    """The same column name reads the same in every object except declared variants."""
    reg = fields.registry()
    for table, column, *_ in _columns(warehouse):
        if (table, column) not in reg.variants:
            assert fields.field(column, table) == reg.columns[column]


def test_comments_follow_a_registry_change_on_an_existing_warehouse(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    ddl.create_schema(con)
    con.execute("COMMENT ON COLUMN dim_unit.province IS 'stale'")
    con.execute("UPDATE warehouse_meta SET value = 'old' WHERE key = 'fields_digest'")
    ddl.ensure_schema(con)
    comment = con.execute(
        "SELECT comment FROM duckdb_columns() WHERE table_name = 'dim_unit' "
        "AND column_name = 'province'"
    ).fetchone()[0]
    con.close()
    assert comment == fields.field("province").comment()


def test_labels_carry_units_and_variants() -> None:
    assert fields.label("budget_total_yuan") == "预算总额（元）"
    assert fields.label("budget_total_yuan", money_unit="万元") == "预算总额（万元）"
    assert fields.label("budget_total_yuan", "v_project_history", money_unit="万元") == (
        "本年度预算（万元）"
    )
    assert fields.label("message") == "问题说明"
    assert fields.label("message", "v_load_warning") == "警告说明"
    assert fields.label("category") == fields.label("project_category")  # display alias
    assert fields.label("projects") == "项目数"  # display wins over load_run.projects
    with pytest.raises(RegistryError):
        fields.label("no_such_column")


def test_malformed_registry_names_the_problem() -> None:
    with pytest.raises(RegistryError, match="label"):
        _parse({"columns": {"x": {"en": "X", "type": "VARCHAR"}}})
    with pytest.raises(RegistryError, match="objects"):
        _parse({"columns": {"x": {"label": "甲", "en": "X", "type": "V", "variants": [{}]}}})
    with pytest.raises(RegistryError, match="nope"):
        _parse({"columns": {}, "display": {"y": {"as": "nope"}}})


def test_dashboard_has_no_hand_written_label_dicts() -> None:
    """Each Chinese column header is written once, in data/fields.toml."""
    found = []
    for path in sorted((REPO_ROOT / "dashboard").rglob("*.py")):
        rel = path.relative_to(REPO_ROOT).as_posix()
        for match in _LABEL_ENTRY.finditer(path.read_text(encoding="utf-8")):
            if (rel, match.group(1)) not in _ALLOWED:
                found.append(f"{rel}: {match.group(0)}")
    assert found == []


def test_the_scan_catches_a_label_dict() -> None:
    assert _LABEL_ENTRY.search('columns = {"project_name": "项目名称"}')
    assert _LABEL_ENTRY.search('columns["card"] = "项目卡片"')
    assert not _LABEL_ENTRY.search('labels("project_name", "township")')


def test_rule_catalogue_is_a_warehouse_table(warehouse) -> None:
    from etl.review.catalog import RULES

    rows = dict(warehouse.execute("SELECT rule_id, title FROM review_rule").fetchall())
    assert rows == {r.rule_id: r.title for r in RULES.values()}
    assert rule_catalog.ensure(warehouse) is False  # unchanged: not rewritten


def test_rule_titles_reach_the_dashboard_through_the_warehouse(warehouse) -> None:
    from dashboard.data.goal_review import rule_titles

    def run(sql: str, params: list | None) -> object:
        return warehouse.execute(sql, params or []).df()

    titles = rule_titles(run)
    assert titles["R01"].startswith("R01 ")
    empty = duckdb.connect()
    assert rule_titles(lambda sql, p: empty.execute(sql, p or []).df()) == {}


_LABEL_CALL = re.compile(r"\blabels?\(([^()]*)\)", re.S)


def test_every_dashboard_label_lookup_resolves() -> None:
    """A typo in ``label("…")`` would only fail when that page branch runs: resolve every
    literal lookup of dashboard/ against the registry here."""
    failures, checked = [], 0
    for path in sorted((REPO_ROOT / "dashboard").rglob("*.py")):
        for call in _LABEL_CALL.finditer(path.read_text(encoding="utf-8")):
            obj = re.search(r'obj="([a-z_]+)"', call.group(1))
            body = re.sub(r'obj="[a-z_]+"', "", call.group(1))
            for column in re.findall(r'"([a-z][a-z_0-9]*)"', body):
                checked += 1
                try:
                    fields.label(column, obj.group(1) if obj else None)
                except RegistryError as err:
                    failures.append(f"{path.name}: {err}")
    assert failures == []
    assert checked > 100  # the scan does see the pages' lookups


def test_catalogue_stamp_leaves_the_classification_stamp_alone(warehouse) -> None:
    """`rules_digest` belongs to the classification rules (a foreign value there made every
    load reclassify and rebuild the marts): the catalogue stamps its own key."""
    keys = {k for (k,) in warehouse.execute("SELECT key FROM warehouse_meta").fetchall()}
    assert "rule_catalog_digest" in keys and "rules_digest" not in keys


def test_a_registry_change_alone_makes_the_next_load_refresh_comments(tmp_path: Path) -> None:
    """Unchanged files, changed data/fields.toml (or rule catalogue): the next load still
    writes a version, whose comments and catalogue are current."""
    from tests.support.records import TEST_PARSER_VERSION, json_parse, record, write_record
    from warehouse.load.loader import load_paths
    from warehouse.load.storage import current_file

    docs = tmp_path / "docs"
    write_record(docs / "0.txt", record("甲镇", code="801000"))
    db = tmp_path / "w.duckdb"

    def load() -> object:
        return load_paths(
            [docs],
            db,
            progress=False,
            parse=json_parse,
            version=TEST_PARSER_VERSION,
            review=False,
        )

    load()
    assert not load().written  # nothing changed: no new version
    con = duckdb.connect(str(current_file(db)))
    con.execute("UPDATE warehouse_meta SET value = 'old' WHERE key = 'fields_digest'")
    con.execute("DELETE FROM review_rule")
    con.execute("UPDATE warehouse_meta SET value = 'old' WHERE key = 'rule_catalog_digest'")
    con.close()
    assert load().written
    con = duckdb.connect(str(current_file(db)), read_only=True)
    try:
        assert fields.comments_current(con) and rule_catalog.current(con)
        assert con.execute("SELECT count(*) FROM review_rule").fetchone()[0] > 20
    finally:
        con.close()


def test_schema_sql_holds_no_column_descriptions() -> None:
    """Descriptions live in data/fields.toml only; a COMMENT ON COLUMN in the DDL would be
    a second, silently overwritten copy."""
    for path in (ddl.SCHEMA_SQL, ddl.VIEWS_SQL):
        assert "COMMENT ON COLUMN" not in path.read_text(encoding="utf-8"), path.name
