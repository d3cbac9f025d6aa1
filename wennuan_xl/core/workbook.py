"""What a file reader hands the core: sheets as grids of plain values, and the defined names."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class CellRef:
    sheet: str
    row: int  # 1-based, as Excel numbers rows
    col: int  # 1-based: A = 1

    @property
    def a1(self) -> str:
        return f"{column_letter(self.col)}{self.row}"

    def __str__(self) -> str:
        return f"{self.sheet}!{self.a1}"


@dataclass(frozen=True)
class SheetData:
    name: str
    rows: Sequence[Sequence[object]]  # rows[0] is row 1; None or "" for an empty cell
    visible: bool = True
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (first row, first col, last row, last col), 1-based
    hidden_rows: frozenset[int] = frozenset()  # 1-based numbers of rows the unit hid
    hidden_cols: frozenset[int] = frozenset()  # and of columns
    # (row, col, formula), 1-based: cells holding a formula whose result the file does not carry (a workbook
    # written by a program that computes nothing): read as empty, though Excel shows a figure there.
    uncached: tuple[tuple[int, int, str], ...] = ()
    # (row, col, "#REF!，公式 =…"): cells showing an error value, read as empty too.
    errors: tuple[tuple[int, int, str], ...] = ()
    # (row, col, why): cells that show something else than they store (a percent or 元-as-万元 format, struck out).
    shown: tuple[tuple[int, int, str], ...] = ()
    # (row, col, formula): formula cells with a saved result, which Excel may compute otherwise on opening (a
    # workbook written by a program, or edited, or last calculated by another program: core/cell_formulas.py).
    recalc: tuple[tuple[int, int, str], ...] = ()
    # (row, col, text): comments (批注) that hold a digit; on an empty cell, the figure may be meant for it.
    comments: tuple[tuple[int, int, str], ...] = ()

    def value(self, row: int, col: int) -> object:
        if 1 <= row <= len(self.rows):
            cells = self.rows[row - 1]
            if 1 <= col <= len(cells):
                value = cells[col - 1]
                return None if value == "" else value
        return None


@dataclass(frozen=True)
class WorkbookData:
    source: str  # the file as the clerk knows it
    sheets: tuple[SheetData, ...]
    names: dict[str, CellRef] = field(default_factory=dict)  # upper-case defined name -> cell
    # What the reader's checks before parsing counted at most in the whole workbook: (value cells, bytes of
    # their text). None when nothing was counted (a workbook built in memory, an .xls or .ods).
    at_most: tuple[int, int] | None = None
    # The workbook asks Excel to recalculate every formula on opening (a program wrote it: its saved results may
    # be 0 or old); a saved result then counts only when the formula is computed again to it.
    recalc_on_load: bool = False
    # Names that some sheet defines for itself too (a sheet-level name beside the workbook's, or alone): which one a
    # formula means depends on its sheet, so core/cell_formulas.py does not compute with them.
    local_names: frozenset[str] = frozenset()

    def sheet(self, name: str) -> SheetData | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None


def name_table(entries: Iterable[tuple[str, CellRef | None, bool]]) -> dict[str, CellRef]:
    """The defined names the locator uses, from (name, the cell it points at or None, sheet-scoped?) in the
    workbook's order. Every reader applies the same precedence: a workbook-level name wins over a sheet-level
    one of the same name (a unit that copied our sheet within its own workbook has both), and among names of
    one level the first wins. Names that point at no single cell are left out."""
    out: dict[str, CellRef] = {}
    local: set[str] = set()
    for raw, ref, scoped in entries:
        name = raw.upper()
        if ref is None or not name:
            continue
        if name not in out or (name in local and not scoped):
            out[name] = ref
            if scoped:
                local.add(name)
            else:
                local.discard(name)
    return out


def column_letter(col: int) -> str:
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


_A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


@functools.lru_cache(maxsize=4096)
def parse_a1(text: str) -> tuple[int, int] | None:
    """``$E$9`` or ``E9`` -> (row, col); None for anything that is not a single cell."""
    m = _A1.fullmatch(text.strip())
    if not m:
        return None
    return int(m.group(2)), column_index(m.group(1))
