"""Chart builders: DataFrame in, ``alt.Chart`` out, Chinese titles, axes and tooltips.

Money arrives in yuan (as queries return it) and is shown in 万元. Wherever colour means
township, the caller's ``TownshipPalette`` supplies the scale so colours match across pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import altair as alt
import pandas as pd

from dashboard.data.township_fold import FOLDED, MAX_TOWNSHIPS, township_order
from dashboard.view import chart_theme
from dashboard.view.chart_theme import ChartSpec
from dashboard.view.formatting import (
    CHECKPOINTS,
    KIND_ORDER,
    LEVEL1_ORDER,
    LEVEL2_ORDER,
    YUAN_PER_WAN,
    fmt_wan,
)
from dashboard.view.labels import label
from dashboard.view.palette import TownshipPalette

chart_theme.ensure_theme()

BAR_STEP = 30
CATEGORY_SCHEME: Final = "tableau20"  # categories can number 15+; set2 repeats after 8
# Even spending through the year: 3, 6, 10 and 12 months out of 12.
EVEN_PACE = {"3月": 25.0, "6月": 50.0, "10月": 10 / 12 * 100, "12月": 100.0}


def _wan(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce") / YUAN_PER_WAN


def _jitter(n: int) -> list[float]:
    """Deterministic spread in [-0.3, 0.3] (golden-ratio sequence, first point centred), so
    screenshots are stable."""
    return [((i * 0.618033988749 + 0.5) % 1.0 - 0.5) * 0.6 for i in range(n)]


def _township_colour(
    palette: TownshipPalette, present: Sequence[str], legend: bool = True
) -> alt.Color:
    """Colour by township from the shared palette, for the ``present`` townships only (the
    legend lists them, palette order first, then names outside it such as the 其他 row)."""
    names = list(dict.fromkeys(t for t in present if isinstance(t, str)))
    legend_def = None
    if legend:
        listed = set(names)
        shown = [t for t in palette.domain if t in listed]
        shown += [t for t in names if t not in set(shown)]
        legend_def = alt.Legend(
            orient="bottom", columns=5, labelLimit=150, title="乡镇", values=shown
        )
    return alt.Color(
        "township:N", title=label("township"), scale=palette.scale(names), legend=legend_def
    )


def _ordered(values: Sequence[str], preferred: Sequence[str]) -> list[str]:
    """Known names in their canonical order, unknown ones after them alphabetically."""
    present = list(dict.fromkeys(values))
    return [v for v in preferred if v in present] + sorted(v for v in present if v not in preferred)


# ---------------------------------------------------------------- 总览 / 预算


FLAG = "⚠"


def _room_for_labels(values: pd.Series) -> alt.Scale:
    """An x scale that leaves ~40% room right of the longest bar for its value label."""
    top = float(pd.to_numeric(values, errors="coerce").fillna(0).max() or 0)
    return alt.Scale(domain=[0, top * 1.45 if top > 0 else 1], nice=False)


def named_only(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """An amount chart draws the named townships only: the 其他 row (township_fold) would
    dwarf them. Returns the named rows and a short subtitle note (the caption under the
    chart gives the folded total: ``ui.folded_caption``)."""
    if FOLDED not in frame.columns or not (frame[FOLDED] > 1).any():
        return frame, ""
    folded = int(frame[FOLDED].max())
    return frame.loc[frame[FOLDED] <= 1], f"；另有 {folded:,} 个乡镇未画出"


def _flag_labels(names: pd.Series, flag_texts: pd.Series) -> pd.Series:
    """Axis labels with a ⚠ in front of the ones whose figures carry a data warning."""
    return pd.Series(
        [
            f"{FLAG} {n}" if isinstance(t, str) and t else str(n)
            for n, t in zip(names, flag_texts, strict=True)
        ],
        index=names.index,
    )


def budget_by_township_chart(
    frame: pd.DataFrame,
    palette: TownshipPalette,
    flags: pd.DataFrame | None = None,
    scope: str = "",
) -> alt.LayerChart:
    """Horizontal bars of total budget per township, value printed at the bar end; a ⚠ on
    the townships whose figures carry a data warning (the text is in the tooltip)."""
    frame, folded_note = named_only(frame)
    data = frame.assign(
        budget_wan=_wan(frame["budget_yuan"]),
        label=[fmt_wan(v) if pd.notna(v) else "未注明预算" for v in frame["budget_yuan"]],
    )
    if flags is not None and not flags.empty:
        data = data.merge(flags[["township", "flag_text"]], on="township", how="left")
    else:
        data["flag_text"] = None
    data["flag_text"] = [t if isinstance(t, str) else "" for t in data["flag_text"]]
    data["shown"] = _flag_labels(data["township"], data["flag_text"])
    data["text_x"] = data["budget_wan"].fillna(0.0)
    order = list(data.sort_values("text_x", ascending=False)["shown"])
    title = "各乡镇预算总额"
    subtitle = (f"{scope}；" if scope else "") + "单位：万元" + folded_note
    if data["flag_text"].ne("").any():
        subtitle += "；⚠ 表示有数据提示，悬停查看"
    base = alt.Chart(data)
    y = alt.Y("shown:N", title=None, sort=order, axis=alt.Axis(labelLimit=200))
    tooltip = [
        alt.Tooltip("township:N", title=label("township")),
        alt.Tooltip("label:N", title="预算总额"),
        alt.Tooltip("projects:Q", title=label("projects")),
        alt.Tooltip("projects_with_budget:Q", title=label("projects_with_budget")),
        alt.Tooltip("flag_text:N", title="⚠ 数据提示"),
    ]
    colour = _township_colour(palette, data["township"], legend=False)
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X(
            "budget_wan:Q",
            title=label("budget_wan"),
            axis=alt.Axis(format=",.0f", tickCount=4),
            scale=_room_for_labels(data["text_x"]),
        ),
        color=colour,
        tooltip=tooltip,
    )
    text = base.mark_text(align="left", dx=4, color="#333").encode(
        y=y, x="text_x:Q", text="label:N", tooltip=tooltip
    )
    # the title belongs to the layer: on a layer's member a subtitle wider than a half-width
    # column squeezes the plot to nothing (Vega counts it in the fit)
    return (bars + text).properties(
        height=alt.Step(BAR_STEP), title=alt.Title(title, subtitle=subtitle)
    )


def budget_by_township_years_chart(
    frame: pd.DataFrame, totals: pd.DataFrame, flags: pd.DataFrame | None, scope: str
) -> alt.LayerChart:
    """Budget per township stacked by fiscal year (a view that spans years shows them)."""
    frame, folded_note = named_only(frame)
    totals, _ = named_only(totals)
    data = frame.assign(
        budget_wan=_wan(frame["budget_yuan"]),
        year=[str(int(y)) if pd.notna(y) else "未注明" for y in frame["fiscal_year"]],
    )
    flag_text = {}
    if flags is not None and not flags.empty:
        flag_text = dict(zip(flags["township"], flags["flag_text"], strict=False))
    shown = {t: (f"{FLAG} {t}" if flag_text.get(t) else t) for t in totals["township"]}
    data["shown"] = data["township"].map(shown)
    data["flag_text"] = data["township"].map(lambda t: flag_text.get(t, ""))
    total = totals.assign(
        shown=totals["township"].map(shown),
        text_x=_wan(totals["budget_yuan"]).fillna(0.0),
        label=[fmt_wan(v) if pd.notna(v) else "未注明预算" for v in totals["budget_yuan"]],
    )
    order = list(total.sort_values("text_x", ascending=False)["shown"])
    years = sorted(set(data["year"]))
    y = alt.Y("shown:N", title=None, sort=order, axis=alt.Axis(labelLimit=200))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X(
                "sum(budget_wan):Q",
                title="预算总额（万元）",
                axis=alt.Axis(format=",.0f", tickCount=4),
                scale=_room_for_labels(total["text_x"]),
            ),
            color=alt.Color(
                "year:N",
                title="预算年度",
                scale=alt.Scale(domain=years, scheme="tableau10"),
                legend=alt.Legend(orient="bottom", direction="horizontal"),
            ),
            order=alt.Order("year:N"),
            tooltip=[
                alt.Tooltip("township:N", title=label("township")),
                alt.Tooltip("year:N", title="年度"),
                alt.Tooltip("budget_wan:Q", title=label("budget_wan"), format=",.2f"),
                alt.Tooltip("projects:Q", title=label("projects")),
                alt.Tooltip("flag_text:N", title="⚠ 数据提示"),
            ],
        )
    )
    text = (
        alt.Chart(total)
        .mark_text(align="left", dx=4, color="#333")
        .encode(y=y, x="text_x:Q", text="label:N")
    )
    return (bars + text).properties(
        height=alt.Step(BAR_STEP),
        title=alt.Title("各乡镇预算总额", subtitle=f"{scope}，按年度分色；单位：万元{folded_note}"),
    )


def budget_by_year_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Total budget per fiscal year (every year in the township/category filter)."""
    data = frame[frame["fiscal_year"].notna() & frame["budget_yuan"].notna()].copy()
    data["year"] = [str(int(y)) for y in data["fiscal_year"]]
    data["budget_wan"] = _wan(data["budget_yuan"])
    data["label"] = [fmt_wan(v) for v in data["budget_yuan"]]
    base = alt.Chart(
        data, title=alt.Title("各年度预算总额", subtitle="单位：万元；不受年度筛选影响")
    )
    x = alt.X("year:O", title="预算年度", axis=alt.Axis(labelAngle=0))
    tooltip = [
        alt.Tooltip("year:O", title="年度"),
        alt.Tooltip("label:N", title="预算总额"),
        alt.Tooltip("projects:Q", title=label("projects")),
        alt.Tooltip("townships:Q", title=label("townships")),
    ]
    bars = base.mark_bar(color="#4C78A8", size=36).encode(
        x=x,
        y=alt.Y("budget_wan:Q", title=None, axis=alt.Axis(format=",.0f", tickCount=5)),
        tooltip=tooltip,
    )
    text = base.mark_text(dy=-6, color="#333").encode(x=x, y="budget_wan:Q", text="label:N")
    return (bars + text).properties(height=280)


def indicators_by_level1_chart(frame: pd.DataFrame, palette: TownshipPalette) -> alt.Chart:
    """Indicator counts per level 1, stacked by township."""
    order = _ordered(frame["level1"], LEVEL1_ORDER)
    return (
        alt.Chart(frame, title=alt.Title("各一级指标数量", subtitle="按乡镇分色"))
        .mark_bar()
        .encode(
            y=alt.Y("level1:N", title=None, sort=order),
            x=alt.X("sum(indicators):Q", title="指标数（个）"),
            color=_township_colour(palette, frame["township"]),
            order=alt.Order("township:N"),
            tooltip=[
                alt.Tooltip("level1:N", title=label("level1")),
                alt.Tooltip("township:N", title=label("township")),
                alt.Tooltip("indicators:Q", title=label("indicators")),
            ],
        )
        .properties(height=alt.Step(BAR_STEP + 6))
    )


def budget_by_category_chart(
    frame: pd.DataFrame, mode: str = "amount", categories: Sequence[str] | None = None
) -> alt.Chart:
    """Stacked bars per township split by project category; ``mode`` 'amount' or 'share'."""
    folded_note = ""
    if mode != "share":  # shares of the 其他 row are comparable, its amount is not
        frame, folded_note = named_only(frame)
    data = frame.assign(budget_wan=_wan(frame["budget_yuan"]))
    domain = list(categories) if categories else sorted(data["category"].unique())
    if mode == "share":
        x = alt.X("share_pct:Q", title="占本乡镇预算比例（%）", scale=alt.Scale(domain=[0, 100]))
        title = alt.Title("各乡镇预算的项目类别构成", subtitle="占比（%）")
    else:
        x = alt.X("budget_wan:Q", title=label("budget_wan"), axis=alt.Axis(format=",.0f"))
        title = alt.Title("各乡镇预算的项目类别构成", subtitle="金额（万元）" + folded_note)
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("township:N", title=None, sort=township_order(data)),
            x=x,
            color=alt.Color(
                "category:N",
                title=label("category"),
                scale=alt.Scale(domain=domain, scheme=CATEGORY_SCHEME),
                legend=alt.Legend(orient="bottom", columns=4, labelLimit=150),
            ),
            order=alt.Order("category:N"),
            tooltip=[
                alt.Tooltip("township:N", title=label("township")),
                alt.Tooltip("category:N", title=label("category")),
                alt.Tooltip("budget_wan:Q", title=label("budget_wan"), format=",.2f"),
                alt.Tooltip("share_pct:Q", title=label("share_pct"), format=".1f"),
                alt.Tooltip("projects:Q", title=label("projects")),
            ],
        )
        .properties(height=alt.Step(BAR_STEP + 6))
    )


def top_projects_chart(frame: pd.DataFrame, palette: TownshipPalette) -> alt.Chart:
    """The largest projects as horizontal bars coloured by township."""
    data = frame.assign(budget_wan=_wan(frame["budget_total_yuan"]))
    data["flag"] = data["flag"] if "flag" in data.columns else ""
    data["label"] = [
        f"{FLAG} {lab}" if fl else lab for lab, fl in zip(data["label"], data["flag"], strict=True)
    ]
    subtitle = "单位：万元" + ("；⚠ 表示有数据提示，悬停查看" if data["flag"].ne("").any() else "")
    return (
        alt.Chart(data, title=alt.Title("预算最大的项目", subtitle=subtitle))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
            x=alt.X("budget_wan:Q", title=label("budget_wan"), axis=alt.Axis(format=",.0f")),
            color=_township_colour(palette, data["township"]),
            tooltip=[
                alt.Tooltip("project_name:N", title=label("project_name")),
                alt.Tooltip("township:N", title=label("township")),
                alt.Tooltip("category:N", title=label("category")),
                alt.Tooltip("budget_wan:Q", title=label("budget_wan"), format=",.2f"),
                alt.Tooltip("flag:N", title="⚠ 数据提示"),
            ],
        )
        .properties(height=alt.Step(26))
    )


def _box_layer(box: pd.DataFrame, x: alt.X, palette: TownshipPalette) -> ChartSpec:
    """Box plot drawn from precomputed statistics (queries.*_box): whiskers, IQR box and a
    median tick, so the box stays exact when the points are a sample."""
    y = alt.Y("township:N", title=None)
    field = x.shorthand.split(":")[0] if isinstance(x.shorthand, str) else "value"
    stats = box.rename(columns={"lower": field})
    colour = _township_colour(palette, box["township"], legend=False)
    whisker = (
        alt.Chart(stats).mark_rule(opacity=0.6).encode(y=y, x=x, x2=alt.X2("upper:Q"), color=colour)
    )
    iqr = (
        alt.Chart(stats.drop(columns=[field]).rename(columns={"q1": field}))
        .mark_bar(size=22, opacity=0.35)
        .encode(y=y, x=x, x2=alt.X2("q3:Q"), color=colour)
    )
    median = (
        alt.Chart(stats.drop(columns=[field]).rename(columns={"median": field}))
        .mark_tick(size=22, thickness=2, color="#333333")
        .encode(y=y, x=x)
    )
    return alt.layer(whisker, iqr, median)


def sampled_note(frame: pd.DataFrame, box: pd.DataFrame | None) -> str:
    """Chinese subtitle suffix when the points are a sample of the rows the box describes."""
    if box is None or box.empty:
        return ""
    total = int(pd.to_numeric(box["n"]).sum())
    if total <= len(frame):
        return ""
    return (
        f"；点为抽样显示（共 {total:,} 条，显示 {len(frame):,} 条，保留离群值），箱体按全部数据计算"
    )


def largest_townships(
    data: pd.DataFrame, box: pd.DataFrame | None = None, limit: int = MAX_TOWNSHIPS
) -> tuple[pd.DataFrame, pd.DataFrame | None, int]:
    """A distribution chart keeps the ``limit`` townships with the most rows (``box["n"]``,
    else the points; ties by name): quartiles cannot be summed into a 其他 row. Returns the
    kept points, the kept box rows and the number of townships in all (0: nothing cut)."""
    if box is not None and not box.empty:
        counts = dict(zip(box["township"], pd.to_numeric(box["n"]), strict=True))
    else:
        counts = data["township"].value_counts().to_dict()
    if len(counts) <= limit + 1:
        return data, box, 0
    kept = {t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:limit]}
    data = data.loc[data["township"].isin(kept)]
    if box is not None and not box.empty:
        box = box.loc[box["township"].isin(kept)]
    return data, box, len(counts)


def _strip_with_box(
    data: pd.DataFrame,
    x: alt.X,
    palette: TownshipPalette,
    title: tuple[str, str],
    tooltip: list[alt.Tooltip],
    box: pd.DataFrame | None = None,
) -> ChartSpec:
    """Box plot per township with every point drawn (jittered) and hoverable. ``box`` holds
    exact statistics when ``data`` is a sample; without it Vega-Lite computes the box.
    ``title`` is (text, subtitle); notes on sampling and on cut townships are appended."""
    data, box, townships = largest_townships(data, box)
    subtitle = title[1] + sampled_note(data, box)
    if townships:
        subtitle += f"；显示数据最多的 {MAX_TOWNSHIPS} 个乡镇（共 {townships:,} 个）"
    data = data.assign(jitter=_jitter(len(data)))
    y = alt.Y("township:N", title=None)
    colour = _township_colour(palette, data["township"], legend=False)
    if box is not None and not box.empty:
        box_layer: ChartSpec = _box_layer(box, x, palette)
    else:
        box_layer = (
            alt.Chart(data)
            .mark_boxplot(extent=1.5, size=22, opacity=0.35, outliers=False)
            .encode(y=y, x=x, color=colour)
        )
    points = (
        alt.Chart(data)
        .mark_circle(size=70, opacity=0.85, stroke="white", strokeWidth=0.5)
        .encode(
            y=y,
            x=x,
            yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[-0.5, 0.5])),
            color=_township_colour(palette, data["township"]),
            tooltip=tooltip,
        )
    )
    chart_title = alt.Title(title[0], subtitle=subtitle)
    return alt.layer(box_layer, points, title=chart_title).properties(height=alt.Step(56))


def budget_distribution_chart(
    frame: pd.DataFrame, palette: TownshipPalette, box: pd.DataFrame | None = None
) -> ChartSpec:
    """Distribution of project budgets per township (log scale: budgets span 2–600 万元);
    ``box`` = budgets_queries.project_budget_box when the points are sampled."""
    data = frame.assign(budget_wan=_wan(frame["budget_total_yuan"]))
    if box is not None:
        box = box.assign(**{c: _wan(box[c]) for c in ("q1", "median", "q3", "lower", "upper")})
    x = alt.X(
        "budget_wan:Q",
        title="项目预算（万元，对数刻度）",
        scale=alt.Scale(type="log"),
        axis=alt.Axis(format=",.0f"),
    )
    tooltip = [
        alt.Tooltip("project_name:N", title=label("project_name")),
        alt.Tooltip("township:N", title=label("township")),
        alt.Tooltip("category:N", title=label("category")),
        alt.Tooltip("budget_wan:Q", title=label("budget_wan"), format=",.2f"),
    ]
    title = ("各乡镇项目预算分布", "每个点是一个项目，箱体为四分位范围")
    return _strip_with_box(data, x, palette, title, tooltip, box)


def spending_plan_chart(frame: pd.DataFrame, palette: TownshipPalette) -> ChartSpec:
    """Cumulative spending-plan curves per township against the even pace of the year."""
    pace = pd.DataFrame(
        {"checkpoint": CHECKPOINTS, "pct": [EVEN_PACE[c] for c in CHECKPOINTS], "label": "序时进度"}
    )
    x = alt.X(
        "checkpoint:O", title=label("checkpoint"), sort=CHECKPOINTS, axis=alt.Axis(labelAngle=0)
    )
    y_scale = alt.Scale(domain=[0, 100])
    reference = (
        alt.Chart(pace)
        .mark_line(color="#888", strokeDash=[6, 4])
        .encode(
            x=x,
            y=alt.Y("pct:Q", scale=y_scale),
            tooltip=[
                alt.Tooltip("label:N", title="参考"),
                alt.Tooltip("pct:Q", title="累计进度（%）", format=".1f"),
            ],
        )
    )
    reference_label = (
        alt.Chart(pace.tail(1))
        .mark_text(align="right", dx=-6, dy=-8, color="#666")
        .encode(x=x, y="pct:Q", text="label:N")
    )
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=60), strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("avg_pct:Q", title="累计支出进度（%）", scale=y_scale),
            color=_township_colour(palette, frame["township"]),
            tooltip=[
                alt.Tooltip("township:N", title=label("township")),
                alt.Tooltip("checkpoint:N", title=label("checkpoint")),
                alt.Tooltip("avg_pct:Q", title=label("avg_pct"), format=".1f"),
                alt.Tooltip("projects:Q", title=label("projects")),
            ],
        )
    )
    title = alt.Title(
        "资金支出计划累计进度", subtitle="各乡镇项目平均；虚线为全年均匀支出的序时进度"
    )
    return alt.layer(reference, reference_label, lines, title=title).properties(height=340)


# ---------------------------------------------------------------- 指标结构


def mix_chart(
    frame: pd.DataFrame,
    field: str,
    legend_title: str,
    title: str,
    order: Sequence[str] = (),
    legend_columns: int = 5,
) -> alt.Chart:
    """100% stacked horizontal bars per township (``field`` holds the category)."""
    domain = _ordered(frame[field], order)
    return (
        alt.Chart(frame, title=alt.Title(title, subtitle="占本乡镇指标总数比例（%）"))
        .mark_bar()
        .encode(
            y=alt.Y("township:N", title=None, sort=township_order(frame)),
            x=alt.X("share_pct:Q", title=label("share_pct"), scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                f"{field}:N",
                title=legend_title,
                scale=alt.Scale(domain=domain, scheme="tableau10"),
                legend=alt.Legend(orient="bottom", columns=legend_columns, labelLimit=180),
            ),
            order=alt.Order("sort_index:Q"),
            tooltip=[
                alt.Tooltip("township:N", title=label("township")),
                alt.Tooltip(f"{field}:N", title=legend_title),
                alt.Tooltip("indicators:Q", title=label("indicators")),
                alt.Tooltip("share_pct:Q", title=label("share_pct"), format=".1f"),
            ],
        )
        .transform_calculate(sort_index=f"indexof({domain!r}, datum['{field}'])")
        .properties(height=alt.Step(BAR_STEP + 6))
    )


def level_mix_chart(frame: pd.DataFrame, level: str) -> alt.Chart:
    """Level-1 or level-2 mix per township."""
    if level == "level1":
        return mix_chart(frame, "level", "一级指标", "各乡镇一级指标构成", LEVEL1_ORDER)
    return mix_chart(
        frame, "level", "二级指标", "各乡镇二级指标构成", LEVEL2_ORDER, legend_columns=2
    )


def kind_mix_chart(frame: pd.DataFrame) -> alt.Chart:
    """数值/百分比/金额/时限/定性 mix per township."""
    return mix_chart(frame, "kind", "目标值类型", "各乡镇目标值类型构成", KIND_ORDER)


def coverage_heatmap(frame: pd.DataFrame) -> ChartSpec:
    """Share of each township's projects that set at least one indicator of a level-2 type."""
    order = _ordered(frame["level2"], LEVEL2_ORDER)
    townships = township_order(frame)
    # more than a dozen columns leave no room for "100%": numbers only, smaller (the legend
    # and the tooltip say 覆盖率（%）)
    crowded = len(townships) > 12
    data = frame.assign(text=[f"{v:.0f}" if crowded else f"{v:.0f}%" for v in frame["share_pct"]])
    base = alt.Chart(data).encode(
        x=alt.X(
            "township:N",
            title=None,
            sort=townships,
            axis=alt.Axis(labelAngle=0 if len(townships) <= 8 else -40, labelLimit=140),
        ),
        y=alt.Y("level2:N", title=None, sort=order),
        tooltip=[
            alt.Tooltip("township:N", title=label("township")),
            alt.Tooltip("level2:N", title=label("level2")),
            alt.Tooltip("projects_with:Q", title=label("projects_with")),
            alt.Tooltip("projects:Q", title="项目总数"),
            alt.Tooltip("share_pct:Q", title="覆盖率（%）", format=".1f"),
        ],
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "share_pct:Q",
            title="覆盖率（%）",
            scale=alt.Scale(domain=[0, 100], scheme="blues"),
            legend=alt.Legend(orient="right", gradientLength=160),
        ),
    )
    text = base.mark_text(fontSize=10 if crowded else 12).encode(
        text="text:N",
        color=alt.condition("datum.share_pct > 55", alt.value("white"), alt.value("#222")),
    )
    title = alt.Title("二级指标覆盖率热力图", subtitle="设置了该类指标的项目占本乡镇项目数的比例")
    return alt.layer(cells, text, title=title).properties(height=alt.Step(34))


def indicators_per_project_chart(
    frame: pd.DataFrame, palette: TownshipPalette, box: pd.DataFrame | None = None
) -> ChartSpec:
    """How many indicators each project sets, per township (``box``: exact statistics when
    the points are sampled)."""
    top = int(pd.to_numeric(frame["indicator_count"]).max()) if len(frame) else 0
    if box is not None and not box.empty:
        top = max(top, int(pd.to_numeric(box["upper"]).max()))
    x = alt.X(
        "indicator_count:Q",
        title="每个项目的指标数（个）",
        scale=alt.Scale(domain=[0, top + 1]),  # room for the last points, no "-1"
        axis=alt.Axis(format="d", tickMinStep=1),
    )
    tooltip = [
        alt.Tooltip("project_name:N", title=label("project_name")),
        alt.Tooltip("township:N", title=label("township")),
        alt.Tooltip("indicator_count:Q", title=label("indicator_count")),
    ]
    title = ("各项目绩效指标数量", "每个点是一个项目")
    return _strip_with_box(frame, x, palette, title, tooltip, box)


# ---------------------------------------------------------------- 目标值对比


def target_strip_chart(
    frame: pd.DataFrame,
    palette: TownshipPalette,
    family: str,
    unit: str,
    box: pd.DataFrame | None = None,
) -> ChartSpec:
    """Numeric targets of one family and unit per township, hoverable to their project;
    ``box`` = targets_queries.family_target_box when the points are a sample."""
    x = alt.X(
        "target_value:Q",
        title=f"目标值（{unit}）",
        scale=alt.Scale(zero=False, padding=12),
        axis=alt.Axis(format=",~f", tickCount=8, labelOverlap=True),
    )
    tooltip = [
        alt.Tooltip("township:N", title=label("township")),
        alt.Tooltip("project_name:N", title=label("project_name")),
        alt.Tooltip("indicator_name:N", title=label("indicator_name")),
        alt.Tooltip("target_raw:N", title=label("target_raw")),
        alt.Tooltip("target_value:Q", title=label("target_value"), format=",.2f"),
    ]
    title = (f"“{family}”类指标目标值对比", f"单位：{unit}；每个点是一条指标")
    return _strip_with_box(frame, x, palette, title, tooltip, box)


def common_targets_chart(frame: pd.DataFrame) -> alt.Chart:
    """The most frequent target values as horizontal bars coloured by kind."""
    return (
        alt.Chart(frame, title=alt.Title("最常见的目标值"))
        .mark_bar()
        .encode(
            y=alt.Y("target:N", title=None, sort="-x", axis=alt.Axis(labelLimit=150)),
            x=alt.X("indicators:Q", title=label("indicators")),
            color=alt.Color(
                "kind:N",
                title=label("kind"),
                scale=alt.Scale(domain=KIND_ORDER, scheme="tableau10"),
                legend=alt.Legend(orient="bottom", columns=3),
            ),
            tooltip=[
                alt.Tooltip("target:N", title=label("target")),
                alt.Tooltip("kind:N", title=label("kind")),
                alt.Tooltip("indicators:Q", title=label("indicators")),
                alt.Tooltip("townships:Q", title=label("townships")),
            ],
        )
        .properties(height=alt.Step(24))
    )


# ---------------------------------------------------------------- 项目明细


def project_plan_chart(plan: Sequence[float | None]) -> ChartSpec:
    """One project's cumulative spending plan against the even pace."""
    data = pd.DataFrame({"checkpoint": CHECKPOINTS, "pct": list(plan)}).dropna()
    pace = pd.DataFrame({"checkpoint": CHECKPOINTS, "pct": [EVEN_PACE[c] for c in CHECKPOINTS]})
    x = alt.X(
        "checkpoint:O", title=label("checkpoint"), sort=CHECKPOINTS, axis=alt.Axis(labelAngle=0)
    )
    y = alt.Y("pct:Q", title="累计支出进度（%）", scale=alt.Scale(domain=[0, 100]))
    reference = alt.Chart(pace).mark_line(color="#999", strokeDash=[6, 4]).encode(x=x, y=y)
    line = (
        alt.Chart(data)
        .mark_line(point=True, color="#4e79a7")
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("checkpoint:N", title=label("checkpoint")),
                alt.Tooltip("pct:Q", title="累计进度（%）", format=".1f"),
            ],
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(dy=-10, color="#333")
        .encode(x=x, y=y, text=alt.Text("pct:Q", format=".0f"))
    )
    title = alt.Title("资金支出计划", subtitle="实线为本项目累计进度，虚线为序时进度")
    return alt.layer(reference, line, labels, title=title).properties(height=240)


# ---------------------------------------------------------------- 历年对比


def budget_trend_chart(
    frame: pd.DataFrame, by: str, palette: TownshipPalette | None = None
) -> alt.Chart:
    """Budget per fiscal year, one line per township (township colours) or category; the
    townships folded into 其他 are not drawn (the subtitle gives their total)."""
    frame, folded_note = named_only(frame)
    data = frame.assign(
        year=[str(int(y)) for y in frame["fiscal_year"]], budget_wan=_wan(frame["budget_yuan"])
    )
    if palette is not None:
        colour = alt.Color(
            "grp:N",
            title=by,
            scale=palette.scale(frame["grp"]),
            legend=alt.Legend(orient="bottom", columns=4, labelLimit=160),
        )
    else:
        colour = alt.Color(
            "grp:N", title=by, legend=alt.Legend(orient="bottom", columns=4, labelLimit=160)
        )
    return (
        alt.Chart(
            data,
            title=alt.Title(
                f"各{by}历年预算总额", subtitle="单位：万元；每条线一个" + by + folded_note
            ),
        )
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="预算年度", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "budget_wan:Q", title=label("budget_wan"), axis=alt.Axis(format=",.0f", tickCount=5)
            ),
            color=colour,
            tooltip=[
                alt.Tooltip("grp:N", title=by),
                alt.Tooltip("year:O", title="年度"),
                alt.Tooltip("budget_wan:Q", title=label("budget_wan"), format=",.2f"),
                alt.Tooltip("projects:Q", title=label("projects")),
            ],
        )
        .properties(height=340)
    )


def budget_change_chart(frame: pd.DataFrame) -> alt.Chart:
    """Budget change against the previous year per project (diverging bars)."""
    data = frame.assign(
        change_wan=_wan(frame["change_yuan"]),
        label=[
            f"{n}（{t}，{int(a)}→{int(b)}）"
            for n, t, a, b in zip(
                frame["project_name"],
                frame["township"],
                frame["prev_fiscal_year"],
                frame["fiscal_year"],
                strict=True,
            )
        ],
        direction=["增加" if v > 0 else "减少" for v in frame["change_yuan"]],
    )
    return (
        alt.Chart(
            data, title=alt.Title("预算变化最大的项目", subtitle="与上一年度相比，单位：万元")
        )
        .mark_bar()
        .encode(
            y=alt.Y(
                "label:N",
                title=None,
                sort=alt.EncodingSortField("change_wan", op="sum", order="descending"),
                axis=alt.Axis(labelLimit=320),
            ),
            x=alt.X(
                "change_wan:Q", title="预算变化（万元）", axis=alt.Axis(format=",.0f", tickCount=5)
            ),
            color=alt.Color(
                "direction:N",
                title=None,
                scale=alt.Scale(domain=["增加", "减少"], range=["#4C78A8", "#E45756"]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("project_name:N", title=label("project_name")),
                alt.Tooltip("township:N", title=label("township")),
                alt.Tooltip("prev_fiscal_year:O", title=label("prev_fiscal_year")),
                alt.Tooltip("fiscal_year:O", title=label("fiscal_year")),
                alt.Tooltip("change_wan:Q", title="变化（万元）", format=",.2f"),
            ],
        )
        .properties(height=alt.Step(24))
    )


CHANGE_COLOURS = {
    "提高": "#4C78A8",
    "不变": "#9D9D9D",
    "降低": "#E45756",
    "新增": "#54A24B",
    "取消": "#B279A2",
    "表述变化": "#F58518",
}


def target_change_chart(frame: pd.DataFrame) -> alt.Chart:
    """How many targets of recurring projects were raised, lowered, kept, added, dropped."""
    order = [k for k in CHANGE_COLOURS if k in set(frame["label"])]
    return (
        alt.Chart(frame, title=alt.Title("指标目标值与上一年度相比", subtitle="单位：条"))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=order),
            x=alt.X("targets:Q", title="指标数（条）", axis=alt.Axis(tickCount=4)),
            color=alt.Color(
                "label:N",
                legend=None,
                scale=alt.Scale(domain=list(CHANGE_COLOURS), range=list(CHANGE_COLOURS.values())),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="变化"),
                alt.Tooltip("targets:Q", title="指标数"),
            ],
        )
        .properties(height=alt.Step(28))
    )
