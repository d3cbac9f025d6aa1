"""Feedback copies: what the city union found goes back to each unit as a workbook it can act on.

For every return in use that has a 错误 or an open 提示, a copy of the unit's own file: problem cells
filled and noted (the flagged-copy writer's flags), the 审核结果 list, and in front a 审核意见 sheet
addressed to the unit by name ("市中区总工会：经审核，贵单位报送的……"), listing what to correct, with a
resubmission date of its own (the letter's date + 3 working days, or the clerk's), the campaign's contact
person and phone, and the issuer's signature with room for its seal. The originals are never written (``atomic_path`` protects them); a return that
is not .xlsx/.xlsm gets a workbook with the two sheets only. File names say unit and date:
``市中区总工会-审核意见-2017-01-21.xlsx``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ..core.consolidate import Consolidation, Returned, Used
from ..core.dates import add_working_days, chinese_date
from ..core.findings import Finding, Report, Severity
from ..core.findings_table import (
    ERROR,
    EXPLAINED,
    WARNING,
    Column,
    FindingRow,
    by_level,
    columns,
    finding_rows,
)
from ..core.flags import split_cell
from ..core.forms import Campaign
from ..core.tables import NUMBER_HEADING
from ..core.workbook import column_letter
from . import style
from .atomic import Inputs, OutputError, atomic_path, safe_filename, shown_path, unique_path
from .flagged import FILLS, RESULT_SHEET, clean, clean_report, text_cell, write_result_sheet
from .flags_openpyxl import flag_workbook

OPINION_SHEET = "审核意见"
EXPLAINED_FILL = PatternFill("solid", fgColor=style.EXPLAINED)
HEADER_FILL = PatternFill("solid", fgColor=style.HEADER)
THIN = Side(style="thin", color=style.BORDER)
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
_UNSAFE = re.compile(r"\s+")


@dataclass
class FeedbackResult:
    written: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # Chinese: which unit's copy could not be written, why


def needs_feedback(findings: list[Finding] | tuple[Finding, ...]) -> bool:
    """A 错误 or an open 提示; 提示 the unit already explained, and 注意, need no letter."""
    return any(f.open for f in findings)


def feedback_items(result: Consolidation) -> list[tuple[str, Returned, tuple[str, ...], list[Finding]]]:
    """(unit, return, annexes in use, findings) for each return in use that needs feedback, by unit."""
    by_file: dict[str, list[Used]] = {}
    for u in result.used:
        by_file.setdefault(u.returned.file, []).append(u)
    out = []
    for group in by_file.values():
        forms = tuple(u.form for u in group)
        returned = group[0].returned
        findings = [f for f in returned.findings if (f.codes[0].split(".")[0] if f.codes else "") in forms]
        if needs_feedback(findings):
            out.append((group[0].unit, returned, forms, findings))
    out.sort(key=lambda item: (item[0], item[1].file))
    return out


def feedback_name(unit: str, day: dt.date, suffix: str, annexes: str = "") -> str:
    """``<单位>[-<附件>]-审核意见-<日期><.xlsx>``: the unit's name as typed, made a safe file name (a very
    long name is shortened, control characters and what Windows forbids become ``_``)."""
    middle = f"-{annexes}" if annexes else ""
    tail = f"{middle}-审核意见-{day.isoformat()}"
    unit_part = _UNSAFE.sub("_", unit).strip() or "未填单位"
    room = 200 - len(tail.encode("utf-8")) - len(suffix.encode("utf-8"))
    return safe_filename(unit_part, "", room) + safe_filename(tail, suffix)


def write_feedback_copies(
    result: Consolidation, campaign: Campaign, folder: Path | str, out_dir: Path | str,
    day: dt.date | None = None, resubmit_by: dt.date | None = None, inputs: Inputs | None = None,
) -> FeedbackResult:
    """One feedback copy per return in use with a 错误 or an open 提示; ``day`` is the letter's date,
    ``resubmit_by`` the date it asks the corrected return by (default ``day`` + 3 working days).
    Each is written by an isolated worker; one that fails is reported for its unit and the others are
    written. A name that is an input of the run, or taken by another copy, gets a number."""
    folder, out_dir = Path(folder), Path(out_dir)
    day = day or dt.date.today()
    items = feedback_items(result)
    per_unit: dict[str, int] = {}
    for unit, *_ in items:
        per_unit[unit] = per_unit.get(unit, 0) + 1
    done = FeedbackResult()
    annex = {f.id: f.annex for f in campaign.forms}
    inputs = folder_inputs(folder, inputs)
    taken: set[Path] = set()
    calls = []
    for unit, returned, forms, findings in items:
        source = folder / returned.file
        suffix = source.suffix.lower() if source.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
        annexes = "、".join(annex[f] for f in forms) if per_unit[unit] > 1 else ""
        target = unique_path(out_dir / feedback_name(unit, day, suffix, annexes), inputs, taken)
        report = Report(file=returned.file, unit=returned.unit_typed or unit, forms=forms, values={},
                        findings=tuple(findings))
        calls.append((str(source), report, str(target), campaign, unit, forms, day, resubmit_date(campaign, day, resubmit_by), inputs))
    from .isolated import Died, run_copies

    shown_units = [clean(unit) for unit, *_ in items]
    for unit, answer in zip(shown_units, run_copies(feedback_copy_task, calls, campaign)):
        if isinstance(answer, Died):
            done.failed.append(f"{unit}：未能生成审核意见副本（{answer.reason}）")
        elif answer[0] == "ok":
            done.written.append(Path(answer[1]))
        else:
            done.failed.append(f"{unit}：{answer[1]}")
    return done


def feedback_copy_task(source: str, report: Report, out: str, campaign: Campaign, unit: str, forms: tuple[str, ...],
                       day: dt.date, resubmit_by: dt.date, inputs: Inputs) -> tuple[str, str]:
    """A worker's task (openpyxl opens the unit's workbook): ("ok", path) or ("failed", the clerk's message)."""
    try:
        return "ok", str(write_feedback_copy(Path(source), report, Path(out), campaign, unit, forms, day, resubmit_by, inputs))
    except OutputError as exc:
        return "failed", str(exc)


def folder_inputs(folder: Path, inputs: Inputs | None = None) -> Inputs:
    """``inputs`` (or none) with every file of the returns folder: no copy may be written over any of them."""
    inputs = inputs if inputs is not None else Inputs()
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            inputs.add(Path(dirpath) / name)
    return inputs


def write_feedback_copy(
    source: Path, report: Report, out: Path, campaign: Campaign, unit: str, forms: tuple[str, ...],
    day: dt.date, resubmit_by: dt.date, protect: Inputs | None = None,
) -> Path:
    """Opens the unit's workbook with openpyxl in this process (``write_feedback_copies`` runs it in a
    worker)."""
    return write_copy_with_letter(
        source, report, out,
        lambda ws, clean_report, clean_unit: write_opinion_sheet(ws, clean_report, campaign, clean_unit, forms, day,
                                                                 resubmit_by),
        unit, campaign, protect)


def write_copy_with_letter(source: Path, report: Report, out: Path, letter, unit: str, campaign: Campaign,
                           protect: Inputs | None = None) -> Path:
    """A copy of the unit's workbook (a new one when openpyxl cannot open it) with its cells flagged, a 审核结果
    sheet and, first and selected, the letter ``letter(ws, report, unit)`` writes; saved atomically, never over
    ``source`` or the other inputs. Shared by the annexes' and the 实名制 list's feedback copies."""
    report = clean_report(report)
    unit = clean(unit)
    book = None
    if source.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            book = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True)
        except Exception:  # noqa: BLE001 - any openpyxl failure: the letter is still written
            book = None  # a file openpyxl cannot open still gets the letter, without its own sheets
    if book is None:
        book = Workbook()
        book.remove(book.worksheets[0])
    else:
        flag_workbook(book, report)
    for name in (OPINION_SHEET, RESULT_SHEET):
        if name in book.sheetnames:
            del book[name]
    write_result_sheet(book.create_sheet(RESULT_SHEET), report, campaign)
    opinion = book.create_sheet(OPINION_SHEET, 0)
    letter(opinion, report, unit)
    for ws in book.worksheets:
        ws.sheet_view.tabSelected = ws is opinion
    book.active = 0
    inputs = protect if protect is not None else Inputs()
    inputs.add(source)
    try:
        with atomic_path(out, protect=inputs) as tmp:
            book.save(tmp)
    except OutputError:
        raise
    except OSError as exc:
        from .atomic import os_reason

        raise OutputError(f"无法写入 {shown_path(out)}：{os_reason(exc)}") from None
    return out


def resubmit_date(campaign: Campaign, day: dt.date, resubmit_by: dt.date | None = None) -> dt.date:
    """The date a letter dated ``day`` asks the corrected return by: the one the clerk set, or ``day``
    plus the campaign's working days (3), never the campaign's own deadline, which may have passed."""
    return resubmit_by or add_working_days(day, campaign.resubmit_working_days)


def opinion_body(report: Report, campaign: Campaign, forms: tuple[str, ...], resubmit_by: dt.date) -> str:
    errors = sum(1 for f in report.findings if f.severity is Severity.ERROR)
    open_warnings = sum(1 for f in report.findings if f.severity is Severity.WARNING and not f.explained)
    titles = "、".join(f"《{campaign.form(f).annex} {campaign.form(f).title}》" for f in forms)
    counts = "、".join(p for p in (f"{errors} 个错误" if errors else "", f"{open_warnings} 个提示" if open_warnings else "") if p)
    contact = campaign.contact.line()
    asks = "；".join(p for p in ("错误必须修改" if errors else "", "提示请核实，数字确实无误的，请在表内该行的“说明”栏写明原因"
                                 if open_warnings else "") if p)
    return (
        f"经审核，贵单位报送的{titles}（文件“{Path(report.file).name}”）有 {counts}需要处理，详见下表。{asks}。"
        f"请于 {chinese_date(resubmit_by)}前将修改后的报表重新报送{campaign.issuer}{campaign.contact.department}"
        "（纸质报表加盖公章，并报送电子文件）。"
        "表中有关单元格已用红色（错误）、黄色（提示）标出并附批注，“审核结果”表列有全部问题。"
        + (f"如有疑问，请与{campaign.issuer}{campaign.contact.department}联系（{contact}）。" if contact else "")
    )


# The letter's columns of the findings table, with widths that fit landscape A4 at about 95 %: no 单位 or
# 文件 (the letter names both), no 规则 (an id the unit has no use for); 附件 only when the letter covers two
# annexes, 单位说明 only when the unit wrote one.
LETTER_DROPS = ("unit", "file", "rule")
LETTER_WIDTHS = {"annex": 7, "cell": 11, "field": 22, "level": 7, "value": 10, "message": 50, "explanation": 18,
                 "action": 24}


def letter_columns(rows: list[FindingRow]) -> tuple[Column, ...]:
    drops = list(LETTER_DROPS)
    if len({r.annex for r in rows}) <= 1:
        drops.append("annex")
    if not any(r.explanation for r in rows):
        drops.append("explanation")
    return columns(*drops)


def write_findings_rows(ws: Worksheet, header_row: int, rows: list[FindingRow]) -> int:
    """The letter's table from ``header_row`` (1-based): 序号 and the findings table's columns the letter
    keeps, boxed, 级别 in its colour, 填写值 a number cell where it is a number. Returns the row after it."""
    cols = letter_columns(rows)
    for col, width in enumerate((5, *(LETTER_WIDTHS[c.key] for c in cols)), start=1):
        ws.column_dimensions[column_letter(col)].width = width
    for col, text in enumerate((NUMBER_HEADING, *(c.heading for c in cols)), start=1):
        cell = text_cell(ws, header_row, col, text)
        cell.font = Font(name=style.FONT, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row = header_row + 1
    for i, r in enumerate(rows, start=1):
        for col, column in enumerate((None, *cols), start=1):
            value = i if column is None else r.get(column.key)
            cell = text_cell(ws, row, col, value)
            cell.font = Font(name=style.FONT, size=11)
            cell.border = BOX
            centred = column is None or column.key in ("annex", "level")
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if centred else None)
            if column is not None and column.key == "value" and r.kind:
                cell.number_format = style.MONEY_FORMAT if r.kind == "money" else style.COUNT_FORMAT
            if column is not None and column.key == "level" and r.level in LEVEL_FILLS:
                cell.fill = LEVEL_FILLS[r.level]
            if column is not None and column.key == "cell":
                target = split_cell(r.cell)
                if target is not None and target[0] in (ws.parent.sheetnames if ws.parent else []):
                    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{target[0]}'!{target[1]}", display=r.cell)
                    cell.font = Font(name=style.FONT, color=style.LINK, underline="single")
        row += 1
    return row


LEVEL_FILLS = {ERROR: FILLS[Severity.ERROR], WARNING: FILLS[Severity.WARNING], EXPLAINED: EXPLAINED_FILL}


def write_opinion_sheet(
    ws: Worksheet, report: Report, campaign: Campaign, unit: str, forms: tuple[str, ...], day: dt.date,
    resubmit_by: dt.date,
) -> None:
    """The letter: title, the unit's name, the paragraph, the table of what to correct straight under it
    (错误, open 提示, 已说明, 注意), then the issuer with room for its seal and the date, right-aligned at the
    page's right margin."""
    rows = by_level(finding_rows(campaign, ((unit, report.file, f) for f in report.findings)))
    cols = letter_columns(rows)
    last_col = 1 + len(cols)
    title = text_cell(ws, 1, 1, f"{campaign.name}统计表审核意见")
    title.font = Font(name=style.FONT, size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
    ws.row_dimensions[1].height = 30
    text_cell(ws, 2, 1, f"{unit}：").font = Font(name=style.FONT, size=12, bold=True)
    para = text_cell(ws, 3, 1, "　　" + opinion_body(report, campaign, forms, resubmit_by))
    para.font = Font(name=style.FONT, size=12)
    para.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=last_col)
    header_row = 4
    row = write_findings_rows(ws, header_row, rows)
    # The issuer's name with room above it for the seal, then the date: both end at the right margin.
    sign = text_cell(ws, row, last_col, f"{campaign.issuer}（盖章）")
    sign.alignment = Alignment(horizontal="right", vertical="bottom")
    sign.font = Font(name=style.FONT, size=12)
    ws.row_dimensions[row].height = 60
    dated = text_cell(ws, row + 1, last_col, chinese_date(day))
    dated.alignment = Alignment(horizontal="right", vertical="top")
    dated.font = Font(name=style.FONT, size=12)
    style.openpyxl_fit_rows(ws, 3)
    style.openpyxl_page(ws, style.Page(landscape=True, repeat_rows=(header_row - 1, header_row - 1),
                                       area=(0, 0, row, last_col - 1), centered=True))
    ws.sheet_properties.tabColor = style.tab_colour(bool(report.errors), True)
