"""溯源 in Excel: the clerk selects a total on a 汇总 sheet of the master and clicks 溯源; the units, files,
cells and values behind it, at every level the master's own 来源 and 下级明细 sheets record (层层汇总), are
listed on the 溯源 sheet, which is shown, and a message box says how many returns there are at each level.

What is listed comes from the sheets the last 汇总 wrote, read back by the core reader every level up uses
(core/rollup_read.py): a total edited by hand since then is said to disagree, never traced.
"""

from __future__ import annotations

from ..core.forms import Campaign
from ..core.layout import HEADERS, layout_for
from ..core.provenance import LOWER_SHEET, TRACE_SHEET, caption, trace, trace_message, trace_table
from ..core.rollup_read import RollupError, read_record
from ..core.tables import DETAIL_SHEET, SOURCE_SHEET, total_sheet_name
from ..core.workbook import SheetData, WorkbookData
from ..settings import Settings
from . import book as read
from .errors import UserError
from .write import fresh_sheet, quiet_screen, write_table

BUTTON = "溯源"  # the ribbon label (vba_shims/customUI14.xml)


def how_to(campaign: Campaign) -> str:
    sheets = "或".join(f"“{total_sheet_name(campaign, f.id)}”" for f in campaign.forms)
    return f"请先在{sheets}表中点选一个汇总数（某一项那一行的数值格），再点“{BUTTON}”。"


def selected(master, campaign: Campaign) -> tuple[str, str]:
    """(汇总 sheet, field code) of the cell the clerk selected on the master; UserError otherwise."""
    try:
        cell = master.selection
    except Exception:  # noqa: BLE001 - a chart or a shape selected: Excel has no cell selection to give
        cell = None
    if cell is None:
        raise UserError("没有选中单元格。" + how_to(campaign))
    sheet, row = cell.sheet.name, cell.row
    form = next((f for f in campaign.forms if total_sheet_name(campaign, f.id) == sheet), None)
    if form is None:
        raise UserError(f"现在选中的是“{sheet}”表的单元格。" + how_to(campaign))
    found = next((r.field for r in layout_for(form).rows if r.row == row and r.field is not None), None)
    if found is None:
        raise UserError(f"“{sheet}”表第 {row} 行不是某一项的汇总数。" + how_to(campaign))
    return sheet, found.code


def trace_in_excel(master, settings: Settings) -> str:
    """Run 溯源 for the master's selection and return the message for the clerk."""
    campaign = settings.campaign
    sheet_name, code = selected(master, campaign)
    form = campaign.form(campaign.field(code).form_id)
    wanted = {total_sheet_name(campaign, f.id) for f in campaign.forms} | {DETAIL_SHEET, SOURCE_SHEET, LOWER_SHEET}
    sheets = tuple(SheetData(s.name, read.sheet_rows(s)) for s in master.sheets if s.name in wanted)
    book = WorkbookData(master.fullname, sheets)
    total_sheet = book.sheet(sheet_name)
    layout = layout_for(form)
    if total_sheet is None or total_sheet.value(layout.header_row, 1) != HEADERS[0]:
        raise UserError(f"本工作簿还没有汇总结果：请先点“汇总”，再在“{sheet_name}”表中选中汇总数点“{BUTTON}”。")
    try:
        record = read_record(book, campaign, statuses=False)
    except RollupError as exc:
        raise UserError(f"无法溯源{caption(campaign.field(code))}：本工作簿的汇总结果中{exc}，与上次“汇总”写入的不一致"
                        f"（可能被改动过）。请重新点“汇总”后再试。") from None
    lines = trace(record.origins, code, campaign)
    total = record.totals.get(code)
    with quiet_screen(master):
        sheet = fresh_sheet(master, TRACE_SHEET)
        write_table(master, sheet, trace_table(lines, code, total, campaign))
    sheet.activate()
    return trace_message(lines, code, total, campaign)
