"""Flags in a live workbook: fill + note on each problem cell, and clearing them again.

The record of each flagged cell's own fill and note lives in the workbook's very hidden sheet
``_wennuan_flags`` (format: core.flags, shared with files/flags_openpyxl.py), so 清除标记 works after the
workbook was saved and reopened. Fills are batched by colour (write.paint). Notes are per cell by
nature — Excel has no call that sets many notes — and so are the reads of a flagged cell's own fill and
note: that loop runs over the flagged cells only, never over the cells checked.

Work goes sheet by sheet, each inside ``protection.unprotected``: a return made from our templates
arrives with its annex sheets protected (no password), which Excel lifts and puts back around the
writes. A sheet protected with a password is left untouched and named in ``Marked.locked``; its earlier
records are kept, so a 清除标记 after the unit removed the password still restores those cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.findings import Report
from ..core.flags import (
    RECORD_SHEET,
    CellFlag,
    FlagRecord,
    Restore,
    flag_plan,
    flag_records,
    normal_fill,
    records_from_rows,
    records_to_rows,
    restorations,
)
from ..core.workbook import parse_a1
from ..files.style import FLAG_FILLS
from .book import sheet_rows
from .protection import SheetLocked, structure_unprotected, unprotected
from .write import as_text, find_sheet, hide_completely, paint, write_rows


@dataclass
class Marked:
    """What flagging or clearing did to one workbook."""

    cells: int = 0  # cells flagged (flag_book) or put back (clear_book)
    locked: list[str] = field(default_factory=list)  # for the clerk: each sheet that could not be written, and why


def flag_book(book, report: Report) -> Marked:
    """Clear what an earlier run flagged, then flag ``report``'s cells, sheet by sheet."""
    names = [s.name for s in book.sheets]
    old = _records(book, names)
    plan = [f for f in flag_plan(report.findings) if f.sheet in names]
    out, records = Marked(), []
    for name in _in_book_order(names, {f.sheet for f in plan} | {r.sheet for r in old}):
        sheet = book.sheets[name]
        before = [r for r in old if r.sheet == name]
        try:
            with unprotected(sheet):
                restored = {t.a1: t for t in _restore(book, sheet, before)}  # known without reading again
                new = _flag(book, sheet, [f for f in plan if f.sheet == name], restored)
        except SheetLocked as exc:
            out.locked.append(str(exc))
            records += before
            continue
        records += new
        out.cells += len(new)
    try:
        _save_records(book, records)
    except SheetLocked:
        out.locked.append("问题单元格已标出，但工作簿结构有密码，无法保存标记记录：“清除标记”不能恢复它们，关闭时不保存即可")
    return out


def clear_book(book) -> Marked:
    """Restore every recorded cell's own fill and note (unless the clerk changed it since)."""
    names = [s.name for s in book.sheets]
    if find_sheet(book, RECORD_SHEET) is None:
        return Marked()
    old = _records(book, names)
    out, kept = Marked(), []
    for name in _in_book_order(names, {r.sheet for r in old}):
        before = [r for r in old if r.sheet == name]
        try:
            with unprotected(book.sheets[name]):
                out.cells += len(_restore(book, book.sheets[name], before))
        except SheetLocked as exc:
            out.locked.append(str(exc))
            kept += before
    _save_records(book, kept)
    return out


def _in_book_order(names: list[str], wanted: set[str]) -> list[str]:
    return [n for n in names if n in wanted]


def _records(book, names: list[str]) -> list[FlagRecord]:
    sheet = find_sheet(book, RECORD_SHEET)
    if sheet is None:
        return []
    return [r for r in records_from_rows(sheet_rows(sheet)) if r.sheet in names and parse_a1(r.a1)]


def _restore(book, sheet, records: list[FlagRecord]) -> list[Restore]:
    fills, notes = {}, {}
    for r in records:
        cell = sheet.range(r.a1)
        fill, note = read_fill(cell), read_note(cell)
        if fill is not ...:
            fills[(r.sheet, r.a1)] = fill or ""
        if note is not ...:
            notes[(r.sheet, r.a1)] = note
    todo = restorations(records, fills, notes)
    paint(book, sheet, {rc: t.fill for t in todo if t.fill is not None and (rc := parse_a1(t.a1))})
    for t in todo:
        if t.note is not None:
            set_note(sheet.range(t.a1), t.note[0])
    return todo


def _flag(book, sheet, plan: list[CellFlag], restored: dict[str, Restore]) -> list[FlagRecord]:
    originals, readable = {}, {}
    for f in plan:
        cell = sheet.range(f.a1)
        known = restored.get(f.a1)
        note = known.note[0] if known is not None and known.note is not None else read_note(cell)
        readable[f.a1] = note is not ...
        fill = known.fill if known is not None and known.fill is not None else read_fill(cell)
        # An engine that cannot read fills (the remote one) takes the cell as having none.
        originals[(f.sheet, f.a1)] = ("" if fill is None or fill is ... else fill, None if note is ... else note)
    records = flag_records(plan, originals, FLAG_FILLS)
    paint(book, sheet, {(f.row, f.col): rec.flag_fill for f, rec in zip(plan, records)})
    for i, (f, rec) in enumerate(zip(plan, records)):
        if not readable[f.a1]:
            # A note of the clerk's that this engine cannot read: leave it, the fill still marks the cell.
            records[i] = type(rec)(rec.sheet, rec.a1, rec.fill, rec.note, rec.flag_fill, "")
            continue
        set_note(sheet.range(f.a1), f.note)
    return records


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


def _save_records(book, records: list[FlagRecord]) -> None:
    sheet = find_sheet(book, RECORD_SHEET)
    if sheet is not None:
        sheet.used_range.clear_contents()
    if not records:
        return
    if sheet is None:
        active = book.sheets.active
        with structure_unprotected(book):
            sheet = book.sheets.add(name=RECORD_SHEET, after=book.sheets[len(book.sheets) - 1])
            hide_completely(book, sheet)
        active.activate()
    write_rows(sheet, [[as_text(v) for v in row] for row in records_to_rows(records)])
