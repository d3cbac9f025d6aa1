"""One workbook, from path to what it holds: the annexes (located) and a 实名制 list (checked), read once.

A unit sends its list as a workbook of its own or as a sheet beside 附件1; either way the reader is the same
fast path as for the annexes (guard, calamine). Sheets that carry a list header are kept from the annex
locator (a list of 困难职工 and 困难农民工 has words that the locator would take for 附件1's labels).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..core import printed, rollup_read
from ..core.findings import ReturnUnusable
from ..core.forms import Campaign
from ..core.locate import ReturnData, locate
from ..core.namelist.check import ListReport, check_book
from ..core.namelist.locate import HEADER_SCAN_ROWS, list_sheets
from ..core.namelist.spec import ListSpec, namelist_spec
from ..core.rollup import Rollup
from ..core.values import raw_text
from ..core.workbook import WorkbookData
from .read import read_workbook
from .source import check_locator_input


def load_any(path: Path | str, campaign: Campaign, display: str | None = None, follow_links: bool = True,
             ) -> tuple[ReturnData, ListReport | None]:
    """The annexes found (possibly none) and the list (None when there is none); ReturnUnusable when neither.
    Parses the file in this process, like ``source.load_return``: callers run it in an isolated worker."""
    data, namelist, _ = load_parts(path, campaign, display, follow_links)
    return data, namelist


def load_parts(path: Path | str, campaign: Campaign, display: str | None = None, follow_links: bool = True,
               ) -> tuple[ReturnData, ListReport | None, Rollup | None]:
    """``load_any``, and what a lower union's consolidated workbook records below its totals (层层汇总): such a
    workbook is recognised by its own sheets and read as that union's return (core/rollup_read.py)."""
    shown = display or str(path)
    book = read_workbook(path, shown, follow_links=follow_links)
    if rollup_read.marked(book, campaign):
        data, rollup = rollup_read.read_rollup(book, campaign)
        return data, None, rollup
    data, namelist = split_book(book, campaign)
    return data, namelist, None


def without_lists(book: WorkbookData, campaign: Campaign) -> WorkbookData:
    """The workbook without its list sheets: what the annex locator may look at (a list's 困难职工 and 困难农民工
    are words of 附件1's labels, and would be taken for a form with no values)."""
    spec = namelist_spec(campaign)
    lists = set(list_sheets(book, spec)) if spec is not None else set()
    return replace(book, sheets=tuple(s for s in book.sheets if s.name not in lists)) if lists else book


def split_book(book: WorkbookData, campaign: Campaign) -> tuple[ReturnData, ListReport | None]:
    spec = namelist_spec(campaign)
    lists = set(list_sheets(book, spec)) if spec is not None else set()
    annex_book = replace(book, sheets=tuple(s for s in book.sheets if s.name not in lists)) if lists else book
    check_locator_input(annex_book, book.source)
    data = locate(annex_book, campaign)
    namelist = None
    if lists and spec is not None:
        unit = next((raw_text(f.cover_raw.get("UNIT")).strip() for f in data.forms if raw_text(f.cover_raw.get("UNIT")).strip()), "")
        namelist = check_book(book, spec, campaign, skip=frozenset(f.sheet for f in data.forms), unit_fallback=unit)
    if not data.forms and namelist is None:
        titled = _list_title_sheet(book, spec) if spec is not None else None
        if titled is not None and spec is not None:
            needed = "、".join(f"“{c.label}”" for c in spec.columns if c.required)
            raise ReturnUnusable(book.source, f"工作表“{titled}”的标题是{spec.annex}，但在前 {HEADER_SCAN_ROWS} 行中认不出表头"
                                              f"（应有 {needed} 等栏目），名单未能读取；请按模板的表头填写")
        annexes = "、".join(f"{f.annex}（{f.title}）" for f in campaign.forms)
        sheets = "、".join(f"“{s.name}”" for s in book.sheets) or "无"
        what = f"{annexes}或{spec.annex}" if spec is not None else annexes
        raise ReturnUnusable(book.source, f"未找到{what}：工作表 {sheets} 中既没有表格名称，也没有对应的标题、指标代码或名单表头")
    return data, namelist


def _list_title_sheet(book: WorkbookData, spec: ListSpec) -> str | None:
    detect = [printed.title_words(d) for d in spec.detect]
    for sheet in book.sheets:
        if not sheet.visible:
            continue
        for row in sheet.rows[:HEADER_SCAN_ROWS]:
            if any(isinstance(v, str) and len(v) < 200 and any(d in printed.title_words(v) for d in detect) for v in row):
                return sheet.name
    return None
