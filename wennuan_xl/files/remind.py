"""The 催报清单 on its own (``wennuan consolidate --remind FILE``): a workbook of that one sheet, or, for a
name ending in .csv, its header and a row per unit as CSV in UTF-8 with a BOM, which Excel for Chinese
Windows opens as UTF-8. Written to a temp file renamed into place, never over an input."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from ..core.tables import Table
from .atomic import Inputs, atomic_path
from .consolidated import text, write_table_book

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_reminder_file(table: Table, out: Path, protect: Inputs | Iterable[Path], title: str, author: str) -> Path:
    if out.suffix.lower() != ".csv":
        return write_table_book(table, out, protect, title, author)
    with atomic_path(out, protect=protect) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(csv_rows(table))
    return out


def csv_rows(table: Table) -> list[list[str]]:
    """The header row and the rows under it, up to the first gap (the roster's 提示 below are no units)."""
    out: list[list[str]] = []
    expected = table.header_row
    for r, cells in table.rows:
        if r < table.header_row:
            continue
        if r != expected:
            break
        width = max(cells) + 1 if cells else 0
        out.append([_csv_text(cells[c].value if c in cells else None) for c in range(width)])
        expected += 1
    return out


def _csv_text(value: object) -> str:
    """A cell as CSV text. A text Excel would take for a formula (a file named “=…”) gets the apostrophe a
    clerk would type, so it stays text."""
    if value is None:
        return ""
    shown = text(value) if isinstance(value, str) else str(value)
    return "'" + shown if shown.startswith(_FORMULA_START) else shown
