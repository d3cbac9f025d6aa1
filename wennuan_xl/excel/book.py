"""Reading from live Excel: every sheet in one bulk read, the defined names, the master's settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..core.locate import is_checklist
from ..core.workbook import CellRef, SheetData, WorkbookData, name_table, parse_a1
from . import unseen
from .errors import UserError

SETTINGS_SHEET, ROSTER_SHEET, CONFIG_SHEET = "设置", "单位名单", "xlwings.conf"
# Sheets that make a workbook one of ours, not a unit's return: a master (this one or a copy of it), and a
# consolidated workbook (the Excel 汇总's or the CLI's), whose 汇总-附件1/2 sheets look like annexes.
OWN_WORKBOOKS = (
    ({CONFIG_SHEET, SETTINGS_SHEET}, "这是送温暖主工作簿，不是退回表"),
    ({"上报情况", "明细"}, "这是汇总结果，不是退回表"),
)


def sheet_rows(sheet) -> list[list[object]]:
    """The sheet's used range in ONE read, padded so that rows[0] is row 1 and rows[r][0] column A."""
    used = sheet.used_range
    values = used.options(ndim=2, empty=None).value or [[]]
    top, left = used.row, used.column
    pad: list[object] = [None] * (left - 1)
    blank_rows: list[list[object]] = [[] for _ in range(top - 1)]
    return blank_rows + [pad + list(row) for row in values]


def workbook_data(book, skip: tuple[str, ...] = ()) -> WorkbookData:
    """What the core's locator needs: the sheets as grids and the workbook's defined names; on Excel, with what a
    copy Excel saves says besides the values (hidden rows and columns, merges, formats, comments: ``unseen``)."""
    sheets = tuple(SheetData(s.name, sheet_rows(s), visible=bool(s.visible)) for s in book.sheets if s.name not in skip)
    copy = unseen.saved_copy(book)
    if copy is not None:
        sheets = unseen.with_unseen(sheets, copy, {s.name for s in sheets if is_checklist(s)})
    return WorkbookData(book.fullname, sheets, defined_names(book))


def defined_names(book) -> dict[str, CellRef]:
    """Upper-case name -> cell, for names that point at one cell. Two Excel calls a name (name, target):
    bounded by the form's fields, not by how many cells are checked or flagged."""
    entries = []
    for name in book.names:
        try:
            full, target = name.name, name.refers_to
        except Exception:  # noqa: BLE001 - a name Excel cannot resolve (#REF!, external) is no input cell
            continue
        # Excel calls a sheet-level name "附件1!A1_01A"; precedence is the file reader's (core.workbook.name_table)
        entries.append((full.rsplit("!", 1)[-1], parse_reference(target), "!" in full))
    return name_table(entries)


def parse_reference(target: str | None) -> CellRef | None:
    """"=附件1!$E$9" or "='附件 1'!$E$9" -> CellRef; None for ranges, constants, #REF!."""
    text = (target or "").lstrip("=").strip()
    sheet, sep, a1 = text.rpartition("!")
    if not sep:
        return None
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    rc = parse_a1(a1)
    return CellRef(sheet, rc[0], rc[1]) if rc else None


def setting(book, name: str) -> object:
    """The value of a workbook-level name on the 设置 sheet (a cell, or a constant such as =0.01); None if absent."""
    try:
        item = book.names[name]
    except Exception:  # noqa: BLE001 - the COM lookup raises an engine-specific error for a missing name
        return None
    try:
        value = item.refers_to_range.value
    except Exception:  # noqa: BLE001 - a constant name has no range: Excel raises its own COM error
        constant = str(item.refers_to or "").lstrip("=").strip().strip('"')
        try:
            return float(constant)
        except ValueError:
            return constant or None
    return value.strip() if isinstance(value, str) else value


def yes(book, name: str, default: bool = False) -> bool:
    value = setting(book, name)
    if value is None or value == "":
        return default
    return str(value).strip() in ("是", "Y", "y", "yes", "True", "TRUE", "1", "1.0")


def text_setting(book, name: str) -> str | None:
    """A setting typed as text (本单位名称 …), None when blank or absent. A number typed there (a phone
    number Excel took for one) is given back as typed, without ".0"."""
    value = setting(book, name)
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def folder_setting(book) -> Path:
    value = setting(book, "WN_FOLDER")
    if value is None or str(value).strip() == "":
        raise UserError("请先在“设置”工作表中填写各单位退回表所在的文件夹，然后再点“汇总”。")
    folder = Path(str(value).strip().strip('"'))
    if not folder.is_absolute():
        folder = book_folder(book) / folder
    if not folder.is_dir():
        raise UserError(f"找不到文件夹：{folder}\n请在“设置”工作表中检查退回表所在的文件夹。")
    return folder


def tolerance_setting(book) -> float | None:
    value = setting(book, "WN_TOLERANCE")
    if value is None or value == "":
        return None
    try:
        tolerance = float(str(value).strip())
    except ValueError:
        raise UserError(f"“设置”工作表中的金额容差应为数字，现在是“{value}”。") from None
    if tolerance < 0:
        raise UserError(f"“设置”工作表中的金额容差不能为负数（{value}）。")
    return tolerance


FEEDBACK_FOLDER = "审核意见副本"  # beside the master, when 设置 names no folder for the feedback copies


def feedback_setting(book, returns: Path, recursive: bool) -> Path | None:
    """Where 汇总 writes the feedback copies (WN_FEEDBACK 是), or None. Never where the next 汇总 reads returns."""
    if not yes(book, "WN_FEEDBACK"):
        return None
    value = setting(book, "WN_FEEDBACK_DIR")
    target = Path(str(value).strip().strip('"')) if value not in (None, "") else Path(FEEDBACK_FOLDER)
    if not target.is_absolute():
        target = book_folder(book) / target
    folder, out = returns.resolve(), target.resolve()
    if out == folder or (recursive and folder in out.parents):
        raise UserError(f"反馈副本的文件夹不能是退回表所在的文件夹（{target}）：下次汇总会把副本当作退回表读取。\n"
                        "请在“设置”工作表中另选一个“反馈副本存放文件夹”。")
    return target


def resubmit_setting(book, day: dt.date) -> dt.date | None:
    """The resubmission date on 设置 (WN_RESUBMIT_BY) as a date, or None (blank: the letter's date + 3
    working days): what the feedback letters and the 催报清单 ask for. Excel gives a date cell as a
    datetime, a typed text as text."""
    value = setting(book, "WN_RESUBMIT_BY")
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        chosen = value.date()
    elif isinstance(value, dt.date):
        chosen = value
    else:
        text = str(value).strip().replace("/", "-").replace(".", "-")
        for sep in ("年", "月"):
            text = text.replace(sep, "-")
        text = text.rstrip("日")
        try:
            y, m, d = (int(p) for p in text.split("-"))
            chosen = dt.date(y, m, d)
        except ValueError:
            raise UserError(f"“设置”工作表中的重新报送截止日期应为日期，如 2017-1-25，现在是“{value}”。") from None
    if chosen < day:
        raise UserError(f"“设置”工作表中的重新报送截止日期（{chosen.isoformat()}）早于审核意见的日期（{day.isoformat()}）："
                        "反馈副本和“催报清单”都按这个日期要求各单位重新报送；请改为以后的日期，或清空该格。")
    return chosen


def previous_setting(book, returns: Path | None = None) -> Path | None:
    """Last year's figures on 设置 (WN_PREVIOUS): a consolidated workbook or a folder of last year's returns,
    relative to the master's folder; None when blank. Never this year's returns folder."""
    value = setting(book, "WN_PREVIOUS")
    if value is None or str(value).strip() == "":
        return None
    path = Path(str(value).strip().strip('"'))
    if not path.is_absolute():
        path = book_folder(book) / path
    if returns is not None and path.resolve() == returns.resolve():
        raise UserError(f"“设置”工作表中的上年同期数据（{path}）就是今年退回表所在的文件夹。\n"
                        "请填写上年的汇总工作簿，或上年各单位退回表所在的文件夹。")
    return path


def roster_rows(book) -> list[list[object]] | None:
    """The 单位名单 sheet (单位名称 | 选择汇总), or None when the master has no such sheet."""
    for sheet in book.sheets:
        if sheet.name == ROSTER_SHEET:
            return sheet_rows(sheet)
    return None


def book_folder(book) -> Path:
    return Path(book.fullname).parent


def other_books(master) -> list:
    """The workbooks open beside the master, in the order Excel lists them: never the master itself, nor
    the clerk's hidden macro workbook (PERSONAL.XLSB)."""
    return [b for b in master.app.books if b.name != master.name and not b.name.upper().startswith("PERSONAL.")]


def own_workbook(book) -> str | None:
    """Why ``book`` is one of ours rather than a return (None for any other workbook)."""
    names = {s.name for s in book.sheets}
    for marks, why in OWN_WORKBOOKS:
        if marks <= names:
            return why
    return None
