"""The rule catalogue: id, slug, Chinese title and default fix hint of each of the 20 rules.
Severities and thresholds are not here; they are in data/review_rules.toml."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    rule_id: str
    slug: str
    title: str
    dimension: str  # 完整性 / 相关性 / 适当性 / 可行性 (the review dimensions bureaus use)
    hint: str


RULES: dict[str, Rule] = {
    rule.rule_id: rule
    for rule in (
        Rule(
            "R01",
            "level1_missing",
            "一级指标缺失",
            "完整性",
            "按产出、效益、满意度三类分别设置指标；效益指标应说明项目带来的经济、社会或生态变化。",
        ),
        Rule(
            "R02",
            "too_few_indicators",
            "指标数量过少",
            "完整性",
            "至少设置数量、质量、时效、成本、效益、满意度等方面的3个以上核心指标。",
        ),
        Rule(
            "R03",
            "cost_indicator",
            "成本指标缺失或无金额",
            "完整性",
            "设置成本指标并以金额表示，如“项目总成本≤XX万元”或“单位成本≤XX元/人”。",
        ),
        Rule(
            "R04",
            "cost_vs_budget",
            "成本指标与预算不符",
            "可行性",
            "成本指标应以预算数为上限，并核对单位（万元/元）；预算控制数应与预算数一致。",
        ),
        Rule(
            "R05",
            "fund_mismatch",
            "资金构成不符",
            "完整性",
            "核对预算数、财政资金、其他资金三项，确保财政资金＋其他资金＝预算数，并统一金额单位。",
        ),
        Rule(
            "R06",
            "spend_plan",
            "支出计划不合理",
            "可行性",
            "资金支出计划填写各时点的累计支出进度，逐季不减少，年底（12月底）达到100%。",
        ),
        Rule(
            "R07",
            "deadline",
            "时效指标无明确时限",
            "适当性",
            "时效指标写明完成时限（如“2021年12月底前”）或期限（如“≤30天”），且在预算年度内。",
        ),
        Rule(
            "R08",
            "vague_target",
            "指标值表述模糊",
            "适当性",
            "改为可衡量的数值（符号＋数值＋单位），定性指标使用分级表述（好/较好/一般/差，或达成/部分达成/未达成）。",
        ),
        Rule(
            "R09",
            "qualitative_numeric",
            "应定量却定性",
            "适当性",
            "指标名称是比率、数量或金额，指标值应给出具体数值和单位，如“≥95%”“≥21个”。",
        ),
        Rule(
            "R10",
            "copied_target",
            "指标值照抄名称或描述",
            "适当性",
            "指标值只填写可考核的目标值（符号＋数值＋单位），说明性文字放在指标描述中。",
        ),
        Rule(
            "R11",
            "placeholder",
            "占位指标值",
            "完整性",
            "为该指标填写实际目标值；确实不适用的指标应整行删除，不要用“无”“/”占位。",
        ),
        Rule(
            "R12",
            "impossible_value",
            "指标值不合常理",
            "可行性",
            "比率不超过100%（增长类指标除外），人数、个数等计数取整数，百分比写成“90%”而不是“0.9”。",
        ),
        Rule(
            "R13",
            "direction",
            "指标方向矛盾",
            "适当性",
            "正向指标（越高越好）用“≥”，反向指标（成本、事故、投诉等越低越好）用“≤”。",
        ),
        Rule(
            "R14",
            "weights",
            "权重合计不符",
            "完整性",
            "调整各指标权重，使合计为100（或本地规定的总分）。",
        ),
        Rule(
            "R15",
            "boilerplate_satisfaction",
            "满意度指标套用模板",
            "适当性",
            "按本项目的服务对象和历年满意度调查结果设定目标值，一般不设100%。",
        ),
        Rule(
            "R16",
            "output_outcome_mixup",
            "产出与效益混淆",
            "相关性",
            "完成、发放、建成等工作量写在产出指标下；效益指标写项目带来的变化（如收入增加、环境改善的具体数值）。",
        ),
        Rule(
            "R17",
            "repeated_indicator",
            "指标重复或指标值雷同",
            "适当性",
            "删除重复的指标，按每个指标的实际情况分别设定目标值。",
        ),
        Rule(
            "R18",
            "basis",
            "指标值确定依据缺失或笼统",
            "适当性",
            "写明确定依据：计划标准、行业标准、历史标准或具体文件名称。",
        ),
        Rule(
            "R19",
            "goal_unmeasured",
            "绩效目标无对应指标",
            "相关性",
            "为该项绩效目标设置能衡量其完成情况的指标，或修改目标使其与指标一致。",
        ),
        Rule(
            "R20",
            "low_quantitative",
            "定量指标占比低",
            "适当性",
            "把定性指标尽量改为定量指标，定量指标应占一半以上。",
        ),
    )
}
