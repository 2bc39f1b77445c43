"""Canonical indicator level names (一级/二级指标) and the variants documents print."""

from __future__ import annotations

from etl.normalize import key

OUTPUT = "产出指标"
BENEFIT = "效益指标"
SATISFACTION = "满意度指标"
COST = "成本指标"

LEVEL1_VARIANTS: dict[str, str] = {
    "产出指标": OUTPUT,
    "产出": OUTPUT,
    "产出(工作量)指标": OUTPUT,
    "部门产出": OUTPUT,
    "部门产出指标": OUTPUT,
    "项目产出": OUTPUT,
    "效益指标": BENEFIT,
    "效益": BENEFIT,
    "效果指标": BENEFIT,
    "效果": BENEFIT,
    "部门效果": BENEFIT,
    "部门效果指标": BENEFIT,
    "部门效益": BENEFIT,
    "项目效益": BENEFIT,
    "满意度指标": SATISFACTION,
    "满意度": SATISFACTION,
    "社会公众或服务对象满意度指标": SATISFACTION,
    "服务对象满意度指标": SATISFACTION,
    "成本指标": COST,
    "成本": COST,
}

# canonical level 2 -> its canonical level 1 (成本指标 is special: 产出 or its own level 1)
LEVEL2_PARENT: dict[str, str] = {
    "数量指标": OUTPUT,
    "质量指标": OUTPUT,
    "时效指标": OUTPUT,
    "成本指标": OUTPUT,
    "经济效益指标": BENEFIT,
    "社会效益指标": BENEFIT,
    "生态效益指标": BENEFIT,
    "可持续影响指标": BENEFIT,
    "服务对象满意度指标": SATISFACTION,
    "经济成本指标": COST,
    "社会成本指标": COST,
    "生态环境成本指标": COST,
}

LEVEL2_VARIANTS: dict[str, str] = {
    "数量指标": "数量指标",
    "数量": "数量指标",
    "产出数量": "数量指标",
    "质量指标": "质量指标",
    "质量": "质量指标",
    "产出质量": "质量指标",
    "时效指标": "时效指标",
    "时效": "时效指标",
    "进度指标": "时效指标",
    "产出时效": "时效指标",
    "成本指标": "成本指标",
    "成本": "成本指标",
    "产出成本": "成本指标",
    "经济效益指标": "经济效益指标",
    "经济效益": "经济效益指标",
    "社会效益指标": "社会效益指标",
    "社会效益": "社会效益指标",
    "生态效益指标": "生态效益指标",
    "生态效益": "生态效益指标",
    "环境效益指标": "生态效益指标",
    "环境效益": "生态效益指标",
    "可持续影响指标": "可持续影响指标",
    "可持续影响": "可持续影响指标",
    "可持续发展指标": "可持续影响指标",
    "服务对象满意度指标": "服务对象满意度指标",
    "服务对象满意度": "服务对象满意度指标",
    "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "满意度指标": "服务对象满意度指标",
    "满意度": "服务对象满意度指标",
    "社会公众满意度指标": "服务对象满意度指标",
    "经济成本指标": "经济成本指标",
    "经济成本": "经济成本指标",
    "社会成本指标": "社会成本指标",
    "社会成本": "社会成本指标",
    "生态环境成本指标": "生态环境成本指标",
    "生态环境成本": "生态环境成本指标",
}

_LEVEL1_BY_KEY = {key(raw): canonical for raw, canonical in LEVEL1_VARIANTS.items()}
_LEVEL2_BY_KEY = {key(raw): canonical for raw, canonical in LEVEL2_VARIANTS.items()}


def canonical_level1(raw: str) -> str | None:
    """The canonical level-1 name for a printed variant, or None when unknown."""
    return _LEVEL1_BY_KEY.get(key(raw))


def canonical_level2(raw: str) -> str | None:
    """The canonical level-2 name for a printed variant, or None when unknown."""
    return _LEVEL2_BY_KEY.get(key(raw))


def resolve_levels(level1_raw: str, level2_raw: str) -> tuple[str, str]:
    """Canonical (level1, level2). A known level 2 decides its level 1 (a 满意度 row merged
    under 部门效果 is still a satisfaction indicator), except 成本指标 which is valid both
    under 产出 and as a level 1 of its own. Unknown names are kept as printed."""
    level2 = canonical_level2(level2_raw) or level2_raw
    level1 = canonical_level1(level1_raw)
    parent = LEVEL2_PARENT.get(level2)
    if parent and not (level2 == "成本指标" and level1 == COST):
        level1 = parent
    return level1 or level1_raw, level2
