"""汇总 in Excel: the CLI's job (read the folder, consolidate) with progress in Excel's status bar."""

from __future__ import annotations

from ..core.consolidate import Consolidation, consolidate
from ..core.forms import Campaign, load_campaign
from ..core.rules import load_rules
from ..files.bulk import find_returns, read_folder
from ..files.consolidated import is_consolidated_output
from . import book as read
from .write import status


def consolidate_in_excel(master, campaign: Campaign) -> Consolidation:
    folder = read.folder_setting(master)
    rules = load_rules(campaign)
    # Worker processes reload the campaign from its folder: a tolerance set on 设置 only holds in this one.
    workers = None if campaign.tolerance == load_campaign(campaign.folder).tolerance else 1
    shown = {"step": -1}

    def progress(done: int, total: int, name: str) -> None:
        step = done * 20 // max(total, 1)  # every 5 %, not every file
        if step != shown["step"]:
            shown["step"] = step
            status(master, f"送温暖汇总：正在读取 {done}/{total} 个文件……")

    recursive = read.yes(master, "WN_RECURSIVE")
    # Neither the master itself nor a consolidated workbook the CLI saved there is a unit's return.
    master_path = str(read.book_folder(master) / master.name)
    skip = tuple(p for p in find_returns(folder, recursive) if str(p) == master_path or is_consolidated_output(p))
    try:
        returns = read_folder(folder, campaign, rules, recursive=recursive, progress=progress, workers=workers, skip=skip)
        status(master, "送温暖汇总：正在汇总……")
        return consolidate(returns, campaign, rules, exclude_errors=read.yes(master, "WN_EXCLUDE_ERRORS"))
    finally:
        status(master, None)
