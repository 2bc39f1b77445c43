"""End-to-end: the real app in headless Chromium on real-loader warehouses.

Every page is opened, checked (labels, numbers, no exception, no request outside
localhost) and photographed at 1280 and 1600 px into test-artifacts/screens/. Also: a
document whose project name holds a link, an image and ``<img onerror>`` (and the same in
``?q=``) shows them literally; 历年对比 on a 3-year synthetic corpus; the SQL page; the
missing-warehouse screen. Needs Debian's chromium (/usr/bin/chromium) and a CJK font.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.corpus import write_corpus
from tests.e2e.harness import (
    CHROMIUM,
    SHOTS,
    WIDTHS,
    RequestLog,
    main_text,
    screenshot,
    serve,
    settle,
)
from tests.fixtures.dashboard_hostile import (
    EVIL_HOST,
    HOSTILE_NAME,
    HOSTILE_QUERY,
    build_hostile_warehouse,
)
from warehouse.load.loader import load_paths

pytestmark = pytest.mark.e2e

NAV_TITLES = (
    "总览",
    "预算对比",
    "指标结构",
    "目标值对比",
    "项目明细",
    "历年对比",
    "目标审核",
    "SQL 查询",
)

# url path, file stem, minimum charts, texts that must appear
PAGES = [
    ("", "01_总览", 2, ["预算绩效目标总览", "2025年概况", "需要关注", "数据加载提示"]),
    (
        "?year=",
        "01b_总览_全部年度",
        2,
        ["全部年度（2020–2025年）", "2,233.51 万元", "各年度预算总额"],
    ),
    (
        "budgets?year=2021",
        "02_预算对比",
        3,
        ["预算对比", "各乡镇预算构成 · 2021年", "预算最大的项目"],
    ),
    ("indicators?year=", "03_指标结构", 2, ["指标结构", "二级指标覆盖情况"]),
    ("targets?year=&family=满意度", "04_目标值对比", 2, ["目标值对比", "需要关注的目标值"]),
    (
        "projects?year=&q=征地 补偿",
        "05_项目明细_搜索",
        0,
        ["项目明细", "找到 3 个项目（同时包含：征地、补偿）", "绩效指标", "查看原文"],
    ),
    ("history?year=", "06_历年对比_种子", 1, ["历年对比", "预算趋势"]),
    ("review", "07_目标审核", 0, ["目标审核"]),
    ("sql", "08_SQL查询", 0, ["SQL 查询"]),
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            "需要 Debian chromium：/usr/bin/chromium 不存在"
            "（apt-get install chromium fonts-noto-cjk）"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def app_url(seed_warehouse, tmp_path_factory):
    """The dashboard on the warehouse built from the bundled documents in data/."""
    with serve(seed_warehouse, tmp_path_factory.mktemp("e2e") / "streamlit.log") as url:
        yield url


def _open(browser, url: str, min_charts: int = 0, width: int = WIDTHS[0]):
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="zh-CN")
    log = RequestLog(page)
    page.goto(url, wait_until="domcontentloaded")
    settle(page, min_charts)
    return page, log


def _check_clean(page, log: RequestLog) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert log.outside() == [], log.outside()


@pytest.mark.parametrize(("path", "stem", "min_charts", "labels"), PAGES, ids=[p[1] for p in PAGES])
def test_page_screens(app_url, browser, path, stem, min_charts, labels):
    page_file = {"review": "goal_review.py", "sql": "sql_query.py"}.get(path.split("?")[0])
    if (
        page_file
        and not (
            Path(__file__).resolve().parents[2] / "dashboard" / "view" / "pages" / page_file
        ).exists()
    ):
        pytest.skip(f"{page_file} not present")
    page, log = _open(browser, f"{app_url}/{path}", min_charts)
    try:
        text = main_text(page)
        for label in labels:
            assert label in text, label
        nav = page.inner_text("[data-testid='stSidebarNav']")
        for title in NAV_TITLES:
            if title in ("目标审核", "SQL 查询") and title not in nav:
                continue
            assert title in nav, title
        for width in WIDTHS:
            screenshot(page, SHOTS / f"{stem}_{width}.png", width)
        _check_clean(page, log)
    finally:
        page.close()


def test_unknown_link_values_are_reported(app_url, browser):
    page, log = _open(browser, f"{app_url}/?township=不存在镇&year=1800", 1)
    try:
        text = main_text(page)
        assert "已忽略" in text and "不存在镇" in text and "1800" in text
        assert "2025年概况" in text  # the default year, not silently "all"
        _check_clean(page, log)
    finally:
        page.close()


def test_filter_link_reproduces_view(app_url, browser):
    page, log = _open(browser, f"{app_url}/?township=老庄子镇&year=2021", 2)
    try:
        text = main_text(page)
        assert "乡镇：老庄子镇" in text
        assert "1,555.47 万元" in text
        assert "⚠" in text  # the drainage project's 393.97 vs 39.97 万元
        screenshot(page, SHOTS / "09_总览_筛选老庄子镇_1280.png", 1280)
        _check_clean(page, log)
    finally:
        page.close()


def test_project_card_marks_and_source(app_url, browser):
    page, log = _open(browser, f"{app_url}/projects?year=2021&township=老庄子镇&q=排水沟", 0)
    try:
        text = main_text(page)
        assert "⚠ 数据提示" in text and "疑似录入错误" in text
        assert "目标审核等级" in text
        page.get_by_text("查看原文").first.click()
        settle(page)
        assert "排水沟" in page.locator("[data-testid='stCode']").first.inner_text()
        for width in WIDTHS:
            screenshot(page, SHOTS / f"10_项目卡片_排水沟_{width}.png", width)
        _check_clean(page, log)
    finally:
        page.close()


def test_sql_page_hides_filters(app_url, browser):
    page, log = _open(browser, f"{app_url}/sql", 0)
    try:
        assert page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").count() == 0
        _check_clean(page, log)
    finally:
        page.close()


# ---------------------------------------------------------------- hostile text


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    db = build_hostile_warehouse(root)
    with serve(db, root / "streamlit.log") as url:
        yield url


@pytest.mark.parametrize("path", ["?year=", "projects?year=", "budgets?year=", "history?year="])
def test_hostile_project_name_shows_literally(hostile_url, browser, path):
    page, log = _open(browser, f"{hostile_url}/{path}", 0)
    try:
        if path.startswith("projects"):
            assert "[点我领奖](http://evil.example/phish)" in main_text(page)
            assert "<img src=x onerror=alert(1)>" in main_text(page)
        assert page.locator(f"a[href*='{EVIL_HOST}']").count() == 0
        assert page.locator(f"img[src*='{EVIL_HOST}']").count() == 0
        assert page.locator("img[src='x']").count() == 0
        _check_clean(page, log)
        if path.startswith("projects"):
            screenshot(page, SHOTS / "11_恶意项目名_1280.png", 1280)
    finally:
        page.close()


def test_hostile_query_parameter_shows_literally(hostile_url, browser):
    from urllib.parse import quote

    page, log = _open(browser, f"{hostile_url}/projects?year=&q={quote(HOSTILE_QUERY)}", 0)
    try:
        text = main_text(page)
        assert "[点我](http://evil.example/q)" in text
        assert page.locator(f"a[href*='{EVIL_HOST}']").count() == 0
        assert page.locator(f"img[src*='{EVIL_HOST}']").count() == 0
        _check_clean(page, log)
    finally:
        page.close()
    assert HOSTILE_NAME  # the fixture name the page above was built from


# ---------------------------------------------------------------- 3-year synthetic corpus


@pytest.fixture(scope="module")
def synthetic_url(tmp_path_factory):
    """240 synthetic documents: 7 years and 62 townships, more than a chart names
    (township_fold.MAX_TOWNSHIPS), so the pages show how they fold the rest."""
    root = tmp_path_factory.mktemp("synthetic")
    write_corpus(240, root / "docs", seed=7, jobs=1)
    db = root / "warehouse.duckdb"
    load_paths([root / "docs"], db, progress=False, workers=1)
    with serve(db, root / "streamlit.log") as url:
        yield url


def test_history_on_synthetic_corpus(synthetic_url, browser):
    page, log = _open(browser, f"{synthetic_url}/history?year=", 3)
    try:
        text = main_text(page)
        assert "预算趋势" in text and "预算变化最大的项目" in text and "目标值变化" in text
        for width in WIDTHS:
            screenshot(page, SHOTS / f"12_历年对比_合成语料_{width}.png", width)
        _check_clean(page, log)
    finally:
        page.close()


FOLDED_CAPTION = "在“查看数据”中合并为“其他”一行"
MANY_TOWNSHIPS = [
    ("?year=", "13_总览_合成语料", 2, ["概况", FOLDED_CAPTION, "万元"]),
    ("budgets?year=", "14_预算对比_多乡镇", 3, ["各乡镇预算构成", FOLDED_CAPTION]),
    ("indicators?year=", "15_指标结构_多乡镇", 3, ["二级指标覆盖情况", FOLDED_CAPTION]),
    ("targets?year=", "16_目标值对比_多乡镇", 2, ["目标值类型构成", FOLDED_CAPTION]),
]


@pytest.mark.parametrize(
    ("path", "stem", "min_charts", "labels"), MANY_TOWNSHIPS, ids=[p[1] for p in MANY_TOWNSHIPS]
)
def test_many_townships_fold_into_one_row(synthetic_url, browser, path, stem, min_charts, labels):
    page, log = _open(browser, f"{synthetic_url}/{path}", min_charts)
    try:
        text = main_text(page)
        for label in labels:
            assert label in text, (stem, label)
        assert "其余 " in text and "个乡镇" in text
        for width in WIDTHS:
            screenshot(page, SHOTS / f"{stem}_{width}.png", width)
        _check_clean(page, log)
    finally:
        page.close()


# ---------------------------------------------------------------- SQL page and no warehouse


def test_sql_page_runs_a_query(app_url, browser):
    """Type a query, run it, see the rows; a refused one explains why."""
    page, log = _open(browser, f"{app_url}/sql", 0)
    try:
        editor = page.locator("textarea").first
        editor.fill(
            "SELECT township AS 乡镇, count(*) AS 项目数 FROM v_project_budget "
            "GROUP BY township ORDER BY 项目数 DESC"
        )
        page.get_by_role("button", name="运行查询").click()
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
        settle(page)
        text = main_text(page)
        assert "5 行" in text or "共 5 行" in text or "返回 5" in text, text[:2000]
        screenshot(page, SHOTS / "08b_SQL查询_结果_1280.png", 1280)
        _check_clean(page, log)
    finally:
        page.close()


def test_missing_warehouse_screen(browser, tmp_path):
    with serve(tmp_path / "none.duckdb", tmp_path / "streamlit.log") as url:
        page, log = _open(browser, url, 0)
        try:
            text = main_text(page)
            assert "尚未找到数据仓库" in text
            assert "python -m etl load data/" in text
            _check_clean(page, log)
        finally:
            page.close()
