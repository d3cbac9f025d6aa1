"""Feedback on a unit's 实名制 list: its own workbook with the problem cells filled and noted, 审核结果, and in
front a 审核意见 sheet addressed to the unit. The unit's own rows stay as it typed them (its own IDs, in its
own list); every message, the 审核结果 and 审核意见 sheets show IDs masked, also of a person another unit paid.
File name ``<单位>-实名制-审核意见-<日期>.xlsx``; the original is never written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl.styles import Alignment, Font

from ..core.consolidate import Consolidation
from ..core.findings import Finding, Report, Severity
from ..core.findings_table import by_level, finding_rows
from ..core.forms import Campaign
from ..core.namelist.spec import namelist_spec
from ..core.workbook import column_letter
from . import style
from .atomic import Inputs, OutputError, unique_path
from .feedback import (
    FeedbackResult,
    chinese_date,
    feedback_name,
    folder_inputs,
    letter_columns,
    needs_feedback,
    write_copy_with_letter,
    write_findings_rows,
)
from .flagged import clean, text_cell
from .style import FONT

MIDDLE = "实名制"


def list_feedback_items(result: Consolidation) -> list[tuple[str, str, list[Finding]]]:
    """(unit, file, findings) for each list in use with a 错误 or an open 提示."""
    if result.lists is None:
        return []
    out = []
    for u in result.lists.lists:
        findings = [f for unit, file, f in result.lists.findings if unit == u.unit and file == u.file]
        if needs_feedback(findings):
            out.append((u.unit, u.file, findings))
    return out


def write_list_feedback(result: Consolidation, campaign: Campaign, folder: Path | str, out_dir: Path | str,
                        day: dt.date | None = None, deadline: dt.date | None = None,
                        inputs: Inputs | None = None) -> FeedbackResult:
    """As ``feedback.write_feedback_copies``: each copy written by an isolated worker (openpyxl opens the unit's
    workbook there), never over an input of the run, a name taken twice numbered."""
    folder, out_dir = Path(folder), Path(out_dir)
    day = day or dt.date.today()
    done = FeedbackResult()
    items = list_feedback_items(result)
    if not items:
        return done
    inputs = folder_inputs(folder, inputs)
    taken: set[Path] = set()
    calls = []
    for unit, file, findings in items:
        source = folder / file
        suffix = source.suffix.lower() if source.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
        target = unique_path(out_dir / feedback_name(unit, day, suffix, MIDDLE), inputs, taken)
        report = Report(file=file, unit=unit, forms=(), values={}, findings=tuple(findings))
        calls.append((str(source), report, str(target), campaign, unit, day, deadline or campaign.deadline, inputs))
    from .isolated import Died, run_copies

    for (unit, *_), answer in zip(items, run_copies(list_feedback_task, calls, campaign)):
        if isinstance(answer, Died):
            done.failed.append(f"{clean(unit)}（实名制名单）：未能生成审核意见副本（{answer.reason}）")
        elif answer[0] == "ok":
            done.written.append(Path(answer[1]))
        else:
            done.failed.append(f"{clean(unit)}（实名制名单）：{answer[1]}")
    return done


def list_feedback_task(source: str, report: Report, out: str, campaign: Campaign, unit: str, day: dt.date,
                       deadline: dt.date, inputs: Inputs) -> tuple[str, str]:
    """A worker's task: ("ok", path) or ("failed", the clerk's message)."""
    try:
        return "ok", str(write_list_feedback_copy(Path(source), report, Path(out), campaign, unit, day, deadline, inputs))
    except OutputError as exc:
        return "failed", str(exc)


def write_list_feedback_copy(source: Path, report: Report, out: Path, campaign: Campaign, unit: str, day: dt.date,
                             deadline: dt.date, protect: Inputs | None = None) -> Path:
    """Opens the unit's workbook with openpyxl in this process (``write_list_feedback`` runs it in a worker)."""
    return write_copy_with_letter(
        source, report, out, lambda ws, clean_report, clean_unit: _opinion(ws, clean_report, campaign, clean_unit, day,
                                                                           deadline),
        unit, campaign, protect)


def _opinion(ws, report: Report, campaign: Campaign, unit: str, day: dt.date, deadline: dt.date) -> None:
    spec = namelist_spec(campaign)
    title = spec.title if spec is not None else "实名制名单"
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    warnings = [f for f in report.findings if f.severity is Severity.WARNING and not f.explained]
    counts = "、".join(p for p in (f"{len(errors)} 个错误" if errors else "", f"{len(warnings)} 个提示" if warnings else "") if p)
    body = (
        f"经审核，贵单位报送的《{title}》（文件“{Path(report.file).name}”）有 {counts}需要处理，详见下表。"
        "错误必须修改；提示请核实。公民身份号码在本意见中以遮盖形式显示，完整号码见贵单位名单中标出的单元格。"
        f"请于 {chinese_date(deadline)}前将修改后的名单重新报送{campaign.issuer}。"
    )
    rows = by_level(finding_rows(campaign, ((unit, report.file, f) for f in report.findings)))
    last = len(letter_columns(rows))  # 0-based: 序号 is column 0
    last_letter = column_letter(last + 1)
    head = text_cell(ws, 1, 1, f"{campaign.name}实名制名单审核意见")
    head.font = Font(name=FONT, size=16, bold=True)
    head.alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A1:{last_letter}1")
    text_cell(ws, 2, 1, f"{unit}：").font = Font(name=FONT, size=12, bold=True)
    para = text_cell(ws, 3, 1, "　　" + body)
    para.font = Font(name=FONT, size=12)
    para.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A3:{last_letter}3")
    row = write_findings_rows(ws, 4, rows)
    text_cell(ws, row, last + 1, campaign.issuer).alignment = Alignment(horizontal="right")
    text_cell(ws, row + 1, last + 1, chinese_date(day)).alignment = Alignment(horizontal="right")
    style.openpyxl_fit_rows(ws, 3)
    style.openpyxl_page(ws, style.Page(landscape=True, repeat_rows=(3, 3), area=(0, 0, row, last), centered=True))
    ws.sheet_properties.tabColor = style.tab_colour(bool(errors), True)
