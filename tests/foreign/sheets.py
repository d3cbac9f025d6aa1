"""A small model of a workbook as a clerk leaves it, and its writers: xlsxwriter for .xlsx, LibreOffice for
.xls and .ods.

The model is deliberately dumb — cells, merges, hidden rows, names, pictures, text boxes — so that each
layout in ``layouts.py`` says where a clerk put things, and nothing here knows about the forms.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell


@dataclass(frozen=True)
class Formula:
    """A formula cell with the value Excel or WPS cached when the clerk saved."""

    text: str
    cached: object


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)  # (row, col), 0-based
    styles: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    widths: dict[int, float] = field(default_factory=dict)
    hidden: bool = False
    pictures: list[tuple[int, int, bytes]] = field(default_factory=list)
    textboxes: list[tuple[int, int, str]] = field(default_factory=list)

    def put(self, row: int, col: int, value: object, style: str | None = None) -> None:
        if value is None or value == "":
            self.cells.pop((row, col), None)
        else:
            self.cells[(row, col)] = value
        if style:
            self.styles[(row, col)] = style

    def merge(
        self, row: int, col: int, last_row: int, last_col: int, value: object, style: str | None = None
    ) -> None:
        self.put(row, col, value, style)
        if (row, col) == (last_row, last_col):
            return
        for r in range(row, last_row + 1):
            for c in range(col, last_col + 1):
                if (r, c) != (row, col) and style:
                    self.styles[(r, c)] = style
        self.merges.append((row, col, last_row, last_col))

    def hide_rows(self, first: int, last: int) -> None:
        self.hidden_rows.update(range(first, last + 1))


@dataclass
class Book:
    sheets: list[Sheet]
    created: dt.datetime
    author: str = "Administrator"
    names: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # name -> (sheet, row, col)
    active: int = 0


def a1(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col)


_FORMATS: dict[str, dict[str, object]] = {
    "title": {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"},
    "head": {"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True},
    "cell": {"border": 1, "valign": "vcenter"},
    "wrap": {"border": 1, "valign": "vcenter", "text_wrap": True},
    "num": {"border": 1, "valign": "vcenter", "align": "right"},
    "money": {"border": 1, "valign": "vcenter", "num_format": "0.00"},
    "date": {"num_format": 'yyyy"年"m"月"d"日"', "align": "left"},
    "pct": {"border": 1, "num_format": "0.0%"},
    "plain": {},
}


def write_xlsx(book: Book, path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    wb.set_properties({"created": book.created, "author": book.author, "company": ""})
    base = {"font_name": "宋体", "font_size": 11}
    formats = {key: wb.add_format({**base, **spec}) for key, spec in _FORMATS.items()}
    for sheet in book.sheets:
        _write_sheet(wb, sheet, formats)
    for name, (sheet_name, row, col) in sorted(book.names.items()):
        quoted = "'" + sheet_name.replace("'", "''") + "'"
        wb.define_name(name, f"={quoted}!${_col(col)}${row + 1}")
    wb.worksheets()[book.active].activate()
    wb.close()
    return path


def _col(col: int) -> str:
    return a1(0, col).rstrip("1")


def _write_sheet(wb: xlsxwriter.Workbook, sheet: Sheet, formats: dict) -> None:
    ws = wb.add_worksheet(sheet.name)
    for col, width in sorted(sheet.widths.items()):
        ws.set_column(col, col, width)
    for row in sorted(sheet.hidden_rows):
        ws.set_row(row, None, None, {"hidden": True})
    merged_tops = {(r, c): (r2, c2) for r, c, r2, c2 in sheet.merges}
    tops = set(merged_tops)
    covered = {
        (r, c) for r1, c1, r2, c2 in sheet.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
    } - tops
    for (row, col), value in sorted(sheet.cells.items()):
        if (row, col) in covered:
            continue
        fmt = formats[sheet.styles.get((row, col), "plain")]
        if (row, col) in merged_tops:
            r2, c2 = merged_tops.pop((row, col))
            ws.merge_range(row, col, r2, c2, "", fmt)  # then the value, so numbers stay numbers
        _write_value(ws, row, col, value, fmt)
    for (row, col), (r2, c2) in sorted(merged_tops.items()):  # merges over an empty cell
        ws.merge_range(row, col, r2, c2, "", formats[sheet.styles.get((row, col), "plain")])
    for row, col, value in _empty_styled(sheet, covered, tops):
        ws.write_blank(row, col, value, formats[sheet.styles[(row, col)]])
    for row, col, png in sheet.pictures:
        ws.insert_image(row, col, "table.png", {"image_data": io.BytesIO(png), "object_position": 3})
    for row, col, text in sheet.textboxes:
        ws.insert_textbox(row, col, text, {"width": 720, "height": 900, "font": {"name": "宋体", "size": 10}})
    if sheet.hidden:
        ws.hide()


def _empty_styled(sheet: Sheet, covered: set, tops: set):
    for (row, col), _style in sorted(sheet.styles.items()):
        if (row, col) not in sheet.cells and (row, col) not in covered and (row, col) not in tops:
            yield row, col, None


def _write_value(ws, row: int, col: int, value: object, fmt) -> None:
    if isinstance(value, Formula):
        ws.write_formula(row, col, value.text, fmt, value.cached)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        ws.write_datetime(row, col, moment, fmt)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(row, col, value, fmt)
    else:
        raise TypeError(f"cell {row},{col}: {value!r}")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(sources: list[Path], fmt: str, out_dir: Path) -> list[Path]:
    """Save each workbook as LibreOffice would (``xls``: its BIFF8 export, ``ods``): one headless call, a
    private profile so that a desktop LibreOffice or a parallel run is not disturbed."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is needed to write the .xls and .ods returns")
    filters = {"xls": "xls:MS Excel 97", "ods": "ods"}
    with tempfile.TemporaryDirectory(prefix="wennuan-corpus-lo-") as tmp:
        profile = Path(tmp) / "profile"
        target = Path(tmp) / "out"
        cmd = [
            program,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            filters[fmt],
            "--outdir",
            str(target),
            *map(str, sources),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=600, env={**os.environ, "HOME": tmp})
        written = []
        for src in sources:
            made = target / f"{src.stem}.{fmt}"
            if not made.exists():
                raise RuntimeError(f"LibreOffice did not write {made.name}")
            dest = out_dir / made.name
            shutil.move(str(made), dest)
            written.append(dest)
    return written
