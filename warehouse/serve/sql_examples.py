"""Ready example queries for the SQL page: they teach the contract views by example.

Only columns from CONTRACT section 3 are used, so the examples keep working whatever the
loader does behind the views. Unquoted Chinese aliases are fine for the guard (CJK only).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """A titled query; `title` is what the page lists."""

    title: str
    description: str
    sql: str


EXAMPLES: tuple[Example, ...] = (
    Example(
        "各乡镇预算合计",
        "按年度和乡镇汇总项目数与预算总额（万元）。",
        """SELECT fiscal_year AS 年度,
       township AS 乡镇,
       count(*) AS 项目数,
       round(sum(budget_total_yuan) / 10000, 2) AS 预算合计_万元
FROM v_project_budget
GROUP BY fiscal_year, township
ORDER BY 年度, 预算合计_万元 DESC""",
    ),
    Example(
        "满意度目标分布",
        "服务对象满意度指标的目标值落在哪些区间。",
        """SELECT CASE
         WHEN target_value >= 95 THEN '95% 及以上'
         WHEN target_value >= 90 THEN '90%–95%'
         WHEN target_value >= 85 THEN '85%–90%'
         ELSE '85% 以下'
       END AS 满意度目标区间,
       count(*) AS 指标数
FROM v_indicator_target
WHERE level1 = '满意度指标' AND target_kind = 'percent'
GROUP BY 满意度目标区间
ORDER BY min(target_value) DESC""",
    ),
    Example(
        "各类别项目数与预算",
        "按项目类别统计项目数与预算总额（万元），未分类单独列出。",
        """SELECT coalesce(project_category, '（未分类）') AS 项目类别,
       count(*) AS 项目数,
       round(sum(budget_total_yuan) / 10000, 2) AS 预算_万元
FROM v_project_budget
GROUP BY 项目类别
ORDER BY 预算_万元 DESC""",
    ),
    Example(
        "定性指标占比最高的项目",
        "定性（无法量化）指标占比最高的项目，便于督促细化目标。",
        """SELECT fiscal_year AS 年度,
       township AS 乡镇,
       project_name AS 项目名称,
       count(*) AS 指标数,
       count(*) FILTER (WHERE target_kind = 'qualitative') AS 定性指标数,
       round(100.0 * count(*) FILTER (WHERE target_kind = 'qualitative') / count(*), 1)
           AS 定性占比_百分比
FROM v_indicator_target
WHERE scope = 'project'
GROUP BY fiscal_year, township, project_name
ORDER BY 定性占比_百分比 DESC, 指标数 DESC
LIMIT 20""",
    ),
    Example(
        "时限指标截止日期分布",
        "时效指标的截止日期按月分布。",
        """SELECT strftime(deadline, '%Y-%m') AS 截止月份,
       count(*) AS 指标数
FROM v_indicator_target
WHERE target_kind = 'deadline' AND deadline IS NOT NULL
GROUP BY 截止月份
ORDER BY 截止月份""",
    ),
    Example(
        "被退回（中/差）项目清单",
        "审核等级为“中”或“差”的项目及其问题。",
        """SELECT fiscal_year AS 年度,
       township AS 乡镇,
       unit_name AS 单位,
       project_code AS 项目编码,
       project_name AS 项目名称,
       grade AS 等级,
       string_agg(message, '；' ORDER BY rule_id) AS 问题
FROM v_goal_review
WHERE grade IN ('中', '差')
GROUP BY fiscal_year, township, unit_name, project_code, project_name, grade
ORDER BY 等级 DESC, 年度, 乡镇""",
    ),
    Example(
        "财政资金与其他资金",
        "各年度财政资金与其他资金的构成（万元）。",
        """SELECT fiscal_year AS 年度,
       round(sum(fiscal_funds_yuan) / 10000, 2) AS 财政资金_万元,
       round(coalesce(sum(other_funds_yuan), 0) / 10000, 2) AS 其他资金_万元,
       round(100.0 * sum(fiscal_funds_yuan) / nullif(sum(budget_total_yuan), 0), 1)
           AS 财政占比_百分比
FROM v_project_budget
GROUP BY fiscal_year
ORDER BY fiscal_year""",
    ),
)


def example_titles() -> list[str]:
    """Titles in display order."""
    return [e.title for e in EXAMPLES]


def example_sql(title: str) -> str:
    """The SQL of an example by title; KeyError for an unknown title."""
    for example in EXAMPLES:
        if example.title == title:
            return example.sql
    raise KeyError(title)
