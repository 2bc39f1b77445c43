"""One Altair theme for every chart: CJK fonts first, horizontal labels, readable sizes.

Registering happens on import, so importing this module once is enough; charts.py does it.
"""

from __future__ import annotations

import altair as alt

ChartSpec = (
    alt.Chart
    | alt.LayerChart
    | alt.FacetChart
    | alt.ConcatChart
    | alt.HConcatChart
    | alt.VConcatChart
    | alt.RepeatChart
)
"""What a chart builder returns and ``ui.chart`` draws (``alt.layer`` is typed to return a
layer or a facet chart)."""

THEME_NAME = "dashboard_cjk"
CJK_FONT = "'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', sans-serif"


@alt.theme.register(THEME_NAME, enable=True)
def dashboard_theme() -> alt.theme.ThemeConfig:
    """Fonts that carry Chinese glyphs (the browser falls back through the list)."""
    return {
        "config": {
            "font": CJK_FONT,
            "axis": {
                "labelFont": CJK_FONT,
                "titleFont": CJK_FONT,
                "labelAngle": 0,
                "labelFontSize": 12,
                "titleFontSize": 13,
                "labelLimit": 260,
            },
            "legend": {
                "labelFont": CJK_FONT,
                "titleFont": CJK_FONT,
                "labelFontSize": 12,
                "titleFontSize": 12,
                "labelLimit": 220,
            },
            "header": {"labelFont": CJK_FONT, "titleFont": CJK_FONT},
            "title": {
                "font": CJK_FONT,
                "fontSize": 15,
                "anchor": "start",
                "subtitleFont": CJK_FONT,
            },
            "text": {"font": CJK_FONT},
            "mark": {"font": CJK_FONT},
        }
    }


def ensure_theme() -> None:
    """Re-enable our theme if something else switched it (idempotent)."""
    if alt.theme.active != THEME_NAME:
        alt.theme.enable(THEME_NAME)
