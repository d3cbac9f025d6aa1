"""How every workbook we write looks and prints: the palette, the font, the number formats, page setups
and row heights for wrapped text. One place, used by the template, flagged-copy, feedback, master,
consolidated and 实名制 writers (openpyxl and xlsxwriter alike) and by the live Excel shell (excel/), so that
a colour means the same on every sheet; no other module names a colour or a font (tests/files/test_style.py).
The number formats are the ones the core prints numbers with in messages and live formulas
(core/excel_formulas.py), so a cell and its message show a number alike.

Neither openpyxl nor xlsxwriter (nor LibreOffice when it opens their files) fits a row to wrapped text,
so a wrapped cell's row gets a height estimated here from the text's width: a CJK character is about
two units of Excel's column width (the width of ``0``), anything else about one.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Re-exported: the writers take every number format from here.
from ..core.excel_formulas import COUNT_FORMAT as COUNT_FORMAT
from ..core.excel_formulas import MONEY_FORMAT as MONEY_FORMAT
from ..core.findings import Severity

# --- palette (RGB hex, no '#') -------------------------------------------------------------------------
ERROR = "FFC7CE"  # 错误: light red
WARNING = "FFEB9C"  # 提示: light yellow
EXPLAINED = "E2EFDA"  # 提示 the unit explained: light green
MISSING = "FCE4D6"  # 未报: light orange
INPUT = "DDEBF7"  # an input cell of a blank template: light blue, unlike any severity colour
HEADER = "D9D9D9"  # table headers
TOTAL = "F2F2F2"  # total rows
BORDER = "808080"
GREY_TEXT = "808080"  # codes, hints, values not counted
LINK = "0563C1"
OK_TEXT = "375623"  # “未发现问题”: dark green
ERROR_TEXT = "9C0006"  # text on an ERROR fill (the live checks' conditional formats)
WARNING_TEXT = "9C5700"  # text on a WARNING fill; also the 提示 line of a template's 审核 count
RED_TEXT = "C00000"  # a 错误 said in words (the template's 审核 line, the list's 审核 column)
ENTRY_TEXT = "1F3864"  # what the clerk types beside the form: 设置 values, 说明 cells
TAB_ERROR, TAB_WARNING, TAB_OK = "C00000", "FFC000", "00B050"
WHITE, BLACK = "FFFFFF", "000000"  # a chart part's border and the counts on its parts
NOT_SENT = "BFBFBF"  # 未报 in the 上报进度 chart (beside TAB_OK, TAB_ERROR and TAB_WARNING): light grey
# The fill a flagged cell gets, by its worst finding (a 注意 colours no cell).
FLAG_FILLS = {Severity.ERROR: ERROR, Severity.WARNING: WARNING}

# --- fonts and number formats --------------------------------------------------------------------------
FONT = "宋体"
FONT_SIZE = 11
YUAN_FORMAT = "#,##0.00"  # 元, in a 实名制 list
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"


def tab_colour(errors: bool, warnings: bool) -> str:
    """A sheet tab of findings: red with a 错误, amber with an open 提示, else green."""
    return TAB_ERROR if errors else TAB_WARNING if warnings else TAB_OK

# --- text width and row heights ------------------------------------------------------------------------
_LINE = 1.45  # points of row height per point of font size and line (CJK fonts set lines loosely)
_PAD = 4.0  # points above and below the text


def text_width(text: str) -> float:
    """The text's width in units of Excel's column width at 11 pt: 2.1 for a CJK character, 1.1 for any other."""
    return sum(2.1 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def lines_needed(text: str, width: float, size: float = FONT_SIZE) -> int:
    """Lines the text takes when wrapped in a cell ``width`` units wide (line breaks kept)."""
    room = max(width - 1.0, 1.0)  # the cell's own padding
    scale = size / FONT_SIZE
    return sum(max(1, math.ceil(text_width(part) * scale / room)) for part in str(text).split("\n"))


def row_height(cells: Iterable[tuple[object, float, float]], minimum: float = 0.0) -> float | None:
    """A row height (points) that shows every wrapped cell in full: ``cells`` are (text, width, font size).
    None when every cell takes one line at the default size and no ``minimum`` is asked: the row keeps
    the spreadsheet's own height."""
    best = minimum
    for text, width, size in cells:
        if text is None or text == "":
            continue
        lines = lines_needed(str(text), width, size)
        if lines > 1 or size > FONT_SIZE:
            best = max(best, lines_height(lines, size))
    return min(best, 409.0) if best else None  # 409: Excel's tallest row


def pages_tall(heights: Iterable[float], landscape: bool, shrink: float = 0.6) -> int:
    """1 when rows of these heights (points) fit one A4 page at a scale of at least ``shrink`` (a form
    then prints on one page, its last item not alone on the next), else 0: as many pages as needed."""
    room = (210 if landscape else 297) / 25.4 * 72 - 2 * 0.6 * 72 - 40  # the page less margins and footer
    return 1 if sum(heights) * shrink <= room else 0


def lines_height(lines: int, size: float = FONT_SIZE) -> float:
    """The height (points) of a row showing ``lines`` lines of text at ``size`` points."""
    return round(lines * size * _LINE + _PAD, 1)


# --- page setups ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """How a sheet prints: A4, fit to one page wide (as many pages down as it needs), the footer with the
    sheet's name and page number. Rows and columns are 0-based and inclusive."""

    landscape: bool = True
    repeat_rows: tuple[int, int] | None = None  # printed at the top of every page
    repeat_cols: tuple[int, int] | None = None  # printed at the left of every page (the unit column)
    area: tuple[int, int, int, int] | None = None  # first row, first col, last row, last col
    centered: bool = False
    one_page: bool = False  # fit on one page down as well (a chart, a form that fits one page)
    scale: int | None = None  # a fixed scale (percent) instead of fitting to one page wide (a table too wide to fit)


FOOTER = "&L&A&C第 &P 页，共 &N 页"  # xlsxwriter and openpyxl share Excel's header/footer codes


def xlsxwriter_page(ws, page: Page) -> None:
    """Apply ``page`` to an xlsxwriter worksheet."""
    ws.set_paper(9)
    if page.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if page.scale is not None:
        ws.set_print_scale(page.scale)
    else:
        ws.fit_to_pages(1, 1 if page.one_page else 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if page.repeat_rows is not None:
        ws.repeat_rows(*page.repeat_rows)
    if page.repeat_cols is not None:
        ws.repeat_columns(*page.repeat_cols)
    if page.area is not None:
        ws.print_area(*page.area)
    if page.centered:
        ws.center_horizontally()
    ws.set_footer(FOOTER)


def table_page(page: str, header_row: int, freeze: tuple[int, int] | None,
               area: tuple[int, int, int, int] | None) -> Page:
    """The page of a consolidated sheet (core.tables' ``Table.page``): "form", a 汇总 sheet in the annex's
    layout (portrait, centred, its header row repeated); "landscape", a list fit to one page wide with its
    frozen rows repeated; "wide", a table too wide for that (明细), printed at 70 % over several pages
    across with its frozen rows and columns (the unit column) repeated on each."""
    rows = (0, freeze[0] - 1) if freeze is not None and freeze[0] > 0 else (header_row, header_row)
    if page == "form":
        return Page(landscape=False, repeat_rows=(header_row, header_row), area=area, centered=True)
    if page == "wide":
        cols = (0, freeze[1] - 1) if freeze is not None and freeze[1] > 0 else None
        return Page(landscape=True, repeat_rows=rows, repeat_cols=cols, area=area, scale=70)
    return Page(landscape=True, repeat_rows=rows, area=area)


def openpyxl_page(ws, page: Page) -> None:
    """Apply ``page`` to an openpyxl worksheet."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.header_footer import HeaderFooterItem
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if page.landscape else ws.ORIENTATION_PORTRAIT
    if page.scale is not None:
        ws.page_setup.scale = page.scale
    else:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if page.one_page else 0
        if ws.sheet_properties.pageSetUpPr is None:
            ws.sheet_properties.pageSetUpPr = PageSetupProperties()
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if page.repeat_rows is not None:
        ws.print_title_rows = f"{page.repeat_rows[0] + 1}:{page.repeat_rows[1] + 1}"
    if page.repeat_cols is not None:
        ws.print_title_cols = f"{get_column_letter(page.repeat_cols[0] + 1)}:{get_column_letter(page.repeat_cols[1] + 1)}"
    if page.area is not None:
        r0, c0, r1, c1 = page.area
        ws.print_area = f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1 + 1)}{r1 + 1}"
    ws.print_options.horizontalCentered = page.centered
    footer = ws.HeaderFooter.oddFooter
    if footer is None:  # openpyxl always creates it; its type stubs allow None
        footer = ws.HeaderFooter.oddFooter = HeaderFooterItem()
    footer.left.text = "&A"
    footer.center.text = "第 &P 页，共 &N 页"


def openpyxl_fit_rows(ws, first_row: int = 1, size_of=None) -> None:
    """Give every row of ``ws`` from ``first_row`` (1-based) with a wrapped cell a height that shows it:
    merged cells count the width of all their columns."""
    widths = {}
    for letter, dim in ws.column_dimensions.items():
        widths[letter] = dim.width or 8.43
    merged = {}
    for rng in ws.merged_cells.ranges:
        merged[(rng.min_row, rng.min_col)] = rng.max_col
    from openpyxl.utils import get_column_letter

    def width(col: int) -> float:
        return float(widths.get(get_column_letter(col), 8.43) or 8.43)

    for row in ws.iter_rows(min_row=first_row):
        cells = []
        for cell in row:
            if cell.value is None or not (cell.alignment is not None and cell.alignment.wrap_text):
                continue
            if isinstance(cell.value, str) and cell.value.startswith("="):
                continue  # a formula's text is not what shows: its writer sets the row's height
            last = merged.get((cell.row, cell.column), cell.column)
            w = sum(width(c) for c in range(cell.column, last + 1))
            size = float(cell.font.sz or FONT_SIZE) if cell.font is not None else FONT_SIZE
            cells.append((cell.value, w, size))
        if cells:
            r = row[0].row
            height = row_height(cells, ws.row_dimensions[r].height or 0.0)
            if height is not None:
                ws.row_dimensions[r].height = height
