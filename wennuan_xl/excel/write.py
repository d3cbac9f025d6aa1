"""Writing to live Excel in batches: one 2-D write per block, one fill call per colour (not per cell).

Fills: on desktop Excel (Windows/macOS) a colour goes to a multi-area range ("E9,E10:E12,G3"), chunked
so each address stays within Excel's 255-character limit for Range("..."); engines without multi-area
ranges (xlwings' remote engine, used in the tests) get one ``set_colors`` matrix over the cells'
bounding box. Either way the number of calls depends on the colours, not on the number of cells.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..core.tables import Cell, Table, grid
from ..core.workbook import column_letter
from ..files import style

TITLE = "送温暖"  # the message boxes' title

MAX_ADDRESS = 255  # Excel's Range("...") limit
STYLE_FILLS = {  # core.tables' style names that carry a fill, in the palette's colours
    "header": style.HEADER, "error": style.ERROR, "warning": style.WARNING, "explained": style.EXPLAINED,
    "missing": style.MISSING, "total_count": style.TOTAL, "total_money": style.TOTAL, "total_text": style.TOTAL,
}
XL_SHEET_VERY_HIDDEN = 2


def alert(book, text: str) -> None:
    book.app.alert(text, title=TITLE)


def status(book, text: str | None) -> None:
    """Excel's status bar; None gives it back to Excel. Engines without one (remote) are skipped."""
    with contextlib.suppress(NotImplementedError):
        book.app.status_bar = text if text is not None else False


@contextlib.contextmanager
def quiet_screen(book) -> Iterator[None]:
    """Screen updating off while writing (Excel repaints once at the end), put back as it was."""
    app = book.app
    try:
        before = bool(app.screen_updating)
    except NotImplementedError:  # an engine that can set it but not read it back (remote)
        before = True
    app.screen_updating = False
    try:
        yield
    finally:
        app.screen_updating = before


def desktop(book) -> bool:
    return book.app.engine.name == "excel"


def find_sheet(book, name: str):
    for sheet in book.sheets:
        if sheet.name == name:
            return sheet
    return None


def fresh_sheet(book, name: str):
    """The sheet ``name`` with its previous content (values and formats of its used range) cleared, or a new one."""
    sheet = find_sheet(book, name)
    if sheet is None:
        return book.sheets.add(name=name, after=book.sheets[len(book.sheets) - 1])
    sheet.used_range.clear()
    return sheet


def hide_completely(book, sheet) -> None:
    """Very hidden (only VBA can show it again) on desktop Excel; plain hidden where that is all there is."""
    if desktop(book):
        sheet.api.Visible = XL_SHEET_VERY_HIDDEN
    else:
        sheet.visible = False


def excel_value(cell: Cell | None) -> object:
    if cell is None:
        return None
    if cell.formula is not None:
        return cell.formula
    if cell.link is not None:
        return f'=HYPERLINK("#{_q(cell.link)}","{_q(str(cell.value))}")'
    return as_text(cell.value) if isinstance(cell.value, str) else cell.value


def as_text(value: str) -> str:
    """Text that Excel must keep as typed: '=…' is no formula, '2017-01-10' no date, '0833…' no number.

    Excel parses what is written to .Value like typing, so such text gets the leading apostrophe a clerk
    would type (Excel stores it as the cell's prefix, not as part of the value)."""
    if value and (value[0] in "=+-@'" or any(ch.isdigit() for ch in value)):
        return "'" + value
    return value


def _q(text: str) -> str:
    return text.replace('"', '""')


def write_rows(sheet, rows: list[list[object]], top: int = 1, left: int = 1) -> None:
    """One 2-D write."""
    if not rows:
        return
    width = max(len(r) for r in rows) or 1
    block = [list(r) + [None] * (width - len(r)) for r in rows]
    sheet.range((top, left), (top + len(block) - 1, left + width - 1)).value = block


def write_table(book, sheet, table: Table) -> None:
    """A core table: values in one write, fills per colour, column widths per width."""
    cells = grid(table)
    write_rows(sheet, [[excel_value(c) for c in row] for row in cells])
    fills: dict[tuple[int, int], str] = {}
    for r, row in enumerate(cells, start=1):
        for c, cell in enumerate(row, start=1):
            if cell is not None and cell.style in STYLE_FILLS:
                fills[(r, c)] = STYLE_FILLS[cell.style]
    paint(book, sheet, fills)
    for first, last, width in table.widths:
        sheet.range((1, first + 1), (1, last + 1)).column_width = width


def paint(book, sheet, fills: dict[tuple[int, int], str]) -> None:
    """Set each (row, col)'s fill ("RRGGBB", "" for none), batched by colour."""
    if not fills:
        return
    if desktop(book):
        by_colour: dict[str, list[tuple[int, int]]] = {}
        for cell, colour in fills.items():
            by_colour.setdefault(colour, []).append(cell)
        for colour, cells in by_colour.items():
            for address in multi_area(cells):
                sheet.range(address).color = f"#{colour}" if colour else None
        return
    rows = [r for r, _ in fills]
    cols = [c for _, c in fills]
    top, left = min(rows), min(cols)
    matrix: list[list[object]] = [[...] * (max(cols) - left + 1) for _ in range(max(rows) - top + 1)]
    for (r, c), colour in fills.items():
        matrix[r - top][c - left] = f"#{colour}" if colour else None
    for start in range(0, len(matrix), max(1, 10_000 // len(matrix[0]))):  # set_colors takes 10,000 cells a call
        band = matrix[start:start + max(1, 10_000 // len(matrix[0]))]
        sheet.range((top + start, left), (top + start + len(band) - 1, left + len(matrix[0]) - 1)).set_colors(band)


def multi_area(cells: list[tuple[int, int]]) -> list[str]:
    """(row, col) cells as multi-area addresses, runs in a row joined ("A4:M4"), each ≤ 255 characters."""
    areas = []
    for (row, col), length in _runs(sorted(set(cells))):
        first = f"{column_letter(col)}{row}"
        areas.append(first if length == 1 else f"{first}:{column_letter(col + length - 1)}{row}")
    out, current = [], ""
    for area in areas:
        if current and len(current) + 1 + len(area) > MAX_ADDRESS:
            out.append(current)
            current = ""
        current = f"{current},{area}" if current else area
    if current:
        out.append(current)
    return out


def _runs(cells: list[tuple[int, int]]):
    start, length = None, 0
    for row, col in cells:
        if start is not None and row == start[0] and col == start[1] + length:
            length += 1
            continue
        if start is not None:
            yield start, length
        start, length = (row, col), 1
    if start is not None:
        yield start, length
