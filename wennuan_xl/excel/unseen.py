"""What Excel's cell values do not say about an open return, from a copy Excel saves of it.

The buttons read a return's values from Excel in one bulk read per sheet (``book.sheet_rows``): computed formulas,
but nothing of what a person sees besides them. The locator needs that too: the rows and columns the unit hid
(last year's column kept beside this year's), merged cells hiding a figure, cells whose format or font shows
another figure than they hold (a percent format, 元 shown as 万元, struck out), figures written in comments,
cells showing an error value (xlwings reads those as empty). Asking Excel cell by cell over COM is slow, so
Excel saves a copy of the workbook as it stands, unsaved edits included (``Workbook.SaveCopyAs``: the open book,
its name and its saved state untouched), into a temporary folder; the file readers the command line uses read
those from it, and the copy is deleted.

Only on Excel through COM (Windows); on another engine there is nothing to ask, and the values alone are used
(README: Excel path). ``scripts/windows_smoke.py`` checks it on a real Excel.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..core.workbook import SheetData
from .protection import com

ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".ods")  # SaveCopyAs keeps the book's own format
_ODS = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"  # an .ods's first member, stored
MAX_COPY_BYTES = 50 * 1024 * 1024  # the readers' own limit on a returned file (files/limits.py)


def saved_copy(book: Any) -> bytes | None:
    """The workbook as Excel saves it now, or None (not Excel through COM, or Excel could not save it)."""
    if not com(book):
        return None
    suffix = Path(book.fullname).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="wennuan-") as folder:
        path = Path(folder) / f"copy{suffix if suffix in _SUFFIXES else '.xlsx'}"
        try:
            book.api.SaveCopyAs(str(path))
            if path.stat().st_size > MAX_COPY_BYTES:
                return None
            return path.read_bytes()
        except Exception:  # noqa: BLE001 - a copy Excel cannot save (a CSV, a read-only folder): the values alone
            return None


def with_unseen(sheets: tuple[SheetData, ...], copy: bytes, skip: set[str]) -> tuple[SheetData, ...]:
    """``sheets`` (Excel's values) with what the saved ``copy`` says besides: hidden rows and columns, merged
    cells, cells shown otherwise, comments with figures, error cells; not for the sheets in ``skip``."""
    found = (_unseen_ods(copy, skip) if copy.startswith(ZIP_MAGIC) and _ODS in copy[:200]
             else _unseen_xlsx(copy, skip) if copy.startswith(ZIP_MAGIC)
             else _unseen_xls(copy) if copy.startswith(OLE_MAGIC) else {})
    return tuple(replace(s, **found[s.name]) if s.name in found and s.name not in skip else s for s in sheets)


def _unseen_xlsx(data: bytes, skip: set[str]) -> dict[str, dict[str, Any]]:
    from ..files.comments import comments_xlsx
    from ..files.display import shown_otherwise
    from ..files.uncached import unreadable_xlsx
    from ..files.visibility import hidden_rows_xlsx, merged_xlsx, sheet_parts, workbook_part

    out: dict[str, dict[str, Any]] = {}

    def put(name: str, **fields: Any) -> None:
        out.setdefault(name, {}).update(fields)

    for name, (rows, cols) in hidden_rows_xlsx(data).items():
        put(name, hidden_rows=rows, hidden_cols=cols)
    parts = dict(sheet_parts(data, skip))
    for name, merged in _bounded(merged_xlsx(parts)).items():
        put(name, merged=merged)
    styles, strings = workbook_part(data, "styles.xml"), workbook_part(data, "sharedStrings.xml")
    for name, shown in shown_otherwise(parts, styles, strings, inline=True).items():
        put(name, shown=shown)
    for name, comments in comments_xlsx(data, skip).items():
        put(name, comments=comments)
    for name, (_uncached, errors) in unreadable_xlsx(data, skip).items():
        if errors:
            put(name, errors=errors)
    return out


def _unseen_ods(data: bytes, skip: set[str]) -> dict[str, dict[str, Any]]:
    from ..files.ods_seen import ods_seen

    seen = ods_seen(data, skip)
    out: dict[str, dict[str, Any]] = {}
    for name, (rows, cols) in seen.hidden.items():
        out.setdefault(name, {}).update(hidden_rows=rows, hidden_cols=cols)
    for key, found in (("merged", _bounded(seen.merged)), ("shown", seen.shown), ("comments", seen.comments),
                       ("errors", seen.errors)):
        for name, cells in found.items():
            out.setdefault(name, {})[key] = cells
    return out


def _bounded(merged: dict[str, tuple]) -> dict[str, tuple]:
    """The merged ranges, or none when there are more than the readers take from a file (``files/limits.py``)."""
    from ..files import limits as L

    ranges = [m for found in merged.values() for m in found]
    covered = sum((r2 - r1 + 1) * (c2 - c1 + 1) for r1, c1, r2, c2 in ranges)
    return merged if len(ranges) <= L.MAX_MERGES and covered <= L.MAX_MERGED_CELLS else {}


def _unseen_xls(data: bytes) -> dict[str, dict[str, Any]]:
    from ..files.comments import comments_xls
    from ..files.display import shown_otherwise_xls
    from ..files.visibility import hidden_rows_xls, merged_xls

    out: dict[str, dict[str, Any]] = {}
    for name, (rows, cols) in hidden_rows_xls(data).items():
        out.setdefault(name, {}).update(hidden_rows=rows, hidden_cols=cols)
    for key, found in (("merged", _bounded(merged_xls(data))), ("shown", shown_otherwise_xls(data)),
                       ("comments", comments_xls(data))):
        for name, cells in found.items():
            out.setdefault(name, {})[key] = cells
    return out
