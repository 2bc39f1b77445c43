"""Turning findings into 优/良/中/差 the way a finance bureau reads a goal table: each review
dimension (完整性, 相关性, 适当性, 可行性) is scored on its own, the project score is their
weighted mean, and caps keep boilerplate and unmeasurable tables out of 优/良 whatever the
arithmetic says. All numbers come from the [grading] section of data/review_rules.toml;
docs/goal_review.md gives the basis for each threshold."""

from __future__ import annotations

from collections import Counter, defaultdict

from etl.review.catalog import RULES
from etl.vocabulary import grades

GRADE_ORDER = grades()  # best first; one vocabulary (data/vocabulary/roles.toml)
DIMENSIONS = ("完整性", "相关性", "适当性", "可行性")


def worse(a: str, b: str) -> str:
    return max(a, b, key=GRADE_ORDER.index)


def grade_for_score(score: float, bands: dict[str, float]) -> str:
    for grade in GRADE_ORDER[:-1]:
        if grade in bands and score >= bands[grade]:
            return grade
    return GRADE_ORDER[-1]


def dimension_of(rule_id: str, grading: dict) -> str:
    """A rule's dimension: the rules file may move a rule, else the catalogue says."""
    override = grading.get("rule_dimensions", {}).get(rule_id)
    if override:
        return override
    rule = RULES.get(rule_id)
    return rule.dimension if rule else "适当性"


def dimension_scores(findings: list[dict], grading: dict) -> dict[str, float]:
    """100 minus the penalties of the dimension's rules, each rule's total capped so one
    repeated defect (say, every row's basis) cannot sink a dimension on its own."""
    penalty = grading.get("penalty", {})
    per_rule_cap = grading.get("max_penalty_per_rule")
    by_rule: dict[str, float] = defaultdict(float)
    for item in findings:
        by_rule[item["rule_id"]] += penalty.get(item["severity"], 0)
    start = grading.get("start_score", 100)
    lost: dict[str, float] = {d: 0.0 for d in _dimensions(grading)}
    for rule_id, value in by_rule.items():
        dimension = dimension_of(rule_id, grading)
        lost[dimension] = lost.get(dimension, 0.0) + (
            min(value, per_rule_cap) if per_rule_cap else value
        )
    return {d: float(max(0.0, start - value)) for d, value in lost.items()}


def _dimensions(grading: dict) -> list[str]:
    return list(grading.get("dimension_weights", {d: 1 for d in DIMENSIONS}))


def score_findings(findings: list[dict], grading: dict) -> float:
    """The weighted mean of the dimension scores."""
    scores = dimension_scores(findings, grading)
    weights = grading.get("dimension_weights", {d: 1 for d in DIMENSIONS})
    total = sum(weights.get(d, 0) for d in scores) or 1
    return round(sum(scores[d] * weights.get(d, 0) for d in scores) / total, 1)


def grade_project(findings: list[dict], grading: dict) -> tuple[float, str]:
    """(score, grade). Caps: a weak dimension, a severity or a rule (``R01`` or
    ``R01.variant``) keep the grade at or below a level whatever the score."""
    return grade_detail(findings, grading)[:2]


def grade_detail(findings: list[dict], grading: dict) -> tuple[float, str, dict[str, float]]:
    """(score, grade, dimension scores): the dashboard shows why a project got its grade."""
    scores = dimension_scores(findings, grading)
    score = score_findings(findings, grading)
    grade = grade_for_score(score, grading.get("bands", {"优": 90, "良": 75, "中": 60}))
    for cap, floor in grading.get("dimension_caps", {}).items():
        if any(value < floor for value in scores.values()):
            grade = worse(grade, cap)
    severity_caps = grading.get("severity_caps", {})
    rule_caps = grading.get("rule_caps", {})
    for item in findings:
        for cap in (
            severity_caps.get(item["severity"]),
            rule_caps.get(item["rule_id"]),
            rule_caps.get(f"{item['rule_id']}.{item.get('variant')}"),
        ):
            if cap:
                grade = worse(grade, cap)
    return score, grade, scores


def roll_up(grades: list[str], scores: list[float], grading: dict) -> dict:
    """Grade of a unit (or township): the best grade that at least ``unit_share`` of its
    projects reach, so a few weak projects cannot hide behind many good ones or vice versa."""
    counts = Counter(grades)
    result = {
        "projects": len(grades),
        "counts": {grade: counts.get(grade, 0) for grade in GRADE_ORDER},
        "score": round(sum(scores) / len(scores), 1) if scores else None,
        "grade": None,
    }
    if not grades:
        return result
    share = grading.get("unit_share", 0.5)
    reached = 0
    for grade in GRADE_ORDER:
        reached += counts.get(grade, 0)
        if reached / len(grades) >= share:
            result["grade"] = grade
            break
    return result
