"""A dumb model of a worksheet as a clerk leaves it, written with openpyxl, and LibreOffice for .xls copies.

Cells, merges, hidden rows and columns, widths, number formats: nothing here knows about the forms, and
nothing goes through the project's writers or template code.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

FIXED = dt.datetime(2017, 1, 10, 9, 30, 0)


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)  # (row, col), 1-based
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # number formats
    bold: set[tuple[int, int]] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    widths: dict[int, float] = field(default_factory=dict)
    hidden: bool = False
    border_from: int = 0  # rows from here to border_to get thin borders where filled
    border_to: int = 0

    def put(self, row: int, col: int, value: object, fmt: str = "") -> None:
        if value is None or value == "":
            self.cells.pop((row, col), None)
            return
        self.cells[(row, col)] = value
        if fmt:
            self.formats[(row, col)] = fmt

    def merge(self, row: int, col: int, last_row: int, last_col: int, value: object = None) -> None:
        if value is not None:
            self.put(row, col, value)
        if (row, col) != (last_row, last_col):
            self.merges.append((row, col, last_row, last_col))

    @property
    def last_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)


@dataclass
class Book:
    sheets: list[Sheet]
    author: str = "Administrator"


def write_xlsx(book: Book, path: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    wb.properties.creator = book.author
    wb.properties.created = wb.properties.modified = FIXED
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet.name)
        covered = {(r, c) for r1, c1, r2, c2 in sheet.merges for r in range(r1, r2 + 1)
                   for c in range(c1, c2 + 1)} - {(r1, c1) for r1, c1, _r2, _c2 in sheet.merges}
        for (r, c), v in sorted(sheet.cells.items()):
            if (r, c) in covered:
                continue
            cell = ws.cell(r, c)
            if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
                v = dt.datetime.combine(v, dt.time())
            if isinstance(v, str) and v.startswith("="):
                cell.value = v
                cell.data_type = "s"
            else:
                cell.value = v
            cell.font = Font(name="宋体", size=11, bold=(r, c) in sheet.bold)
            if (r, c) in sheet.formats:
                cell.number_format = sheet.formats[(r, c)]
            if isinstance(v, str) and ("\n" in v or len(v) > 20):
                cell.alignment = Alignment(wrap_text=True, vertical="center")
            if sheet.border_from <= r <= sheet.border_to:
                cell.border = box
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        for c, w in sorted(sheet.widths.items()):
            ws.column_dimensions[get_column_letter(c)].width = w
        for c in sorted(sheet.hidden_cols):
            ws.column_dimensions[get_column_letter(c)].hidden = True
        for r in sorted(sheet.hidden_rows):
            ws.row_dimensions[r].hidden = True
        if sheet.hidden:
            ws.sheet_state = "hidden"
    wb.active = next(i for i, s in enumerate(book.sheets) if not s.hidden)
    wb.save(path)
    return path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_xls(sources: list[Path], out_dir: Path) -> list[Path]:
    """Each workbook saved as .xls by LibreOffice (its BIFF8 export), in one headless call with a
    private profile, so a desktop LibreOffice or a parallel run is not disturbed."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is needed to write the .xls returns")
    with tempfile.TemporaryDirectory(prefix="wennuan-attack-lo-") as tmp:
        target = Path(tmp) / "out"
        cmd = [program, f"-env:UserInstallation=file://{Path(tmp) / 'profile'}", "--headless", "--norestore",
               "--convert-to", "xls:MS Excel 97", "--outdir", str(target), *map(str, sources)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=600, env={**os.environ, "HOME": tmp})
        written = []
        for src in sources:
            made = target / f"{src.stem}.xls"
            if not made.exists():
                raise RuntimeError(f"LibreOffice did not write {made.name}")
            dest = out_dir / made.name
            shutil.move(str(made), dest)
            written.append(dest)
    return written
