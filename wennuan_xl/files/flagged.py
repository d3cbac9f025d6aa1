"""Flagged copies: the return as the unit sent it, with problem cells filled and noted, plus 审核结果.

openpyxl is the full path here (styles, comments, hyperlinks). The original is never written: the copy
is saved under another name, atomically.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ..core.findings import Report, Severity
from ..core.flags import flag_plan, split_cell, summary
from .atomic import OutputError, atomic_path

RESULT_SHEET = "审核结果"
FILLS = {
    Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),
    Severity.WARNING: PatternFill("solid", fgColor="FFEB9C"),
}
AUTHOR = "送温暖审核"
RESULT_HEADERS = ("序号", "类别", "单元格", "指标", "填写值", "问题说明", "规则编号")


def write_flagged_copy(source: Path | str, report: Report, out: Path | str) -> Path:
    source, out = Path(source), Path(out)
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        raise OutputError(f"{source}：只能为 .xlsx / .xlsm 生成标记副本，请先在 Excel 中另存为 .xlsx")
    try:
        book = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True)
    except Exception as exc:
        raise OutputError(f"{source}：无法打开以生成标记副本（{exc}）") from None
    for flag in flag_plan(report.findings):
        if flag.sheet not in book.sheetnames:
            continue
        cell = book[flag.sheet][flag.a1]
        cell.fill = FILLS[flag.severity]
        note = Comment(flag.note, AUTHOR)
        note.width, note.height = 320, 40 + 36 * len(flag.messages)
        cell.comment = note
    if RESULT_SHEET in book.sheetnames:
        del book[RESULT_SHEET]
    write_result_sheet(book.create_sheet(RESULT_SHEET), report)
    if out.suffix.lower() != source.suffix.lower() and source.suffix.lower() == ".xlsm":
        out = out.with_suffix(".xlsm")  # a workbook with macros must keep its extension to open
    with atomic_path(out, protect=[source]) as tmp:
        book.save(tmp)
    return out


def text_cell(ws: Worksheet, row: int, col: int, value: object):
    """Write a value that must stay text: '=…' typed by a unit must never become a formula."""
    cell = ws.cell(row, col, value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def write_result_sheet(ws: Worksheet, report: Report) -> None:
    ws.sheet_properties.tabColor = "C00000" if report.errors else "FFC000" if report.warnings else "00B050"
    text_cell(ws, 1, 1, f"审核结果：{summary(report.findings)}").font = Font(bold=True, size=14)
    text_cell(ws, 2, 1, f"文件：{Path(report.file).name}    填报单位：{report.unit or '（未填）'}")
    for col, header in enumerate(RESULT_HEADERS, start=1):
        cell = ws.cell(4, col, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    row = 5
    for i, finding in enumerate(report.findings, start=1):
        ws.cell(row, 1, i)
        kind = text_cell(ws, row, 2, finding.severity.label)
        kind.fill = FILLS[finding.severity]
        where = finding.cells[0] if finding.cells else ""
        link = text_cell(ws, row, 3, where)
        target = split_cell(where)
        if target is not None:
            sheet, a1 = target
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!{a1}", display=where)
            link.font = Font(color="0563C1", underline="single")
        text_cell(ws, row, 4, "、".join(finding.codes))
        shown = finding.values.get(finding.codes[0]) if finding.codes else None
        text_cell(ws, row, 5, "" if shown is None else str(shown))
        text_cell(ws, row, 6, finding.message).alignment = Alignment(wrap_text=True, vertical="top")
        text_cell(ws, row, 7, finding.rule)
        row += 1
    for note in report.notes:
        text_cell(ws, row, 6, f"说明：{note}")
        row += 1
    for col, width in zip("ABCDEFG", (6, 8, 14, 22, 12, 70, 16)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"
