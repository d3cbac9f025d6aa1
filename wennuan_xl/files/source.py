"""One returned workbook, from path to located return: the reader plus the locator."""

from __future__ import annotations

from pathlib import Path

from ..core import rollup_read
from ..core.findings import ReturnUnusable
from ..core.forms import Campaign
from ..core.locate import ReturnData, locate
from ..core.workbook import SheetData, WorkbookData
from . import limits
from .read import read_workbook


def check_locator_input(book: WorkbookData, shown: str) -> None:
    """Refuse a workbook whose sheets for the annex locator hold more text or value cells than it can compare
    in time (``limits.LOCATOR_TEXT_BYTES``, ``LOCATOR_CELLS``). The guard lets a list's size through before the
    read; here only the sheets the locator is given count, so a 实名制 list of thousands of people is read while
    as much where 附件1 is looked for is still refused. A workbook whose whole content the guard counted under
    both limits is not counted again cell by cell."""
    if book.at_most is not None and book.at_most[0] <= limits.LOCATOR_CELLS and book.at_most[1] <= limits.LOCATOR_TEXT_BYTES:
        return
    text = cells = 0
    for sheet in book.sheets:
        more_cells, more_text = sheet_content(sheet)
        cells, text = cells + more_cells, text + more_text
        if text > limits.LOCATOR_TEXT_BYTES or cells > limits.LOCATOR_CELLS:
            sheets = "、".join(f"“{s.name}”" for s in book.sheets)
            what = (f"的文字内容合计超过 {limits.LOCATOR_TEXT_BYTES // 1024:,} KB" if text > limits.LOCATOR_TEXT_BYTES
                    else f"有超过 {limits.LOCATOR_CELLS:,} 个填有内容的单元格")
            raise ReturnUnusable(shown, f"工作表 {sheets} {what}，远超一份统计表，不予读取；若其中是实名制名单，"
                                        "请按模板的表头填写（应有“姓名”“公民身份号码”等栏目），名单即可读取")


def sheet_content(sheet: SheetData) -> tuple[int, int]:
    """(value cells, bytes of their text) of a sheet as read: what the locator's limits count."""
    text = cells = 0
    for row in sheet.rows:
        for v in row:
            if v is None or v == "":
                continue
            cells += 1
            if isinstance(v, str):
                text += len(v.encode("utf-8", "surrogatepass"))
    return cells, text


def load_return(path: Path | str, campaign: Campaign, display: str | None = None, follow_links: bool = True) -> ReturnData:
    """Parses the file in this process: the command line and the folder reader call it inside an isolated
    worker (``isolated.py``). ``follow_links=False``: a symbolic link is not followed (files found in a
    folder, which are read only when they are regular files)."""
    shown = display or str(path)
    book = read_workbook(path, shown, follow_links=follow_links)
    if rollup_read.marked(book, campaign):  # 层层汇总: a lower union's consolidated workbook, read by its own sheets
        return rollup_read.read_rollup(book, campaign)[0]
    check_locator_input(book, shown)
    data = locate(book, campaign)
    if not data.forms:
        annexes = "、".join(f"{f.annex}（{f.title}）" for f in campaign.forms)
        sheets = "、".join(f"“{s.name}”" for s in book.sheets) or "无"
        raise ReturnUnusable(shown, f"未找到{annexes}：工作表 {sheets} 中既没有表格名称，也没有对应的标题或指标代码")
    return data
