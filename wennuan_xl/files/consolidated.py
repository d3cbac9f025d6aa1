"""The consolidated workbook: 汇总 sheets in each annex's layout, 上报情况, 审核结果, 明细, 来源, a chart.

What each sheet holds comes from core/tables.py, shared with the live Excel writer (excel/write.py);
this module renders those rows with xlsxwriter formats and page setup. Written in constant-memory mode
(rows stream to disk, so ten thousand units cost no more memory than sixteen), to a temp file that
replaces the target in one step. Every text goes through ``write_string``: a unit's "=…" can never
become a formula.
"""

from __future__ import annotations

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
    Table,
    consolidation_tables,
    detail_fixed,
    detail_sheet,
)
from .atomic import Inputs, OutputError, atomic_path, drop_failed_writer, os_reason, shown_path, temp_folder
from .chart import FONT, consolidation_chart
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
                       protect: Inputs | Iterable[Path] = ()) -> Path:
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
            for table in consolidation_tables(result, campaign):
                if table.name == DETAIL_SHEET:  # units x fields: streamed as XML of our own (files/sheet_stream.py)
                    detail_rows = write_detail(wb, styles, detail_sheet(result, campaign), work)
                else:
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


class _Styles:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
        box = {**base, "border": 1, "border_color": "#808080"}
        self.box = box  # what every boxed cell shares (files/sheet_stream.py builds 明细's formats on it)
        self.title = wb.add_format({**base, "bold": True, "font_size": 16, "align": "center"})
        self.heading = wb.add_format({**base, "bold": True, "font_size": 14})
        self.bold = wb.add_format({**base, "bold": True})
        self.text = wb.add_format(base)
        self.wrap = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.header = wb.add_format({**box, "bold": True, "bg_color": "#D9D9D9", "align": "center", "text_wrap": True})
        self.cell = wb.add_format(box)
        self.cell_wrap = wb.add_format({**box, "text_wrap": True})
        self.center = wb.add_format({**box, "align": "center"})
        self.code = wb.add_format({**box, "align": "center", "font_size": 9, "font_color": "#808080"})
        self.count = wb.add_format({**box, "num_format": "#,##0"})
        self.money = wb.add_format({**box, "num_format": "#,##0.00##"})
        self.total_count = wb.add_format({**box, "num_format": "#,##0", "bold": True, "bg_color": "#F2F2F2"})
        self.total_money = wb.add_format({**box, "num_format": "#,##0.00##", "bold": True, "bg_color": "#F2F2F2"})
        self.total_text = wb.add_format({**box, "bold": True, "bg_color": "#F2F2F2"})
        self.error = wb.add_format({**box, "bg_color": "#FFC7CE"})
        self.warning = wb.add_format({**box, "bg_color": "#FFEB9C"})
        self.missing = wb.add_format({**box, "bg_color": "#FCE4D6"})
        self.grey = wb.add_format({**box, "font_color": "#808080"})
        self.link = wb.add_format({**box, "font_color": "#0563C1", "underline": 1})


def _write_table(wb, s: _Styles, table: Table) -> int:
    """Render one table in row order (constant memory: a row cannot be revisited). Returns rows written."""
    ws = wb.add_worksheet(table.name)
    for first, last, width in table.widths:
        ws.set_column(first, last, width)
    for row, height in sorted(table.heights.items()):  # before any write, for the same reason
        ws.set_row(row, height)
    count = 0
    for r, cells in table.rows:
        count += 1
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
    if table.page == "form" and table.print_area is not None:
        ws.print_area(*table.print_area)
        ws.repeat_rows(table.header_row)
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_footer("&C第 &P 页，共 &N 页")
    elif table.page == "landscape":
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(table.header_row)
        ws.set_footer("&C第 &P 页，共 &N 页")
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
    chart.set_title({"name": spec.title, "name_font": {"name": FONT, "size": 14}})
    chart.set_y_axis({"name": spec.y_title, "num_format": spec.y_format})
    chart.set_x_axis({"num_font": {"rotation": -45, "name": FONT}})
    chart.set_legend({"position": "bottom", "font": {"name": FONT}})
    chart.set_size({"width": spec.width, "height": spec.height})
    ws = wb.add_worksheet(CHART_SHEET)
    ws.write_string(0, 0, spec.caption)
    ws.insert_chart(2, 0, chart)
