"""Flags in a live workbook: fill + note on each problem cell, and clearing them again.

The record of each flagged cell's own fill and note lives in the workbook's very hidden sheet
``_wennuan_flags`` (format: core.flags, shared with files/flags_openpyxl.py), so 清除标记 works after the
workbook was saved and reopened. Fills are batched by colour (write.paint). Notes are per cell by
nature — Excel has no call that sets many notes — and so are the reads of a flagged cell's own fill and
note: that loop runs over the flagged cells only, never over the cells checked.
"""

from __future__ import annotations

from ..core.findings import Report
from ..core.flags import (
    RECORD_SHEET,
    Restore,
    flag_plan,
    flag_records,
    normal_fill,
    records_from_rows,
    records_to_rows,
    restorations,
)
from ..core.workbook import parse_a1
from .book import sheet_rows
from .write import as_text, find_sheet, hide_completely, paint, write_rows


def flag_book(book, report: Report) -> int:
    """Clear what an earlier run flagged, then flag ``report``'s cells. Returns the number of cells flagged."""
    restored = {(t.sheet, t.a1): t for t in _clear(book)}  # what we just put back is known without reading
    names = {s.name for s in book.sheets}
    plan = [f for f in flag_plan(report.findings) if f.sheet in names]
    originals, readable = {}, {}
    for f in plan:
        cell = book.sheets[f.sheet].range(f.a1)
        known = restored.get((f.sheet, f.a1))
        note = known.note[0] if known is not None and known.note is not None else read_note(cell)
        readable[(f.sheet, f.a1)] = note is not ...
        fill = known.fill if known is not None and known.fill is not None else read_fill(cell)
        # An engine that cannot read fills (the remote one) takes the cell as having none.
        originals[(f.sheet, f.a1)] = ("" if fill is None or fill is ... else fill, None if note is ... else note)
    records = flag_records(plan, originals)
    for sheet_name in {f.sheet for f in plan}:
        paint(book, book.sheets[sheet_name], {(f.row, f.col): rec.flag_fill for f, rec in zip(plan, records) if f.sheet == sheet_name})
    for i, (f, rec) in enumerate(zip(plan, records)):
        if not readable[(f.sheet, f.a1)]:
            # A note of the clerk's that this engine cannot read: leave it, the fill still marks the cell.
            records[i] = type(rec)(rec.sheet, rec.a1, rec.fill, rec.note, rec.flag_fill, "")
            continue
        set_note(book.sheets[f.sheet].range(f.a1), f.note)
    _save_records(book, records)
    return len(plan)


def clear_book(book) -> int:
    """Restore every recorded cell's own fill and note (unless the clerk changed it since). Returns the count."""
    return len(_clear(book))


def _clear(book) -> list[Restore]:
    record_sheet = find_sheet(book, RECORD_SHEET)
    if record_sheet is None:
        return []
    names = {s.name for s in book.sheets}
    records = [r for r in records_from_rows(sheet_rows(record_sheet)) if r.sheet in names and parse_a1(r.a1)]
    fills, notes = {}, {}
    for r in records:
        cell = book.sheets[r.sheet].range(r.a1)
        fill, note = read_fill(cell), read_note(cell)
        if fill is not ...:
            fills[(r.sheet, r.a1)] = fill or ""
        if note is not ...:
            notes[(r.sheet, r.a1)] = note
    todo = restorations(records, fills, notes)
    for sheet_name in {t.sheet for t in todo}:
        cells = {(rc, t.fill) for t in todo if t.sheet == sheet_name and t.fill is not None and (rc := parse_a1(t.a1))}
        paint(book, book.sheets[sheet_name], dict(cells))
    for t in todo:
        if t.note is not None:
            set_note(book.sheets[t.sheet].range(t.a1), t.note[0])
    record_sheet.used_range.clear_contents()
    return todo


def read_fill(cell):
    """The cell's fill as "RRGGBB", None for none, ``...`` where the engine cannot read it."""
    try:
        colour = cell.color
    except NotImplementedError:
        return ...
    if colour is None:
        return None
    if isinstance(colour, str):
        return normal_fill(colour)
    return "{:02X}{:02X}{:02X}".format(*colour)


def read_note(cell):
    """The cell's note text, None for none, ``...`` where the engine cannot read it."""
    note = cell.note
    if note is None:
        return None
    try:
        return note.text
    except NotImplementedError:
        return ...


def set_note(cell, text: str | None) -> None:
    if cell.note is not None:
        cell.note.delete()
    if text is not None:
        cell.add_note(text)


def _save_records(book, records) -> None:
    sheet = find_sheet(book, RECORD_SHEET)
    if not records:
        return
    if sheet is None:
        active = book.sheets.active
        sheet = book.sheets.add(name=RECORD_SHEET, after=book.sheets[len(book.sheets) - 1])
        hide_completely(book, sheet)
        active.activate()
    write_rows(sheet, [[as_text(v) for v in row] for row in records_to_rows(records)])
