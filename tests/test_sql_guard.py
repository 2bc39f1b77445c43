"""The SQL guard, the sandbox and the SQL page, against a small warehouse built by the real
loader (conftest ``sql_db``, tests/fixtures/sql_warehouse.py)."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from warehouse.serve import sql_guard
from warehouse.serve.sandbox import open_sandbox, run_guarded, truncation_notice
from warehouse.serve.sql_examples import EXAMPLES
from warehouse.serve.sql_guard import catalog_names, check_query

FIXTURES = Path(__file__).parent / "fixtures" / "sql"
PAGE = Path(__file__).resolve().parents[1] / "dashboard" / "view" / "pages" / "sql_query.py"


@dataclass(frozen=True)
class Case:
    sql: str
    dialect: str
    expect: str  # refusal keyword, or expected row count for accepted cases


def load_cases(name: str, key: str) -> list[Case]:
    """Blocks separated by '-- ---'; '-- key: value' lines are metadata, the rest is SQL."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    cases = []
    for block in text.split("\n-- ---\n")[1:]:
        meta: dict[str, str] = {}
        body = []
        for line in block.splitlines():
            if line.startswith(("-- expect:", "-- rows:", "-- dialect:")):
                k, _, v = line[3:].partition(":")
                meta[k.strip()] = v.strip()
            else:
                body.append(line)
        cases.append(Case("\n".join(body).strip(), meta.get("dialect", "duckdb"), meta[key]))
    return cases


REFUSED = load_cases("refused.sql", "expect")
ACCEPTED = load_cases("accepted.sql", "rows")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def catalog(sql_db: Path) -> set[str]:
    con = open_sandbox(sql_db)
    try:
        return catalog_names(con)
    finally:
        con.close()


# ------------------------------------------------------------------------------ guard


def test_fixture_files_are_big_enough() -> None:
    assert len(REFUSED) >= 30
    assert len(ACCEPTED) >= 10


@pytest.mark.parametrize("case", REFUSED, ids=[f"{i:02d}" for i in range(len(REFUSED))])
def test_refused(case: Case, catalog: set[str]) -> None:
    result = check_query(case.sql, catalog, dialect=case.dialect)
    assert not result.ok, case.sql
    assert result.sql_to_run is None
    assert case.expect.casefold() in result.reason.casefold(), result.reason
    assert "\n" not in result.reason


@pytest.mark.parametrize("case", ACCEPTED, ids=[f"{i:02d}" for i in range(len(ACCEPTED))])
def test_accepted_rows(case: Case, sql_db: Path) -> None:
    outcome = run_guarded(sql_db, case.sql, dialect=case.dialect)
    assert outcome.error is None, outcome.error
    assert len(outcome.frame) == int(case.expect)
    assert not outcome.truncated
    assert outcome.sql_run.startswith("SELECT * FROM (")


def test_catalog_lists_tables_views_and_qualified_names(catalog: set[str]) -> None:
    for name in (
        "v_project_budget",
        "v_indicator_target",
        "v_goal_review",
        "dim_unit",
        "load_warning",
        "main.v_project_budget",
        "warehouse.main.v_goal_review",
    ):
        assert name in catalog


def test_duckdb_tree_gate_catches_what_sqlglot_might_miss(catalog: set[str]) -> None:
    """The last gate reads DuckDB's own parse tree of the text that will run."""
    for sql, word in [
        ("SELECT * FROM read_csv('x')", "read_csv"),
        ("SELECT * FROM nope", "nope"),
        ("SELECT getenv('HOME')", "getenv"),
        ("SELECT * FROM v_project_budget, query('SELECT 1')", "query"),
    ]:
        with pytest.raises(sql_guard.Refused, match=word):
            sql_guard._duckdb_tree_gate(sql, catalog)
    sql_guard._duckdb_tree_gate(
        "WITH a AS (SELECT 1) SELECT * FROM a, v_project_budget, range(3)", catalog
    )


def test_comments_are_not_run(catalog: set[str]) -> None:
    result = check_query("SELECT 1 AS x -- ; DROP TABLE dim_unit\n", catalog)
    assert result.ok
    assert "DROP" not in result.sql_to_run and "--" not in result.sql_to_run


def test_dialects_are_transpiled_and_shown(catalog: set[str]) -> None:
    mysql = check_query(
        "SELECT IFNULL(township, '') FROM v_project_budget LIMIT 2, 3", catalog, dialect="mysql"
    )
    assert mysql.ok and "COALESCE" in mysql.sql_to_run and "OFFSET 2" in mysql.sql_to_run
    tsql = check_query("SELECT TOP 5 [township] FROM v_project_budget", catalog, dialect="tsql")
    assert tsql.ok and "LIMIT 5" in tsql.sql_to_run
    bad = check_query("SELECT 1", catalog, dialect="oracle")
    assert not bad.ok and "oracle" in bad.reason


def test_empty_and_oversized_queries(catalog: set[str]) -> None:
    assert "没有找到" in check_query("  -- only a comment\n", catalog).reason
    assert "没有找到" in check_query("", catalog).reason
    assert "太长" in check_query("SELECT 1" + " " * 200_000, catalog).reason


# ---------------------------------------------------------------------------- sandbox


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title for e in EXAMPLES])
def test_examples_run(example, sql_db: Path) -> None:
    expected = {
        "各乡镇预算合计": 5,
        "满意度目标分布": 3,
        "各类别项目数与预算": 6,  # the loader's categories: 2 road projects share one
        "定性指标占比最高的项目": 4,  # the projects with indicators
        "时限指标截止日期分布": 3,
        "被退回（中/差）项目清单": 5,  # P004 中; P003 and the three without indicators 差
        "财政资金与其他资金": 2,
    }
    outcome = run_guarded(sql_db, example.sql)
    assert outcome.error is None, outcome.error
    assert len(outcome.frame) == expected[example.title]


def test_required_examples_present() -> None:
    titles = {e.title for e in EXAMPLES}
    assert {
        "各乡镇预算合计",
        "满意度目标分布",
        "各类别项目数与预算",
        "定性指标占比最高的项目",
        "时限指标截止日期分布",
        "被退回（中/差）项目清单",
    } <= titles
    assert "v_goal_review" in next(e.sql for e in EXAMPLES if e.title.startswith("被退回"))


def test_row_cap_truncates_with_notice(sql_db: Path) -> None:
    outcome = run_guarded(
        sql_db, "SELECT * FROM v_project_budget ORDER BY budget_total_yuan", cap=3
    )
    assert outcome.truncated and len(outcome.frame) == 3
    assert outcome.sql_run.rstrip().endswith("LIMIT 4")
    assert "3" in truncation_notice(outcome)
    assert outcome.frame["budget_total_yuan"].is_monotonic_increasing  # order kept by the wrap
    exact = run_guarded(sql_db, "SELECT * FROM v_project_budget", cap=7)
    assert not exact.truncated and len(exact.frame) == 7 and truncation_notice(exact) is None


def test_runaway_query_is_stopped(sql_db: Path) -> None:
    started = time.perf_counter()
    outcome = run_guarded(
        sql_db,
        "SELECT count(*) FROM range(100000000) a, range(100000000) b",
        timeout_s=1.5,
    )
    elapsed = time.perf_counter() - started
    assert outcome.error is not None and "时间上限" in outcome.error
    assert not outcome.refused
    assert elapsed < 10  # stopped by the limit, not run to completion


def test_runtime_error_is_one_chinese_line(sql_db: Path) -> None:
    outcome = run_guarded(sql_db, "SELECT CAST(township AS INTEGER) FROM v_project_budget")
    assert outcome.error.startswith("查询执行出错") and "\n" not in outcome.error
    assert not outcome.refused


def test_sandbox_is_locked_down(sql_db: Path) -> None:
    """Defence in depth: even SQL that skipped the guard cannot write, read files or unlock."""
    con = open_sandbox(sql_db, timeout_s=5)
    try:
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access',"
                " 'lock_configuration', 'python_enable_replacements', 'autoload_known_extensions',"
                " 'autoinstall_known_extensions', 'allow_community_extensions', 'threads',"
                " 'max_execution_time')"
            ).fetchall()
        )
        assert settings["enable_external_access"] == "false"
        assert settings["lock_configuration"] == "true"
        assert settings["python_enable_replacements"] == "false"
        assert settings["autoload_known_extensions"] == "false"
        assert settings["autoinstall_known_extensions"] == "false"
        assert settings["allow_community_extensions"] == "false"
        assert settings["threads"] == "2"
        assert settings["max_execution_time"] == "5000"
        for sql in [
            "SELECT * FROM read_csv('/etc/passwd')",
            "SET enable_external_access = true",
            "SET lock_configuration = false",
            "INSERT INTO dim_fiscal_year VALUES (1)",
            "COPY dim_unit TO '/tmp/sandbox_leak.csv'",
            "INSTALL httpfs",
        ]:
            with pytest.raises(duckdb.Error):
                con.execute(sql)
    finally:
        con.close()


def test_sandbox_coexists_with_plain_connection_and_follows_symlink(
    sql_db: Path, tmp_path: Path
) -> None:
    link = tmp_path / "current.duckdb"
    link.symlink_to(sql_db)
    plain = duckdb.connect(str(sql_db), read_only=True)  # like the dashboard's own reader
    try:
        outcome = run_guarded(link, "SELECT count(*) AS n FROM v_project_budget")
        assert outcome.error is None and int(outcome.frame["n"][0]) == 7
        assert plain.execute("SELECT count(*) FROM v_goal_review").fetchone()[0] == 18
    finally:
        plain.close()


def test_missing_warehouse_is_reported(tmp_path: Path) -> None:
    outcome = run_guarded(tmp_path / "nope.duckdb", "SELECT 1")
    assert outcome.error and "不存在" in outcome.error


def test_refused_suite_leaves_warehouse_byte_identical(sql_db: Path) -> None:
    from warehouse.serve.query_cli import main

    before = sha256(sql_db)
    for case in REFUSED:
        outcome = run_guarded(sql_db, case.sql, dialect=case.dialect, timeout_s=5)
        assert outcome.refused, case.sql
        assert main([case.sql, "--db", str(sql_db), "--dialect", case.dialect]) == 2
    assert sha256(sql_db) == before


# ------------------------------------------------------------------------------- page


def _page(db: Path, monkeypatch: pytest.MonkeyPatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("WAREHOUSE_DB", str(db))
    return AppTest.from_file(str(PAGE), default_timeout=60)


def test_page_renders_runs_example_and_refuses(
    sql_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(sql_db, monkeypatch).run()
    assert not at.exception
    assert at.title[0].value == "SQL 查询"
    at.selectbox(key="sql_example").select("满意度目标分布").run()
    assert "v_indicator_target" in at.text_area(key="sql_text").value
    at.button(key="sql_run").click().run()
    assert not at.exception and not at.error
    assert len(at.dataframe[0].value) == 3
    assert any("v_indicator_target" in c.value for c in at.code)  # the SQL actually run
    assert len(at.get("download_button")) == 2

    at.text_area(key="sql_text").input("SELECT * FROM read_csv('/etc/passwd')").run()
    at.button(key="sql_run").click().run()
    assert not at.exception
    assert r"查询被拒绝：不允许使用表函数 read\_csv\(\)" in at.error[0].value  # escaped
    history = at.session_state["sql_history"]
    assert [h["status"] for h in history] == ["已拒绝", "成功"]


def test_page_dialect_and_truncation(sql_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(sql_db, monkeypatch).run()
    at.selectbox(key="sql_dialect").select("tsql").run()
    at.number_input(key="sql_cap").set_value(2).run()
    at.text_area(key="sql_text").input("SELECT TOP 5 [township] FROM v_project_budget").run()
    at.button(key="sql_run").click().run()
    assert not at.exception and not at.error
    assert len(at.dataframe[0].value) == 2
    assert any("只显示前 2 行" in w.value for w in at.warning)
    assert any("LIMIT 5" in c.value for c in at.code)


def test_page_without_warehouse_explains_load_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(tmp_path / "missing.duckdb", monkeypatch).run()
    assert not at.exception
    assert "还没有找到仓库文件" in at.warning[0].value
    assert at.code[0].value == "python -m etl load data/"


def test_no_streamlit_import_in_logic_modules() -> None:
    root = PAGE.parents[3]
    for rel in (
        "dashboard/data/sql_query.py",
        "warehouse/serve/sql_guard.py",
        "warehouse/serve/sandbox.py",
        "warehouse/serve/query_cli.py",
        "warehouse/serve/sql_examples.py",
    ):
        assert "import streamlit" not in (root / rel).read_text(encoding="utf-8"), rel


# ------------------------------------------------------------- allow-list and size caps


def test_every_allowed_function_exists_in_duckdb() -> None:
    con = duckdb.connect()
    rows = con.execute(
        "SELECT DISTINCT function_name, function_type, macro_definition FROM duckdb_functions()"
    ).fetchall()
    con.close()
    known = {name.lower() for name, _, _ in rows}
    allowed = sql_guard.allowed_functions()
    assert len(allowed) > 300
    assert sorted(allowed - known) == []
    # An allowed macro may not hide a query or a table function (get_block_size did).
    table_functions = {n.lower() for n, t, _ in rows if t in ("table", "table_macro", "pragma")}
    for name, kind, definition in rows:
        if kind == "macro" and name.lower() in allowed:
            text = (definition or "").lower()
            assert "select" not in text and " from " not in text, name
            called = set(re.findall(r"([a-z_][a-z0-9_]*)\(", text))
            assert not (called & (table_functions - {"unnest", "range", "generate_series"})), name
    for denied in (
        "json_serialize_plan",
        "json_serialize_sql",
        "json_deserialize_sql",
        "current_setting",
        "getvariable",
        "getenv",
        "get_block_size",
        "format_type",
        "sleep_ms",
        "pg_sleep",
        "write_log",
        "read_csv",
        "query",
        "nextval",
        "setseed",
        "version",
        "current_database",
    ):
        assert denied not in allowed, denied


@pytest.mark.parametrize(
    "sql,word",
    [
        ("SELECT " + "(" * 33 + "1" + ")" * 33, "嵌套"),
        ("SELECT 1 FROM " + " JOIN ".join(["v_project_budget"] * 34), "JOIN"),
        ("SELECT count(*) FROM " + ", ".join(["dim_unit"] * 40), "连接"),
        ("SELECT 1" + " UNION ALL SELECT 1" * 70, "子查询"),
        ("SELECT '" + "x" * 25_000 + "'", "太长"),
    ],
    ids=["parens", "joins", "comma-joins", "selects", "length"],
)
def test_size_caps_refuse_before_parsing(sql: str, word: str, catalog: set[str]) -> None:
    result = check_query(sql, catalog)
    assert not result.ok and word in result.reason and "\n" not in result.reason


def test_size_caps_ignore_strings_and_comments(catalog: set[str]) -> None:
    deep_text = "SELECT '" + "(" * 100 + "' AS s -- " + "JOIN " * 50 + "\n/* " + "(" * 80 + " */"
    assert check_query(deep_text, catalog).ok
    assert check_query("SELECT " + "(" * 30 + "1" + ")" * 30 + " AS x", catalog).ok


def test_recursion_is_a_refusal_never_an_exception(
    catalog: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql_guard, "MAX_NESTING", 10_000)
    result = check_query("SELECT " + "(" * 400 + "1" + ")" * 400, catalog)
    assert not result.ok and "嵌套" in result.reason


@pytest.mark.parametrize(
    "sql,dialect",
    [("SELEC 1", "duckdb"), ("SELECT 1 FORM dim_unit", "duckdb"), ("SELECT (1", "mysql")],
)
def test_syntax_error_is_reported_as_such(sql: str, dialect: str, catalog: set[str]) -> None:
    result = check_query(sql, catalog, dialect=dialect)
    assert not result.ok and result.syntax_error
    assert result.reason.startswith("语法错误：") and "\n" not in result.reason


def test_page_shows_syntax_error_without_refusal_word(
    sql_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(sql_db, monkeypatch).run()
    at.text_area(key="sql_text").input("SELEC township FROM v_project_budget").run()
    at.button(key="sql_run").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("语法错误：") and "拒绝" not in at.error[0].value


def test_escape_markdown_makes_links_images_and_colours_literal() -> None:
    from dashboard.data.sql_query import escape_markdown

    text = "x [a](http://e.test/p) ![i](http://e.test/i.png) :red[b] $x$ <img src=x onerror=1>"
    escaped = escape_markdown(text)
    assert "](" not in escaped and "![" not in escaped and ":red[" not in escaped
    assert r"\<img" in escaped and r"\$x\$" in escaped
    assert re.sub(r"\\(.)", r"\1", escaped) == text  # nothing lost, only escaped


def test_result_grid_shows_null_dash_and_thousands() -> None:
    import pandas as pd

    from dashboard.data.sql_query import display_table

    frame = pd.DataFrame(
        {
            "fiscal_year": pd.array([2024, 2025], dtype="Int64"),
            "budget": [1234567.5, None],
            "n": pd.array([1234567, None], dtype="Int64"),
            "name": ["甲", None],
        }
    )
    html = display_table(frame).to_html()
    assert "1,234,567.50" in html and "1,234,567" in html
    assert html.count("—") == 3 and "2024" in html and "2,024" not in html
    assert display_table(frame).data is frame  # values stay numeric for sorting
