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
from collections.abc import Iterable
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
from .chart import consolidation_chart
from .sheet_stream import write_detail

FIXED_TIME = dt.datetime(2016, 11, 7, 9, 0, 0)
OUTPUT_MARK = "wennuan_xl"  # custom document property: this workbook is our output, not a unit's return
_MARK_PART_BYTES = 64 * 1024  # docProps/custom.xml of our own output is < 1 KB


def is_consolidated_output(path: Path) -> bool:
    """A workbook this tool wrote (so a later run may skip and replace it), not a unit's return.

    The file may be anything (a unit's return under that name, a bomb, a FIFO): only a regular file is
    opened, and only a small, plainly compressed custom.xml is read."""
    import stat
    import zipfile

    try:
        info = Path(path).stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > 50 * 1024 * 1024:
            return False
        with zipfile.ZipFile(path) as zf:
            member = zf.getinfo("docProps/custom.xml")
            if member.file_size > _MARK_PART_BYTES or member.compress_type not in (0, 8):
                return False
            with zf.open(member) as f:
                return OUTPUT_MARK.encode() in f.read(_MARK_PART_BYTES + 1)
    except (OSError, KeyError, ValueError, NotImplementedError, RuntimeError, zipfile.BadZipFile, EOFError):
        return False


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
                       day: dt.date | None = None) -> Path:
    """``returns``: the folder the returns were read from; each 审核结果 row then links to its file.
    ``day``: the 汇总 sheets' 填报日期 (default today)."""
    out = Path(out)
    with atomic_path(out, protect=protect) as tmp, temp_folder(out) as work:
        wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "tmpdir": str(work)})
        failure: BaseException | None = None
        try:
            wb.set_properties({"title": f"{campaign.name}统计汇总", "author": campaign.issuer, "created": FIXED_TIME})
            wb.set_custom_property(OUTPUT_MARK, "consolidated")
            styles = _Styles(wb)
            detail_rows = 0
            link = _file_link(returns)
            for table in consolidation_tables(result, campaign, day or dt.date.today()):
                if table.name == DETAIL_SHEET:  # units x fields: streamed as XML of our own (files/sheet_stream.py)
                    detail_rows = write_detail(wb, styles, detail_sheet(result, campaign), work)
                    continue
                if table.name == FINDINGS_SHEET and link is not None:
                    table = with_file_links(table, link)
                _write_table(wb, styles, table)
            _write_chart(wb, result, campaign, detail_rows)
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


def _write_chart(wb, result: Consolidation, campaign: Campaign, unit_rows: int) -> None:
    """筹集款物 by source per unit, from the 明细 sheet: a native stacked column chart (files/chart.py)."""
    spec = consolidation_chart(campaign, unit_rows)
    if spec is None:
        return
    fields = [f.code for f in campaign.fields()]
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    for code, name in spec.series:
        col = len(detail_fixed(campaign)) + fields.index(code)
        chart.add_series({
            "name": text(name),
            "categories": [DETAIL_SHEET, 3, 0, 3 + spec.units - 1, 0],
            "values": [DETAIL_SHEET, 3, col, 3 + spec.units - 1, col],
        })
    chart.set_title({"name": spec.title, "name_font": {"name": style.FONT, "size": 14}})
    chart.set_y_axis({"name": spec.y_title, "num_format": spec.y_format})
    chart.set_x_axis({"num_font": {"rotation": -45, "name": style.FONT}})
    chart.set_legend({"position": "bottom", "font": {"name": style.FONT}})
    chart.set_size({"width": spec.width, "height": spec.height})
    ws = wb.add_worksheet(CHART_SHEET)
    ws.write_string(0, 0, spec.caption)
    ws.insert_chart(2, 0, chart)
    # The chart on one landscape page: the print area covers it (64 x 20 pixels a default cell).
    cols, rows = -(-spec.width // 64), -(-spec.height // 20)
    style.xlsxwriter_page(ws, style.Page(landscape=True, one_page=True, area=(0, 0, rows + 3, cols), centered=True))
