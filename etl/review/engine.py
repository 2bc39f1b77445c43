"""review_record: run every enabled rule over one normalized goal record and grade it."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable

from etl.review.config import default_config
from etl.review.grading import grade_project, roll_up
from etl.review.model import Context
from etl.review.rules_logic import (
    r13_direction,
    r14_weights,
    r16_mixup,
    r18_basis,
    r19_goal_unmeasured,
)
from etl.review.rules_money import r04_cost_vs_budget, r05_fund_mismatch, r06_spend_plan
from etl.review.rules_structure import (
    r01_level1_missing,
    r02_too_few,
    r03_cost,
    r17_repeated,
    r20_low_quantitative,
)
from etl.review.rules_substance import (
    r22_cost_budget,
    r23_benefit_done,
    r24_misplaced,
    r25_unit_name,
    r26_blank_plan,
    r27_irrelevant,
    r28_scheme,
)
from etl.review.rules_targets import (
    r07_deadline,
    r08_vague,
    r09_qualitative_numeric,
    r10_copied,
    r11_placeholder,
    r12_impossible,
)
from etl.review.rules_unit import r15_satisfaction, r21_copied_across

log = logging.getLogger(__name__)

ProjectRule = Callable[[dict, Context], list[dict]]

PROJECT_RULES: dict[str, ProjectRule] = {
    "R01": r01_level1_missing,
    "R02": r02_too_few,
    "R03": r03_cost,
    "R04": r04_cost_vs_budget,
    "R05": r05_fund_mismatch,
    "R06": r06_spend_plan,
    "R07": r07_deadline,
    "R08": r08_vague,
    "R09": r09_qualitative_numeric,
    "R10": r10_copied,
    "R11": r11_placeholder,
    "R12": r12_impossible,
    "R13": r13_direction,
    "R14": r14_weights,
    "R16": r16_mixup,
    "R17": r17_repeated,
    "R18": r18_basis,
    "R19": r19_goal_unmeasured,
    "R20": r20_low_quantitative,
    "R22": r22_cost_budget,
    "R23": r23_benefit_done,
    "R24": r24_misplaced,
    "R25": r25_unit_name,
    "R26": r26_blank_plan,
    "R27": r27_irrelevant,
    "R28": r28_scheme,
}
# Rules that still make sense for a project without a single real indicator.
EMPTY_PROJECT_RULES = frozenset({"R01", "R05", "R06", "R26"})
# Rules that judge one indicator row and so also apply to the unit-level indicator table.
INDICATOR_RULES = (
    "R07",
    "R08",
    "R09",
    "R10",
    "R11",
    "R12",
    "R13",
    "R16",
    "R17",
    "R23",
    "R24",
    "R25",
)
# One row gets at most one of these target-wording findings: the most specific one wins
# (a placeholder is not also "vague", a copied description is not also "qualitative").
TARGET_FAMILY = ("R11", "R10", "R07", "R03", "R25", "R23", "R09", "R08")


def _enabled(config: dict, rule_id: str) -> bool:
    return config.get("rules", {}).get(rule_id, {}).get("enabled", True)


def _enabled_rules(config: dict) -> list[tuple[str, ProjectRule]]:
    """The enabled project rules, worked out once per configuration object."""
    cached = _ENABLED.get(id(config))
    if cached is None or cached[0] is not config:
        rules = [(r, fn) for r, fn in PROJECT_RULES.items() if _enabled(config, r)]
        if len(_ENABLED) > 16:
            _ENABLED.clear()
        cached = _ENABLED[id(config)] = (config, rules)
    return cached[1]


_ENABLED: dict[int, tuple[dict, list[tuple[str, ProjectRule]]]] = {}


def _dedupe_target_family(findings: list[dict]) -> list[dict]:
    best: dict[int, int] = {}
    for item in findings:
        index = item.get("indicator_index")
        if index is not None and item["rule_id"] in TARGET_FAMILY:
            rank = TARGET_FAMILY.index(item["rule_id"])
            best[index] = min(rank, best.get(index, rank))
    return [
        item
        for item in findings
        if item.get("indicator_index") is None
        or item["rule_id"] not in TARGET_FAMILY
        or TARGET_FAMILY.index(item["rule_id"]) == best[item["indicator_index"]]
    ]


def _run(rule_id: str, rule: ProjectRule, project: dict, ctx: Context, errors: list) -> list[dict]:
    """A rule that trips over odd data must not cost the whole document its review."""
    try:
        return rule(project, ctx)
    except Exception as exc:  # recorded and reported, never silent
        log.warning("review rule %s failed on project %s: %s", rule_id, project.get("name"), exc)
        errors.append({"rule_id": rule_id, "project": project.get("name"), "error": repr(exc)})
        return []


def _sort_key(item: dict) -> tuple:
    return (item.get("source_line") or 0, item["rule_id"], item.get("indicator_index") or -1)


def review_project(project: dict, ctx: Context, errors: list) -> list[dict]:
    """All project-scope findings of one project, deduplicated (R15 is added by the caller)."""
    empty = not ctx.substantive(project)
    findings: list[dict] = []
    for rule_id, rule in _enabled_rules(ctx.config):
        if empty and rule_id not in EMPTY_PROJECT_RULES:
            continue
        findings.extend(_run(rule_id, rule, project, ctx, errors))
    return findings


def _review_unit_indicators(record: dict, ctx: Context, errors: list) -> list[dict]:
    """The 部门整体 indicator table is checked row by row but not graded."""
    indicators = record.get("unit_indicators") or []
    if not indicators:
        return []
    pseudo = {
        "seq": 0,
        "name": "部门整体绩效指标",
        "code": None,
        "indicators": indicators,
        "source_line": indicators[0].get("source_line"),
    }
    findings: list[dict] = []
    for rule_id in INDICATOR_RULES:
        if _enabled(ctx.config, rule_id):
            findings.extend(_run(rule_id, PROJECT_RULES[rule_id], pseudo, ctx, errors))
    return sorted(_dedupe_target_family(findings), key=_sort_key)


def review_record(record: dict, config: dict | None = None) -> dict:
    """Findings and a grade for every project of ``record`` plus the unit roll-up.

    ``config`` defaults to data/review_rules.toml. The result is plain JSON-ready data; the
    warehouse stores it at load time and ``v_goal_review`` shows one row per finding.
    """
    config = config if config is not None else default_config()
    ctx = Context(record, config)
    projects = record.get("projects") or []
    errors: list[dict] = []
    per_project = [review_project(project, ctx, errors) for project in projects]
    for rule_id, unit_rule in (("R15", r15_satisfaction), ("R21", r21_copied_across)):
        if not _enabled(config, rule_id):
            continue
        try:
            for position, extra in unit_rule(projects, ctx).items():
                per_project[position].extend(extra)
        except Exception as exc:  # recorded and reported, never silent
            errors.append({"rule_id": rule_id, "project": None, "error": repr(exc)})
    grading = config.get("grading", {})
    results = []
    for project, findings in zip(projects, per_project, strict=True):
        findings = sorted(_dedupe_target_family(findings), key=_sort_key)
        score, grade = grade_project(findings, grading)
        results.append(
            {
                "seq": project.get("seq"),
                "code": project.get("code"),
                "name": project.get("name") or "",
                "source_line": project.get("source_line"),
                "grade": grade,
                "score": score,
                "findings": findings,
            }
        )
    unit = roll_up([p["grade"] for p in results], [p["score"] for p in results], grading)
    unit["findings_by_rule"] = dict(
        sorted(Counter(f["rule_id"] for p in results for f in p["findings"]).items())
    )
    unit["findings"] = _review_unit_indicators(record, ctx, errors)
    return {"projects": results, "unit": unit, "errors": errors}
