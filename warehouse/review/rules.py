"""The review rules as set-based SQL over rv_row / rv_p (warehouse/review/prepare.py).

One function per rule returns the INSERT that adds its findings to rv_find; the meaning of
each rule, its thresholds and its messages are those documented in docs/goal_review.md
(configuration: data/review_rules.toml, words: data/review_vocabulary.toml). Python only
composes the statements: configured words become literals, rows are never looped over.
"""

from __future__ import annotations

from collections.abc import Callable

from warehouse.review.prepare import QUANTITATIVE_KINDS
from warehouse.review.sqltext import any_word as _any_in
from warehouse.review.sqltext import bare, key, lit, lst, num, rule_cfg
from warehouse.review.sqltext import ends_word as _ends_in
from warehouse.review.sqltext import re_escape as _re_escape
from warehouse.review.textmatch import INDICATOR_TEXT, PROJECT_TEXT

INSERT = (
    "INSERT INTO rv_find (holder, document_id, idx, rule_id, severity, message, variant, "
    "line, indicator_name, hint)\n"
)
ROW_FROM = "FROM rv_row AS r JOIN rv_p AS p USING (holder)\n"
ROW_COLS = "r.holder, r.document_id, r.idx"
ROW_TAIL = "coalesce(r.line, p.line), nullif(r.name, ''), NULL"
PROJECT_COLS = "p.holder, p.document_id, NULL::INTEGER"
PROJECT_TAIL = "p.line, NULL, NULL"
# project rules that still apply to a project without a single real indicator
PROJECT_ONLY = "p.scope = 'project' AND p.n_sub > 0"
VOCAB = "vocabulary"


def _sev(cfg: dict, name: str = "severity", default: str = "一般") -> str:
    return lit(cfg.get(name, default))


def _first_in(column: str, words: list[str], shown: list[str] | None = None) -> str:
    """SQL: the first word (as shown) of ``words`` occurring in ``column``, else NULL."""
    shown = shown or words
    pairs = ", ".join(f"{lit(w)}" for w in words)
    labels = ", ".join(f"{lit(s)}" for s in shown)
    return (
        f"([{labels}]::VARCHAR[])[list_position(list_transform([{pairs}]::VARCHAR[], "
        f"lambda w: w <> '' AND contains({column}, w)), true)]"
    )


def r01(config: dict) -> str:
    cfg = rule_cfg(config, "R01")
    severities = cfg.get("severity", {})
    short = {"产出指标": "产出", "效益指标": "效益", "满意度指标": "满意度"}
    parts = [
        f"""{INSERT}SELECT {PROJECT_COLS}, 'R01', {_sev(cfg, "no_indicators_severity", "严重")},
    CASE WHEN p.n_all = 0 THEN '项目没有任何绩效指标'
         ELSE '项目的' || p.n_all || '个指标行都没有有效的指标值（均为空白或“无”等占位内容）' END,
    'no_indicators', {PROJECT_TAIL}
FROM rv_p AS p WHERE p.scope = 'project' AND p.n_sub = 0;"""
    ]
    for order, required in enumerate(cfg.get("required", ["产出指标", "效益指标", "满意度指标"])):
        label = short.get(required, required)
        parts.append(
            f"""{INSERT}SELECT {PROJECT_COLS}, 'R01', {lit(severities.get(required, "一般"))},
    '缺少{required}：项目的' || p.n_sub || '个指标中没有{label}类指标'
    || CASE WHEN EXISTS (SELECT 1 FROM rv_row AS r WHERE r.holder = p.holder
                         AND r.level1 = {lit(required)}) THEN '（{label}类只有空白或占位行）'
            ELSE '' END,
    {lit("missing_" + label)}, {PROJECT_TAIL}
FROM rv_p AS p
WHERE {PROJECT_ONLY} AND NOT EXISTS (
    SELECT 1 FROM rv_row AS r WHERE r.holder = p.holder AND r.sub AND r.level1 = {lit(required)});
-- order {order}"""
        )
    return "\n".join(parts)


def r02(config: dict) -> str:
    cfg = rule_cfg(config, "R02")
    minimum = int(cfg.get("min_indicators", 3))
    return f"""{INSERT}SELECT {PROJECT_COLS}, 'R02', {_sev(cfg)},
    '项目只有' || p.n_sub || '个有效绩效指标，少于{minimum}个'
    || CASE WHEN p.n_all > p.n_sub THEN '（另有' || (p.n_all - p.n_sub) || '行为空白或占位）'
            ELSE '' END,
    NULL, {PROJECT_TAIL}
FROM rv_p AS p WHERE {PROJECT_ONLY} AND p.n_sub < {minimum};"""


def r03(config: dict) -> str:
    cfg = rule_cfg(config, "R03")
    return f"""{INSERT}SELECT {PROJECT_COLS}, 'R03', {_sev(cfg, "missing_severity")},
    CASE WHEN EXISTS (SELECT 1 FROM rv_row AS r WHERE r.holder = p.holder AND r.is_cost)
         THEN '成本指标只有空白或占位值，没有实际内容'
         ELSE '缺少成本指标，无法考核资金使用的经济性' END,
    'missing', {PROJECT_TAIL}
FROM rv_p AS p
WHERE {PROJECT_ONLY}
  AND NOT EXISTS (SELECT 1 FROM rv_row AS r WHERE r.holder = p.holder AND r.sub AND r.is_cost);
{INSERT}SELECT {ROW_COLS}, 'R03', {_sev(cfg)},
    '成本指标' || rv_quote(r.name, 40) || '的指标值' || rv_quote(r.raw, 40)
    || '没有金额，无法与预算对照',
    'no_money', {ROW_TAIL}
{ROW_FROM}WHERE {PROJECT_ONLY} AND r.sub AND r.is_cost
  AND NOT EXISTS (SELECT 1 FROM rv_row AS m WHERE m.holder = r.holder AND m.sub AND m.is_cost
                  AND m.is_money);"""


def r04(config: dict) -> str:
    cfg = rule_cfg(config, "R04")
    tol = num(cfg.get("tolerance_ratio", 0.005))
    factor = num(cfg.get("factor_tolerance", 0.02))
    control = _any_in("r.nb", [bare(n) for n in cfg.get("control_names", [])])
    label = "CASE WHEN r.is_cost THEN '成本' ELSE '' END || '指标' || rv_quote(r.name, 40)"
    return f"""{INSERT}SELECT {ROW_COLS}, 'R04',
    CASE WHEN (r.is_cost OR r.control) AND r.yuan > p.total * (1 + {tol})
         THEN {_sev(cfg, "severity", "严重")} ELSE {_sev(cfg, "control_severity")} END,
    {label} || '的指标值' || rv_quote(r.raw, 40) || '（' || rv_yuan(r.yuan) || '）'
    || CASE WHEN (r.is_cost OR r.control) AND r.yuan > p.total * (1 + {tol})
            THEN '超过项目预算数' || rv_yuan(p.total) || rv_slip_note(r.yuan, p.total, {factor})
            ELSE '与项目预算数' || rv_yuan(p.total) || '不一致' END,
    CASE WHEN (r.is_cost OR r.control) AND r.yuan > p.total * (1 + {tol})
         THEN 'exceeds' ELSE 'control' END,
    {ROW_TAIL}
FROM (SELECT r.*, {control} AS control FROM rv_row AS r) AS r JOIN rv_p AS p USING (holder)
WHERE {PROJECT_ONLY} AND r.sub AND p.total > 0 AND r.yuan IS NOT NULL
  AND NOT contains(coalesce(r.unit, ''), '/')
  AND (((r.is_cost OR r.control) AND r.yuan > p.total * (1 + {tol}))
       OR (r.control AND abs(r.yuan - p.total) > p.total * {tol}));"""


def r05(config: dict) -> str:
    cfg = rule_cfg(config, "R05")
    tol = num(cfg.get("tolerance_yuan", 100))
    factor = num(cfg.get("factor_tolerance", 0.02))
    parts = "(coalesce(p.fiscal, 0) + coalesce(p.other, 0))"
    note = (
        f"CASE WHEN rv_slip_note(p.total, {parts}, {factor}) = '' AND p.fiscal IS NOT NULL "
        f"AND p.other IS NULL AND {parts} < p.total THEN '；其他资金未填写' "
        f"ELSE rv_slip_note(p.total, {parts}, {factor}) END"
    )
    return f"""{INSERT}SELECT {PROJECT_COLS}, 'R05', {_sev(cfg, "severity", "严重")},
    '预算数' || rv_yuan(p.total) || '，但财政资金' || rv_yuan(coalesce(p.fiscal, 0))
    || '＋其他资金' || rv_yuan(coalesce(p.other, 0)) || '＝' || rv_yuan({parts})
    || '，相差' || rv_yuan(abs(p.total - {parts})) || {note},
    NULL, {PROJECT_TAIL}
FROM rv_p AS p
WHERE p.scope = 'project' AND p.total IS NOT NULL
  AND (p.fiscal IS NOT NULL OR p.other IS NOT NULL)
  AND abs({parts} - p.total) > {tol};"""


def r06(config: dict) -> str:
    cfg = rule_cfg(config, "R06")
    sev = _sev(cfg)
    tol = num(cfg.get("tolerance_pct", 0.5))
    missing = ""
    if cfg.get("flag_missing"):
        missing = f"""{INSERT}SELECT {PROJECT_COLS}, 'R06', {sev}, '未填写资金支出计划', 'missing',
    {PROJECT_TAIL}
FROM rv_p AS p WHERE p.scope = 'project' AND coalesce(p.total, 0) <> 0
  AND coalesce(p.q1, p.q2, p.q3, p.q4) IS NULL;
"""
    plan = f"""CREATE OR REPLACE TEMP TABLE rv_plan AS
SELECT p.*, list_filter([p.q1, p.q2, p.q3, p.q4], lambda v: v IS NOT NULL) AS present,
       array_to_string(list_filter(
           list_transform([['一季度末', p.q1::VARCHAR], ['二季度末', p.q2::VARCHAR],
                           ['三季度末', p.q3::VARCHAR], ['年底', p.q4::VARCHAR]],
                          lambda x: CASE WHEN x[2] IS NULL THEN NULL
                                         ELSE x[1] || rv_num(x[2]::DOUBLE) || '%' END),
           lambda s: s IS NOT NULL), '、') AS shown,
       p.q4 IS NOT NULL AND abs(p.q4 - 100) <= {tol} AS ends_full
FROM rv_p AS p
WHERE p.scope = 'project' AND coalesce(p.q1, p.q2, p.q3, p.q4) IS NOT NULL;
ALTER TABLE rv_plan ADD COLUMN not_cumulative BOOLEAN;
UPDATE rv_plan SET not_cumulative = NOT ends_full AND len(present) > 1
    AND abs(list_sum(present) - 100) <= {tol};
"""
    decreasing = (
        f"list_bool_or(list_transform(range(1, len(p.present)), "
        f"lambda i: p.present[i + 1] < p.present[i] - {tol}))"
    )
    return f"""{missing}{plan}
{INSERT}SELECT {PROJECT_COLS}, 'R06', {sev},
    '资金支出计划（' || p.shown || '）中有超过100%或为负数的进度', 'range', {PROJECT_TAIL}
FROM rv_plan AS p
WHERE list_bool_or(list_transform(p.present, lambda v: v < 0 OR v > 100 + {tol}));
{INSERT}SELECT {PROJECT_COLS}, 'R06', {sev},
    '资金支出计划（' || p.shown || '）各时点之和为100%，填成了每季度的支出占比，而不是累计进度',
    'not_cumulative', {PROJECT_TAIL}
FROM rv_plan AS p WHERE p.not_cumulative;
{INSERT}SELECT {PROJECT_COLS}, 'R06', {sev},
    '资金支出计划（' || p.shown || '）的累计进度出现下降', 'decreasing', {PROJECT_TAIL}
FROM rv_plan AS p WHERE NOT p.not_cumulative AND coalesce({decreasing}, false);
{INSERT}SELECT {PROJECT_COLS}, 'R06', {sev},
    '资金支出计划（' || p.shown || '）年底累计进度'
    || CASE WHEN p.q4 IS NULL THEN '未填写' ELSE '为' || rv_num(p.q4) || '%' END || '，应为100%',
    'not_100', {PROJECT_TAIL}
FROM rv_plan AS p WHERE NOT p.not_cumulative AND NOT p.ends_full;"""


def deadline_hint_sql(year: str) -> str:
    """R07's hint with the document's fiscal year (etl.review.rules_targets.deadline_hint)."""
    return (
        f"CASE WHEN {year} IS NULL "
        "THEN '时效指标写明完成时限（如“某年12月底前”）或期限（如“≤30天”），且在预算年度内。' "
        "ELSE '时效指标写明完成时限（如“' || "
        f"{year} || '年12月底前”）或期限（如“≤30天”），且在' || {year} || '年度内。' END"
    )


def r07(config: dict) -> str:
    cfg = rule_cfg(config, "R07")
    sev = _sev(cfg)
    periods = lst(cfg.get("period_units", ["天", "日", "个月", "月"]), norm=key)
    rates = lst(cfg.get("rate_words", ["率"]), norm=key)
    hint = deadline_hint_sql("r.fiscal_year")
    return f"""{INSERT}SELECT {ROW_COLS}, 'R07', {sev},
    '时效指标' || r.qname || '的完成时限' || rv_quote(r.raw, 40) || '（' || r.deadline::VARCHAR
    || '）' || CASE WHEN year(r.deadline) > r.fiscal_year
                    THEN '晚于预算年度，跨年度的长期目标不应作为年度目标'
                    ELSE '早于预算年度，疑似沿用往年的表格' END,
    'outside_year', coalesce(r.line, p.line), nullif(r.name, ''), {hint}
{ROW_FROM}WHERE r.sub AND r.level2 = '时效指标' AND r.kind = 'deadline'
  AND r.fiscal_year IS NOT NULL AND r.deadline IS NOT NULL AND year(r.deadline) <> r.fiscal_year;
{INSERT}SELECT {ROW_COLS}, 'R07', {sev},
    '时效指标' || r.qname || '的指标值' || rv_quote(r.raw, 40) || '没有给出具体的完成时间或期限',
    'no_period', coalesce(r.line, p.line), nullif(r.name, ''), {hint}
{ROW_FROM}WHERE r.sub AND r.level2 = '时效指标' AND r.kind <> 'deadline'
  AND NOT (r.kind IN ('number', 'percent') AND list_contains({periods}, r.uk))
  AND NOT (r.kind = 'percent'
           AND list_bool_or(list_transform({rates}, lambda w: contains(r.nk, w))));"""


def r08(config: dict) -> str:
    """Vague targets: the terms are found once per distinct target (textmatch.rv_tx_vague)."""
    cfg = rule_cfg(config, "R08")
    return f"""{INSERT}SELECT {ROW_COLS}, 'R08', {_sev(cfg)},
    '指标' || r.qname || '的指标值' || rv_quote(r.raw, 40) || '只有'
    || array_to_string(list_transform(v.found, lambda t: '“' || t || '”'), '、')
    || '等模糊表述，年底无法判断是否完成',
    NULL, {ROW_TAIL}
FROM rv_row AS r JOIN rv_p AS p USING (holder)
JOIN rv_tx_vague AS v ON v.raw = r.raw
WHERE r.sub AND r.kind = 'qualitative';"""


def r09(config: dict) -> str:
    cfg = rule_cfg(config, "R09")
    fillers = [bare(f) for f in cfg.get("trailing_fillers", []) if bare(f)]
    exclusions = [bare(w) for w in cfg.get("exclusions", []) if bare(w)]
    suffixes = sorted(cfg.get("numeric_suffixes", []), key=lambda s: len(s), reverse=True)
    numeric_level2 = lst(cfg.get("numeric_level2", ["数量指标"]))
    if fillers:
        alternation = "|".join(_re_escape(f) for f in sorted(fillers, key=len, reverse=True))
        stripped = (
            f"coalesce(nullif(regexp_extract(r.nb, '^(.+?)(?:{alternation})+$', 1), ''), r.nb)"
        )
    else:
        stripped = "r.nb"
    ends = ", ".join(lit(bare(s)) for s in suffixes)
    shown = ", ".join(lit(s) for s in suffixes)
    excl = lst(exclusions)
    suffix = (
        f"CASE WHEN r.nb = '' OR starts_with(r.nb, '是否') OR starts_with(r.nb, '能否') "
        f"OR starts_with(r.nb, '有无') OR starts_with(r.nb, '有没有') OR starts_with(r.nb, '可否') "
        f"THEN NULL "
        f"WHEN list_bool_or(list_transform({excl}, lambda w: ends_with(s.stem, w))) THEN NULL "
        f"ELSE ([{shown}]::VARCHAR[])[list_position(list_transform([{ends}]::VARCHAR[], "
        f"lambda w: w <> '' AND ends_with(s.stem, w)), true)] END"
    )
    # the stems (a regex per row) only for the rows the rule can flag
    candidate = (
        "r.sub AND r.kind = 'qualitative' AND NOT rv_has_digit(r.raw) AND NOT r.is_cost "
        "AND r.level2 <> '时效指标' AND NOT r.zero_target"
    )
    return f"""{INSERT}SELECT {ROW_COLS}, 'R09', {_sev(cfg)},
    '指标' || r.qname || '的指标值是定性表述' || rv_quote(r.raw, 40) || '，'
    || CASE WHEN s.suffix IS NOT NULL THEN '指标名称以“' || s.suffix || '”结尾，要求给出数值'
            ELSE r.level2 || '应给出具体数量' END,
    NULL, {ROW_TAIL}
FROM (SELECT r.holder, r.idx, {suffix.replace("s.stem", "r.stem")} AS suffix
      FROM (SELECT r.holder, r.idx, r.nb, {stripped} AS stem FROM rv_row AS r
            WHERE {candidate}) AS r) AS s
JOIN rv_row AS r USING (holder, idx) JOIN rv_p AS p ON p.holder = r.holder
WHERE {candidate} AND (s.suffix IS NOT NULL OR list_contains({numeric_level2}, r.level2));"""


def r10(config: dict) -> str:
    cfg = rule_cfg(config, "R10")
    min_chars = int(cfg.get("min_chars", 4))
    contain = int(cfg.get("containment_min_chars", 8))
    similarity = num(cfg.get("similarity", 0.85))
    label_max = int(cfg.get("label_max_chars", 6))
    checks = []
    for label, column in (("名称", "w.name_w"), ("描述", "w.desc_w")):
        ratio = f"(1 - levenshtein(w.rem, {column}) / greatest(length(w.rem), length({column})))"
        contained = (
            f"((length(w.rem) >= {contain} AND contains({column}, w.rem)) "
            f"OR (length({column}) >= {contain} AND contains(w.rem, {column})))"
        )
        hit = f"({column} <> '' AND ({ratio} >= {similarity} OR {contained}))"
        how = (
            f"CASE WHEN w.rem = {column} THEN '完全相同' WHEN {contained} THEN '包含整段' "
            f"ELSE '相似度' || printf('%.0f', 100 * {ratio}) || '%' END"
        )
        checks.append((label, hit, how))
    (l1, hit1, how1), (l2, hit2, how2) = checks
    return f"""CREATE OR REPLACE TEMP TABLE rv_words AS  -- each distinct text once
SELECT t, rv_words_only(t) AS w
FROM (SELECT DISTINCT unnest([raw, name, coalesce(description, '')]) AS t FROM rv_row WHERE sub);
{INSERT}SELECT {ROW_COLS}, 'R10', {_sev(cfg)},
    '指标' || r.qname || '的指标值' || rv_quote(r.raw, 40) || '照抄了指标'
    || CASE WHEN {hit1} THEN '{l1}（除数字外与{l1}' || {how1}
            ELSE '{l2}（除数字外与{l2}' || {how2} END
    || '），不是可考核的目标值',
    NULL, {ROW_TAIL}
FROM (SELECT r.holder, r.idx, a.w AS rem, b.w AS name_w, c.w AS desc_w, r.value
      FROM rv_row AS r
      JOIN rv_words AS a ON a.t = r.raw
      JOIN rv_words AS b ON b.t = r.name
      JOIN rv_words AS c ON c.t = coalesce(r.description, '')
      WHERE r.sub AND length(a.w) >= {min_chars}) AS w
JOIN rv_row AS r USING (holder, idx) JOIN rv_p AS p ON p.holder = r.holder
WHERE length(w.rem) >= {min_chars}
  AND NOT (length(w.rem) <= {label_max} AND w.value IS NOT NULL AND contains(w.name_w, w.rem))
  AND ({hit1} OR {hit2});"""


def r11(config: dict) -> str:
    cfg = rule_cfg(config, "R11")
    return f"""{INSERT}SELECT {ROW_COLS}, 'R11', {_sev(cfg)},
    '指标' || rv_quote(coalesce(nullif(r.name, ''), r.description), 30) || '的指标值为'
    || CASE WHEN trim(r.raw) <> '' THEN '占位内容' || rv_quote(trim(r.raw), 40) ELSE '空白' END
    || '，该行没有实际目标',
    NULL, {ROW_TAIL}
{ROW_FROM}WHERE r.ph AND (r.nk <> '' OR rv_key(r.description) <> '')
  AND (p.scope = 'unit' OR p.n_sub > 0);"""


def r12(config: dict) -> str:
    cfg = rule_cfg(config, "R12")
    sev = _sev(cfg)
    over = _any_in("r.nb", [bare(w) for w in cfg.get("over_100_words", [])])
    count_units = lst(cfg.get("count_units", []), norm=key)
    suffixes = [bare(s) for s in cfg.get("count_name_suffixes", [])]
    ends = _ends_in("r.nb", suffixes)
    percent_words = _any_in(
        "r.nb", [bare(w) for w in cfg.get("percent_name_words", ["满意度", "率"])]
    )
    fraction = "true" if cfg.get("fraction_as_percent", True) else "false"
    printed = "regexp_extract(r.raw, '\\d+(?:\\.\\d+)?')"
    # one statement over the columns used (no wide copy, no ALTER + UPDATE of every row)
    return f"""CREATE OR REPLACE TEMP TABLE rv_r12 AS
SELECT r.*, CASE
    WHEN r.kind = 'percent' AND r.vmax > 100 AND NOT coalesce({over}, false) THEN 'over_100'
    WHEN r.kind = 'percent' AND r.printed <> '' AND r.printed::DOUBLE > 0
         AND r.printed::DOUBLE <= 1 AND abs(r.v0 - r.printed::DOUBLE * 100) < 1e-6
         AND NOT contains(r.raw, '%') THEN 'notation'
    WHEN {fraction} AND (r.is_sat OR coalesce({percent_words}, false))
         AND (r.uk = '' OR r.kind = 'percent') AND r.kind IN ('number', 'percent')
         AND (r.op IS NULL OR r.op IN ('>=', '>', '='))
         AND r.v0 > 0 AND r.v0 <= 1 AND (r.kind = 'number' OR r.is_sat) THEN 'fraction'
    WHEN r.kind = 'number'
         AND (list_contains({count_units}, r.uk) OR (r.uk = '' AND coalesce({ends}, false)))
         AND (abs(r.value - round(r.value)) >= 1e-9
              OR abs(r.value_max - round(r.value_max)) >= 1e-9) THEN 'fractional_count'
END AS variant
FROM (SELECT r.holder, r.document_id, r.idx, r.line, r.name, r.qname, r.raw, r.unit, r.kind,
             r.nb, r.v0, r.is_sat, r.uk, r.op, r.value, r.value_max,
             greatest(coalesce(r.value, r.value_max), coalesce(r.value_max, r.value)) AS vmax,
             {printed} AS printed
      FROM rv_row AS r WHERE r.sub AND (r.value IS NOT NULL OR r.value_max IS NOT NULL)) AS r;
{INSERT}SELECT {ROW_COLS}, 'R12', {sev},
    '指标' || r.qname || '的指标值' || rv_quote(r.raw, 40) || CASE r.variant
        WHEN 'over_100' THEN '超过100%，该比率不可能超过100%'
        WHEN 'notation' THEN '把' || rv_num(r.v0) || '%写成了小数' || r.printed || '，应写作“'
                             || rv_num(r.v0) || '%”（记法问题，不影响理解）'
        WHEN 'fraction' THEN '按百分比理解只有' || rv_num(r.v0) || '%，疑似把'
                             || rv_num(r.v0 * 100) || '%写成了小数'
        ELSE '不是整数，' || coalesce(nullif(r.unit, ''), '个') || '数应取整数' END,
    CASE r.variant WHEN 'notation' THEN 'fraction' ELSE r.variant END, {ROW_TAIL}
FROM rv_r12 AS r JOIN rv_p AS p USING (holder) WHERE r.variant IS NOT NULL;"""


POSITIVE_MARKERS = (
    "处理",
    "办结",
    "整改",
    "化解",
    "查处",
    "处置",
    "解决",
    "答复",
    "回复",
    "下降",
    "减少",
    "降低",
    "防范",
    "防治",
    "排查",
    "培训",
    "宣传",
    "覆盖",
    "知晓",
    "消除",
)


def r13(config: dict) -> str:
    cfg = rule_cfg(config, "R13")
    negative = [bare(w) for w in cfg.get("negative_words", []) if bare(w)]
    hit = _first_in("r.nb", negative)
    markers = _any_in("r.nb", list(POSITIVE_MARKERS))
    infer = "true" if cfg.get("infer_cost_direction", True) else "false"
    up, down = "r.op IN ('>=', '>')", "r.op IN ('<=', '<')"
    return f"""{INSERT}SELECT {ROW_COLS}, 'R13', {_sev(cfg)}, m.message, NULL, {ROW_TAIL}
FROM (SELECT r.holder, r.idx, CASE
        WHEN r.stated_direction = 'positive' AND {down}
            THEN '指标' || r.qname || '标为正向指标，指标值' || rv_quote(r.raw, 40)
                 || '却使用了“≤/<”'
        WHEN r.stated_direction = 'negative' AND {up}
            THEN '指标' || r.qname || '标为反向指标，指标值' || rv_quote(r.raw, 40)
                 || '却使用了“≥/>”'
        WHEN r.is_cost AND r.stated_direction = 'positive'
            THEN '成本指标' || r.qname || '被设为正向指标（' || rv_quote(r.raw, 40)
                 || '），成本应越低越好'
        WHEN r.is_cost AND r.stated_direction IS NULL AND {up} AND {infer} AND r.is_money
            THEN '成本指标' || r.qname || '的指标值' || rv_quote(r.raw, 40)
                 || '使用了“≥”，成本指标应为反向（≤）'
        WHEN {up} AND coalesce(r.stated_direction, '') <> 'positive' AND {hit} IS NOT NULL
             AND NOT coalesce({markers}, false)
            THEN '指标' || r.qname || '含“' || {hit} || '”，属于越低越好的反向指标，指标值'
                 || rv_quote(r.raw, 40) || '却使用了“≥”'
      END AS message
      FROM rv_row AS r WHERE r.sub AND r.kind <> 'deadline') AS m
JOIN rv_row AS r USING (holder, idx) JOIN rv_p AS p ON p.holder = r.holder
WHERE m.message IS NOT NULL;"""


def r14(config: dict) -> str:
    cfg = rule_cfg(config, "R14")
    totals = [float(t) for t in cfg.get("totals", [100])]
    tol = num(cfg.get("tolerance", 0.5))
    ok = " OR ".join(f"abs(w.total - {t!r}) <= {tol}" for t in totals) or "false"
    expected = "或".join(_fmt(t) for t in totals)
    return f"""{INSERT}SELECT {PROJECT_COLS}, 'R14', {_sev(cfg)},
    w.given || '个指标的权重合计为' || rv_num(w.total)
    || CASE WHEN {ok} THEN '' ELSE '，不等于{expected}' END
    || CASE WHEN w.missing > 0 THEN '；另有' || w.missing || '个指标未填写权重（如'
                                    || w.first_missing || '）' ELSE '' END,
    NULL, {PROJECT_TAIL}
FROM (SELECT holder, count(weight) AS given, sum(weight) AS total,
             count(*) FILTER (WHERE weight IS NULL AND nk <> '' AND NOT ph) AS missing,
             arg_min(qname, idx) FILTER (WHERE weight IS NULL AND nk <> '' AND NOT ph)
                 AS first_missing
      FROM rv_row GROUP BY holder HAVING count(weight) > 0) AS w
JOIN rv_p AS p USING (holder)
WHERE {PROJECT_ONLY} AND (NOT ({ok}) OR w.missing > 0);"""


def _fmt(value: float) -> str:
    text = f"{float(value):,.4f}".rstrip("0").rstrip(".")
    return text.replace(",", "")


SIGNS = (
    "CASE r.op WHEN '>=' THEN '≥' WHEN '<=' THEN '≤' WHEN '>' THEN '>' WHEN '<' THEN '<' "
    "ELSE '' END"
)
SIGNATURE = (
    f"CASE WHEN r.value IS NOT NULL THEN {SIGNS} || rv_num(r.value) || coalesce(r.unit, '') "
    "ELSE r.rb END"
)


def r15(config: dict) -> str:
    cfg = rule_cfg(config, "R15")
    words = _any_in("r.nb", [bare(w) for w in cfg.get("satisfaction_words", ["满意"])])
    perfect = num(cfg.get("perfect_value", 100))
    minimum = int(cfg.get("min_projects", 3))
    share = num(cfg.get("share", 0.8))
    top = int(cfg.get("max_values", 2))
    return f"""{INSERT}SELECT {ROW_COLS}, 'R15', {_sev(cfg, "perfect_severity")},
    '满意度指标' || rv_quote(r.name, 40) || '的目标为' || rv_quote(r.raw, 40)
    || '，满意度100%没有实现的余地，目标缺乏合理性',
    'perfect', {ROW_TAIL}
{ROW_FROM}WHERE p.scope = 'project' AND r.sub AND r.is_sat AND r.kind = 'percent'
  AND r.value >= {perfect} AND (r.op IS NULL OR r.op IN ('>=', '=', '>'))
  AND coalesce({words}, false);
CREATE OR REPLACE TEMP TABLE rv_sat AS  -- each project's first satisfaction row
SELECT r.holder, r.document_id, r.idx, r.name, r.raw, r.line, p.seq, {SIGNATURE} AS sig
FROM (SELECT r.holder, min(r.idx) AS idx
      FROM rv_row AS r JOIN rv_p AS p USING (holder)
      WHERE p.scope = 'project' AND r.sub AND r.is_sat GROUP BY r.holder) AS f
JOIN rv_row AS r ON r.holder = f.holder AND r.idx = f.idx
JOIN rv_p AS p ON p.holder = r.holder;
CREATE OR REPLACE TEMP TABLE rv_sat_doc AS
SELECT d.document_id, d.graded, count(s.holder) AS firsts
FROM (SELECT document_id, count(*) AS graded FROM rv_p
      WHERE scope = 'project' AND n_sub > 0 GROUP BY ALL) AS d
LEFT JOIN rv_sat AS s USING (document_id) GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE rv_sat_top AS
SELECT document_id, sig, n, first_seq FROM (
    SELECT document_id, sig, count(*) AS n, min(seq) AS first_seq,
           row_number() OVER (PARTITION BY document_id ORDER BY count(*) DESC, min(seq)) AS rk
    FROM rv_sat GROUP BY document_id, sig)
WHERE rk <= {top};
{INSERT}SELECT s.holder, s.document_id, s.idx, 'R15', {_sev(cfg, "severity", "提示")},
    '满意度指标' || rv_quote(s.name, 40) || '的目标' || rv_quote(s.sig, 40)
    || CASE WHEN rv_bare(s.raw) <> rv_bare(s.sig) THEN '（原文' || rv_quote(s.raw, 24) || '）'
            ELSE '' END
    || '：本单位' || d.graded || '个项目的满意度目标只有' || t.shown || t.k || '种取值，'
    || '没有按项目的服务对象分别设定，疑似套用模板',
    'boilerplate', coalesce(s.line, p.line), nullif(s.name, ''), NULL
FROM rv_sat AS s
JOIN rv_p AS p USING (holder)
JOIN rv_sat_doc AS d ON d.document_id = s.document_id
JOIN (SELECT document_id, count(*) AS k, sum(n) AS covered,
             string_agg(rv_quote(sig, 40), '、' ORDER BY n DESC, first_seq) AS shown
      FROM rv_sat_top GROUP BY document_id) AS t ON t.document_id = s.document_id
WHERE d.graded >= {minimum} AND d.firsts >= {minimum} AND t.covered / d.graded >= {share}
  AND s.sig IN (SELECT sig FROM rv_sat_top AS x WHERE x.document_id = s.document_id);"""


def r16(config: dict) -> str:
    cfg = rule_cfg(config, "R16")
    outputs = [bare(w) for w in cfg.get("output_words", []) if bare(w)]
    outcomes = [bare(w) for w in cfg.get("outcome_words", []) if bare(w)]
    exclusions = _any_in("r.nb", [bare(w) for w in cfg.get("outcome_exclusions", [])])
    out_hit, come_hit = _first_in("r.nb", outputs), _first_in("r.nb", outcomes)
    return f"""{INSERT}SELECT {ROW_COLS}, 'R16', {_sev(cfg)},
    CASE WHEN r.level1 = '效益指标'
         THEN '效益指标' || r.qname || '含“' || {out_hit} || '”，描述的是工作完成情况，属于产出指标'
         ELSE '产出指标' || r.qname || '含“' || {come_hit}
              || '”，描述的是项目带来的变化，属于效益或满意度指标'
    END,
    NULL, {ROW_TAIL}
{ROW_FROM}WHERE r.sub AND NOT ({out_hit} IS NOT NULL AND {come_hit} IS NOT NULL)
  AND ((r.level1 = '效益指标' AND {out_hit} IS NOT NULL)
       OR (r.level1 = '产出指标' AND {come_hit} IS NOT NULL AND NOT r.is_cost
           AND NOT coalesce({exclusions}, false)));"""


def r17(config: dict) -> str:
    cfg = rule_cfg(config, "R17")
    minimum = int(cfg.get("uniform_min_indicators", 4))
    share = num(cfg.get("uniform_share", 0.8))
    return f"""{INSERT}SELECT {ROW_COLS}, 'R17', {_sev(cfg)},
    '指标' || rv_quote(r.name, 40) || '与'
    || CASE WHEN d.first_line IS NOT NULL THEN '第' || d.first_line || '行' ELSE '前面' END
    || '的指标重复（' || coalesce(nullif(d.first_level2, ''), '同类') || '／'
    || coalesce(nullif(r.level2, ''), '同类') || '）',
    'duplicate', {ROW_TAIL}
FROM (SELECT holder, idx,
             first_value(line) OVER w AS first_line, first_value(level2) OVER w AS first_level2,
             row_number() OVER w AS nth
      FROM rv_row WHERE sub AND nb <> ''
      WINDOW w AS (PARTITION BY holder, nb ORDER BY idx)) AS d
JOIN rv_row AS r USING (holder, idx) JOIN rv_p AS p ON p.holder = r.holder
WHERE d.nth > 1;
{INSERT}SELECT {ROW_COLS}, 'R17', {_sev(cfg, "uniform_severity")},
    u.n || '个指标中有' || u.cnt || '个的指标值都是' || rv_quote(r.raw, 40) || '（涉及' || u.spread
    || '），指标值没有按各指标的实际情况设定',
    'uniform', {ROW_TAIL}
FROM (SELECT t.holder, t.tk, t.cnt, t.first_idx, n.n,
             (SELECT string_agg(g, '、' ORDER BY gi) FROM (
                 SELECT coalesce(nullif(level2, ''), nullif(level1, ''), '未分类') AS g,
                        min(idx) AS gi
                 FROM rv_row AS x WHERE x.holder = t.holder AND x.sub
                   AND replace(x.rb, '百分比', '%') = t.tk GROUP BY 1)) AS spread
      FROM (SELECT holder, replace(rb, '百分比', '%') AS tk, count(*) AS cnt, min(idx) AS first_idx,
                   row_number() OVER (PARTITION BY holder ORDER BY count(*) DESC, min(idx)) AS rk
            FROM rv_row WHERE sub GROUP BY holder, replace(rb, '百分比', '%')) AS t
      JOIN (SELECT holder, count(*) AS n FROM rv_row WHERE sub GROUP BY ALL) AS n USING (holder)
      WHERE t.rk = 1 AND t.tk <> '' AND n.n >= {minimum} AND t.cnt / n.n >= {share}) AS u
JOIN rv_row AS r ON r.holder = u.holder AND r.idx = u.first_idx
JOIN rv_p AS p ON p.holder = r.holder;"""


def r18(config: dict) -> str:
    cfg = rule_cfg(config, "R18")
    generic = sorted({bare(g) for g in cfg.get("generic", [])})
    long_generic = [g for g in generic if len(g) >= 4]
    is_generic = (
        f"(list_contains({lst(generic)}, r.bb) OR (length(r.bb) <= 10 AND "
        f"coalesce({_any_in('r.bb', long_generic)}, false)))"
    )
    sev = _sev(cfg, "severity", "提示")
    return f"""CREATE OR REPLACE TEMP TABLE rv_basis AS
SELECT r.holder, r.idx, r.qname, r.basis, r.line,
       r.bk = '' AS empty, r.bk <> '' AND {is_generic} AS vague
FROM (SELECT r.*, regexp_replace(r.bk, '[^\\p{{L}}\\p{{N}}]+', '', 'g') AS bb
      FROM rv_row AS r JOIN rv_p AS p USING (holder)
      WHERE {PROJECT_ONLY} AND r.sub) AS r;
CREATE OR REPLACE TEMP TABLE rv_has_basis AS
SELECT DISTINCT document_id FROM rv_row WHERE bk <> '';
{INSERT}SELECT p.holder, p.document_id, b.idx, 'R18', {sev},
    p.n_sub || '个指标中有' || b.cnt || '个未填写指标值确定依据（如' || b.names || '）',
    'empty', coalesce(b.line, p.line), nullif(r.name, ''), NULL
FROM (SELECT holder, count(*) AS cnt, arg_min(idx, idx) AS idx, arg_min(line, idx) AS line,
             array_to_string(list(qname ORDER BY idx)[1:3], '、') AS names
      FROM rv_basis WHERE empty GROUP BY holder) AS b
JOIN rv_p AS p USING (holder) JOIN rv_row AS r ON r.holder = b.holder AND r.idx = b.idx
WHERE p.document_id IN (SELECT document_id FROM rv_has_basis);
{INSERT}SELECT p.holder, p.document_id, b.idx, 'R18', {sev},
    p.n_sub || '个指标中有' || b.cnt || '个的指标值确定依据笼统（' || b.shown
    || '），没有说明依据的标准或文件',
    'generic', coalesce(b.line, p.line), nullif(r.name, ''), NULL
FROM (SELECT holder, count(*) AS cnt, arg_min(idx, idx) AS idx, arg_min(line, idx) AS line,
             (SELECT string_agg(q, '、' ORDER BY i) FROM (
                 SELECT rv_quote(x.basis, 16) AS q, min(x.idx) AS i FROM rv_basis AS x
                 WHERE x.holder = v.holder AND x.vague GROUP BY 1)) AS shown
      FROM rv_basis AS v WHERE vague GROUP BY holder) AS b
JOIN rv_p AS p USING (holder) JOIN rv_row AS r ON r.holder = b.holder AND r.idx = b.idx;"""


def r19(config: dict) -> str:
    """Goals without an indicator; bigrams and concepts come from textmatch (rv_tx_ind,
    rv_tx_goal), computed once per distinct text."""
    cfg = rule_cfg(config, "R19")
    min_shared = int(cfg.get("min_shared_bigrams", 2))
    ratio = num(cfg.get("min_overlap_ratio", 0.1))
    text = INDICATOR_TEXT.replace("name", "r.name").replace("description", "r.description")
    return f"""CREATE OR REPLACE TEMP TABLE rv_ind_words AS
SELECT r.holder, r.idx, r.qname, t.grams, t.concepts
FROM rv_row AS r JOIN rv_tx_ind AS t ON t.text = {text}
WHERE r.sub AND r.scope = 'project';
CREATE OR REPLACE TEMP TABLE rv_goal AS
SELECT p.holder, p.document_id, p.line, g.gi, t.stripped, t.grams, t.concepts
FROM rv_p AS p, unnest(p.goals) WITH ORDINALITY AS g(goal, gi)
JOIN rv_tx_goal AS t ON t.goal = g.goal
WHERE {PROJECT_ONLY};
INSERT INTO rv_find (holder, document_id, idx, rule_id, severity, message, variant, line,
                     indicator_name, hint, k)
SELECT b.holder, b.document_id, NULL, 'R19', {_sev(cfg)},
    '绩效目标' || rv_quote(b.stripped, 40) || '没有对应的绩效指标'
    || CASE WHEN b.best > 0
            THEN '，最接近的指标' || b.best_name || '也只有' || b.best || '处用词相同'
            ELSE '' END,
    NULL, b.line, NULL, NULL, b.gi
FROM (SELECT x.holder, x.gi, any_value(x.document_id) AS document_id,
             any_value(x.line) AS line, any_value(x.stripped) AS stripped,
             any_value(len(x.grams)) AS n_grams, max(x.shared) AS best,
             arg_max(x.qname, x.shared * 100000 - x.idx) AS best_name,
             bool_or(x.by_concept) AS by_concept
      FROM (SELECT g.holder, g.gi, g.document_id, g.line, g.stripped, g.grams, i.qname, i.idx,
                   len(list_intersect(g.grams, i.grams)) AS shared,
                   len(g.concepts) > 0 AND len(list_intersect(g.concepts, i.concepts))
                       >= least(2, len(g.concepts)) AS by_concept
            FROM rv_goal AS g JOIN rv_ind_words AS i USING (holder)
            WHERE len(g.grams) >= 2) AS x
      GROUP BY x.holder, x.gi) AS b
WHERE b.best < greatest({min_shared}, floor({ratio} * b.n_grams)) AND NOT b.by_concept;"""


def r20(config: dict) -> str:
    cfg = rule_cfg(config, "R20")
    minimum = int(cfg.get("min_indicators", 3))
    share = float(cfg.get("min_share", 0.5))
    kinds = lst(QUANTITATIVE_KINDS)
    return f"""{INSERT}SELECT {PROJECT_COLS}, 'R20', {_sev(cfg)},
    q.n || '个指标中只有' || q.quant || '个是定量指标（占' || printf('%.0f', 100 * q.quant / q.n)
    || '%，低于{share:.0%}）；定性指标如' || q.examples,
    NULL, {PROJECT_TAIL}
FROM (SELECT holder, count(*) AS n, count(*) FILTER (WHERE list_contains({kinds}, kind)) AS quant,
             array_to_string((list(rv_quote(name, 16) ORDER BY idx)
                 FILTER (WHERE NOT list_contains({kinds}, kind)))[1:3], '、') AS examples
      FROM rv_row WHERE sub GROUP BY holder) AS q
JOIN rv_p AS p USING (holder)
WHERE {PROJECT_ONLY} AND q.n >= {minimum} AND q.quant / q.n < {share!r};"""


def r21(config: dict) -> str:
    cfg = rule_cfg(config, "R21")
    minimum = int(cfg.get("min_projects", 3))
    share = num(cfg.get("min_share", 0.25))
    # the first row of each (project, name, target): a narrow GROUP BY, not a window over rv_row
    return f"""CREATE OR REPLACE TEMP TABLE rv_copy AS
SELECT r.holder, r.document_id, r.idx, r.name, r.raw, r.line, r.nb, s.sig
FROM (SELECT r.holder, r.nb, {SIGNATURE} AS sig, min(r.idx) AS idx
      FROM rv_row AS r JOIN rv_p AS p USING (holder)
      WHERE {PROJECT_ONLY} AND r.sub AND NOT r.is_sat AND r.kind <> 'deadline' AND r.nb <> ''
      GROUP BY ALL) AS s
JOIN rv_row AS r ON r.holder = s.holder AND r.idx = s.idx;
{INSERT}SELECT c.holder, c.document_id, c.idx, 'R21', {_sev(cfg)},
    '指标' || rv_quote(c.name, 30) || '＝' || rv_quote(c.raw, 20) || '在本单位' || g.graded
    || '个项目中的' || s.places || '个项目里完全相同，没有体现本项目的具体目标',
    'within_unit', coalesce(c.line, p.line), nullif(c.name, ''), NULL
FROM rv_copy AS c
JOIN rv_p AS p USING (holder)
JOIN (SELECT document_id, count(*) AS graded FROM rv_p WHERE {PROJECT_ONLY.replace("p.", "")}
      GROUP BY ALL) AS g ON g.document_id = c.document_id
JOIN (SELECT document_id, nb, sig, count(*) AS places FROM rv_copy GROUP BY ALL) AS s
  ON s.document_id = c.document_id AND s.nb = c.nb AND s.sig = c.sig
WHERE g.graded >= {minimum} AND s.places >= greatest({minimum}, ceil({share} * g.graded));"""


PER_UNIT_WORDS = ("标准", "单价", "人均", "户均", "亩均", "每", "单位成本", "/")


def r22(config: dict) -> str:
    cfg = rule_cfg(config, "R22")
    low = num(cfg.get("min_ratio", 0.5))
    tol = num(cfg.get("tolerance_ratio", 0.005))
    uct = num(cfg.get("unit_cost_tolerance", 0.1))
    per_unit = _any_in("r.nb || coalesce(r.unit, '')", list(PER_UNIT_WORDS))
    budget_words = _any_in("r.nb", [bare(w) for w in cfg.get("budget_words", ["预算"])])
    cost_words = _any_in("r.nb", [bare(w) for w in cfg.get("cost_words", ["成本", "单价", "费用"])])
    control = _any_in("r.nb", [bare(n) for n in rule_cfg(config, "R04").get("control_names", [])])
    return f"""CREATE OR REPLACE TEMP TABLE rv_cost AS
SELECT r.*, p.total, p.fiscal, coalesce({per_unit}, false) AS per_unit
FROM rv_row AS r JOIN rv_p AS p USING (holder)
WHERE {PROJECT_ONLY} AND r.sub AND r.is_cost AND p.total > 0 AND r.yuan > 0;
{INSERT}SELECT c.holder, c.document_id, c.idx, 'R22', {_sev(cfg)},
    '成本指标' || c.qname || rv_quote(c.raw, 40) || '按单位成本乘以数量指标' || q.qname || '的'
    || rv_num(q.value) || q.unit || '，合计' || rv_yuan(c.yuan * q.value) || '，'
    || CASE WHEN c.yuan * q.value > c.total THEN '超过' ELSE '远低于' END
    || '项目预算数' || rv_yuan(c.total),
    'unit_cost', coalesce(c.line, p.line), nullif(c.name, ''), NULL
FROM rv_cost AS c
JOIN rv_p AS p USING (holder)
JOIN rv_row AS q ON q.holder = c.holder AND q.sub AND q.level2 = '数量指标' AND q.kind = 'number'
                AND q.value IS NOT NULL AND q.value <> 0 AND coalesce(q.unit, '') <> ''
WHERE c.per_unit
  AND (c.yuan * q.value > c.total * (1 + {uct}) OR c.yuan * q.value < c.total * {low})
QUALIFY row_number() OVER (PARTITION BY c.holder, c.idx ORDER BY q.idx) = 1;
{INSERT}SELECT r.holder, r.document_id, r.idx, 'R22', {_sev(cfg, "restate_severity", "提示")},
    '成本指标' || r.qname || rv_quote(r.raw, 40) || '只是重复了预算数' || rv_yuan(r.total)
    || '，没有说明成本的构成或单位成本',
    'restates_budget', coalesce(r.line, p.line), nullif(r.name, ''), NULL
FROM rv_cost AS r JOIN rv_p AS p USING (holder)
WHERE NOT r.per_unit AND abs(r.yuan - r.total) <= r.total * {tol}
  AND coalesce({budget_words}, false) AND NOT coalesce({cost_words}, false);
{INSERT}SELECT r.holder, r.document_id, r.idx, 'R22', {_sev(cfg)},
    '成本指标' || r.qname || rv_quote(r.raw, 40) || '（' || rv_yuan(r.yuan) || '）只有项目预算数'
    || rv_yuan(r.total)
    || CASE WHEN r.fiscal IS NOT NULL AND abs(r.fiscal - r.total) > r.total * {tol}
            THEN '（财政资金为' || rv_yuan(r.fiscal) || '）' ELSE '' END
    || '的' || printf('%.0f', 100 * r.yuan / r.total) || '%，成本目标与预算相矛盾：'
    || '要么预算多报，要么成本目标不实',
    'far_below', coalesce(r.line, p.line), nullif(r.name, ''), NULL
FROM rv_cost AS r JOIN rv_p AS p USING (holder)
WHERE NOT r.per_unit AND abs(r.yuan - r.total) > r.total * {tol}
  AND NOT coalesce({control}, false) AND r.yuan < r.total * {low};"""


def r23(config: dict) -> str:
    cfg = rule_cfg(config, "R23")
    words = lst(config.get(VOCAB, {}).get("benefit_done_words", []), norm=bare)
    return f"""{INSERT}SELECT {ROW_COLS}, 'R23', {_sev(cfg)},
    '效益指标' || r.qname || '的指标值只有' || rv_quote(r.raw, 40)
    || '，只说明做了，无法衡量项目带来的变化',
    NULL, {ROW_TAIL}
{ROW_FROM}WHERE r.sub AND r.level1 = '效益指标' AND r.kind = 'qualitative'
  AND list_contains({words}, r.rb);"""


def r24(config: dict) -> str:
    cfg = rule_cfg(config, "R24")
    specs = config.get(VOCAB, {}).get("misplaced", [])
    if not specs:
        return ""
    cases = []
    for order, spec in enumerate(specs):
        wrong = str(spec.get("wrong", ""))
        words = [str(w) for w in spec.get("words", [])]
        unless = _any_in("r.nb", [bare(u) for u in spec.get("unless", [])])
        hit = _first_in("r.nb", [bare(w) for w in words], words)
        cases.append(
            f"SELECT r.holder, r.idx, {order} AS k, {hit} AS word, {lit(wrong)} AS wrong, "
            f"{lit(spec.get('expected'))} AS expected, {lit(bare(wrong))} AS variant "
            "FROM rv_row AS r WHERE r.sub "
            f"AND (r.level1 = {lit(wrong)} OR r.level2 = {lit(wrong)}) "
            f"AND {hit} IS NOT NULL AND NOT coalesce({unless}, false)"
        )
    union = "\nUNION ALL\n".join(cases)
    return f"""{INSERT}SELECT {ROW_COLS}, 'R24', {_sev(cfg)},
    '指标' || r.qname || '（含“' || m.word || '”）写在' || m.wrong || '下，应放在' || m.expected,
    m.variant, {ROW_TAIL}
FROM ({union}
      QUALIFY row_number() OVER (PARTITION BY holder, idx ORDER BY k) = 1) AS m
JOIN rv_row AS r USING (holder, idx) JOIN rv_p AS p ON p.holder = r.holder;"""


def r25(config: dict) -> str:
    cfg = rule_cfg(config, "R25")
    vocab = config.get(VOCAB, {})
    rate_words = [bare(w) or w for w in vocab.get("rate_words", [])]
    classes = list((vocab.get("unit_classes") or {}).items())
    name_case = " ".join(
        f"WHEN {_ends_in('r.nb', [bare(n) for n in spec.get('names', [])])} THEN {lit(cls)}"
        for cls, spec in classes
    )
    label_case = " ".join(
        f"WHEN {lit(cls)} THEN {lit(spec.get('label') or cls)}" for cls, spec in classes
    )
    unit_case = " ".join(
        f"WHEN list_contains({lst([bare(u) for u in spec.get('units', [])])}, r.ub) THEN {lit(cls)}"
        for cls, spec in classes
    )
    expected = f"CASE {name_case} END" if classes else "NULL"
    actual = f"CASE {unit_case} END" if classes else "NULL"
    label = f"CASE m.expected {label_case} END" if classes else "NULL"
    return f"""{INSERT}SELECT {ROW_COLS}, 'R25', {_sev(cfg)},
    CASE WHEN r.kind = 'percent'
         THEN '指标' || r.qname || '不是比率，指标值却是百分比' || rv_quote(r.raw, 40) || '：'
              || CASE WHEN m.expected IS NOT NULL THEN '“' || {label} || '”应是具体数量'
                      ELSE '名称不是比率，百分比无从计算（分子、分母是什么？）' END
         ELSE '指标' || r.qname || '是' || {label} || '，指标值' || rv_quote(r.raw, 40) || '的单位“'
              || r.unit || '”与名称不符' END,
    CASE WHEN r.kind = 'percent' THEN 'percent_not_rate' ELSE 'unit_mismatch' END, {ROW_TAIL}
FROM (SELECT r.holder, r.idx, {expected} AS expected, {actual} AS actual
      FROM rv_row AS r WHERE r.sub AND r.nb <> '' AND NOT r.is_sat AND NOT r.is_cost) AS m
JOIN rv_row AS r USING (holder, idx) JOIN rv_p AS p ON p.holder = r.holder
WHERE (r.kind = 'percent'
       AND NOT coalesce({_any_in("r.nb", rate_words)}, false)
       AND (m.expected IS NOT NULL OR r.level2 = '数量指标' OR r.level1 = '效益指标'))
   OR (r.kind = 'number' AND m.expected IS NOT NULL AND m.actual IS NOT NULL
       AND m.actual <> m.expected);"""


def r26(config: dict) -> str:
    cfg = rule_cfg(config, "R26")
    has_plan = "coalesce(x.q1, x.q2, x.q3, x.q4) IS NOT NULL"
    return f"""{INSERT}SELECT {PROJECT_COLS}, 'R26', {_sev(cfg)},
    '资金支出计划为空：同一文件的其他项目都填写了分季度支出计划，本项目没有填写',
    NULL, {PROJECT_TAIL}
FROM rv_p AS p
WHERE p.scope = 'project' AND coalesce(p.q1, p.q2, p.q3, p.q4) IS NULL AND coalesce(p.total, 0) <> 0
  AND EXISTS (SELECT 1 FROM rv_p AS x WHERE x.document_id = p.document_id
              AND x.holder <> p.holder AND x.scope = 'project' AND {has_plan});"""


def r27(config: dict) -> str:
    """Irrelevant indicators; concepts and content bigrams come from textmatch
    (rv_tx_content), computed once per distinct name and project context."""
    cfg = rule_cfg(config, "R27")
    universal = _any_in(
        "r.nb", [bare(w) for w in config.get(VOCAB, {}).get("universal_indicators", [])]
    )
    context = (
        PROJECT_TEXT.replace("coalesce(name", "coalesce(p.name")
        .replace("coalesce(purpose", "coalesce(p.purpose")
        .replace("(goals", "(p.goals")
    )
    return f"""CREATE OR REPLACE TEMP TABLE rv_ctx AS
SELECT p.holder, t.concepts, t.grams
FROM rv_p AS p JOIN rv_tx_content AS t ON t.text = {context}
WHERE {PROJECT_ONLY};
CREATE OR REPLACE TEMP TABLE rv_rel AS
SELECT r.holder, r.idx, t.concepts, t.grams
FROM rv_row AS r JOIN rv_tx_content AS t ON t.text = r.name
WHERE r.scope = 'project' AND r.sub AND r.level1 IN ('产出指标', '效益指标') AND NOT r.is_cost
  AND NOT coalesce({universal}, false);
{INSERT}SELECT {ROW_COLS}, 'R27', {_sev(cfg)},
    '指标' || r.qname || '与项目名称、用途和绩效目标没有共同的内容，疑似从其他项目套用',
    NULL, {ROW_TAIL}
FROM rv_rel AS x
JOIN rv_ctx AS c USING (holder)
JOIN rv_row AS r ON r.holder = x.holder AND r.idx = x.idx
JOIN rv_p AS p ON p.holder = r.holder
WHERE (len(c.concepts) > 0 OR len(c.grams) > 0)
  AND NOT (len(x.concepts) = 0 AND len(x.grams) < 2)
  AND len(list_intersect(x.concepts, c.concepts)) = 0
  AND len(list_intersect(x.grams, c.grams)) = 0;"""


def r28(config: dict) -> str:
    cfg = rule_cfg(config, "R28")
    start = int(cfg.get("from_year", 2022))
    return f"""{INSERT}SELECT {ROW_COLS}, 'R28', {_sev(cfg, "severity", "提示")},
    p.fiscal_year || '年度的表格仍把成本指标' || r.qname || '放在产出指标下，且没有经济成本、'
    || '社会成本、生态环境成本指标；财预〔2021〕101号起成本指标为一级指标',
    NULL, {ROW_TAIL}
{ROW_FROM}WHERE {PROJECT_ONLY} AND p.fiscal_year >= {start} AND r.sub
  AND r.level1 = '产出指标' AND r.level2 = '成本指标'
  AND NOT EXISTS (SELECT 1 FROM rv_row AS x WHERE x.holder = r.holder AND x.sub
                  AND x.level1 = '成本指标')
QUALIFY row_number() OVER (PARTITION BY r.holder ORDER BY r.idx) = 1;"""


RULES: dict[str, Callable[[dict], str]] = {
    "R01": r01,
    "R02": r02,
    "R03": r03,
    "R04": r04,
    "R05": r05,
    "R06": r06,
    "R07": r07,
    "R08": r08,
    "R09": r09,
    "R10": r10,
    "R11": r11,
    "R12": r12,
    "R13": r13,
    "R14": r14,
    "R15": r15,
    "R16": r16,
    "R17": r17,
    "R18": r18,
    "R19": r19,
    "R20": r20,
    "R21": r21,
    "R22": r22,
    "R23": r23,
    "R24": r24,
    "R25": r25,
    "R26": r26,
    "R27": r27,
    "R28": r28,
}
# Rules that also judge the 部门整体 table (every other rule is limited to projects).
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
