"""The ribbon's buttons. VBA calls each as ``RunPython "import wennuan_xl.excel.buttons as b; b.validate()"``.

Each is: the calling workbook (the master), read, the core, write, a message box. Errors: see errors.py.

审核退回表 (``validate``) / 清除标记 work on the returns the clerk has open beside the master: the 送温暖 tab
lives in the master, so Excel shows it only while the master is the active window, and the clerk opens
the returns, comes back and clicks. Every other open workbook is looked at (the master's own sheets
never: after a 汇总 its 汇总-附件1/2 sheets look like annexes), each on its own: one that fails is
reported and logged, and the others are still checked. With none open, Excel's file dialog asks for
returns; those in Protected View are named, with what to click.

Each click is a fresh Python (xlwings.conf: USE UDF SERVER False), so this module imports only what
审核 needs: the consolidation (excel/jobs.py, xlsxwriter, the folder reader) is imported by 汇总 alone, 溯源's
reading of the master's result sheets (excel/trace.py) by 溯源 alone,
and the campaign comes compiled from the disk cache (files/campaign_cache.py).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

import xlwings as xw

from ..core.check import check_return
from ..core.flags import summary
from ..core.forms import Campaign
from ..core.locate import locate
from ..core.previous import PreviousUnusable
from ..core.rules import RuleSet
from ..core.tables import check_result_table
from ..settings import Settings, settings
from . import book as read
from .errors import UserError, entry, write_log
from .flags import clear_book, flag_book
from .host import host_for
from .protection import SheetLocked, structure_unprotected, unprotected
from .write import alert, find_sheet, quiet_screen, status, write_table

RESULT_SHEET = "审核结果"
BUTTON = "审核退回表"  # the ribbon label of validate (vba_shims/customUI14.xml)
OPEN_FIRST = (f"请先在 Excel 中打开要审核的退回表（可以同时打开多个），再回到本工作簿点“{BUTTON}”；"
              "或者不打开任何退回表，直接点此按钮，在弹出的对话框中选择文件。")


def _caller():
    return xw.Book.caller()


def settings_for(book, consolidating: bool = False, previous: bool = False) -> Settings:
    """The job settings of a click: the compiled campaign with the roster of the 单位名单 sheet and the
    tolerance on 设置; for 汇总 also the folder options and where the feedback copies go; with ``previous``
    (审核, 汇总) last year's figures named on 设置 (WN_PREVIOUS)."""
    options: dict = {}
    returns = None
    if consolidating:
        recursive = read.yes(book, "WN_RECURSIVE")
        returns = read.folder_setting(book)
        options = {"recursive": recursive, "exclude_errors": read.yes(book, "WN_EXCLUDE_ERRORS"),
                   "feedback_dir": read.feedback_setting(book, returns, recursive)}
    last_year = read.previous_setting(book, returns) if previous else None
    try:
        return settings(roster_rows=read.roster_rows(book), roster_source=read.ROSTER_SHEET,
                        tolerance=read.tolerance_setting(book), previous=last_year,
                        unit=read.text_setting(book, "WN_UNIT"), person=read.text_setting(book, "WN_PERSON"),
                        phone=read.text_setting(book, "WN_PHONE"), **options)
    except PreviousUnusable as exc:
        raise UserError(f"{exc.reason}\n（“设置”工作表中的“上年同期数据”；不需要与上年比较时请清空该格。）") from None


def campaign_for(book) -> tuple[Campaign, RuleSet]:
    """The campaign and rules of a click of 审核退回表 (``settings_for``, with last year's figures)."""
    job = settings_for(book, previous=True)
    return job.campaign, job.rules


@dataclass(frozen=True)
class Outcome:
    """One workbook's line in the message box."""

    name: str
    text: str
    kind: str  # "checked", "skipped" (no return), "failed"

    @property
    def line(self) -> str:
        return f"{self.name}：{self.text}"


@entry(_caller)
def validate(master) -> None:
    host = host_for(master)
    protected = host.protected_view()
    outcomes: list[Outcome] = []
    _check_all(master, read.other_books(master), outcomes)
    if not protected and not any(o.kind in ("checked", "failed") for o in outcomes):
        # No return open (perhaps other workbooks, none a return): ask for some.
        paths = host.ask_for_files()
        if paths is None:
            text = "没有打开的退回表，也没有选择文件，未审核。\n" + OPEN_FIRST
            raise UserError("\n".join([*(o.line for o in outcomes), text]) if outcomes else text)
        _check_all(master, _open_all(host, paths, outcomes), outcomes)
    alert(master, report_text(outcomes, protected))


def _check_all(master, books: list, outcomes: list[Outcome]) -> None:
    if not books:
        return
    campaign, rules = campaign_for(master)
    try:
        with quiet_screen(master):
            for i, book in enumerate(books, start=1):
                status(master, f"正在审核 {book.name}（{i}/{len(books)}）……")
                outcomes.append(check_book(book, campaign, rules))
    finally:
        status(master, None)


def _open_all(host, paths: list[Path], outcomes: list[Outcome]) -> list:
    books = []
    for path in paths:
        try:
            books.append(host.open(path))
        except Exception as exc:  # noqa: BLE001 - a file Excel cannot open: said for that file, the others go on
            log = write_log(f"打开 {path} 时出错\n{traceback.format_exc()}")
            outcomes.append(Outcome(path.name, f"无法在 Excel 中打开（{_short(exc)}），未审核；详情已记录在：{log}", "failed"))
    return books


def check_book(book, campaign: Campaign, rules: RuleSet) -> Outcome:
    """Check one open workbook and mark it: fills and notes on its sheets, a 审核结果 sheet."""
    why = read.own_workbook(book)
    if why:
        return Outcome(book.name, f"{why}，未审核", "skipped")
    try:
        sheets = read.workbook_data(book, skip=(RESULT_SHEET,))
        data = locate(sheets, campaign)
        if any(not any(f.cells.values()) for f in data.forms):
            # issue #16: an "annex" with no field found may be a 实名制 list (its 困难职工 / 困难农民工 are words of
            # 附件1's labels): located again without the list sheets. Only then is the list's form loaded.
            from ..files.namelist_source import without_lists

            data = locate(without_lists(sheets, campaign), campaign)
        if not data.forms:
            return Outcome(book.name, "没有找到附件1或附件2，未审核", "skipped")
        report = check_return(data, campaign, rules)
        marked = flag_book(book, report)
        problems = list(marked.locked)
        try:
            _write_results(book, report, campaign)
        except SheetLocked as exc:
            problems.append(str(exc))
    except Exception as exc:  # noqa: BLE001 - one workbook's failure is that workbook's line, and logged
        log = write_log(f"审核 {book.name} 时出错\n{traceback.format_exc()}")
        return Outcome(book.name, f"审核时出错，未完成（{_short(exc)}）；详情已记录在：{log}", "failed")
    text = summary(report.findings)
    if report.findings:
        text += f"，已在表中标出，详见该工作簿的“{RESULT_SHEET}”表" if marked.cells else f"，详见该工作簿的“{RESULT_SHEET}”表"
    return Outcome(book.name, "；".join([text, *problems]), "checked")


def _write_results(book, report, campaign: Campaign) -> None:
    sheet = find_sheet(book, RESULT_SHEET)
    if sheet is None:
        with structure_unprotected(book):
            sheet = book.sheets.add(name=RESULT_SHEET, after=book.sheets[len(book.sheets) - 1])
    with unprotected(sheet):
        sheet.used_range.clear()
        write_table(book, sheet, check_result_table(report, book.name, campaign))


def report_text(outcomes: list[Outcome], protected: list[str]) -> str:
    lines = []
    checked = [o for o in outcomes if o.kind == "checked"]
    failed = [o for o in outcomes if o.kind == "failed"]
    if len(outcomes) == 1:
        lines.append(outcomes[0].line)
    elif outcomes:
        head = f"审核了 {len(checked)} 个退回表"
        if failed:
            head += f"，{len(failed)} 个出错未完成"
        if len(outcomes) - len(checked) - len(failed):
            head += f"，{len(outcomes) - len(checked) - len(failed)} 个不是退回表"
        lines.append(head + "：")
        lines += [f"· {o.line}" for o in outcomes]
    if protected:
        names = "、".join(protected)
        lines.append(f"{len(protected)} 个文件在“受保护的视图”中打开，不能审核：{names}。请切换到该窗口，点顶部黄条上的“启用编辑”，"
                     f"再回到本工作簿点“{BUTTON}”。")
    return "\n".join(lines)


def _short(exc: Exception) -> str:
    """The error in one line: Excel's own description for a COM error (pywintypes.com_error), else the text."""
    info = getattr(exc, "excepinfo", None)
    described = info[2] if isinstance(info, tuple) and len(info) > 2 and info[2] else ""
    text = str(described or exc).strip()
    text = text.splitlines()[0][:80] if text else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@entry(_caller)
def clear_flags(master) -> None:
    outcomes = []
    with quiet_screen(master):
        for book in read.other_books(master):
            outcomes += _clear_one(book)
    alert(master, "\n".join(outcomes) if outcomes else "已打开的工作簿中没有需要清除的标记。")


def _clear_one(book) -> list[str]:
    """One workbook's line (none when it had no flags); a failure is that line, logged, and the rest go on."""
    try:
        marked = clear_book(book)
    except Exception as exc:  # noqa: BLE001 - as in validate
        log = write_log(f"清除 {book.name} 的标记时出错\n{traceback.format_exc()}")
        return [f"{book.name}：清除时出错，未完成（{_short(exc)}）；详情已记录在：{log}"]
    if not (marked.cells or marked.locked):
        return []
    done = f"已清除 {marked.cells} 个单元格的标记，恢复了原来的颜色和批注" if marked.cells else "没有清除任何单元格"
    return ["；".join([f"{book.name}：{done}", *marked.locked])]


@entry(_caller)
def consolidate(master) -> None:
    from .jobs import consolidate_in_excel

    alert(master, consolidate_in_excel(master, settings_for(master, consolidating=True, previous=True)))


@entry(_caller)
def trace(master) -> None:
    """溯源: the units, files and cells behind the total selected on a 汇总 sheet (excel/trace.py)."""
    from .trace import trace_in_excel

    alert(master, trace_in_excel(master, settings_for(master)))


@entry(_caller)
def make_templates(master) -> None:
    from ..jobs import write_templates

    job = settings_for(master)
    paths = write_templates(job, read.book_folder(master))
    alert(master, "已生成空白表：\n" + "\n".join(str(p) for p in paths)
          + f"\n（金额误差 {job.campaign.tolerance:g} 万元，与“设置”表一致）")


if __name__ == "__main__":
    xw.Book("wennuan_master.xlsm").set_mock_caller()
    validate()
