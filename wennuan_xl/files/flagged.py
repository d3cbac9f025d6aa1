"""Flagged copies: the return as the unit sent it, with problem cells filled and noted, plus 审核结果.

openpyxl is the full path here (styles, comments, hyperlinks). The original is never written: the copy
is saved under another name, atomically.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ..core.findings import Report, Severity
from ..core.forms import Campaign
from ..core.tables import check_result_table
from ..core.workbook import column_letter
from . import style
from .atomic import Inputs, OutputError, atomic_path, shown_path
from .flags_openpyxl import flag_workbook

RESULT_SHEET = "审核结果"
FILLS = {severity: PatternFill("solid", fgColor=colour) for severity, colour in style.FLAG_FILLS.items()}


# What openpyxl refuses in a cell (IllegalCharacterError) and XML cannot hold in a note.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """Text a workbook written by openpyxl can hold: control characters as visible escapes (``\\x1b``),
    an undecodable byte of a file name as U+FFFD."""
    if text.isascii() and text.isprintable():
        return text
    text = _ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return _SURROGATE.sub("\ufffd", text)


def clean_report(report: Report) -> Report:
    """The report with every text that came from the unit (its name, its values, messages quoting them,
    its 说明, the file name) made safe for openpyxl; cell references are kept as they are."""

    def value(v: object) -> object:
        return clean(v) if isinstance(v, str) else v

    findings = tuple(
        dataclasses.replace(f, message=clean(f.message), explanation=clean(f.explanation),
                            values={k: value(v) for k, v in f.values.items()})
        for f in report.findings
    )
    return dataclasses.replace(
        report, file=clean(report.file), unit=clean(report.unit), findings=findings,
        values={k: value(v) for k, v in report.values.items()},
    )


def write_flagged_copy(source: Path | str, report: Report, out: Path | str, campaign: Campaign,
                       protect: Inputs | None = None) -> Path:
    """Opens the unit's workbook with openpyxl in this process: ``wennuan check`` calls it in an isolated
    worker (``isolated.py``). ``protect``: all inputs of the run (the source is always protected)."""
    source, out = Path(source), Path(out)
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        raise OutputError(f"{shown_path(source)}：只能为 .xlsx / .xlsm 生成标记副本，请先在 Excel 中另存为 .xlsx")
    try:
        book = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for files it cannot open
        raise OutputError(f"{shown_path(source)}：无法打开以生成标记副本（{shown_path(str(exc)[:200])}）") from None
    report = clean_report(report)
    flag_workbook(book, report)  # the same record of originals as 清除标记 in Excel uses
    if RESULT_SHEET in book.sheetnames:
        del book[RESULT_SHEET]
    write_result_sheet(book.create_sheet(RESULT_SHEET), report, campaign)
    if out.suffix.lower() != source.suffix.lower() and source.suffix.lower() == ".xlsm":
        out = out.with_suffix(".xlsm")  # a workbook with macros must keep its extension to open
    inputs = protect if protect is not None else Inputs()
    inputs.add(source)
    with atomic_path(out, protect=inputs) as tmp:
        book.save(tmp)
    return out


def flagged_copy_task(source: str, report: Report, out: str, campaign: Campaign, inputs: Inputs) -> tuple[str, str]:
    """A worker's task: ("ok", path written) or ("failed", the clerk's message)."""
    try:
        return "ok", str(write_flagged_copy(source, report, out, campaign, inputs))
    except OutputError as exc:
        return "failed", str(exc)


def text_cell(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """Write a value that must stay text: '=…' typed by a unit must never become a formula."""
    cell = ws.cell(row, col, value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


_STYLES: dict[str, dict[str, object]] = {  # the few style names of core.tables' 审核结果 table, as openpyxl formats
    "heading": {"font": Font(name=style.FONT, bold=True, size=14)},
    "header": {"font": Font(name=style.FONT, bold=True), "fill": PatternFill("solid", fgColor=style.HEADER),
               "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True)},
    "error": {"fill": FILLS[Severity.ERROR], "alignment": Alignment(horizontal="center", vertical="top")},
    "warning": {"fill": FILLS[Severity.WARNING], "alignment": Alignment(horizontal="center", vertical="top")},
    "explained": {"fill": PatternFill("solid", fgColor=style.EXPLAINED),
                  "alignment": Alignment(horizontal="center", vertical="top")},
    "count": {"number_format": style.COUNT_FORMAT, "alignment": Alignment(vertical="top")},
    "money": {"number_format": style.MONEY_FORMAT, "alignment": Alignment(vertical="top")},
    "link": {"font": Font(name=style.FONT, color=style.LINK, underline="single"), "alignment": Alignment(vertical="top")},
    "cell_wrap": {"alignment": Alignment(wrap_text=True, vertical="top")},
    "center": {"alignment": Alignment(horizontal="center", vertical="top")},
    "cell": {"alignment": Alignment(vertical="top")},
}
_FONT = Font(name=style.FONT, size=style.FONT_SIZE)


def write_result_sheet(ws: Worksheet, report: Report, campaign: Campaign) -> None:
    """The 审核结果 sheet, from the same rows the Excel button writes (core.tables.check_result_table)."""
    table = check_result_table(report, Path(report.file).name, campaign)
    ws.sheet_properties.tabColor = style.tab_colour(bool(report.errors), bool(report.open_warnings))
    for r, cells in table.rows:
        for c, cell in cells.items():
            target = text_cell(ws, r + 1, c + 1, cell.value)
            target.font = _FONT
            for attr, value in _STYLES.get(cell.style, {}).items():
                setattr(target, attr, value)
            if cell.link is not None:
                target.hyperlink = Hyperlink(ref=target.coordinate, location=cell.link, display=str(cell.value))
    for first, last, width in table.widths:
        for col in range(first, last + 1):
            ws.column_dimensions[column_letter(col + 1)].width = width
    if table.freeze is not None:
        ws.freeze_panes = ws.cell(table.freeze[0] + 1, table.freeze[1] + 1).coordinate
    style.openpyxl_fit_rows(ws, table.header_row + 1)
    style.openpyxl_page(ws, style.Page(landscape=True, repeat_rows=(table.header_row, table.header_row)))
