"""Place and unit names with Han characters outside the basic block (Extension A 䃥 U+40E5,
Extension E 𬇙 U+2C1D9) are still names: a per-place column headed by such a township was
not recognised and its targets were dropped without a warning (found by the 40,000-document
benchmark's count check)."""

from __future__ import annotations

from pathlib import Path

from etl.han import is_han
from etl.parser import parse_file
from etl.vocabulary import place_like

PLACES = ("东岭镇", "流䃥镇", "白𬇙乡")


def row(*cells: str) -> str:
    return "".join(f"\t{cell}\n" for cell in cells) + "\n"


def per_place_document() -> str:
    """An invented fund table of a county department, one target column per township."""
    return (
        "2024年村道养护补助专项资金绩效目标表\n\n"
        + row("项目名称", "村道养护补助", "主管部门(单位)名称", "某某县交通运输服务中心")
        + row("资金情况(万元)", "资金总额", "12.5", "其中:财政拨款", "12.5", "其他资金", "0")
        + row("总 体 目 标", "完成村道日常养护")
        + row("绩效 指标", "一级指标", "二级指标", "三级指标", "指 标 解 释", *PLACES)
        + row(
            "", "产出指标", "数量指标", "养护里程", "完成养护的里程", "≥12公里", "=8公里", "10公里"
        )
        + row("", "", "质量指标", "路面完好率", "养护后路面完好比例", "≥95%", "≥95%", "98%")
        + row(
            "",
            "效益指标",
            "社会效益指标",
            "群众出行条件",
            "出行条件改善情况",
            "改善",
            "改善",
            "明显改善",
        )
    )


def test_is_han_covers_the_extension_blocks() -> None:
    assert all(is_han(c) for c in "镇䃥𬇙豈")  # basic, Ext A, Ext E, compatibility
    assert not any(is_han(c) for c in "a1％、")


def test_rare_character_township_is_a_place_header() -> None:
    assert all(place_like(name) for name in PLACES)


def test_every_place_column_is_read(tmp_path: Path) -> None:
    path = tmp_path / "村道养护.txt"
    path.write_text(per_place_document(), encoding="utf-8")
    record = parse_file(path)
    (project,) = record["projects"]
    indicators = project["indicators"]
    assert len(indicators) == 3 * len(PLACES)
    assert {i["place"] for i in indicators} == set(PLACES)
    rare = [i for i in indicators if i["place"] == "白𬇙乡"]
    assert [i["target"]["raw"] for i in rare] == ["10公里", "98%", "明显改善"]
