"""A goal-table column whose header names no known role is not read; the record says so
once per table (`column_ignored`), so a column of targets is never dropped silently."""

from __future__ import annotations

from pathlib import Path

from etl.parser import parse_file


def row(*cells: str) -> str:
    return "".join(f"\t{cell}\n" for cell in cells) + "\n"


def document(places: tuple[str, ...], extra: str | None = None) -> str:
    """An invented per-place fund table; ``extra`` adds a column of unknown meaning."""
    head = ("一级指标", "二级指标", "三级指标", "指 标 解 释", *places)
    rows = [
        ("产出指标", "数量指标", "养护里程", "完成养护的里程", *(["≥12公里"] * len(places))),
        ("", "质量指标", "路面完好率", "养护后路面完好比例", *(["≥95%"] * len(places))),
    ]
    if extra:
        head = (*head, extra)
        rows = [(*r, "交通股") for r in rows]
    return (
        "2024年村道养护补助专项资金绩效目标表\n\n"
        + row("项目名称", "村道养护补助", "主管部门(单位)名称", "某某县交通运输服务中心")
        + row("资金情况(万元)", "资金总额", "12.5", "其中:财政拨款", "12.5", "其他资金", "0")
        + row("总 体 目 标", "完成村道日常养护")
        + row("绩效 指标", *head)
        + "".join(row("", *r) for r in rows)
    )


def parse(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "村道养护.txt"
    path.write_text(text, encoding="utf-8")
    return parse_file(path)


def ignored(record: dict) -> list[str]:
    return [w["message"] for w in record["warnings"] if w["code"] == "column_ignored"]


def test_a_known_table_has_no_ignored_column(tmp_path: Path) -> None:
    record = parse(tmp_path, document(("东岭镇", "西岭乡")))
    assert len(record["projects"][0]["indicators"]) == 4
    assert ignored(record) == []


def test_an_unknown_column_with_content_is_named_once(tmp_path: Path) -> None:
    record = parse(tmp_path, document(("东岭镇", "西岭乡"), extra="责任股室"))
    assert len(record["projects"][0]["indicators"]) == 4  # the targets are still read
    (message,) = ignored(record)
    assert "责任股室" in message and "交通股" in message


def test_a_place_column_that_is_not_recognised_is_reported(tmp_path: Path) -> None:
    # "城北片" names a place with a suffix outside the vocabulary: its targets are lost,
    # and the warning says which column
    record = parse(tmp_path, document(("东岭镇", "城北片")))
    assert {i["place"] for i in record["projects"][0]["indicators"]} == {"东岭镇"}
    (message,) = ignored(record)
    assert "城北片" in message and "≥12公里" in message


def test_one_warning_per_document_and_row_numbers_are_known(tmp_path: Path) -> None:
    first = document(("东岭镇", "西岭乡"), extra="责任股室")
    second = first.replace("村道养护补助", "桥梁维修补助")
    record = parse(tmp_path, first + "\n" + second)
    assert len(record["projects"]) == 2
    assert len(ignored(record)) == 1  # the same extra column in both tables: said once
    numbered = document(("东岭镇", "西岭乡"), extra="序号").replace("交通股", "1")
    assert ignored(parse(tmp_path, numbered)) == []
