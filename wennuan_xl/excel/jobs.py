"""汇总 in Excel: the CLI's job (read the folder, consolidate) with progress in Excel's status bar, written
into the master's sheets — its 催报清单 asking by 设置's 重新报送截止日期 — with links from 审核结果 to each
unit's file, the CLI workbook's charts, and (WN_FEEDBACK on 设置) a feedback copy per unit with problems,
written by the CLI's job."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from ..core import remind
from ..core.consolidate import Consolidation
from ..core.forms import Campaign
from ..core.provenance import LOWER_HINT, LOWER_SHEET, TRACE_HINT, TRACE_SHEET
from ..core.tables import (
    DETAIL_SHEET,
    FINDINGS_SHEET,
    consolidation_tables,
    detail_units,
    grid,
    with_file_links,
)
from ..files.chart import consolidation_charts
from ..jobs import read_and_consolidate, write_feedback
from ..settings import Settings
from . import book as read
from .chart import write_charts
from .write import find_sheet, fresh_sheet, quiet_screen, status, write_table


def consolidate_in_excel(master, settings: Settings, today: dt.date | None = None) -> str:
    """Run 汇总 for the master and return the message for the clerk."""
    folder = read.folder_setting(master)
    campaign = settings.campaign
    day = today or dt.date.today()
    # the resubmission date is checked before the long part
    settings = replace(settings, feedback_day=day, resubmit_by=read.resubmit_setting(master, day))  # letters, 催报清单
    result = _consolidate(master, folder, settings)
    status(master, "送温暖汇总：正在写入汇总表……")
    try:
        with quiet_screen(master):
            detail: list = []
            written = set()
            for table in consolidation_tables(result, campaign, day, settings.resubmit_by):
                written.add(table.name)
                if table.name == FINDINGS_SHEET:
                    table = with_file_links(table, lambda name: str(folder / name))
                if table.name == DETAIL_SHEET:
                    detail = grid(table)
                write_table(master, fresh_sheet(master, table.name), table)
            write_charts(master, consolidation_charts(result, campaign, len(detail_units(result, campaign))), detail)
            _reset_stale(master, written)
        feedback = _feedback(master, result, settings, folder)
    finally:
        status(master, None)
    return summary_text(result, campaign, day, settings.resubmit_by) + feedback


def _reset_stale(master, written: set[str]) -> None:
    """What an earlier 汇总 left that this one does not replace: the 下级明细 of roll-ups no longer read, and
    the 溯源 of earlier totals. Each sheet keeps only its hint (溯源 reads 下级明细 only when 来源 lists
    returns below a roll-up)."""
    for name, hint in ((LOWER_SHEET, LOWER_HINT), (TRACE_SHEET, TRACE_HINT)):
        if name not in written and find_sheet(master, name) is not None:
            fresh_sheet(master, name).range("A1").value = hint


def _consolidate(master, folder: Path, settings: Settings) -> Consolidation:
    shown = {"step": -1}

    def progress(done: int, total: int, name: str) -> None:
        step = done * 20 // max(total, 1)  # every 5 %, not every file
        if step != shown["step"]:
            shown["step"] = step
            status(master, f"送温暖汇总：正在读取 {done}/{total} 个文件……")

    result = read_and_consolidate(settings, folder, progress, master=read.book_folder(master) / master.name)
    status(master, "送温暖汇总：正在汇总……")
    return result


def _feedback(master, result: Consolidation, settings: Settings, folder: Path) -> str:
    out_dir = settings.feedback_dir
    if out_dir is None:
        return ""
    status(master, "送温暖汇总：正在生成反馈副本……")
    done = write_feedback(result, settings, folder)
    text = f"\n反馈副本：{len(done.written)} 份，已存入 {out_dir}" if done.written else "\n反馈副本：没有需要反馈的单位。"
    if done.failed:
        text += "\n未能生成的反馈副本：\n" + "\n".join(done.failed)
    return text


def summary_text(result: Consolidation, campaign: Campaign, day: dt.date | None = None,
                 resubmit_by: dt.date | None = None) -> str:
    counted = "、".join(f"{campaign.form(f).annex} {n} 个单位" for f, n in result.unit_counts.items())
    reported = sum(1 for r in result.rows if r.status == "已报")
    missing = sum(1 for r in result.rows if r.status == "未报")
    rollups = {u.unit for u in result.used if u.included and u.returned.rollup is not None}
    below = (f"其中 {len(rollups)} 个单位报送的是下级汇总表，按最基层的报表计："
             + "、".join(f"{campaign.form(f).annex} {n} 个单位" for f, n in result.base_counts.items()) + "。\n") if rollups else ""
    previous = ""
    if result.previous is not None:
        compared = sum(1 for _, _, f in result.findings() if f.previous)
        notes = f"；{len(result.previous.notes)} 条注意事项见“审核结果”末尾" if result.previous.notes else ""
        previous = f"\n{result.previous.summary()}；上年同期提示 {compared} 个{notes}。"
    return (f"汇总完成：{counted}。\n{below}已报 {reported} 个单位，未报 {missing} 个。\n"
            f"审核：{result.audit_line()}，详见“审核结果”（点文件名可打开该单位的退回表）。{previous}\n"
            + remind.remind_line(result, campaign, remind.remind_dates(campaign, day or dt.date.today(), resubmit_by)))
