"""The charts of the Excel 汇总: the CLI workbook's charts (files/chart.py), drawn in the master's 图表 sheet.

Each chart has a block of its own on the sheet, one under another: its caption, its data — for 上报进度 the
counts by annex and state, for a chart over 明细 the unit rows copied from the 明细 just written (unit names
as categories, one column per source) — the units behind 上报进度's parts under that, and the chart to the
right of the data. The data's first row holds the series names under a blank corner, so one
``set_source_data`` call builds a whole chart on every engine xlwings drives (Excel on Windows and macOS,
and the remote engine the tests use). The previous run's charts are deleted first.
"""

from __future__ import annotations

from ..core.tables import CHART_SHEET, Cell
from ..files.chart import ChartSpec
from .write import as_text, desktop, fresh_sheet, write_rows

ANCHOR_COLUMN = 8  # H: each chart right of its data block
NO_CHART = "没有可画图的数据：名单中没有选择汇总的单位，也没有单位报送附件。"


def chart_rows(spec: ChartSpec, detail: list[list[Cell | None]]) -> list[list[object]]:
    """A chart's data block: a header row (series names), then one row per category — for a chart over
    明细, its unit rows (rows 4…), for 上报进度 one per annex (the 应报 column beside, in no series)."""
    if spec.own_data:
        return [[as_text(v) if isinstance(v, str) else v for v in row] for row in spec.rows]
    codes = [c.value if c is not None else None for c in detail[0]]
    columns = [codes.index(code) for code, _ in spec.series]
    rows: list[list[object]] = [[None, *(name for _, name in spec.series)]]
    for row in detail[3:3 + spec.units]:
        unit = row[0].value if row[0] is not None else ""
        rows.append([as_text(str(unit)), *(_number(row[c]) for c in columns)])
    return rows


def _number(cell: Cell | None) -> object:
    value = cell.value if cell is not None else None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def write_charts(book, specs: list[ChartSpec], detail: list[list[Cell | None]]) -> list:
    """Replace the 图表 sheet's charts; returns the charts drawn."""
    sheet = fresh_sheet(book, CHART_SHEET)
    # Last first: a chart is addressed by its position (xlwings' remote engine; Excel's own collection too),
    # so deleting the first of three would leave the third out of range.
    for old in reversed(list(sheet.charts)):
        old.delete()
    if not specs:
        sheet.range("A1").value = NO_CHART
        return []
    charts, top = [], 1
    for spec in specs:
        sheet.range((top, 1)).value = spec.caption
        rows = chart_rows(spec, detail)
        data_top = top + 2
        write_rows(sheet, rows, top=data_top)
        for i, line in enumerate(spec.lines):
            sheet.range((data_top + len(rows) + 1 + i, 1)).value = as_text(line)
        charts.append(_chart(book, sheet, spec, data_top, len(rows)))
        used = len(rows) + (len(spec.lines) + 1 if spec.lines else 0)
        top = data_top + max(used, -(-int(spec.height * 0.75) // 15)) + 2  # rows of 15 points under the chart
    return charts


def _chart(book, sheet, spec: ChartSpec, top: int, rows: int):
    source = sheet.range((top, 1), (top + rows - 1, 1 + len(spec.series)))
    chart = sheet.charts.add(
        width=spec.width * 0.75, height=spec.height * 0.75, chart_type=spec.kind,
        source=source, plot_by="columns", name=spec.name,
        anchor=sheet.range((top, ANCHOR_COLUMN)),
        style=None,  # Excel's own default: xlwings' 227 exists from Excel 2013 on, and we support 2010
    )
    chart.title = spec.title
    chart.legend.position = "bottom"
    chart.value_axis.set(title=spec.y_title, number_format=spec.y_format,
                         **({"minimum_scale": 0, "maximum_scale": spec.y_max} if spec.y_max else {}))
    if spec.kind.startswith("bar"):
        chart.category_axis.set(reverse_order=True, crosses="maximum")  # the first annex on top, the values below
    if spec.colours and desktop(book):  # series formats need a live chart: the remote engine has none to read back
        for i, colour in enumerate(spec.colours):
            chart.series[i].fill_color = f"#{colour}"
    return chart
