"""Encodings, bad input, truncation, the flat layout and the manifest."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.errors import DocumentError
from etl.money import parse_amount, to_yuan
from etl.normalize import clean_cell, key
from etl.parser import parse_file

ROOT = Path(__file__).resolve().parents[1]
SEED_000 = ROOT / "data" / "000_c5dc2f2abd3f2e97.txt"
SEED_002 = ROOT / "data" / "002_dc2e081542201539.txt"


def without_source(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "source"}


@pytest.mark.parametrize("variant", ["gb18030", "utf-8-sig", "crlf", "gb18030-crlf"])
def test_encodings_and_line_endings_give_the_same_record(tmp_path, variant):
    text = SEED_002.read_text(encoding="utf-8")
    if "crlf" in variant:
        text = text.replace("\n", "\r\n")
    encoding = (
        "gb18030"
        if variant.startswith("gb18030")
        else ("utf-8-sig" if variant == "utf-8-sig" else "utf-8")
    )
    target = tmp_path / SEED_002.name
    target.write_bytes(text.encode(encoding))
    expected = parse_file(SEED_002, manifest=[])
    assert without_source(parse_file(target, manifest=[])) == without_source(expected)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "文件为空"),
        (b"   \n\n", "文件为空"),
        (bytes(range(256)) * 20, "二进制"),
        ("这是一份普通的说明文字。\n没有任何表格。\n".encode(), "未找到绩效目标表"),
    ],
)
def test_bad_input_is_one_line_error(tmp_path, content, reason):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(DocumentError) as error:
        parse_file(bad, manifest=[])
    assert reason in str(error.value) and str(bad) in str(error.value)
    run = subprocess.run(
        [sys.executable, "-m", "etl", "parse", str(bad)], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode != 0
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    assert str(bad) in run.stderr


def test_parse_cli_prints_one_json_object():
    run = subprocess.run(
        [sys.executable, "-m", "etl", "parse", str(SEED_000)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert len(record["projects"]) == 3
    assert set(record) >= {
        "source",
        "unit",
        "fiscal_year",
        "overall_goal",
        "projects",
        "unit_indicators",
        "warnings",
    }


def test_document_cut_mid_table_keeps_complete_projects(tmp_path):
    lines = SEED_000.read_text(encoding="utf-8").split("\n")
    cut = tmp_path / "cut.txt"
    # line 332 is inside project 3's indicator table (质量指标 row); stop mid-row
    cut.write_text("\n".join(lines[:329]), encoding="utf-8")
    record = parse_file(cut, manifest=[])
    assert [p["name"] for p in record["projects"]] == ["小专项党组织建设区级", "清真寺建设区级"]
    assert any(w["code"] == "document_truncated" for w in record["warnings"])


def test_document_cut_before_indicator_table(tmp_path):
    lines = SEED_000.read_text(encoding="utf-8").split("\n")
    cut = tmp_path / "cut.txt"
    cut.write_text("\n".join(lines[:300]), encoding="utf-8")  # project 3 has budget, no table
    record = parse_file(cut, manifest=[])
    assert len(record["projects"]) == 2
    assert any(w["code"] == "document_truncated" for w in record["warnings"])


FLAT = """某某县某某镇(2023年度)项目支出绩效目标申报表
金额单位:元
\t单位名称\n\t项目名称\n\t预算数\n\t年度目标\n\t一级指标\n\t二级指标\n\t三级指标\n\t指标性质\n\t指标值\n\t度量单位\n\t权重\n\t指标方向性\n
\t820-某某镇部门\n\t\n\t1,300,000.00\n\t\n\t\n\t\n\t\n\t\n\t\n\t\n\t\n\t\n
\t820001-某某县某某镇人民政府\n\t村级组织运转经费\n\t1,000,000.00\n\t1.保障村级组织正常运转。2.群众满意。\n\t产出指标\n\t数量指标\n\t覆盖村数\n\t=\n\t24\n\t个\n\t30\n\t正向指标\n
\t\n\t\n\t\n\t\n\t\n\t时效指标\n\t发放时间\n\t定性\n\t2023年12月底前\n\t\n\t20\n\t正向指标\n
\t\n\t\n\t\n\t\n\t效益指标\n\t社会效益指标\n\t运转经费保障率\n\t≥\n\t95\n\t%\n\t30\n\t正向指标\n
\t\n\t\n\t\n\t\n\t满意度指标\n\t服务对象满意度指标\n\t群众满意度\n\t≥\n\t90\n\t%\n\t20\n\t正向指标\n
\t\n\t环境整治\n\t300,000.00\n\t完成环境整治。\n\t产出指标\n\t成本指标\n\t整治成本\n\t≤\n\t30\n\t万元\n\t50\n\t反向指标\n
\t\n\t\n\t\n\t\n\t满意度指标\n\t服务对象满意度指标\n\t群众满意度\n\t≥\n\t90\n\t%\n\t50\n\t正向指标\n
"""


def test_flat_layout(tmp_path):
    doc = tmp_path / "flat.txt"
    doc.write_text(FLAT, encoding="utf-8")
    record = parse_file(doc, manifest=[])
    assert record["source"]["layout"] == "flat/txt"
    assert record["fiscal_year"] == 2023
    assert (record["unit"]["code"], record["unit"]["name"]) == ("820001", "某某县某某镇人民政府")
    assert [
        (p["name"], p["budget"]["total_yuan"], len(p["indicators"])) for p in record["projects"]
    ] == [("村级组织运转经费", 1000000, 4), ("环境整治", 300000, 2)]
    first = record["projects"][0]
    assert first["goals"] == ["保障村级组织正常运转。", "群众满意。"]
    count = first["indicators"][0]
    assert (count["target"]["op"], count["target"]["value"], count["target"]["unit"]) == (
        "=",
        24,
        "个",
    )
    assert count["weight"] == 30 and count["direction"] == "positive"
    assert first["indicators"][1]["target"]["kind"] == "deadline"
    assert first["indicators"][2]["level1"] == "效益指标"
    cost = record["projects"][1]["indicators"][0]
    assert cost["target"]["value_yuan"] == 300000 and cost["direction"] == "negative"
    assert cost["direction_source"] == "given"
    assert not any(w["code"] == "department_total_mismatch" for w in record["warnings"])


def test_flat_layout_department_total_mismatch(tmp_path):
    doc = tmp_path / "flat.txt"
    doc.write_text(FLAT.replace("1,300,000.00", "1,400,000.00"), encoding="utf-8")
    record = parse_file(doc, manifest=[])
    assert any(w["code"] == "department_total_mismatch" for w in record["warnings"])


def test_manifest_overrides_unit_and_year(tmp_path):
    doc = tmp_path / SEED_000.name
    doc.write_bytes(SEED_000.read_bytes())
    (tmp_path / "manifest.toml").write_text(
        f'[[document]]\nmatch = "{SEED_000.name}"\ncity = "测试市"\nfiscal_year = 2030\n',
        encoding="utf-8",
    )
    record = parse_file(doc)
    assert record["unit"]["city"] == "测试市" and record["fiscal_year"] == 2030
    assert record["unit"]["township"] == "开平镇"
    assert record["source"]["manifest"] == ["city", "fiscal_year"]


def test_bad_manifest_is_a_clear_error(tmp_path):
    doc = tmp_path / SEED_000.name
    doc.write_bytes(SEED_000.read_bytes())
    (tmp_path / "manifest.toml").write_text("[[document]]\nmatch = \n", encoding="utf-8")
    with pytest.raises(DocumentError, match="清单文件"):
        parse_file(doc)


def test_duplicate_project_codes_warn(tmp_path):
    text = SEED_000.read_text(encoding="utf-8").replace(
        "13020521GKCZWBMDEOE4Y", "1302052198IG5CA7OFKXQ"
    )
    doc = tmp_path / "dup.txt"
    doc.write_text(text, encoding="utf-8")
    record = parse_file(doc, manifest=[])
    assert sum(w["code"] == "duplicate_project_code" for w in record["warnings"]) == 2


def test_plan_not_cumulative_warns(tmp_path):
    text = SEED_000.read_text(encoding="utf-8").replace("50.00%", "20.00%", 1)
    doc = tmp_path / "plan.txt"
    doc.write_text(text, encoding="utf-8")
    record = parse_file(doc, manifest=[])
    assert [w["project"] for w in record["warnings"] if w["code"] == "plan_not_cumulative"] == [
        "小专项党组织建设区级"
    ]


@given(st.text())
def test_key_is_idempotent_and_has_no_whitespace(text):
    folded = key(text)
    assert key(folded) == folded
    assert not any(ch.isspace() for ch in folded)


@given(st.text())
def test_clean_cell_has_no_line_breaks_or_outer_space(text):
    cleaned = clean_cell(text)
    assert "\n" not in cleaned
    assert cleaned == cleaned.strip(" \t\u3000\xa0")


@given(st.decimals(min_value=0, max_value=Decimal("1e9"), places=2, allow_nan=False))
def test_money_conversion_is_exact(amount):
    printed = f"{amount:,.2f}"
    parsed = parse_amount(printed)
    assert parsed == amount
    assert Decimal(str(to_yuan(parsed, Decimal(10000)))) == amount * 10000
    assert to_yuan(parse_amount(f"{amount:.2f}万元"), Decimal(1)) == to_yuan(amount, Decimal(1))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_file_cut_inside_its_last_character_keeps_complete_projects(tmp_path, encoding):
    """A transfer cut mid-character must not turn a readable file into an encoding error."""
    data = SEED_000.read_text(encoding="utf-8").encode(encoding)
    needle = "卫生城创建工作经费区级".encode(encoding.replace("-sig", ""))
    cut_at = data.index(needle) + 1  # inside a CJK character
    doc = tmp_path / "cut.txt"
    doc.write_bytes(data[:cut_at])
    record = parse_file(doc, manifest=[])
    assert [p["name"] for p in record["projects"]] == ["小专项党组织建设区级", "清真寺建设区级"]
