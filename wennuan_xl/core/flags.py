"""What to mark where: the findings of a report grouped by cell, for any shell that flags cells."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .findings import Finding, Severity
from .findings_table import level
from .workbook import parse_a1


@dataclass(frozen=True)
class CellFlag:
    sheet: str
    a1: str
    row: int
    col: int
    severity: Severity  # the worst finding on the cell
    messages: tuple[str, ...]  # one line per finding, 错误 first

    @property
    def note(self) -> str:
        return "\n".join(self.messages)


def split_cell(cell: str) -> tuple[str, str] | None:
    """'附件1!E9' -> ('附件1', 'E9'); None for a location that is a whole sheet."""
    sheet, sep, a1 = cell.rpartition("!")
    if not sep or parse_a1(a1) is None:
        return None
    return sheet.strip("'"), a1


def flag_plan(findings: tuple[Finding, ...] | list[Finding]) -> list[CellFlag]:
    """The cells to fill and note: those a 错误 or 提示 names (a 注意 colours no cell)."""
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.severity is Severity.NOTE:
            continue
        for cell in finding.cells:
            where = split_cell(cell)
            if where is not None:
                grouped.setdefault(where, []).append(finding)
    plan = []
    for (sheet, a1), items in grouped.items():
        items.sort(key=lambda f: f.severity is not Severity.ERROR)
        worst = Severity.ERROR if items[0].severity is Severity.ERROR else Severity.WARNING
        rc = parse_a1(a1)
        assert rc is not None
        lines = tuple(dict.fromkeys(line(f) for f in items))
        plan.append(CellFlag(sheet, a1, rc[0], rc[1], worst, lines))
    plan.sort(key=lambda p: (p.sheet, p.row, p.col))
    return plan


def line(f: Finding) -> str:
    """One finding as a cell's note: its level as the findings table says it (【错误】 / 【提示】 / 【已说明】),
    the message, the rule, and the unit's 说明."""
    said = f"　单位说明：{f.explanation}" if f.explanation else ""
    return f"【{level(f)}】{f.message}（{f.rule}）{said}"


def summary(findings) -> str:
    """“发现 1 个错误、2 个提示、1 个已说明的提示”, “未发现问题”; then the 注意 apart (“；注意 1 条”): a note
    never makes a return wrong."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING and not f.explained)
    explained = sum(1 for f in findings if f.explained)
    notes = sum(1 for f in findings if f.severity is Severity.NOTE)
    parts = []
    if errors:
        parts.append(f"{errors} 个错误")
    if warnings:
        parts.append(f"{warnings} 个提示")
    if explained:
        parts.append(f"{explained} 个已说明的提示")
    text = "发现 " + "、".join(parts) if parts else "未发现问题"
    return text + (f"；注意 {notes} 条" if notes else "")


# --- the record of what flagging changed, kept in the flagged workbook itself ---------------------------
#
# Both shells (openpyxl: files/flags_openpyxl.py, live Excel: excel/flags.py) keep one very hidden sheet
# with one row per flagged cell: what the cell looked like before, and what we put there. Clearing puts
# the original back only where the cell still shows our flag, so a fill or note the clerk changed after
# flagging stays. Colours are "RRGGBB" hex ("" = no fill); openpyxl may also record "theme:N:tint".

RECORD_SHEET = "_wennuan_flags"
RECORD_HEADERS = ("工作表", "单元格", "原填充色", "原有批注", "原批注", "标记填充色", "标记批注")


@dataclass(frozen=True)
class FlagRecord:
    sheet: str
    a1: str
    fill: str  # the cell's own fill before flagging ("" = none)
    note: str | None  # the cell's own note before flagging (None: it had none; "" is an empty note)
    flag_fill: str
    flag_note: str


def flag_records(plan: list[CellFlag], originals: dict[tuple[str, str], tuple[str, str | None]],
                 fills: Mapping[Severity, str]) -> list[FlagRecord]:
    """One record per flagged cell; ``originals`` maps (sheet, a1) to the cell's (fill, note) before flagging,
    ``fills`` each severity to its colour (files/style.py's FLAG_FILLS)."""
    return [
        FlagRecord(f.sheet, f.a1, *originals.get((f.sheet, f.a1), ("", None)), fills[f.severity], f.note)
        for f in plan
    ]


def records_to_rows(records: list[FlagRecord]) -> list[list[str]]:
    rows = [list(RECORD_HEADERS)]
    for r in records:
        rows.append([r.sheet, r.a1, r.fill, "否" if r.note is None else "是", r.note or "", r.flag_fill, r.flag_note])
    return rows


def records_from_rows(rows) -> list[FlagRecord]:
    out = []
    for row in list(rows or [])[1:]:
        cells = (["" if v is None else str(v) for v in list(row or [])] + [""] * 7)[:7]
        if not cells[0] or not cells[1]:
            continue
        note = cells[4] if cells[3] == "是" else None
        out.append(FlagRecord(cells[0], cells[1], normal_fill(cells[2]), note, normal_fill(cells[5]), cells[6]))
    return out


def normal_fill(text: str | None) -> str:
    """"#ffc7ce" -> "FFC7CE"; "" for no fill; other notations (openpyxl's "theme:4:0.4") as they are."""
    text = (text or "").strip()
    bare = text.lstrip("#")
    return bare.upper() if len(bare) == 6 and all(c in "0123456789abcdefABCDEF" for c in bare) else text


@dataclass(frozen=True)
class Restore:
    """What clearing does to one recorded cell. ``fill``/``note`` None: leave it as the clerk has it now."""

    sheet: str
    a1: str
    fill: str | None
    note: tuple[str | None] | None  # (the original note or None for "no note",) to put back


def restorations(records: list[FlagRecord], fills: dict, notes: dict) -> list[Restore]:
    """``fills``/``notes`` map (sheet, a1) to what the cell shows now; a missing key means the shell cannot
    tell, and the cell is taken to still carry our flag."""
    out = []
    for r in records:
        key = (r.sheet, r.a1)
        fill_ours = key not in fills or normal_fill(fills[key]) == r.flag_fill
        # flag_note "": the cell kept a note we could not read, and we left it alone.
        note_ours = r.flag_note != "" and (key not in notes or notes[key] == r.flag_note)
        out.append(Restore(r.sheet, r.a1, r.fill if fill_ours else None, (r.note,) if note_ours else None))
    return out
