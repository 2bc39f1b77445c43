"""Turning findings into 优/良/中/差: a penalty score, grade bands and caps, all from the
[grading] section of the rules file, plus the roll-up of many grades into one."""

from __future__ import annotations

from collections import Counter, defaultdict

GRADE_ORDER = ("优", "良", "中", "差")  # best first


def worse(a: str, b: str) -> str:
    return max(a, b, key=GRADE_ORDER.index)


def grade_for_score(score: float, bands: dict[str, float]) -> str:
    for grade in GRADE_ORDER[:-1]:
        if grade in bands and score >= bands[grade]:
            return grade
    return GRADE_ORDER[-1]


def score_findings(findings: list[dict], grading: dict) -> float:
    """100 minus the penalties, each rule's total capped so one repeated defect (say, every
    row's basis) cannot sink a project on its own."""
    penalty = grading.get("penalty", {})
    per_rule_cap = grading.get("max_penalty_per_rule")
    by_rule: dict[str, float] = defaultdict(float)
    for item in findings:
        by_rule[item["rule_id"]] += penalty.get(item["severity"], 0)
    total = sum(min(value, per_rule_cap) if per_rule_cap else value for value in by_rule.values())
    return float(max(0.0, grading.get("start_score", 100) - total))


def grade_project(findings: list[dict], grading: dict) -> tuple[float, str]:
    """(score, grade). Caps: a severity or a rule (``R01`` or ``R01.variant``) can keep the
    grade at or below a level whatever the score."""
    score = score_findings(findings, grading)
    grade = grade_for_score(score, grading.get("bands", {"优": 90, "良": 75, "中": 60}))
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
    return score, grade


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
