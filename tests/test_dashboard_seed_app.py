"""AppTest on warehouses built by the real loader: the seed documents in data/, a
document with a hostile project name, and a 3-year synthetic corpus."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from synth.corpus import write_corpus
from tests.fixtures.dashboard_hostile import EVIL_HOST, HOSTILE_QUERY, build_hostile_warehouse
from warehouse.load.loader import load_paths

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py")
DRAIN = "老庄子镇集贸市场附近修建排水沟"


def _app(monkeypatch: pytest.MonkeyPatch, db: Path, **params: str) -> AppTest:
    monkeypatch.setenv("WAREHOUSE_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _key(db: Path, name: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT CAST(project_key AS VARCHAR) FROM v_project_budget WHERE project_name = ?",
            [name],
        ).fetchone()
    finally:
        con.close()
    assert row, name
    return row[0]


def _texts(at: AppTest) -> list[str]:
    """The markdown source of every text element Streamlit would render as markdown."""
    out = []
    for kind in (
        "markdown",
        "caption",
        "info",
        "warning",
        "success",
        "error",
        "subheader",
        "title",
    ):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


def test_default_is_the_latest_year_and_tiles_name_it(monkeypatch, seed_warehouse):
    at = _app(monkeypatch, seed_warehouse).run()
    _clean(at)
    assert at.sidebar.multiselect(key="year").value == ["2025"]
    labels = [m.label for m in at.metric]
    assert "预算总额（2025年）" in labels
    assert any("2025年概况" in s.value for s in at.subheader)


def test_several_years_say_so(monkeypatch, seed_warehouse):
    at = _app(monkeypatch, seed_warehouse, year="").run()
    _clean(at)
    assert any("全部年度（2020–2025年）" in s.value for s in at.subheader)
    assert "预算总额（全部年度）" in [m.label for m in at.metric]
    at = _app(monkeypatch, seed_warehouse, year=["2020", "2021"]).run()
    _clean(at)
    assert any("2020、2021年（多个年度）" in s.value for s in at.subheader)


def test_unknown_link_values_are_reported_and_ignored(monkeypatch, seed_warehouse):
    at = _app(monkeypatch, seed_warehouse, township="不存在镇", year="1800").run()
    _clean(at)
    warning = " ".join(w.value for w in at.warning)
    assert "已忽略" in warning and "不存在镇" in warning and "1800" in warning
    assert at.sidebar.multiselect(key="township").value == []
    assert at.sidebar.multiselect(key="year").value == ["2025"]  # the default, not "all"


def test_sql_page_hides_the_filters(monkeypatch, seed_warehouse):
    at = _app(monkeypatch, seed_warehouse).run()
    assert len(at.sidebar.multiselect) == 3
    at.switch_page("view/pages/sql_query.py").run()
    _clean(at)
    assert len(at.sidebar.multiselect) == 0


def test_card_shows_warning_grade_findings_and_source(monkeypatch, seed_warehouse):
    key = _key(seed_warehouse, DRAIN)
    at = _app(monkeypatch, seed_warehouse, pid=key)
    at.switch_page("view/pages/projects.py").run()
    _clean(at)
    assert any("疑似录入错误" in w.value and "⚠" in w.value for w in at.warning)
    assert any(m.value.startswith("⚠") and "393.97" in m.value for m in at.metric)
    assert any("目标审核等级" in m.value for m in at.markdown)
    assert any("查看原文" in e.label for e in at.expander)
    source = [c.value for c in at.code if "排水沟" in c.value]
    assert source, "the stored document lines of the project"
    indicators = [df.value for df in at.dataframe if "三级指标" in df.value.columns]
    columns = list(indicators[0].columns)
    assert columns.index("指标值") == columns.index("三级指标") + 1


def test_search_several_words(monkeypatch, seed_warehouse):
    at = _app(monkeypatch, seed_warehouse, year="", q="征地 补偿")
    at.switch_page("view/pages/projects.py").run()
    _clean(at)
    table = next(df.value for df in at.dataframe if "项目名称" in df.value.columns)
    assert "征地拆迁补偿款" in set(table["项目名称"])
    assert any("【征地】" in str(v) and "【补偿】" in str(v) for v in table["匹配内容"])


def test_overview_marks_flagged_figures(monkeypatch, seed_warehouse):
    at = _app(monkeypatch, seed_warehouse, year="2021").run()
    _clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["⚠ 数字有疑问的项目"]) >= 1
    assert "审核结果为“差”的项目" in metrics


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    return build_hostile_warehouse(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize(
    "page", ["", "view/pages/budgets.py", "view/pages/projects.py", "view/pages/history.py"]
)
def test_document_and_url_text_is_never_live_markdown(monkeypatch, hostile_db, page):
    at = _app(monkeypatch, hostile_db, year="", q=HOSTILE_QUERY if page else "")
    if page:
        at.switch_page(page)
    at.run()
    _clean(at)
    seen = 0
    for text in _texts(at):
        if EVIL_HOST in text.replace("\\", ""):  # only as escaped text: no live syntax
            seen += 1
            assert "](" not in text and "![" not in text, text
            assert not re.search(r"(?<!\\)[<\[]", text.split("：", 1)[-1]), text
    if page == "view/pages/projects.py":
        assert seen >= 1  # the "nothing found" line quotes the ?q= value


def test_card_title_with_hostile_name_is_text(monkeypatch, hostile_db):
    at = _app(monkeypatch, hostile_db, year="")
    at.switch_page("view/pages/projects.py").run()
    _clean(at)
    title = at.subheader[0].value
    assert EVIL_HOST in title.replace("\\", "") and "](" not in title and "![" not in title
    assert "\\<img" in title


@pytest.mark.slow  # generates and loads a 12-document corpus
def test_history_page_on_a_three_year_corpus(monkeypatch, tmp_path_factory):
    root = tmp_path_factory.mktemp("three_years")
    write_corpus(12, root / "docs", seed=7, jobs=1)
    db = root / "w.duckdb"
    load_paths([root / "docs"], db, progress=False, workers=1)
    at = _app(monkeypatch, db, year="")
    at.switch_page("view/pages/history.py").run()
    _clean(at)
    assert at.title[0].value == "历年对比"
    names = [s.value for s in at.subheader]
    assert any(n.startswith("预算趋势") for n in names)
    assert any(n.startswith("预算变化最大的项目") for n in names)
    assert any("项目名称" in df.value.columns for df in at.dataframe)


def test_attention_links_keep_the_filters(monkeypatch, seed_warehouse):
    at = _app(monkeypatch, seed_warehouse, year="2021", township="老庄子镇").run()
    _clean(at)
    links = {link.label: link for link in at.get("page_link")}
    assert "查看有数据提示的项目" in links
    flagged = links["查看有数据提示的项目"].proto
    assert "flagged=true" in flagged.query_string and "year=2021" in flagged.query_string
