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
from ..core.forms import Campaign
from ..core.namelist.spec import namelist_spec
from . import style
from .atomic import Inputs, OutputError, unique_path
from .feedback import (
    BOX,
    HEADER_FILL,
    OPINION_HEADERS,
    FeedbackResult,
    chinese_date,
    feedback_name,
    folder_inputs,
    needs_feedback,
    write_copy_with_letter,
)
from .flagged import FILLS, clean, text_cell
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
        unit, protect)


def _opinion(ws, report: Report, campaign: Campaign, unit: str, day: dt.date, deadline: dt.date) -> None:
    spec = namelist_spec(campaign)
    title = spec.title if spec is not None else "实名制名单"
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    warnings = [f for f in report.findings if f.severity is Severity.WARNING]
    counts = "、".join(p for p in (f"{len(errors)} 个错误" if errors else "", f"{len(warnings)} 个提示" if warnings else "") if p)
    body = (
        f"经审核，贵单位报送的《{title}》（文件“{Path(report.file).name}”）有 {counts}需要处理，详见下表。"
        "错误必须修改；提示请核实。公民身份号码在本意见中以遮盖形式显示，完整号码见贵单位名单中标出的单元格。"
        f"请于 {chinese_date(deadline)}前将修改后的名单重新报送{campaign.issuer}。"
    )
    for letter, width in {"A": 6, "B": 8, "C": 16, "D": 14, "E": 70, "F": 30}.items():
        ws.column_dimensions[letter].width = width
    head = text_cell(ws, 1, 1, f"{campaign.name}实名制名单审核意见")
    head.font = Font(name=FONT, size=16, bold=True)
    head.alignment = Alignment(horizontal="center")
    ws.merge_cells("A1:F1")
    text_cell(ws, 3, 1, f"{unit}：").font = Font(name=FONT, size=12, bold=True)
    para = text_cell(ws, 4, 1, body)
    para.font = Font(name=FONT, size=12)
    para.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A4:F4")
    ws.row_dimensions[4].height = 78
    for col, text in enumerate(OPINION_HEADERS, start=1):
        cell = text_cell(ws, 6, col, text)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
    row = 7
    for i, f in enumerate(errors + warnings, start=1):
        request = "请修改" if f.severity is Severity.ERROR else "请核实；确属实情的，请在“备注”栏写明"
        values = (i, f.severity.label, f.cells[0] if f.cells else "", f.codes[0] if f.codes else "", f.message, request)
        for col, value in enumerate(values, start=1):
            cell = text_cell(ws, row, col, value)
            cell.font = Font(name=FONT, size=11)
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=col >= 4, vertical="top")
        ws.cell(row, 2).fill = FILLS[f.severity]
        row += 1
    text_cell(ws, row + 1, 5, campaign.issuer).alignment = Alignment(horizontal="right")
    text_cell(ws, row + 2, 5, chinese_date(day)).alignment = Alignment(horizontal="right")
    style.openpyxl_page(ws, style.Page(landscape=True, repeat_rows=(5, 5), area=(0, 0, row + 1, 5)))
    ws.sheet_properties.tabColor = "C00000" if errors else "FFC000"
