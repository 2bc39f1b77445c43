"""The reviewer's worklist (dashboard/data/goal_review.py) and its Excel workbook
(dashboard/data/review_workbook.py) on a warehouse loaded from the seed documents."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pandas as pd
import pytest

from dashboard.data import goal_review as review_queries
from dashboard.data import review_workbook
from dashboard.data.filter_model import Filters
from dashboard.view import review_charts

ROOT = Path(__file__).resolve().parents[1]
ALL = Filters()


@pytest.fixture(scope="module")
def run(seed_runner):
    """The seed warehouse, loaded once for the session (tests/conftest.py)."""
    return seed_runner


def test_worklist_sends_refusals_first(run):
    frame = review_queries.worklist(run, ALL)
    assert len(frame) == 68 and frame["project_key"].is_unique
    assert list(frame["rank"]) == list(range(1, 69))
    ranks = frame["grade"].map(review_queries.GRADE_RANK)
    assert ranks.is_monotonic_increasing  # 差 before 中 before 良 before 优
    refused = frame[frame["grade"] == "差"]
    assert (refused["serious"].diff().dropna() <= 0).all()  # serious findings first


def test_card_link_opens_the_project_on_its_page(run):
    frame = review_queries.worklist(run, Filters(townships=("老庄子镇",)))
    drain = frame[frame["project_name"].str.contains("排水沟")].iloc[0]
    url = urlsplit(drain["card"])
    assert url.path == "projects" and not url.netloc
    query = parse_qs(url.query)
    assert query["q"] == [drain["project_name"]]
    assert query["project"] == [f"{drain['project_name']} · 老庄子镇 · 2021"]


def test_findings_carry_their_source_text(run):
    frame = review_queries.worklist(run, Filters(townships=("老庄子镇",)))
    drain = frame[frame["project_name"].str.contains("排水沟")].iloc[0]
    detail = review_queries.findings(run, [drain["project_key"]])
    cost = detail[detail["rule_id"] == "R22"].iloc[0]
    assert "保证按照预算指标进行：5万" in cost["source_text"]  # the amount cell
    assert "预算数 393.97万元" in cost["source_text"]
    funds = detail[detail["rule_id"] == "R05"].iloc[0]
    assert "财政资金 39.97万元" in funds["source_text"]
    assert detail["severity"].map(review_queries.SEVERITY_RANK).is_monotonic_increasing


def test_workbook_has_one_sheet_per_unit_and_reviewer_columns(run):
    projects = review_queries.worklist(run, ALL)
    detail = review_queries.findings(run, projects["project_key"].tolist())
    book = openpyxl.load_workbook(io.BytesIO(review_workbook.build(projects, detail, "全部")))
    units = set(projects["unit_name"])
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) == 1 + len(units)
    sheet = book[book.sheetnames[1]]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["审核意见", "处理结果"] and "原文" in header
    texts = [str(c.value) for row in book.worksheets[1:] for r in row.iter_rows() for c in r]
    assert not any("/work" in t or "/tmp" in t for t in texts)  # file names only
    assert sheet.data_validations.dataValidation  # 处理结果 drop-down


def test_workbook_never_writes_formulas():
    projects = pd.DataFrame(
        {
            "project_key": [1],
            "rank": [1],
            "unit_name": ["甲/镇[1]"],
            "project_name": ['=HYPERLINK("http://x")'],
            "project_code": ["+1"],
            "grade": ["差"],
            "score": [40.0],
            "source_file": ["/srv/data/甲镇.txt"],
        }
    )
    detail = pd.DataFrame(
        {
            "project_key": [1],
            "rule_title": ["R08 指标值表述模糊"],
            "severity": ["一般"],
            "message": ["=1+1"],
            "source_text": ["@SUM(A1)"],
            "hint": ["-2"],
            "source_line": [7],
        }
    )
    book = openpyxl.load_workbook(io.BytesIO(review_workbook.build(projects, detail)))
    sheet = book[book.sheetnames[1]]
    assert book.sheetnames[1] == "甲_镇_1_"
    values = [c.value for c in sheet[2]]
    assert "=1+1" in values and '=HYPERLINK("http://x")' in values
    assert all(c.data_type != "f" for c in sheet[2])
    assert "甲镇.txt" in values and not any("/srv" in str(v) for v in values)


def test_sheet_names_are_unique_and_short():
    names = review_workbook.sheet_names(["甲" * 40, "甲" * 39 + "乙", "乙:镇"])
    assert len(set(names.values())) == 3 and all(len(n) <= 31 for n in names.values())
    assert names["乙:镇"] == "乙_镇"


APP = str(ROOT / "dashboard" / "streamlit_app.py")


def _page(monkeypatch, db: Path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("WAREHOUSE_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120).run()
    at = at.switch_page("view/pages/goal_review.py").run()
    # the dashboard opens on the latest year; the worklist checks below span every seed year
    return at.multiselect(key="year").set_value([]).run()


def test_review_page_lists_projects_with_links_and_workbook(monkeypatch, seed_warehouse):
    at = _page(monkeypatch, seed_warehouse)
    assert not at.exception, [e.value for e in at.exception]
    labels = [e.label for e in at.expander]
    assert any("老庄子镇集贸市场附近修建排水沟" in label for label in labels)
    assert labels[0].startswith("1\\. 【差】")  # refusals first
    assert {m.label for m in at.metric} >= {"项目数", "评为“差”"}


def test_data_text_is_never_markdown(monkeypatch, tmp_path):
    from tests.support.records import TEST_PARSER_VERSION, json_parse, project, record, write_record
    from warehouse.load.loader import load_paths

    evil = project(1, "[点我](http://example.invalid) **村内道路**", 100000.0, code="P1")
    write_record(tmp_path / "docs" / "0.txt", record("甲镇", projects=[evil]))
    db = tmp_path / "wh.duckdb"
    load_paths(
        [tmp_path / "docs"], db, progress=False, parse=json_parse, version=TEST_PARSER_VERSION
    )
    at = _page(monkeypatch, db)
    assert not at.exception
    (label,) = [e.label for e in at.expander if "点我" in e.label]
    assert "\\[点我\\]\\(http\\://example\\.invalid\\)" in label and "\\*\\*" in label
    assert not [m for m in at.markdown if "example.invalid" in m.value]


def _pandas_order(frame: pd.DataFrame) -> list[int]:
    """The worklist's order as the page computed it in pandas before it moved into SQL."""
    ordered = frame.assign(
        _grade=frame["grade"].map(review_queries.GRADE_RANK).fillna(9),
        _budget=frame["budget_total_yuan"].fillna(0),
    ).sort_values(
        ["_grade", "serious", "score", "normal", "_budget", "township", "project_name"],
        ascending=[True, False, True, False, False, True, True],
        kind="stable",
    )
    return ordered["project_key"].tolist()


def test_worklist_ranks_in_sql_as_the_pandas_order_did(run):
    frame = review_queries.worklist(run, ALL)
    assert frame["project_key"].tolist() == _pandas_order(frame)
    counts = review_queries.grade_counts(run, ALL)
    assert sum(counts.values()) == len(frame)
    assert counts == frame["grade"].value_counts().to_dict()


def test_worklist_grades_and_limit_keep_the_global_ranks(run):
    full = review_queries.worklist(run, ALL)
    cut = review_queries.worklist(run, ALL, grades=("差", "中"), limit=5)
    expected = full[full["grade"].isin(["差", "中"])].head(5)
    assert cut["rank"].tolist() == expected["rank"].tolist()
    assert cut["project_key"].tolist() == expected["project_key"].tolist()
    none = review_queries.worklist(run, Filters(townships=("没有这个镇",)), limit=5)
    assert none.empty and "card" in none.columns  # an empty selection still has every column


def test_review_page_bounds_the_list_and_the_workbook(monkeypatch, seed_warehouse):
    monkeypatch.setattr(review_queries, "WORKLIST_ROWS", 4)
    monkeypatch.setattr(review_queries, "WORKBOOK_PROJECTS", 10)
    monkeypatch.setattr(review_charts, "FINDING_ROWS", 5)
    at = _page(monkeypatch, seed_warehouse)
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.dataframe[0].value) == 4
    captions = [c.value for c in at.caption]
    assert any(c.startswith("共 ") and "列出前 4 个" in c for c in captions), captions
    assert "按退回顺序列出前 5 条；完整清单请用下方按钮下载。" not in captions  # 68 > 10
    assert any(
        c.startswith("按退回顺序列出前 5 条；超过 10 个项目时下载文件只含列出的问题")
        for c in captions
    )
    assert any("完整顺序表请用下方按钮下载" in c for c in captions)  # 100,000: whole list
    monkeypatch.setattr(review_queries, "DOWNLOAD_PROJECTS", 3)
    captions = [c.value for c in at.run().caption]
    assert any("超过 3 个项目时下载文件只含列出的项目" in c for c in captions), captions
    notes = [i.value for i in at.info]
    assert any("当前范围有 68 个项目" in n and "10 个项目以内" in n for n in notes), notes
    assert any("请在侧栏选择年度或乡镇以缩小范围" in n for n in notes), notes
    monkeypatch.setattr(review_queries, "WORKBOOK_PROJECTS", 1)
    years = at.multiselect(key="year")
    years.set_value(years.options[:1]).run()  # a year chosen, still more than the workbook holds
    notes = [i.value for i in at.info if "当前范围有" in i.value]
    assert notes and "请在侧栏减少所选的年度或乡镇以缩小范围" in notes[0], notes
    years.set_value([]).run()
    monkeypatch.setattr(review_queries, "WORKBOOK_PROJECTS", 10)
    buttons = [b.proto.label for b in at.get("download_button")]
    assert buttons and not any(b.startswith("下载审核工作簿") for b in buttons), buttons
    monkeypatch.setattr(review_queries, "WORKBOOK_PROJECTS", 68)  # exactly the selection
    at.run()
    assert any(b.proto.label.startswith("下载审核工作簿") for b in at.get("download_button"))
