"""Flags in an openpyxl Workbook: the same record (core.flags) as the live Excel shell (excel/flags.py).

``flag_workbook`` first clears what an earlier run flagged (so a second run never records our own
colour as the cell's original), then fills and notes every problem cell and writes the very hidden
record sheet. ``clear_workbook_flags`` restores each recorded cell's own fill and note, unless the clerk
changed it after flagging.
"""

from __future__ import annotations

from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color
from openpyxl.workbook import Workbook

from ..core.findings import Report
from ..core.flags import (
    RECORD_SHEET,
    FlagRecord,
    flag_plan,
    flag_records,
    normal_fill,
    records_from_rows,
    records_to_rows,
    restorations,
)
from . import style

AUTHOR = "送温暖审核"


def flag_workbook(book: Workbook, report: Report) -> int:
    """Flag the problem cells of ``report`` in ``book``; returns how many cells were flagged."""
    clear_workbook_flags(book)
    plan = _on_merge_anchors(book, [f for f in flag_plan(report.findings) if f.sheet in book.sheetnames])
    originals = {}
    for f in plan:
        cell = book[f.sheet][f.a1]
        originals[(f.sheet, f.a1)] = (fill_text(cell.fill), cell.comment.text if cell.comment else None)
    records = flag_records(plan, originals, style.FLAG_FILLS)
    for f, record in zip(plan, records):
        cell = book[f.sheet][f.a1]
        cell.fill = PatternFill("solid", fgColor=record.flag_fill)
        note = Comment(f.note, AUTHOR)
        note.width, note.height = 320, 40 + 36 * len(f.messages)
        cell.comment = note
    _write_records(book, records)
    return len(plan)


def _on_merge_anchors(book: Workbook, plan: list) -> list:
    """A cell merged over by a unit shows (and holds) only the merge's top-left cell: flag that one."""
    from dataclasses import replace

    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    out: list = []
    seen: dict = {}
    for f in plan:
        ws = book[f.sheet]
        for merged in ws.merged_cells.ranges:
            if f.a1 in merged and f.a1 != merged.start_cell.coordinate:
                anchor = merged.start_cell.coordinate
                letters, row = coordinate_from_string(anchor)
                f = replace(f, a1=anchor, row=row, col=column_index_from_string(letters))
                break
        key = (f.sheet, f.a1)
        if key in seen:  # two flagged cells under one merge: one flag with both messages
            i = seen[key]
            worst = min(out[i].severity, f.severity, key=lambda s: s.value)  # "error" sorts before "warning"
            out[i] = replace(out[i], severity=worst, messages=tuple(dict.fromkeys(out[i].messages + f.messages)))
            continue
        seen[key] = len(out)
        out.append(f)
    return out


def clear_workbook_flags(book: Workbook) -> int:
    """Undo every flag recorded in ``book``; returns how many cells were restored."""
    if RECORD_SHEET not in book.sheetnames:
        return 0
    records = [r for r in records_from_rows(book[RECORD_SHEET].iter_rows(values_only=True)) if r.sheet in book.sheetnames]
    fills, notes = {}, {}
    for r in records:
        cell = book[r.sheet][r.a1]
        fills[(r.sheet, r.a1)] = fill_text(cell.fill)
        notes[(r.sheet, r.a1)] = cell.comment.text if cell.comment else None
    for todo in restorations(records, fills, notes):
        cell = book[todo.sheet][todo.a1]
        if todo.fill is not None:
            cell.fill = make_fill(todo.fill)
        if todo.note is not None:
            cell.comment = None if todo.note[0] is None else Comment(todo.note[0], AUTHOR)
    del book[RECORD_SHEET]
    return len(records)


def fill_text(fill) -> str:
    """A cell's fill as the record writes it: "RRGGBB", "theme:N:tint", "indexed:N", or "" for none."""
    if fill is None or fill.fill_type is None:
        return ""
    colour: Color = fill.fgColor
    if colour.type == "rgb" and isinstance(colour.rgb, str):
        return normal_fill(colour.rgb[-6:])
    if colour.type == "theme":
        return f"theme:{colour.theme}:{colour.tint}"
    if colour.type == "indexed":
        return f"indexed:{colour.indexed}"
    return ""


def make_fill(text: str) -> PatternFill:
    if not text:
        return PatternFill(fill_type=None)
    if text.startswith("theme:"):
        _, theme, tint = text.split(":")
        return PatternFill("solid", fgColor=Color(theme=int(theme), tint=float(tint)))
    if text.startswith("indexed:"):
        return PatternFill("solid", fgColor=Color(indexed=int(text.split(":")[1])))
    return PatternFill("solid", fgColor=text)


def _write_records(book: Workbook, records: list[FlagRecord]) -> None:
    if RECORD_SHEET in book.sheetnames:
        del book[RECORD_SHEET]
    if not records:
        return
    ws = book.create_sheet(RECORD_SHEET)
    for r, row in enumerate(records_to_rows(records), start=1):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value).data_type = "s"  # a note starting with "=" stays text
    ws.sheet_state = "veryHidden"
