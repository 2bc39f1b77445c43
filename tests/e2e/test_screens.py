"""End-to-end: the real app in headless Chromium, one full-page screenshot per page.

Screenshots go to test-artifacts/screens/. Needs Debian's chromium (/usr/bin/chromium) and a
CJK font (fonts-noto-cjk); without chromium the test is skipped with the reason.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "test-artifacts" / "screens"

# url path, file stem, texts that must appear (numbers only checked on the fixture)
PAGES = [
    (
        "",
        "01_总览",
        ["预算绩效目标总览", "乡镇数", "预算总额", "数据加载提示"],
        ["2,233.51 万元", "413", "68"],
    ),
    (
        "budgets",
        "02_预算对比",
        ["预算对比", "各乡镇预算构成", "预算最大的项目", "资金支出计划"],
        ["征地拆迁补偿款"],
    ),
    ("indicators", "03_指标结构", ["指标结构", "二级指标覆盖情况", "每个项目的指标数量"], []),
    (
        "targets?family=满意度",
        "04_目标值对比",
        ["目标值对比", "指标族", "需要关注的目标值", "最常见的目标值", "“满意度”类指标目标值对比"],
        [],
    ),
    (
        "projects?q=征地拆迁",
        "05_项目明细",
        ["项目明细", "搜索项目", "绩效指标", "资金支出计划"],
        ["561.20 万元"],
    ),
    ("review", "07_目标审核", ["目标审核"], ["老庄子镇集贸市场附近修建排水沟"]),
    ("sql", "08_SQL查询", ["SQL 查询"], []),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


@pytest.fixture(scope="module")
def app_url(seed_warehouse, tmp_path_factory):
    """The dashboard on the warehouse built from the bundled documents in data/."""
    port = _free_port()
    env = {
        **os.environ,
        "WAREHOUSE_DB": str(seed_warehouse),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    log = tmp_path_factory.mktemp("e2e") / "streamlit.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "dashboard" / "streamlit_app.py"),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            "需要 Debian chromium：/usr/bin/chromium 不存在（apt-get install chromium fonts-noto-cjk）"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield instance
        instance.close()


def _settle(page) -> None:
    """Wait until the script finished and every chart has drawn."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000
    )
    page.wait_for_timeout(500)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000
    )
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
                 .every(el => el.querySelector('canvas, svg'))""",
        timeout=30_000,
    )
    page.wait_for_timeout(800)


def _full_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside stMain, so grow the viewport to the content, then shoot."""
    height = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": 1440, "height": max(900, int(height) + 40)})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(path), full_page=True)


@pytest.mark.parametrize(
    ("path", "stem", "labels", "numbers"),
    PAGES,
    ids=[p[0].split("?")[0] or "overview" for p in PAGES],
)
def test_page_screens(app_url, browser, path, stem, labels, numbers):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        page.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
        _settle(page)
        text = page.inner_text("[data-testid='stMain']")
        for label in labels:
            assert label in text, label
        for number in numbers:
            assert number in text, number
        assert page.locator("[data-testid='stException']").count() == 0
        nav = page.inner_text("[data-testid='stSidebarNav']")
        for title in (
            "总览",
            "预算对比",
            "指标结构",
            "目标值对比",
            "项目明细",
            "目标审核",
            "SQL 查询",
        ):
            assert title in nav
        _full_screenshot(page, SHOTS / f"{stem}.png")
    finally:
        page.close()


def test_filter_link_reproduces_view(app_url, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        page.goto(f"{app_url}/?township=老庄子镇", wait_until="domcontentloaded")
        _settle(page)
        text = page.inner_text("[data-testid='stMain']")
        assert "乡镇：老庄子镇" in text
        assert "1,555.47 万元" in text
        _full_screenshot(page, SHOTS / "06_总览_筛选老庄子镇.png")
    finally:
        page.close()


def test_sql_page_runs_a_query(app_url, browser):
    """Type a query, run it, see the rows and the SQL actually run; a refused one explains why."""
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        page.goto(f"{app_url}/sql", wait_until="domcontentloaded")
        _settle(page)
        editor = page.locator("textarea").first
        editor.fill(
            "SELECT township AS 乡镇, count(*) AS 项目数 FROM v_project_budget "
            "GROUP BY township ORDER BY 项目数 DESC"
        )
        page.get_by_role("button", name="运行查询").click()
        page.wait_for_timeout(500)
        _settle(page)
        text = page.inner_text("[data-testid='stMain']")
        assert "5 行" in text or "共 5 行" in text or "返回 5" in text, text[:2000]
        assert page.locator("[data-testid='stException']").count() == 0
        _full_screenshot(page, SHOTS / "09_SQL查询_结果.png")
        editor = page.locator("textarea").first
        editor.fill("SELECT * FROM read_csv('/etc/passwd')")
        page.get_by_role("button", name="运行查询").click()
        page.wait_for_timeout(500)
        _settle(page)
        assert "read_csv" in page.inner_text("[data-testid='stMain']")
    finally:
        page.close()


def test_missing_warehouse_screen(browser, tmp_path):
    port = _free_port()
    env = {**os.environ, "WAREHOUSE_DB": str(tmp_path / "none.duckdb")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard" / "streamlit_app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page.goto(f"{url}/", wait_until="domcontentloaded")
        _settle(page)
        text = page.inner_text("[data-testid='stMain']")
        assert "尚未找到数据仓库" in text and "python -m etl load data/" in text
        assert page.locator("[data-testid='stException']").count() == 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        _full_screenshot(page, SHOTS / "00_无数据仓库.png")
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
