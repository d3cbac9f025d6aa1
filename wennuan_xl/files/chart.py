"""The consolidation's charts as data: one description each, rendered by the file writer (consolidated.py,
xlsxwriter, in the CLI's workbook) and by live Excel (excel/chart.py, the master's 图表 sheet after 汇总).

Three charts, one under the other on the 图表 sheet, each printed on a page of its own:

- **上报进度**: one stacked bar per annex over the roster units chosen for the totals — 已报，无错误 (green),
  已报，有错误 (red), 文件无法读取 (orange), 未报 (grey) — so how far the collection is shows at a glance;
  its numbers in a small table under it, and the units behind the red, orange and grey parts named;
- **附件1 第05项**: 筹集款物 by source (05(A) … 05(E)) per unit, stacked columns over the unit rows of 明细;
- **附件2 第05项**: 帮扶中心资金来源 by source (05(B) … 05(F)) per unit, the same over 明细.

A chart over 明细 shows at most ``MAX_UNITS`` units; an annex no unit sent gets no chart.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.consolidate import Consolidation
from ..core.forms import Campaign
from ..core.remind import NOT_SENT, SENT_ERRORS, SENT_OK, STATES, UNREADABLE_FILE, progress
from . import style

MAX_UNITS = 60
MAX_NAMED_UNITS = 20  # units named under 上报进度 for one part of a bar
FONT = style.FONT
PROGRESS = "上报进度"
STATE_COLOURS = {SENT_OK: style.TAB_OK, SENT_ERRORS: style.TAB_ERROR, UNREADABLE_FILE: style.TAB_WARNING,
                 NOT_SENT: style.NOT_SENT}


@dataclass(frozen=True)
class SourceChart:
    """A chart of an item's parts per unit, read from 明细."""

    form: str
    name: str  # the chart's name in Excel
    title: str
    caption: str
    codes: tuple[str, ...]


SOURCE_CHARTS = (
    SourceChart("A1", "送温暖筹集款物", "各单位送温暖筹集款物（万元）", "各单位送温暖活动筹集款物总额按来源（附件1 第05项）",
                ("A1.05A", "A1.05B", "A1.05C", "A1.05D", "A1.05E")),
    SourceChart("A2", "帮扶中心资金来源", "各单位帮扶中心资金来源（万元）", "各单位帮扶中心资金来源总额按来源（附件2 第05项）",
                ("A2.05B", "A2.05C", "A2.05D", "A2.05E", "A2.05F")),
)


@dataclass(frozen=True)
class ChartSpec:
    name: str  # the chart's name in Excel
    title: str
    caption: str  # the line above the chart on its sheet
    y_title: str
    y_format: str
    kind: str  # xlwings' chart type: "column_stacked" (units along the bottom), "bar_stacked" (a bar per annex)
    series: tuple[tuple[str, str], ...]  # (field code, or a state of core.remind; series name)
    units: int  # categories shown: unit rows of 明细, or annexes
    width: int  # pixels, as xlsxwriter measures; Excel's points are 3/4 of these
    height: int
    colours: tuple[str, ...] = ()  # a fill per series ("RRGGBB"); () leaves the spreadsheet's own
    # The chart's own data when it does not read 明细 (上报进度): a header row of series names under a blank
    # corner, then one row per category.
    rows: tuple[tuple[object, ...], ...] = ()
    lines: tuple[str, ...] = ()  # printed under the chart: the units behind its parts
    y_max: float | None = None

    @property
    def own_data(self) -> bool:
        return bool(self.rows)


def consolidation_charts(result: Consolidation, campaign: Campaign, unit_rows: int) -> list[ChartSpec]:
    """The charts of a consolidation whose 明细 has ``unit_rows`` units, in sheet order."""
    charts = [progress_chart(result, campaign)]
    sent = {u.form for u in result.used}
    charts += [source_chart(campaign, spec, unit_rows) for spec in SOURCE_CHARTS if spec.form in sent]
    return [c for c in charts if c is not None]


def progress_chart(result: Consolidation, campaign: Campaign) -> ChartSpec | None:
    annexes = progress(result, campaign)
    expected = annexes[0].expected if annexes else 0
    if not expected:
        return None
    header: tuple[object, ...] = (None, *STATES, "应报")
    rows = (header, *((a.annex, *(a.count(s) for s in STATES), a.expected) for a in annexes))
    lines = tuple(f"{a.annex}{state}（{a.count(state)} 个）：{_names(a.units[state])}"
                  for a in annexes for state in STATES[1:] if a.count(state))
    done = "，".join(f"{a.annex} 已报 {a.count(SENT_OK) + a.count(SENT_ERRORS)} 个（其中有错误 {a.count(SENT_ERRORS)} 个）"
                    for a in annexes)
    caption = f"上报进度：名单中选择汇总的 {expected} 个单位，{done}；要催报的单位见“催报清单”"
    return ChartSpec(PROGRESS, f"上报进度（应报 {expected} 个单位）", caption, "单位个数", "0", "bar_stacked",
                     tuple((s, s) for s in STATES), len(annexes), 960, 280, tuple(STATE_COLOURS[s] for s in STATES),
                     rows, lines, float(expected))


def _names(units: tuple[str, ...]) -> str:
    """The units of a part, the first ``MAX_NAMED_UNITS`` of a long list: the chart's page holds them."""
    if len(units) <= MAX_NAMED_UNITS:
        return "、".join(units)
    return "、".join(units[:MAX_NAMED_UNITS]) + f" 等 {len(units)} 个，全部见“催报清单”"


def source_chart(campaign: Campaign, spec: SourceChart, unit_rows: int) -> ChartSpec | None:
    """An item's parts per unit over 明细's ``unit_rows`` units, or None (no unit, or not in this campaign)."""
    codes = [c for c in spec.codes if campaign.has_field(c)]
    if not unit_rows or not codes:
        return None
    shown = min(unit_rows, MAX_UNITS)
    caption = spec.caption + (f"，仅显示前 {MAX_UNITS} 个单位" if unit_rows > MAX_UNITS else "")
    return ChartSpec(spec.name, spec.title, caption, "万元", style.COUNT_FORMAT, "column_stacked",
                     tuple((c, campaign.field(c).label) for c in codes), shown, 960, 480)
