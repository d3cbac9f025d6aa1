"""Flagged copies: the return as the unit sent it, with problem cells filled and noted, plus 审核结果.

openpyxl is the full path here (styles, comments, hyperlinks). The original is never written: the copy
is saved under another name, atomically.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ..core.findings import Report
from ..core.flags import FLAG_FILLS, split_cell, summary
from .atomic import OutputError, atomic_path
from .flags_openpyxl import AUTHOR, flag_workbook  # noqa: F401  (AUTHOR: the notes' author, re-exported)

RESULT_SHEET = "审核结果"
FILLS = {severity: PatternFill("solid", fgColor=colour) for severity, colour in FLAG_FILLS.items()}
RESULT_HEADERS = ("序号", "类别", "单元格", "指标", "填写值", "问题说明", "规则编号", "单位说明")


def write_flagged_copy(source: Path | str, report: Report, out: Path | str) -> Path:
    source, out = Path(source), Path(out)
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        raise OutputError(f"{source}：只能为 .xlsx / .xlsm 生成标记副本，请先在 Excel 中另存为 .xlsx")
    try:
        book = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True)
    except Exception as exc:
        raise OutputError(f"{source}：无法打开以生成标记副本（{exc}）") from None
    flag_workbook(book, report)  # the same record of originals as 清除标记 in Excel uses
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
        if finding.explanation:  # the unit's 说明: an explained 提示 is marked so, a 错误 stays a 错误
            text_cell(ws, row, 8, finding.explanation).alignment = Alignment(wrap_text=True, vertical="top")
            if finding.explained:
                kind.value = "提示（已说明）"
        text_cell(ws, row, 7, finding.rule)
        row += 1
    for note in report.notes:
        text_cell(ws, row, 6, f"说明：{note}")
        row += 1
    for col, width in zip("ABCDEFGH", (6, 8, 14, 22, 12, 70, 16, 30)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"
