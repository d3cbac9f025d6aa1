"""明细 streamed: the sheet's cells written as worksheet XML of our own, the rest of the workbook by xlsxwriter.

Written through xlsxwriter's cell API, 明细 costs about 15 µs of Python per cell (a ``Cell``, then xlsxwriter's
argument checks, its cell object and row dict, then the XML; benchmarks/detail.py), and it holds units × 145
fields, most of the consolidated workbook's cells. Here each unit row goes
to a temp file as one string built from precomputed pieces (the column letters, the style index per
column and style), and xlsxwriter copies that file into the worksheet part where its own constant-memory
writer would copy the rows it buffered (``StreamedWorksheet``): so the sheet's columns, frozen panes, page
setup, print titles and the chart's references to it are xlsxwriter's, and the styles are xlsxwriter
formats (their ``xf`` index is what a cell's ``s`` attribute names). Memory stays flat: a row is written
and forgotten.

Text is written as inline strings, escaped for XML and so that every reader (Excel, LibreOffice,
openpyxl, python-calamine) reads back the same text:

- ``&``, ``<`` and ``>`` as entities, a carriage return as ``&#13;`` (a parser turns a raw one into a
  line feed); leading or trailing white space kept (``xml:space="preserve"``);
- characters XML cannot hold (C0 controls but tab and line feed, U+FFFE, U+FFFF) as visible escapes
  (``\\x1b``), as the flagged copies show them; a lone surrogate (an undecodable byte of a file name) as
  U+FFFD; a Windows line break (CR LF) as the line feed a cell's line break is;
- text that looks like Excel's own escape ``_x0041_``: each reader decodes a different part of them in
  inline strings (calamine every ``_xHHHH_``, LibreOffice the control characters' and drops ``x005F_``
  wherever it stands, openpyxl none), so no spelling reads back the same everywhere; the ``_`` that
  starts one, and the ``_`` that ends an ``x005F_``, is shown as ``\\x5f``, as a control character is;
- never a formula: a text starting with ``=``, ``+``, ``-`` or ``@`` is an inline string like any other;
  the only ``<f>`` elements are the total row's SUMIFS, each with its cached result;
- at most 32,767 characters (Excel's limit for a cell; xlsxwriter cuts the same way).
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
from pathlib import Path
from typing import IO

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ..core.forms import Kind
from ..core.tables import Cell, DetailSheet
from ..core.workbook import column_letter
from . import style as page_style

MAX_TEXT = 32_767
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_EXCEL_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)|(?<=x005F)_")
_MARKUP = re.compile("[&<>\r]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}

if not hasattr(Worksheet, "_write_optimized_sheet_data"):  # pragma: no cover - an xlsxwriter we do not know
    raise ImportError("xlsxwriter 的版本不受支持：缺少 Worksheet._write_optimized_sheet_data")


def _visible(m: re.Match[str]) -> str:
    ch = m.group()
    if "\ud800" <= ch <= "\udfff":
        return "\ufffd"
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def _entity(m: re.Match[str]) -> str:
    return _ENTITIES[m.group()]


def shown_text(value: str) -> str:
    """The text every reader gets back for ``value`` (see the module's docstring)."""
    if _UNSAFE.search(value):
        value = _UNSAFE.sub(_visible, value)
    if "\r\n" in value:
        value = value.replace("\r\n", "\n")
    if "_" in value and _EXCEL_ESCAPE.search(value):
        value = _EXCEL_ESCAPE.sub(r"\\x5f", value)
    return value[:MAX_TEXT] if len(value) > MAX_TEXT else value


def inline_string(value: str) -> str:
    """The ``<is>`` element of an inline-string cell holding ``value``."""
    return f"<is>{_text_element(shown_text(value))}</is>"


def _text_element(value: str) -> str:
    escaped = _MARKUP.sub(_entity, value) if _MARKUP.search(value) else value
    if value and (value[0].isspace() or value[-1].isspace()):
        return f'<t xml:space="preserve">{escaped}</t>'
    return f"<t>{escaped}</t>"


def number_text(value: float | int) -> str:
    """A number as ``<v>`` holds it: whole numbers without ".0", others exactly (repr round-trips)."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and -1e15 < value < 1e15:
        return str(int(value))
    return repr(value)


class StreamedWorksheet(Worksheet):
    """An xlsxwriter worksheet (constant-memory mode) whose ``<sheetData>`` is the rows we streamed to
    ``rows``: a text file of ``<row>`` elements. Everything outside sheetData is xlsxwriter's."""

    rows: IO[str] | None = None
    rows_path: Path | None = None

    def open_rows(self, folder: Path) -> IO[str]:
        fd, name = tempfile.mkstemp(prefix="rows-", suffix=".xml", dir=folder)
        self.rows_path = Path(name)
        self.rows = open(fd, "w", encoding="utf-8", buffering=1 << 18)  # noqa: SIM115 - closed when the part is assembled
        return self.rows

    def set_extent(self, last_row: int, last_col: int) -> None:
        """The cells written span A1 to (last_row, last_col), 0-based: the ``<dimension>`` element."""
        self.dim_rowmin, self.dim_colmin, self.dim_rowmax, self.dim_colmax = 0, 0, last_row, last_col

    def _write_optimized_sheet_data(self) -> None:
        # xlsxwriter's own row buffer is empty (no cell went through it): drop it, as it would.
        if not getattr(self, "row_data_fh_closed", True):
            self.row_data_fh.close()
            self.row_data_fh_closed = True
        Path(self.row_data_filename).unlink(missing_ok=True)
        if self.rows is None or self.rows_path is None:
            self._xml_empty_tag("sheetData")
            return
        self.rows.close()
        self.fh.write("<sheetData>")
        with open(self.rows_path, encoding="utf-8") as rows:
            shutil.copyfileobj(rows, self.fh, 1 << 16)  # 64 K characters at a time, as xlsxwriter copies
        self.fh.write("</sheetData>")
        self.rows_path.unlink(missing_ok=True)
        self.rows = self.rows_path = None


NUMBER_FORMATS = {"count": page_style.COUNT_FORMAT, "money": page_style.MONEY_FORMAT, "text": None}  # by column kind, as the 汇总 sheets show them


class _Formats:
    """xf indexes (as the ``s`` attribute's text) of the formats 明细 uses: by style name for the header,
    fixed and total cells; by the column's kind and the cell's style for the field cells, so that a red,
    yellow or grey number keeps its number format."""

    def __init__(self, wb: xlsxwriter.Workbook, styles, box: dict):
        def xf(props: dict) -> str:
            # The index xlsxwriter gives a format when a cell first uses it (what its own writer calls);
            # a format equal to one already used gets that one's index.
            return str(wb.add_format(props)._get_xf_index())

        self.named = {name: str(getattr(styles, name)._get_xf_index()) for name in
                      ("header", "code", "cell", "center", "text", "total_text", "total_count", "total_money")}
        self.by_kind: dict[str, dict[str, str]] = {}
        for kind, num_format in NUMBER_FORMATS.items():
            number = {**box, "num_format": num_format} if num_format else dict(box)
            counted = xf(number)
            self.by_kind[kind] = {
                "count": counted, "money": counted, "cell": self.named["cell"],
                "grey": xf({**number, "font_color": "#" + page_style.GREY_TEXT}),
                "error": xf({**number, "bg_color": "#" + page_style.ERROR}),
                "warning": xf({**number, "bg_color": "#" + page_style.WARNING}),
            }


def write_detail(wb: xlsxwriter.Workbook, styles, sheet: DetailSheet, folder: Path) -> int:
    """明细 into ``wb``; returns the number of unit rows."""
    ws: StreamedWorksheet = wb.add_worksheet(sheet.name, worksheet_class=StreamedWorksheet)
    if not ws.constant_memory:  # only that mode copies a row file into the part (and keeps memory flat)
        raise ValueError("明细须以 constant_memory 模式写入")
    for first, last, width in sheet.widths:
        ws.set_column(first, last, width)
    ws.freeze_panes(*sheet.freeze)
    # The page setup every wide table gets (files/style.py): landscape A4 at 70 %, the header rows and the unit
    # column on every page, the sheet's name and the page number in the footer; pages across, then down.
    page_style.xlsxwriter_page(ws, page_style.table_page("wide", sheet.repeat_rows[0], sheet.freeze, None))
    ws.print_across()
    formats = _Formats(wb, styles, styles.box)
    first = sheet.first_field_col
    width = first + len(sheet.fields)
    letters = [column_letter(c + 1) for c in range(width)]
    field_xf = [formats.by_kind[_kind(f.kind)] for f in sheet.fields]
    out = ws.open_rows(folder)
    try:
        for r, cells in sheet.header:
            out.write(_row(r, cells, letters, formats.named, sheet.heights.get(r)))
        r = sheet.header[-1][0] + 1
        heads = [f'<c r="{letter}' for letter in letters[first:]]
        for unit in sheet.units:
            rs = str(r + 1)
            parts = [f'<row r="{rs}">', _cells(r, dict(enumerate(unit.fixed)), letters, formats.named)]
            for head, value, style, xfs in zip(heads, unit.values, unit.styles, field_xf):
                if value is None:
                    parts.append(f'{head}{rs}" s="{xfs[style]}"/>')
                elif type(value) is float:
                    if value.is_integer() and -1e15 < value < 1e15:
                        parts.append(f'{head}{rs}" s="{xfs[style]}"><v>{int(value)}</v></c>')
                    elif math.isfinite(value):
                        parts.append(f'{head}{rs}" s="{xfs[style]}"><v>{value!r}</v></c>')
                    else:
                        parts.append(f'{head}{rs}" s="{xfs[style]}" t="inlineStr">{inline_string(repr(value))}</c>')
                else:
                    parts.append(_value_cell(f"{head}{rs}", value, xfs[style]))
            parts.append("</row>")
            out.write("".join(parts))
            r += 1
        total_row, cells = sheet.total
        assert total_row == r, (total_row, r)
        out.write(_row(total_row, cells, letters, formats.named))
    except BaseException:
        out.close()  # the temp folder it is in goes with the failed output (an open file would keep it on Windows)
        raise
    ws.set_extent(total_row, width - 1)
    return sheet.unit_count


def _kind(kind: Kind) -> str:
    return "money" if kind is Kind.MONEY else ("count" if kind is not Kind.YESNO else "text")


def _row(r: int, cells: dict[int, Cell], letters: list[str], named: dict[str, str], height: float | None = None) -> str:
    attrs = f' ht="{height:g}" customHeight="1"' if height is not None else ""
    return f'<row r="{r + 1}"{attrs}>{_cells(r, cells, letters, named)}</row>'


def _cells(r: int, cells: dict[int, Cell], letters: list[str], named: dict[str, str]) -> str:
    """Cells of the few rows that are not unit rows (and the unit rows' fixed cells), one by one."""
    rs = str(r + 1)
    parts = []
    for c, cell in sorted(cells.items()):
        if cell.link is not None:
            raise ValueError("明细不含超链接")
        ref, xf = f'<c r="{letters[c]}{rs}', named[cell.style]
        if cell.formula is not None:
            formula = _MARKUP.sub(_entity, cell.formula.removeprefix("="))
            cached = cell.value if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) else 0
            parts.append(f'{ref}" s="{xf}"><f>{formula}</f><v>{number_text(cached)}</v></c>')
        else:
            parts.append(_value_cell(ref, cell.value, xf))
    return "".join(parts)


def _value_cell(ref: str, value: object, xf: str) -> str:
    if value is None or value == "":
        return f'{ref}" s="{xf}"/>'
    if isinstance(value, str):
        return f'{ref}" s="{xf}" t="inlineStr">{inline_string(value)}</c>'
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f'{ref}" s="{xf}" t="inlineStr">{inline_string(str(value))}</c>'
    if isinstance(value, float) and not math.isfinite(value):
        return f'{ref}" s="{xf}" t="inlineStr">{inline_string(repr(value))}</c>'
    return f'{ref}" s="{xf}"><v>{number_text(value)}</v></c>'
