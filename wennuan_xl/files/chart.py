"""The consolidation's chart as data: one description, rendered by the file writer (consolidated.py,
xlsxwriter, in the CLI's workbook) and by live Excel (excel/chart.py, the master's 图表 sheet after 汇总).

筹集款物 by source (附件1 item 05: 05(A) … 05(E)) per unit: a stacked column chart over the unit rows of
明细, at most ``MAX_UNITS`` of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.forms import Campaign
from .style import COUNT_FORMAT

SOURCES = ("A1.05A", "A1.05B", "A1.05C", "A1.05D", "A1.05E")
MAX_UNITS = 60


@dataclass(frozen=True)
class ChartSpec:
    title: str
    caption: str  # the line above the chart on its sheet
    y_title: str
    y_format: str
    series: tuple[tuple[str, str], ...]  # (field code, series name)
    units: int  # unit rows shown
    width: int  # pixels, as xlsxwriter measures; Excel's points are 3/4 of these
    height: int


def consolidation_chart(campaign: Campaign, unit_rows: int) -> ChartSpec | None:
    """The chart for a 明细 of ``unit_rows`` units, or None (no unit, or a campaign without item 05)."""
    if not unit_rows or not campaign.has_field("A1.05A"):
        return None
    codes = {f.code for f in campaign.fields()}
    series = tuple((c, campaign.field(c).label) for c in SOURCES if c in codes)
    shown = min(unit_rows, MAX_UNITS)
    caption = "各单位送温暖活动筹集款物总额按来源（附件1 第05项）" + (f"，仅显示前 {MAX_UNITS} 个单位" if unit_rows > MAX_UNITS else "")
    return ChartSpec("各单位送温暖筹集款物（万元）", caption, "万元", COUNT_FORMAT, series, shown, 960, 480)
