"""The consolidated workbook: 汇总 sheets in each annex's layout, 上报情况, 审核结果, 明细, 来源, a chart.

What each sheet holds comes from core/tables.py, shared with the live Excel writer (excel/write.py);
this module renders those rows with xlsxwriter formats and page setup. Written in constant-memory mode
(rows stream to disk, so ten thousand units cost no more memory than sixteen), to a temp file that
replaces the target in one step. Every text goes through ``write_string``: a unit's "=…" can never
become a formula.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

import xlsxwriter
import xlsxwriter.exceptions

from ..core.consolidate import Consolidation
from ..core.forms import Campaign
from ..core.tables import (
    CHART_SHEET,
    DETAIL_SHEET,
    FINDINGS_SHEET,
    Table,
    consolidation_tables,
    detail_fixed,
    detail_sheet,
    with_file_links,
)
from . import style
from .atomic import Inputs, OutputError, atomic_path, drop_failed_writer, os_reason, shown_path, temp_folder
from .chart import ChartSpec, consolidation_charts
from .sheet_stream import write_detail

FIXED_TIME = dt.datetime(2016, 11, 7, 9, 0, 0)
OUTPUT_MARK = "wennuan_xl"  # custom document property: this workbook is our output, not a unit's return
_MARK_PART_BYTES = 64 * 1024  # docProps/custom.xml of our own output is < 1 KB


def is_consolidated_output(path: Path) -> bool:
    """A workbook this tool wrote (so a later run may skip and replace it), not a unit's return."""
    return output_mark(path) is not None


CONSOLIDATED_MARK = "consolidated"  # the mark's value on a consolidated workbook; a one-table book has its table's name


def output_mark(path: Path) -> str | None:
    """The value of our output mark when ``path`` is a workbook this tool wrote: ``CONSOLIDATED_MARK`` for a
    consolidated workbook (a lower union's is a return, 层层汇总), a table's name (催报清单) for a one-table
    book; None for anything else.

    The file may be anything (a unit's return under that name, a bomb, a FIFO): only a regular file is
    opened, and only a small, plainly compressed custom.xml is read."""
    import re
    import stat
    import zipfile

    try:
        info = Path(path).stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > 50 * 1024 * 1024:
            return None
        with zipfile.ZipFile(path) as zf:
            member = zf.getinfo("docProps/custom.xml")
            if member.file_size > _MARK_PART_BYTES or member.compress_type not in (0, 8):
                return None
            with zf.open(member) as f:
                part = f.read(_MARK_PART_BYTES + 1).decode("utf-8", "replace")
    except (OSError, KeyError, ValueError, NotImplementedError, RuntimeError, zipfile.BadZipFile, EOFError):
        return None
    found = re.search(rf'name="{OUTPUT_MARK}"[^>]*>\s*<vt:lpwstr>([^<]*)</vt:lpwstr>', part)
    if found:
        return found.group(1)
    return "" if OUTPUT_MARK in part else None


def text(value: str) -> str:
    """Text that xlsxwriter can encode: an undecodable byte of a file name (a surrogate escape) becomes
    U+FFFD. Control characters are fine: xlsxwriter writes them as Excel's _xHHHH_ escapes."""
    if value.isascii():
        return value
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if _has_surrogate(value) else value


def _has_surrogate(value: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in value)


def write_consolidated(result: Consolidation, campaign: Campaign, out: Path | str,
                       protect: Inputs | Iterable[Path] = (), returns: Path | None = None,
                       day: dt.date | None = None, resubmit_by: dt.date | None = None) -> Path:
    """``returns``: the folder the returns were read from; each 审核结果 row then links to its file.
    ``day``: the 汇总 sheets' 填报日期 and the 催报清单's date (default today); ``resubmit_by``: the date the
    催报清单 asks corrected returns by (default ``day`` plus the campaign's working days)."""

    def build(wb, styles: _Styles, work: Path) -> None:
        detail_rows = 0
        link = _file_link(returns)
        for table in consolidation_tables(result, campaign, day or dt.date.today(), resubmit_by):
            if table.name == DETAIL_SHEET:  # units x fields: streamed as XML of our own (files/sheet_stream.py)
                detail_rows = write_detail(wb, styles, detail_sheet(result, campaign), work)
                continue
            if table.name == FINDINGS_SHEET and link is not None:
                table = with_file_links(table, link)
            _write_table(wb, styles, table)
        _write_charts(wb, styles, result, campaign, detail_rows)

    return write_book(out, protect, f"{campaign.name}统计汇总", campaign.issuer, CONSOLIDATED_MARK, build)


def write_table_book(table: Table, out: Path | str, protect: Inputs | Iterable[Path] = (), title: str = "",
                     author: str = "") -> Path:
    """A workbook of one table (the 催报清单 of ``consolidate --remind``), marked as our output."""
    def build(wb, styles: _Styles, work: Path) -> None:
        _write_table(wb, styles, table)

    return write_book(out, protect, title, author, table.name, build)


def write_book(out: Path | str, protect: Inputs | Iterable[Path], title: str, author: str, mark: str,
               build: Callable[[xlsxwriter.Workbook, _Styles, Path], None]) -> Path:
    """An xlsxwriter workbook at ``out``, written by ``build`` to a temp file that replaces ``out`` in one
    step (never an input), marked as our output; an OS error is an ``OutputError`` in Chinese."""
    out = Path(out)
    with atomic_path(out, protect=protect) as tmp, temp_folder(out) as work:
        wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "tmpdir": str(work)})
        failure: BaseException | None = None
        try:
            wb.set_properties({"title": title, "author": author, "created": FIXED_TIME})
            wb.set_custom_property(OUTPUT_MARK, mark)
            build(wb, _Styles(wb), work)
            wb.close()
        except (OSError, xlsxwriter.exceptions.FileCreateError) as exc:
            cause = exc if isinstance(exc, OSError) else exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
            reason = os_reason(cause) if cause is not None else str(exc)
            failure = OutputError(f"无法写入 {shown_path(out)}：{reason}；原有的文件未被改动")
            drop_failed_writer(exc)
        except BaseException as exc:
            drop_failed_writer(exc)
            raise
        if failure is not None:
            raise failure
    return out


def _file_link(returns: Path | None):
    """The path a 审核结果 row's file link opens: the file in the returns folder (absolute)."""
    if returns is None:
        return None
    folder = returns.resolve()
    return lambda name: str(folder / name)


class _Styles:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": style.FONT, "font_size": style.FONT_SIZE, "valign": "vcenter"}
        box = {**base, "border": 1, "border_color": f"#{style.BORDER}"}
        self.box = box  # what every boxed cell shares (files/sheet_stream.py builds 明细's formats on it)
        self.title = wb.add_format({**base, "bold": True, "font_size": 16, "align": "center"})
        self.heading = wb.add_format({**base, "bold": True, "font_size": 14})
        self.bold = wb.add_format({**base, "bold": True})
        self.text = wb.add_format(base)
        total = {"bold": True, "bg_color": f"#{style.TOTAL}"}
        self.wrap = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.header = wb.add_format({**box, "bold": True, "bg_color": f"#{style.HEADER}", "align": "center", "text_wrap": True})
        self.cell = wb.add_format(box)
        self.cell_wrap = wb.add_format({**box, "text_wrap": True, "valign": "top"})
        self.center = wb.add_format({**box, "align": "center"})
        self.code = wb.add_format({**box, "align": "center", "font_size": 9, "font_color": f"#{style.GREY_TEXT}"})
        self.count = wb.add_format({**box, "num_format": style.COUNT_FORMAT})
        self.money = wb.add_format({**box, "num_format": style.MONEY_FORMAT})
        self.total_count = wb.add_format({**box, "num_format": style.COUNT_FORMAT, **total})
        self.total_money = wb.add_format({**box, "num_format": style.MONEY_FORMAT, **total})
        self.total_text = wb.add_format({**box, **total})
        self.error = wb.add_format({**box, "bg_color": f"#{style.ERROR}"})
        self.warning = wb.add_format({**box, "bg_color": f"#{style.WARNING}"})
        self.explained = wb.add_format({**box, "bg_color": f"#{style.EXPLAINED}", "align": "center"})
        self.missing = wb.add_format({**box, "bg_color": f"#{style.MISSING}"})
        self.grey = wb.add_format({**box, "font_color": f"#{style.GREY_TEXT}"})
        self.link = wb.add_format({**box, "font_color": f"#{style.LINK}", "underline": 1})


DEFAULT_ROW = 15.0  # points: a row without a height of its own
WRAPPED = {"wrap", "header", "cell_wrap"}  # styles whose text wraps: their rows get a height that shows it
SIZES = {"title": 16.0, "heading": 14.0, "code": 9.0}


def _heights(table: Table):
    """A function giving each row's height: the table's own, or one that shows its wrapped cells."""
    widths: dict[int, float] = {}
    for first, last, w in table.widths:
        for col in range(first, last + 1):
            widths[col] = w

    def width(r: int, c: int) -> float:  # a merged cell is as wide as its columns together
        last = table.merges.get((r, c), (r, c))[1]
        return sum(widths.get(k, 8.43) for k in range(c, last + 1))

    def height(r: int, cells: dict) -> float | None:
        own = table.heights.get(r)
        wrapped = [(cell.value, width(r, c), SIZES.get(cell.style, style.FONT_SIZE)) for c, cell in cells.items()
                   if cell.style in WRAPPED and isinstance(cell.value, str) and cell.value]
        big = max((SIZES.get(cell.style, 0.0) for cell in cells.values() if cell.value not in (None, "")), default=0.0)
        if big > style.FONT_SIZE:  # a heading's one line, taller than the default row
            own = max(own or 0.0, style.lines_height(1, big))
        return style.row_height(wrapped, own or 0.0) if wrapped else own

    return height


def _write_table(wb, s: _Styles, table: Table) -> int:
    """Render one table in row order (constant memory: a row cannot be revisited). Returns rows written."""
    ws = wb.add_worksheet(table.name)
    for first, last, width in table.widths:
        ws.set_column(first, last, width)
    height = _heights(table)
    count = 0
    printed: list[float] = []  # the rows' heights, to decide whether a form fits one page
    for r, cells in table.rows:
        count += 1
        shown = height(r, cells)
        if shown is not None:  # before the row's first write: constant memory cannot revisit it
            ws.set_row(r, shown)
        printed.append(shown or DEFAULT_ROW)
        for c, cell in sorted(cells.items()):
            fmt = getattr(s, cell.style)
            if (r, c) in table.merges:
                last_row, last_col = table.merges[(r, c)]
                ws.merge_range(r, c, last_row, last_col, text(cell.value) if isinstance(cell.value, str) else cell.value, fmt)
            elif cell.link is not None:
                ws.write_url(r, c, f"internal:{text(cell.link)}", fmt, text(str(cell.value)))
            elif cell.formula is not None:
                ws.write_formula(r, c, cell.formula, fmt, cell.value)
            elif cell.value is None:
                ws.write_blank(r, c, None, fmt)
            elif isinstance(cell.value, str):
                write_text(ws, r, c, text(cell.value), fmt)
            else:
                ws.write_number(r, c, cell.value, fmt)
    if table.freeze is not None:
        ws.freeze_panes(*table.freeze)
    if table.autofilter is not None:
        ws.autofilter(*table.autofilter)
    page = style.table_page(table.page if table.name != DETAIL_SHEET else "wide",  # 明细: too wide for one page
                            table.header_row, table.freeze, table.print_area)
    if table.page == "form" and style.pages_tall(printed, page.landscape):
        page = dataclasses.replace(page, one_page=True)  # 汇总-附件1 on one page, its item 11 not alone on a second
    style.xlsxwriter_page(ws, page)
    return count


def write_text(ws, r: int, c: int, value: str, fmt) -> None:
    """A text cell. In constant-memory mode xlsxwriter copies a text that starts with "<r>" and ends with
    "</r>" into the sheet's XML as rich text, unescaped: a 填报人 typed that way could close the cell and
    add a live formula. Such a text goes as plain runs ("<", "r" and the rest), which xlsxwriter escapes and
    every reader joins back into the text as typed."""
    if value.startswith("<r>") and value.endswith("</r>"):
        ws.write_rich_string(r, c, value[:1], value[1:2], value[2:], *((fmt,) if fmt is not None else ()))
    else:
        ws.write_string(r, c, value, fmt)


PAGE_ROOM = (490.0, 770.0)  # points of a landscape A4 page inside its margins and footer: height, width
# xlsxwriter places a chart by the cells it spans, taking a unit of column width as 7 pixels (Calibri's
# digit); LibreOffice, with the fonts it has for 宋体, measured 9, and stretches the chart over the same
# cells: the page is fitted to the wider of the two.
RENDER_SLACK = 1.35
CHART_COLUMN_WIDTHS = (10.0, 14.0, 14.0, 14.0, 14.0, 14.0)  # A…F: 上报进度's table (annex, four states, 应报)


def _write_charts(wb, s: _Styles, result: Consolidation, campaign: Campaign, unit_rows: int) -> None:
    """The 图表 sheet (files/chart.py): the charts one under another, each block (caption, chart, its table)
    starting a printed page, at one scale that fits the tallest block on a landscape page."""
    specs = consolidation_charts(result, campaign, unit_rows)
    if not specs:
        return
    ws = wb.add_worksheet(CHART_SHEET)
    for col, width in enumerate(CHART_COLUMN_WIDTHS):
        ws.set_column(col, col, width)
    last_col = _columns_for(max(spec.width for spec in specs))
    area_width = sum(_pixels(_chart_column_width(c)) for c in range(last_col + 1)) * 0.75 * RENDER_SLACK
    row, breaks, tallest = 0, [], 0.0
    for spec in specs:
        if row:
            breaks.append(row)
        top = row
        ws.write_string(row, 0, text(spec.caption), s.bold)
        ws.insert_chart(row + 2, 0, _chart(wb, spec, campaign, row + 2 + _rows_for(spec.height) + 1))
        row += 2 + _rows_for(spec.height) + 1
        heights = [DEFAULT_ROW] * (row - top)
        if spec.own_data:
            for r, values in enumerate(spec.rows):
                fmt = s.header if r == 0 else None
                if r == 0:
                    height = style.row_height([(str(v), _chart_column_width(c), style.FONT_SIZE)
                                               for c, v in enumerate(values) if v is not None])
                    ws.set_row(row, height)
                    heights.append(height or DEFAULT_ROW)
                else:
                    heights.append(DEFAULT_ROW)
                for c, value in enumerate(values):
                    cell_fmt = fmt or (s.cell if c == 0 else s.center)
                    if value is None:
                        ws.write_blank(row, c, None, cell_fmt)
                    elif isinstance(value, str):
                        write_text(ws, row, c, text(value), cell_fmt)
                    else:
                        ws.write_number(row, c, value, cell_fmt)
                row += 1
            row += 1
            heights.append(DEFAULT_ROW)
            for line in spec.lines:
                height = style.row_height([(line, area_width / RENDER_SLACK / 0.75 / 7, style.FONT_SIZE)]) or DEFAULT_ROW
                ws.set_row(row, height)
                ws.merge_range(row, 0, row, last_col, text(line), s.wrap)
                heights.append(height)
                row += 1
        tallest = max(tallest, sum(heights))
        row += 1
    ws.set_h_pagebreaks(breaks)
    scale = int(min(100.0, PAGE_ROOM[0] / tallest * 100, PAGE_ROOM[1] / area_width * 100))
    style.xlsxwriter_page(ws, style.Page(landscape=True, area=(0, 0, row - 1, last_col), centered=True, scale=scale))


def _chart(wb, spec: ChartSpec, campaign: Campaign, data_row: int):
    """A native chart of ``spec``: over 明细's unit rows, or over its own table at ``data_row`` of 图表."""
    kind, subtype = spec.kind.split("_", 1)
    chart = wb.add_chart({"type": kind, "subtype": subtype})
    fields = [f.code for f in campaign.fields()]
    for i, (key, name) in enumerate(spec.series):
        if spec.own_data:
            first, last, col = data_row + 1, data_row + spec.units, 1 + i
            where = CHART_SHEET
            values = [row[col] for row in spec.rows[1:]]
        else:
            first, last, col = 3, 3 + spec.units - 1, len(detail_fixed(campaign)) + fields.index(key)
            where, values = DETAIL_SHEET, []
        series: dict = {"name": text(name), "categories": [where, first, 0, last, 0], "values": [where, first, col, last, col]}
        if i < len(spec.colours):
            series["fill"] = {"color": f"#{spec.colours[i]}"}
            series["border"] = {"color": f"#{style.WHITE}"}
        if spec.own_data:  # the count on each part; none on a part of 0, which has no width to carry it
            dark = i < len(spec.colours) and spec.colours[i] in (style.TAB_OK, style.TAB_ERROR)
            series["data_labels"] = {"value": True, "font": {"name": style.FONT, "bold": True,
                                                             "color": f"#{style.WHITE if dark else style.BLACK}"},
                                     "custom": [{"delete": True} if not v else None for v in values]}
        chart.add_series(series)
    chart.set_title({"name": spec.title, "name_font": {"name": style.FONT, "size": 14}})
    value_axis = {"name": spec.y_title, "num_format": spec.y_format, "name_font": {"name": style.FONT},
                  **({"min": 0, "max": spec.y_max, "major_unit": max(1, round(spec.y_max / 8))} if spec.y_max else {})}
    if kind == "bar":  # xlsxwriter's x axis of a bar chart is the horizontal value axis
        chart.set_x_axis(value_axis)
        # The first annex on top, the value axis still under the bars.
        chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"name": style.FONT}})
    else:
        chart.set_y_axis(value_axis)
        chart.set_x_axis({"num_font": {"rotation": -45, "name": style.FONT}})
    chart.set_legend({"position": "bottom", "font": {"name": style.FONT}})
    chart.set_size({"width": spec.width, "height": spec.height})
    return chart


def _chart_column_width(col: int) -> float:
    return CHART_COLUMN_WIDTHS[col] if col < len(CHART_COLUMN_WIDTHS) else 8.43


def _pixels(width: float) -> int:
    """A column's width in pixels as xlsxwriter converts it (the width of ``0`` is 7 pixels, plus 5 of padding)."""
    return int(width * 12 + 0.5) if width < 1 else int(width * 7 + 0.5) + 5


def _columns_for(pixels: int) -> int:
    """The last column (0-based) a chart ``pixels`` wide, placed at column A, reaches."""
    col, reached = 0, _pixels(_chart_column_width(0))
    while reached < pixels:
        col += 1
        reached += _pixels(_chart_column_width(col))
    return col


def _rows_for(pixels: int) -> int:
    return -(-pixels // 20)  # a default row is 20 pixels high
