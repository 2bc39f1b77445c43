"""Canonical indicator level names (一级/二级指标) and the variants documents print.

The variants live in data/vocabulary/levels.toml (loaded by etl.vocabulary)."""

from __future__ import annotations

from functools import lru_cache

from etl.vocabulary import level1_of, level2_of, vocabulary

OUTPUT = "产出指标"
BENEFIT = "效益指标"
SATISFACTION = "满意度指标"
COST = "成本指标"


def canonical_level1(raw: str) -> str | None:
    """The canonical level-1 name for a printed variant, or None when unknown."""
    return level1_of(raw)


def canonical_level2(raw: str) -> str | None:
    """The canonical level-2 name for a printed variant, or None when unknown."""
    return level2_of(raw)


@lru_cache(maxsize=4096)
def resolve_levels(level1_raw: str, level2_raw: str) -> tuple[str, str]:
    """Canonical (level1, level2). A known level 2 decides its level 1 (a 满意度 row merged
    under 部门效果 is still a satisfaction indicator), except 成本指标 which is valid both
    under 产出 and as a level 1 of its own. Unknown names are kept as printed."""
    level2 = canonical_level2(level2_raw) or level2_raw
    level1 = canonical_level1(level1_raw)
    parent = vocabulary().level2_parent.get(level2)
    if parent and not (level2 == COST and level1 == COST):
        level1 = parent
    return level1 or level1_raw, level2
