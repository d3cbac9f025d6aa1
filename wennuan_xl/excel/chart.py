"""The chart of the Excel 汇总: the CLI workbook's chart (files/chart.py), drawn in the master's 图表 sheet.

The chart's data sit on its own sheet, copied from the 明细 rows just written: a block of unit names
(categories) and one column per source of 筹集款物 (series, named by their header cells), so one
``set_source_data`` call builds the whole chart on every engine xlwings drives (Excel on Windows and
macOS, and the remote engine the tests use). The previous run's chart is deleted first.
"""

from __future__ import annotations

from ..core.tables import CHART_SHEET, Cell
from ..files.chart import ChartSpec
from .write import as_text, fresh_sheet, write_rows

CHART_NAME = "送温暖筹集款物"
TOP_ROW = 3  # the data block's header row (1-based); the caption is in A1
ANCHOR = "H3"  # the chart, right of the data block


def chart_rows(spec: ChartSpec, detail: list[list[Cell | None]]) -> list[list[object]]:
    """The data block: a header row (series names), then one row per unit of 明细 (its rows 4…).

    The top-left cell stays blank: Excel then reads the first row as series names and the first column
    as categories, whatever they hold."""
    codes = [c.value if c is not None else None for c in detail[0]]
    columns = [codes.index(code) for code, _ in spec.series]
    rows: list[list[object]] = [[None, *(name for _, name in spec.series)]]
    for row in detail[3:3 + spec.units]:
        unit = row[0].value if row[0] is not None else ""
        values = [_number(row[c]) for c in columns]
        rows.append([as_text(str(unit)), *values])
    return rows


def _number(cell: Cell | None) -> object:
    value = cell.value if cell is not None else None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def write_chart(book, spec: ChartSpec | None, detail: list[list[Cell | None]]):
    """Replace the 图表 sheet's chart; returns the chart (None when there is nothing to chart)."""
    sheet = fresh_sheet(book, CHART_SHEET)
    for old in list(sheet.charts):
        old.delete()
    if spec is None:
        sheet.range("A1").value = "没有可画图的单位（附件1 第05项）。"
        return None
    sheet.range("A1").value = spec.caption
    rows = chart_rows(spec, detail)
    write_rows(sheet, rows, top=TOP_ROW)
    source = sheet.range((TOP_ROW, 1), (TOP_ROW + len(rows) - 1, len(rows[0])))
    chart = sheet.charts.add(
        width=spec.width * 0.75, height=spec.height * 0.75, chart_type="column_stacked",
        source=source, plot_by="columns", name=CHART_NAME, anchor=sheet.range(ANCHOR),
        style=None,  # Excel's own default: xlwings' 227 exists from Excel 2013 on, and we support 2010
    )
    chart.title = spec.title
    chart.legend.position = "bottom"
    chart.value_axis.title = spec.y_title
    chart.value_axis.number_format = spec.y_format
    return chart
