"""content_digest is stored in warehouses and compared across loads: its value is pinned."""

from __future__ import annotations

import copy

from warehouse.load.record_digest import content_digest

# An invented record touching every branch: position keys at several depths, nested lists,
# a tuple (kept as it is, position keys inside included), escapes, ints, floats, None.
RECORD = {
    "source": {"path": "/x/a.txt", "format": "txt", "layout": "mof_form"},
    "fiscal_year": 2024,
    "unit": {"name": "示例镇人民政府", "code": "001", "township": "示例镇", "kind": None},
    "overall_goal": "完成示例目标。\n第二行",
    "warnings": [{"code": "fund_mismatch", "line": 7, "project": "道路维护"}],
    "projects": [
        {
            "seq": 1,
            "name": "道路维护",
            "source_line": 12,
            "budget": {"total_yuan": 120000.0, "fiscal_yuan": 100000, "other_yuan": None},
            "spend_plan_pct": [25.0, 25.0, 25.0, 25.0],
            "goals": ["保持道路完好", "群众满意"],
            "indicators": [
                {
                    "level1": "产出指标",
                    "level2": "数量指标",
                    "name": "维护里程",
                    "source_line": 15,
                    "target": {
                        "raw": "≥12.5公里",
                        "op": ">=",
                        "value": 12.5,
                        "unit": "公里",
                        "line": 15,
                    },
                    "graded": [{"grade": "优", "line": 3}, ["嵌套", {"source": "x", "v": True}]],
                    "weight": 10,
                    "description": 'quote " backslash \\ tab\t',
                },
                {"level1": "满意度指标", "name": "满意度", "target": {"raw": "≥90%", "value": 90}},
            ],
        }
    ],
    "unit_indicators": [],
    "extra": ("tuple", {"source": "kept inside a tuple"}),
}

# computed with the digest code before the eighth speed pass (recursive copy + json.dumps)
PINNED = "1acbf80d5d1b1fe5613d1b65df3145734904cb8aa5b68390506217f28b821bf8"


def test_digest_value_is_pinned():
    assert content_digest(RECORD) == PINNED


def test_digest_leaves_the_record_untouched():
    before = copy.deepcopy(RECORD)
    content_digest(RECORD)
    assert before == RECORD


def test_position_keys_do_not_count_but_content_does():
    moved = copy.deepcopy(RECORD)
    moved["source"] = {"path": "/y/a.docx", "format": "docx"}
    moved["warnings"] = []
    moved["projects"][0]["source_line"] = 99
    moved["projects"][0]["indicators"][0]["target"]["line"] = 40
    moved["projects"][0]["indicators"][0]["graded"][0]["line"] = 41
    assert content_digest(moved) == PINNED
    moved["projects"][0]["indicators"][1]["target"]["value"] = 91
    assert content_digest(moved) != PINNED
    inside_tuple = copy.deepcopy(RECORD)
    inside_tuple["extra"] = ("tuple", {"source": "changed"})
    assert content_digest(inside_tuple) != PINNED
