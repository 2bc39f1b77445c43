"""Guarded SQL in worker processes (issue 17): every attack is refused or killed alone.

Real worker processes with small limits (600 MB resident, 3 GB address space) so the
runaway queries die within a second or two; after each one a normal query must answer
and the warehouse file must be byte-identical.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.test_sql_guard import sha256
from warehouse.serve import sql_worker
from warehouse.serve.sandbox import run_guarded, truncation_notice
from warehouse.serve.sql_worker import WorkerGone, WorkerPool

# Real worker processes killed by memory, time and signal limits: slow, and timing-bound on a
# busy machine (the SQL guard itself is covered by the fast tests/test_sql_guard.py).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"rss_bytes": 600 * 1024**2, "address_bytes": 3 * 1024**3}
NORMAL = "SELECT count(*) AS n FROM v_project_budget"


def _self_joins(n: int) -> str:
    joins = " ".join(f"JOIN v_project_budget t{i} USING (project_code)" for i in range(1, n))
    return f"SELECT count(*) FROM v_project_budget t0 {joins}"


# (query, "refused" | "killed" | "cut", a word the one-line message must contain)
ATTACKS = [
    ("SELECT len(range(0, 300000000))", "killed", "内存"),
    ("SELECT repeat('x', 1000000) FROM range(10000)", "killed", "内存"),
    ("SELECT list(repeat('ab', 1000)) FROM range(2000000)", "killed", "内存"),
    ("SELECT count(*) FROM range(100000000) a, range(100000000) b", "killed", "时间上限"),
    (_self_joins(300), "refused", "JOIN"),
    (
        "SELECT count(*) FROM " + ", ".join(f"v_project_budget t{i}" for i in range(300)),
        "refused",
        "连接",
    ),
    ("SELECT " + "(" * 60 + "1" + ")" * 60, "refused", "嵌套"),
    ("SELECT " + " + ".join(["(SELECT 1)"] * 80), "refused", "子查询"),
    ("SELECT 1" + " " * 30_000, "refused", "太长"),
    (
        "SELECT json_serialize_plan('SELECT current_setting(''temp_directory'')',"
        " optimize := true)",
        "refused",
        "json_serialize_plan",
    ),
    ("SELECT json_serialize_sql('SELECT 1')", "refused", "json_serialize_sql"),
    ("SELECT json_deserialize_sql('{}')", "refused", "json_deserialize_sql"),
    ("SELECT current_setting('temp_directory')", "refused", "current_setting"),
    ("SELECT get_block_size('warehouse')", "refused", "get_block_size"),
    ("SELECT format_type(23, -1)", "refused", "format_type"),
    ("SELECT pg_size_pretty(1)", "refused", "pg_size_pretty"),
    ("SELECT current_database()", "refused", "current_database"),
    ("SELECT version()", "refused", "version"),
    ("SELECT error('boom')", "refused", "error"),
    ("SELECT row_number() OVER (), json_serialize_plan('x') OVER ()", "refused", "json"),
    ("SELECT system.main.current_setting('threads')", "refused", "current_setting"),
    ("SELECT pg_catalog.abs(-1)", "refused", "pg_catalog"),
    ("SELECT regexp_split_to_table('a,b', ',')", "refused", "regexp_split_to_table"),
    # 30 MB of text, far below the memory caps, so only the 2 MB byte budget can stop it
    # (a 100 MB result raced the memory cap on a busy machine)
    ("SELECT repeat('x', 10000) AS s FROM range(3000)", "cut", "MB"),
]


@pytest.fixture(scope="module")
def fixture_db(sql_db: Path) -> Path:
    """The SQL tests' warehouse (conftest, built by the real loader; seven projects)."""
    return sql_db


@pytest.fixture(scope="module")
def pool() -> WorkerPool:
    pool = WorkerPool(size=1, **SMALL)
    yield pool
    pool.close()


@pytest.mark.parametrize("attack", ATTACKS, ids=[f"{i:02d}" for i in range(len(ATTACKS))])
def test_attack_is_held_and_the_next_query_answers(
    attack: tuple[str, str, str], fixture_db: Path, pool: WorkerPool
) -> None:
    sql, expected, word = attack
    before = sha256(fixture_db)
    outcome = run_guarded(fixture_db, sql, timeout_s=3, max_bytes=2 * 1024**2, pool=pool)
    if expected == "cut":
        assert outcome.error is None and outcome.cut_by == "bytes"
        assert 0 < len(outcome.frame) < 1000
        assert word in truncation_notice(outcome)
    else:
        assert outcome.error is not None and word in outcome.error, outcome.error
        assert "\n" not in outcome.error and "Traceback" not in outcome.error
        assert outcome.refused == (expected == "refused")
    after = run_guarded(fixture_db, NORMAL, pool=pool)
    assert after.error is None and int(after.frame["n"][0]) == 7
    assert sha256(fixture_db) == before


def test_killed_worker_is_replaced(fixture_db: Path) -> None:
    pool = WorkerPool(size=1, **SMALL)
    try:
        assert run_guarded(fixture_db, NORMAL, pool=pool).error is None
        first = pool.pids()
        assert len(first) == 1
        outcome = run_guarded(fixture_db, "SELECT len(range(0, 300000000))", pool=pool)
        assert outcome.error and "内存" in outcome.error
        assert pool.pids() == [] and _gone(first[0])  # the runaway worker is dead
        again = run_guarded(fixture_db, NORMAL, pool=pool)
        assert again.error is None and pool.started == 2 and pool.pids() != first
        os.kill(pool.pids()[0], signal.SIGKILL)  # a worker killed from outside while idle
        assert run_guarded(fixture_db, NORMAL, pool=pool).error is None
        assert pool.started == 3
    finally:
        pool.close()


def test_wall_clock_kill_when_the_worker_does_not_answer(fixture_db: Path) -> None:
    """Planning is not covered by max_execution_time: the parent's clock kills the process."""
    pool = WorkerPool(size=1, **SMALL)
    try:
        request = {
            "db": str(fixture_db),
            "sql": "SELECT count(*) FROM range(100000000) a, range(100000000) b",
            "dialect": "duckdb",
            "cap": 10,
            "timeout_s": 600.0,  # the worker's own limit would wait ten minutes
            "max_bytes": 1024,
            "memory_limit": "200MB",
        }
        started = time.monotonic()
        with pytest.raises(WorkerGone, match="timeout"):
            pool.run(request, timeout_s=1.0)
        assert time.monotonic() - started < 60  # killed, not run to completion
        assert pool.pids() == []
        assert run_guarded(fixture_db, NORMAL, pool=pool).error is None
    finally:
        pool.close()


def test_worker_started_from_a_short_lived_thread_survives_it(fixture_db: Path) -> None:
    """PR_SET_PDEATHSIG follows the forking thread; Streamlit's script threads end early."""
    pool = WorkerPool(size=1, **SMALL)
    try:
        thread = threading.Thread(target=lambda: run_guarded(fixture_db, NORMAL, pool=pool))
        thread.start()
        thread.join()
        pid = pool.pids()[0]
        outcome = run_guarded(fixture_db, NORMAL, pool=pool)
        assert outcome.error is None and pool.pids() == [pid] and pool.started == 1
    finally:
        pool.close()


def _gone(pid: int, within_s: float = 30.0) -> bool:
    """True once pid no longer exists (or is a zombie nobody will reap)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_worker_dies_with_its_parent(fixture_db: Path, how: signal.Signals) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from warehouse.serve.sandbox import run_guarded
        from warehouse.serve.sql_worker import default_pool
        assert run_guarded({str(fixture_db)!r}, "SELECT 1 AS x").error is None
        print(default_pool().pids()[0], flush=True)
        sys.stdin.read()  # wait to be killed
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        text=True,
    )
    try:
        worker_pid = int(parent.stdout.readline())
        assert not _gone(worker_pid, within_s=0.1)
        parent.send_signal(how)
        parent.wait(timeout=60)
        assert _gone(worker_pid), f"worker {worker_pid} outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_byte_budget_and_row_cap_are_both_reported(fixture_db: Path, pool: WorkerPool) -> None:
    rows = run_guarded(fixture_db, "SELECT * FROM range(50)", cap=10, pool=pool)
    assert rows.cut_by == "rows" and len(rows.frame) == 10 and "10 行" in truncation_notice(rows)
    text = run_guarded(
        fixture_db, "SELECT repeat('x', 10000) AS s FROM range(500)", max_bytes=1024**2, pool=pool
    )
    assert text.cut_by == "bytes" and 50 < len(text.frame) < 110
    assert "1 MB" in truncation_notice(text)
    fits = run_guarded(fixture_db, "SELECT repeat('x', 10) AS s FROM range(500)", pool=pool)
    assert fits.cut_by is None and not fits.truncated and len(fits.frame) == 500


def test_results_keep_types_nulls_and_empty_columns(fixture_db: Path, pool: WorkerPool) -> None:
    outcome = run_guarded(
        fixture_db,
        "SELECT 1 AS a, NULL::INTEGER AS b, 'x' AS c, 2.5::DECIMAL(10,2) AS d, [1, 2] AS l",
        pool=pool,
    )
    assert outcome.error is None
    assert outcome.frame.columns.tolist() == ["a", "b", "c", "d", "l"]
    assert outcome.frame["b"].isna().all() and outcome.frame["d"][0] == 2.5
    empty = run_guarded(fixture_db, "SELECT township FROM v_project_budget WHERE false", pool=pool)
    assert empty.error is None and empty.frame.columns.tolist() == ["township"]
    assert len(empty.frame) == 0


def test_concurrent_queries_share_the_pool(fixture_db: Path) -> None:
    pool = WorkerPool(size=2, **SMALL)
    results: list[str | None] = []
    try:
        threads = [
            threading.Thread(
                target=lambda: results.append(run_guarded(fixture_db, NORMAL, pool=pool).error)
            )
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [None] * 4 and pool.started <= 2
    finally:
        pool.close()


def test_environment_limits_are_validated() -> None:
    os.environ["SQL_TEST_LIMIT_MB"] = "inf"
    try:
        assert sql_worker._env_mb("SQL_TEST_LIMIT_MB", 20) == 20 * 1024**2
        os.environ["SQL_TEST_LIMIT_MB"] = "5"
        assert sql_worker._env_mb("SQL_TEST_LIMIT_MB", 20) == 5 * 1024**2
        os.environ["SQL_TEST_LIMIT_MB"] = "-1"
        assert sql_worker._env_mb("SQL_TEST_LIMIT_MB", 20) == 20 * 1024**2
    finally:
        del os.environ["SQL_TEST_LIMIT_MB"]


def test_dashboard_page_still_answers_after_a_killing_query(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    small = WorkerPool(size=1, **SMALL)
    monkeypatch.setattr(sql_worker, "_default_pool", small)
    monkeypatch.setenv("WAREHOUSE_DB", str(fixture_db))
    page = ROOT / "dashboard" / "view" / "pages" / "sql_query.py"
    try:
        at = AppTest.from_file(str(page), default_timeout=120).run()
        at.text_area(key="sql_text").input("SELECT len(range(0, 300000000)) AS n").run()
        at.button(key="sql_run").click().run()
        assert not at.exception
        assert len(at.error) == 1 and "内存" in at.error[0].value
        assert "\n" not in at.error[0].value and "Traceback" not in at.error[0].value
        at.text_area(key="sql_text").input("SELECT township, NULL AS x FROM v_project_budget").run()
        at.button(key="sql_run").click().run()
        assert not at.exception and not at.error
        assert len(at.dataframe[0].value) == 7
        assert [h["status"] for h in at.session_state["sql_history"]] == ["成功", "出错"]
        assert small.started >= 2  # the killed worker was replaced
    finally:
        small.close()


def _children(pid: int) -> set[int]:
    """Every live descendant of pid (from /proc), so a test can see workers outlive nothing."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="ascii")
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.e2e
def test_real_server_keeps_serving_after_a_killing_query(fixture_db: Path) -> None:
    """`streamlit run` on port 8721, Chromium runs a runaway query, then a normal one."""
    import urllib.request

    if not Path("/usr/bin/chromium").exists():
        pytest.skip("需要 /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    port = 8721
    env = dict(
        os.environ,
        WAREHOUSE_DB=str(fixture_db),
        SQL_WORKER_MEMORY_MB="600",
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
        PYTHONPATH=str(ROOT),
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard" / "streamlit_app.py"),
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
                return response.read().decode().strip() == "ok"
        except OSError:
            return False

    try:
        deadline = time.monotonic() + 120
        while not healthy():
            assert server.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(120_000)
            page.goto(f"{url}/sql", wait_until="domcontentloaded")
            editor = page.locator("textarea").first
            editor.wait_for()
            editor.fill("SELECT len(range(0, 300000000)) AS n")
            page.get_by_role("button", name="运行查询").click()
            page.get_by_text("内存超过上限").first.wait_for()
            editor.fill("SELECT township, count(*) AS n FROM v_project_budget GROUP BY 1")
            page.get_by_role("button", name="运行查询").click()
            page.get_by_text("共 3 行").first.wait_for()
            assert page.locator("[data-testid='stException']").count() == 0
            browser.close()
        assert server.poll() is None and healthy()
        workers = _children(server.pid)
        assert workers, "the query worker should be a child of the server"
        server.terminate()
        server.wait(timeout=30)
        assert all(_gone(pid) for pid in workers), "a worker outlived the server"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
