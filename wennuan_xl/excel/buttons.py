"""The ribbon's four buttons. VBA calls each as ``RunPython "import wennuan_xl.excel.buttons as b; b.validate()"``.

Each is: the calling workbook, read, the core, write, a message box. Errors: see errors.py.

校验当前表 / 清除标记 work on the returns the clerk has open. The 送温暖 tab lives in the master, so Excel
shows it only while the master is the active window: when the master is active, every OTHER open workbook
holding an annex is checked (the clerk opens the returns, comes back to the master, clicks); when another
workbook is active (an add-in copy of the tab, or a call from VBA elsewhere), that one; and when no other
workbook is open, the master's own sheets.
"""

from __future__ import annotations

from dataclasses import replace

import xlwings as xw

from ..core.check import check_return
from ..core.flags import summary
from ..core.forms import load_campaign, roster_from_rows
from ..core.locate import locate
from ..core.rules import load_rules
from ..core.tables import check_result_table, consolidation_tables
from ..files.namelist_source import without_lists
from . import book as read
from .errors import UserError, entry
from .flags import clear_book, flag_book
from .jobs import consolidate_in_excel
from .write import alert, fresh_sheet, write_table

RESULT_SHEET = "审核结果"


def _caller():
    return xw.Book.caller()


def _targets(master) -> list:
    active = master.app.books.active
    if active is not None and active.name != master.name:
        return [active]
    others = [b for b in master.app.books if b.name != master.name and not b.name.upper().startswith("PERSONAL.")]
    return others or [master]


def campaign_for(book):
    campaign = load_campaign()
    rows = read.roster_rows(book)
    if rows:
        campaign = replace(campaign, roster=roster_from_rows(rows, read.ROSTER_SHEET))
    tolerance = read.tolerance_setting(book)
    return campaign if tolerance is None else replace(campaign, tolerance=tolerance)


@entry(_caller)
def validate(master) -> None:
    campaign = campaign_for(master)
    rules = load_rules(campaign)
    results = []
    for book in _targets(master):
        try:
            # issue #16: a 实名制 list open beside the returns is no annex with nothing in it
            data = locate(without_lists(read.workbook_data(book, skip=(RESULT_SHEET,)), campaign), campaign)
        except Exception:
            if book.name == master.name:
                raise
            continue  # another open workbook that is no return (PERSONAL.XLSB, an add-in): not ours to check
        if not data.forms:
            continue
        report = check_return(data, campaign, rules)
        flag_book(book, report)
        write_table(book, fresh_sheet(book, RESULT_SHEET), check_result_table(report, book.name))
        results.append((book, summary(report.findings)))
    if not results:
        names = "、".join(f"“{b.name}”" for b in _targets(master))
        raise UserError(
            f"{names}中没有找到附件1或附件2。请先在 Excel 中打开要审核的退回表（可以同时打开多个），"
            "再回到本工作簿点击“校验当前表”。"
        )
    if len(results) == 1:
        alert(results[0][0], results[0][1])
    else:
        alert(master, "\n".join(f"{book.name}：{text}" for book, text in results))


@entry(_caller)
def clear_flags(master) -> None:
    count = sum(clear_book(book) for book in _targets(master))
    alert(master, f"已清除 {count} 个单元格的标记，恢复了原来的颜色和批注。" if count else "没有需要清除的标记。")


@entry(_caller)
def consolidate(master) -> None:
    campaign = campaign_for(master)
    result = consolidate_in_excel(master, campaign)
    for table in consolidation_tables(result, campaign):
        write_table(master, fresh_sheet(master, table.name), table)
    errors = sum(1 for _, _, f in result.findings() if f.severity.value == "error")
    counted = "、".join(f"{campaign.form(f).annex} {n} 个单位" for f, n in result.unit_counts.items())
    reported = sum(1 for r in result.rows if r.status == "已报")
    alert(master, f"汇总完成：{counted}。\n已报 {reported} 个单位，未报 {sum(1 for r in result.rows if r.status == '未报')} 个。\n"
                  f"审核：{errors} 个错误、{len(result.findings()) - errors} 个提示，详见“审核结果”。")


@entry(_caller)
def make_templates(master) -> None:
    from ..files.template import write_templates

    paths = write_templates(load_campaign(), read.book_folder(master))
    alert(master, "已生成空白表：\n" + "\n".join(str(p) for p in paths))


if __name__ == "__main__":
    xw.Book("wennuan_master.xlsm").set_mock_caller()
    validate()
