"""One returned workbook, from path to located return: the reader plus the locator."""

from __future__ import annotations

from pathlib import Path

from ..core.findings import ReturnUnusable
from ..core.forms import Campaign
from ..core.locate import ReturnData, locate
from .read import read_workbook


def load_return(path: Path | str, campaign: Campaign, display: str | None = None, follow_links: bool = True) -> ReturnData:
    """Parses the file in this process: the command line and the folder reader call it inside an isolated
    worker (``isolated.py``). ``follow_links=False``: a symbolic link is not followed (files found in a
    folder, which are read only when they are regular files)."""
    shown = display or str(path)
    book = read_workbook(path, shown, follow_links=follow_links)
    data = locate(book, campaign)
    if not data.forms:
        annexes = "、".join(f"{f.annex}（{f.title}）" for f in campaign.forms)
        sheets = "、".join(f"“{s.name}”" for s in book.sheets) or "无"
        raise ReturnUnusable(shown, f"未找到{annexes}：工作表 {sheets} 中既没有表格名称，也没有对应的标题或指标代码")
    return data
